package accesslog

import (
	"context"
	"errors"
	"fmt"

	"efile/models"
	"efile/services/datakey"

	"gorm.io/gorm"
)

// Where MAC checking starts.
//
// Entries sealed by this version carry a sealed MAC (mac.go) from the first
// one on. A database sealed by an earlier version holds entries without it:
// entries from before MACs existed (no MAC) and entries whose MAC does not
// cover their place (formV1). For those, the chain head row keeps MACFrom,
// the first seq with a sealed MAC, and MACFromTag, an HMAC over MACFrom and
// the hash of the entry before it. The tag makes MACFrom immovable by a
// database write (another value needs another tag), and it binds every
// entry before MACFrom too: changing one changes the hash the tag covers.
//
// The record is written once, by the first sealer holding the data key:
// at seq 1 on an empty chain, or after the last entry of a chain sealed by
// an earlier version. It is never re-created over entries sealed by this
// version: a chain without a record is adopted automatically only when its
// last entry carries a formV1 MAC, which this version never writes (so an
// intruder who removes the record and strips the sealed MACs cannot have a
// chain of their own adopted: the sealer refuses, and verify reports it).
// A chain from before MACs existed is adopted by `efile audit adopt`.

// UnadoptedError is the sealer's refusal to extend a chain that has no
// keyed record of where MAC checking starts and cannot be adopted
// automatically. Nothing is sealed; entries stay pending.
type UnadoptedError struct{ Seq int64 }

func (e *UnadoptedError) Error() string {
	return fmt.Sprintf("the access log has no keyed record of where MAC checking starts, and its last entry (seq %d) "+
		"carries no MAC of an earlier efile: sealing stopped. If the database comes from an efile older than "+
		"entry MACs, run `efile audit adopt` once; otherwise the record was removed: investigate (docs/SECURITY.md)", e.Seq)
}

// ErrStartRecord is the error of `efile keys rotate` on a record valid
// under neither key.
var ErrStartRecord = errors.New("the keyed record of where access-log MAC checking starts is valid under neither key (changed outside efile): run efile audit verify")

// lockHead takes the chain head row's lock (MySQL's row lock, SQLite's
// write lock) by writing it, then reads it.
func (s *Service) lockHead(db *gorm.DB) (models.ChainHead, error) {
	var head models.ChainHead
	if err := db.Model(&models.ChainHead{}).Where("id = 1").Update("sealed_at", s.now().UTC()).Error; err != nil {
		return head, err
	}
	err := db.First(&head, 1).Error
	return head, err
}

// hashBefore is the stored hash of the entry before seq from ("" if none).
func hashBefore(db *gorm.DB, from int64) (string, error) {
	if from <= 1 {
		return ZeroHash, nil
	}
	var e models.AccessEntry
	if err := db.Where("seq = ?", from-1).Limit(1).Find(&e).Error; err != nil || e.Hash == nil {
		return "", err
	}
	return *e.Hash, nil
}

// adoptable tells whether a chain without a record may get one after its
// last entry: it is empty, or its last entry, the one the head row names,
// carries the MAC an earlier version wrote.
func (s *Service) adoptable(db *gorm.DB, head *models.ChainHead) (bool, error) {
	if head.Seq == 0 {
		return true, nil
	}
	var last models.AccessEntry
	if err := db.Where("seq = ?", head.Seq).Limit(1).Find(&last).Error; err != nil {
		return false, err
	}
	return last.Hash != nil && *last.Hash == head.Hash && s.v1OK(&last), nil
}

// ensureStart writes the record if the chain has none, in the sealer's
// transaction (head locked).
func (s *Service) ensureStart(db *gorm.DB, head *models.ChainHead) error {
	if head.MACFromTag != "" {
		return nil
	}
	ok, err := s.adoptable(db, head)
	if err != nil {
		return err
	}
	if !ok {
		return &UnadoptedError{Seq: head.Seq}
	}
	return s.writeStart(db, head)
}

// writeStart records that sealed MACs start after the head.
func (s *Service) writeStart(db *gorm.DB, head *models.ChainHead) error {
	from := head.Seq + 1
	tag := s.mac(startMessage(from, head.Hash))
	head.MACFrom, head.MACFromTag = from, tag
	return db.Model(&models.ChainHead{}).Where("id = 1").
		Updates(map[string]any{"mac_from": from, "mac_from_tag": tag}).Error
}

// startState checks the record against the chain (under either key); prev
// is the hash it covers.
func (s *Service) startState(db *gorm.DB, head *models.ChainHead) (prev string, ok bool, st datakey.State, err error) {
	if prev, err = hashBefore(db, head.MACFrom); err != nil || prev == "" {
		return prev, false, datakey.Current, err
	}
	ok, st = s.check(startMessage(head.MACFrom, prev), &head.MACFromTag)
	return prev, ok, st, nil
}

// Adopt gives a chain without a record one after its last entry, so that
// entries sealed from now on carry chained MACs and the ones before are
// bound as they are: `efile audit adopt`, for a database from an efile
// older than entry MACs, whose chain the sealer will not adopt by itself.
// Check the chain (and an anchor, if one was kept) before: what is adopted
// is vouched for. It returns the first seq MACs are checked from.
func (s *Service) Adopt(ctx context.Context) (int64, error) {
	if s.keys == nil {
		return 0, errors.New("adopting the access log needs the data key")
	}
	var from int64
	err := models.WithTx(ctx, s.db, func(ctx context.Context) error {
		db := models.Get(ctx, s.db)
		head, err := s.lockHead(db)
		if err != nil {
			return err
		}
		if head.MACFromTag != "" {
			return fmt.Errorf("the access log already has a keyed record: MACs are checked from seq %d", head.MACFrom)
		}
		if err := s.writeStart(db, &head); err != nil {
			return err
		}
		from = head.MACFrom
		return nil
	})
	return from, err
}

// RetagStart is for `efile keys rotate`: it rewrites the record under the
// current key (adopting the chain first as the sealer would, if it has no
// record yet), and returns the first seq MACs are checked from and whether
// it wrote anything.
func (s *Service) RetagStart(ctx context.Context) (from int64, rewritten bool, err error) {
	err = models.WithTx(ctx, s.db, func(ctx context.Context) error {
		db := models.Get(ctx, s.db)
		head, err := s.lockHead(db)
		if err != nil {
			return err
		}
		if head.MACFromTag == "" {
			from, rewritten = head.Seq+1, true
			return s.ensureStart(db, &head)
		}
		prev, ok, st, err := s.startState(db, &head)
		from, rewritten = head.MACFrom, false
		switch {
		case err != nil:
			return err
		case !ok:
			return ErrStartRecord
		case st == datakey.Current:
			return nil
		}
		rewritten = true
		return db.Model(&models.ChainHead{}).Where("id = 1").
			Update("mac_from_tag", s.mac(startMessage(head.MACFrom, prev))).Error
	})
	return from, rewritten, err
}
