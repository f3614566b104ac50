package accesslog

import (
	"testing"

	"efile/models"
)

// Legacy turns the sealed chain into what an earlier efile left behind:
// each sealed entry with the MAC those versions wrote and kept (v1), or
// with none at all (bare: from before MACs existed), and mac_from as they
// set it, without the keyed record.
func (s *Service) Legacy(t testing.TB, bare bool) {
	t.Helper()
	var es []models.AccessEntry
	if err := s.db.Where("seq IS NOT NULL").Find(&es).Error; err != nil {
		t.Fatal(err)
	}
	for i := range es {
		e := &es[i]
		cols := map[string]any{"nonce": nil, "mac": nil}
		if !bare {
			cols = map[string]any{"mac": s.mac(pendingMessage(formV1, e))}
		}
		if err := s.db.Model(e).Updates(cols).Error; err != nil {
			t.Fatal(err)
		}
	}
	from := 1
	if bare {
		from = 0
	}
	if err := s.db.Exec("UPDATE chain_heads SET mac_from = ?, mac_from_tag = '' WHERE id = 1", from).Error; err != nil {
		t.Fatal(err)
	}
}

// Stamp is what a request does to its entry: a nonce and its pending MAC
// (nothing without the data key).
func (s *Service) Stamp(e *models.AccessEntry) { s.stamp(e) }
