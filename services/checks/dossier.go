package checks

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"
	"efile/services/errs"
)

// Finding is one item of a dossier review as the reviewer states it.
type Finding struct {
	Item   string
	Result string
	Note   string
}

// NewReview is a dossier review to record.
type NewReview struct {
	ReviewedOn civil.Date
	Findings   []Finding
	Note       string
}

// Review is a stored dossier review with its findings in the order of the
// items (DossierItems). ValidUntil is the last day it counts for vetting.
type Review struct {
	models.DossierReview
	Findings   []models.DossierFinding
	ValidUntil civil.Date
}

// checkReview validates a review's body, cleans its text in place and
// computes its conclusion: discrepancy when any finding is one, pass
// otherwise (a determined item counts as consistent).
func checkReview(in *NewReview, today civil.Date) (string, error) {
	v := &errs.Validation{}
	date(v, "reviewed_on", in.ReviewedOn, today)
	in.Note = length(v, "note", in.Note, 0, MaxNote)
	conclusion := ConclusionPass
	first := map[string]int{}
	for i := range in.Findings {
		f := &in.Findings[i]
		at := "findings[" + strconv.Itoa(i) + "]"
		switch j, dup := first[f.Item]; {
		case !slices.Contains(dossierItems, f.Item):
			v.Add(at+".item", "must be one of: %s", strings.Join(dossierItems, ", "))
		case dup:
			v.Add(at+".item", "repeats findings[%d]: list each item once", j)
		default:
			first[f.Item] = i
		}
		oneOf(v, at+".result", f.Result, findingResults)
		f.Note = length(v, at+".note", f.Note, 0, MaxFindingNote)
		if f.Result == FindingDiscrepancy {
			conclusion = ConclusionDiscrepancy
		}
	}
	var missing []string
	for _, item := range dossierItems {
		if _, ok := first[item]; !ok {
			missing = append(missing, item)
		}
	}
	if len(missing) > 0 {
		v.Add("findings", "must list all six items once each (%s); missing: %s",
			strings.Join(dossierItems, ", "), strings.Join(missing, ", "))
	}
	return conclusion, v.Err()
}

// CreateReview records a dossier review of a cadre the reviewer may vet
// (404 otherwise): the body (400), the cadre (404), the day not before the
// cadre's birth (400); the review, its findings and the access-log entry
// commit together.
func (s *Service) CreateReview(ctx context.Context, viewer *models.User, cadreID int64, in NewReview) (*Review, error) {
	conclusion, err := checkReview(&in, s.cadres.Today())
	if err != nil {
		return nil, err
	}
	var out *Review
	err = s.log.Tx(ctx, func(ctx context.Context) error {
		c, err := s.cadres.Find(ctx, viewer, authz.CadreVet, cadreID)
		if err != nil {
			return err
		}
		if err := civil.NotBeforeBirth(c.BirthDate, civil.FieldDate{Field: "reviewed_on", Date: in.ReviewedOn}); err != nil {
			return err
		}
		r := &models.DossierReview{CadreID: cadreID, ReviewedOn: in.ReviewedOn, Conclusion: conclusion, Note: in.Note,
			RecordedBy: viewer.ID, RecordedByName: viewer.DisplayName, RecordedAt: s.stamp()}
		db := models.Get(ctx, s.db)
		if err := db.Create(r).Error; err != nil {
			return err
		}
		fs := make([]models.DossierFinding, len(in.Findings))
		for i, f := range in.Findings {
			fs[i] = models.DossierFinding{ReviewID: r.ID, Item: f.Item, Result: f.Result, Note: f.Note}
		}
		if err := db.Create(&fs).Error; err != nil {
			return err
		}
		out = s.review(r, fs)
		return nil
	})
	return out, err
}

// ListReviews lists a cadre's dossier reviews, newest first (404 when the
// reviewer may not vet the cadre): the check, the count, the page and its
// findings.
func (s *Service) ListReviews(ctx context.Context, viewer *models.User, cadreID int64, p models.Page) ([]Review, int64, error) {
	return cadreRows(ctx, s, viewer, cadreID, p, s.withFindings(ctx))
}

// GetReview reads one dossier review of a cadre the reviewer may vet.
func (s *Service) GetReview(ctx context.Context, viewer *models.User, cadreID, id int64) (*Review, error) {
	return cadreRow(ctx, s, viewer, cadreID, id, s.withFindings(ctx), ErrReviewNotFound)
}

// withFindings dresses stored reviews with their findings, read in one
// query for all of them.
func (s *Service) withFindings(ctx context.Context) func([]models.DossierReview) ([]Review, error) {
	return func(rows []models.DossierReview) ([]Review, error) {
		out := make([]Review, len(rows))
		if len(rows) == 0 {
			return out, nil
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		var fs []models.DossierFinding
		if err := models.Get(ctx, s.db).Where("review_id IN ?", ids).Find(&fs).Error; err != nil {
			return nil, err
		}
		by := map[int64][]models.DossierFinding{}
		for _, f := range fs {
			by[f.ReviewID] = append(by[f.ReviewID], f)
		}
		for i := range rows {
			out[i] = *s.review(&rows[i], by[rows[i].ID])
		}
		return out, nil
	}
}

// review dresses a stored review: findings in the items' order, and the
// last day it counts.
func (s *Service) review(r *models.DossierReview, fs []models.DossierFinding) *Review {
	fs = slices.Clone(fs)
	slices.SortFunc(fs, func(a, b models.DossierFinding) int {
		return slices.Index(dossierItems, a.Item) - slices.Index(dossierItems, b.Item)
	})
	if fs == nil {
		fs = []models.DossierFinding{}
	}
	return &Review{DossierReview: *r, Findings: fs, ValidUntil: r.ReviewedOn.AddDate(0, 0, s.cfg.CheckValidDays)}
}
