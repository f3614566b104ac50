package main

import (
	"fmt"
	"time"

	"efile/services/checks"
	"efile/services/civil"
)

// seedChecks writes the records of the four checks before a promotion (凡提四必,
// SPEC 13) for the seeded cadres, so that the checklist, vetting's `basis`,
// the integrity-opinion inbox, its alerts and the oversight of top leaders
// have something to show on seeded data:
//
//   - cadres of 副处级 and above are reporting subjects (reports_personal_matters);
//   - a third of the cadres have a dossier review in the last four months: every
//     item consistent, one in twenty settled by the organization's determination;
//   - half of the reporting subjects have a personal-matters check, one in
//     twenty with an omission (漏报);
//   - one cadre in ten has an integrity opinion: most replied 无问题 (one in
//     ten 线索已了结), some still pending, a few of those past their due date.
//
// The records are written as the organization department's reviewer would
// have written them, by the seed's own user (id 1, "种子数据").
func (s *seeder) seedChecks(cadres int) error {
	last := s.firstCadre + int64(cadres) - 1
	if err := s.db.Exec("UPDATE cadres SET reports_personal_matters = ? WHERE id BETWEEN ? AND ? AND `rank` IN ?",
		true, s.firstCadre, last, []string{"正处级", "副处级"}).Error; err != nil {
		return fmt.Errorf("seed reporting subjects: %w", err)
	}
	var subjects []int64
	if err := s.db.Raw("SELECT id FROM cadres WHERE id BETWEEN ? AND ? AND reports_personal_matters = ? ORDER BY id",
		s.firstCadre, last, true).Scan(&subjects).Error; err != nil {
		return fmt.Errorf("seed reporting subjects: %w", err)
	}
	maxes, err := s.maxIDs("dossier_reviews")
	if err != nil {
		return err
	}
	day := func(back int) civil.Date { return civil.Of(s.now.AddDate(0, 0, -back), s.now.Location()) }
	items := []string{checks.ItemBirthDate, checks.ItemWorkStart, checks.ItemPartyJoin, checks.ItemEducation, checks.ItemCareer, checks.ItemIdentity}

	var reviews, findings [][]any
	next := maxes[0] + 1
	for id := s.firstCadre; id <= last; id++ {
		if s.rng.IntN(3) != 0 {
			continue
		}
		reviews = append(reviews, []any{next, id, day(s.rng.IntN(120)), checks.ConclusionPass, "", 1, "种子数据", s.now})
		for _, it := range items {
			result, note := checks.FindingConsistent, ""
			if s.rng.IntN(20) == 0 {
				result, note = checks.FindingDetermined, "经组织认定（种子数据）"
			}
			findings = append(findings, []any{next, it, result, note})
		}
		next++
	}
	if err := s.insert("dossier_reviews", []string{"id", "cadre_id", "reviewed_on", "conclusion", "note", "recorded_by", "recorded_by_name", "recorded_at"}, reviews); err != nil {
		return err
	}
	if err := s.insert("dossier_findings", []string{"review_id", "item", "result", "note"}, findings); err != nil {
		return err
	}

	var matters [][]any
	kinds := []string{checks.MattersPrePromotion, checks.MattersRandom, checks.MattersTargeted}
	for _, id := range subjects {
		if s.rng.IntN(2) != 0 {
			continue
		}
		result := checks.MattersConsistent
		if s.rng.IntN(20) == 0 {
			result = checks.MattersOmission
		}
		matters = append(matters, []any{id, kinds[s.rng.IntN(len(kinds))], day(s.rng.IntN(300)), result, false, "", 1, "种子数据", s.now})
	}
	if err := s.insert("personal_matters_checks", []string{"cadre_id", "kind", "checked_on", "result", "family_emigrated", "note",
		"recorded_by", "recorded_by_name", "recorded_at"}, matters); err != nil {
		return err
	}

	var opinions [][]any
	for id := s.firstCadre; id <= last; id++ {
		if s.rng.IntN(10) != 0 {
			continue
		}
		asked := s.now.AddDate(0, 0, -s.rng.IntN(80)).Truncate(time.Second)
		due := civil.Of(asked.AddDate(0, 0, 15), asked.Location())
		row := []any{id, nil, "promotion", "", due, checks.StatusReplied, 1, "种子数据", asked}
		if s.rng.IntN(6) == 0 { // pending: due in the future, or past due
			p := id
			row[1], row[5] = &p, checks.StatusPending
			row = append(row, nil, "", "", nil, nil, nil, false)
		} else {
			c := checks.OpinionNoIssue
			if s.rng.IntN(10) == 0 {
				c = checks.OpinionClueClosed
			}
			replied := s.notAfterNow(asked.AddDate(0, 0, 1+s.rng.IntN(14)))
			by, name := int64(1), "种子数据"
			row = append(row, &c, "经查，未发现影响使用的问题（种子数据）。", "区纪委监委", &by, &name, replied, false)
		}
		opinions = append(opinions, row)
	}
	return s.insert("integrity_opinions", []string{"cadre_id", "pending_cadre_id", "purpose", "note", "due_on", "status",
		"requested_by", "requested_by_name", "requested_at", "conclusion", "text", "signed_by", "replied_by", "replied_by_name",
		"replied_at", "late"}, opinions)
}
