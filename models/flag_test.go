package models_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"efile/models"
	"efile/services/civil"
	"efile/testenv"
)

// The flag and vetting tables exist with their primary keys and indexes, a
// second migration changes nothing, and every field round-trips.
func TestFlagAndVettingTables(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	if err := models.Migrate(ctx, db); err != nil {
		t.Fatalf("second migration: %v", err)
	}
	m := db.Migrator()
	for _, c := range []struct {
		model any
		index string
	}{
		{&models.Flag{}, "idx_flags_cadre_status"},
		{&models.Flag{}, "idx_flags_source_status"},
		{&models.Flag{}, "idx_flags_source_id"},
		{&models.FlagEvent{}, "idx_flag_events_flag"},
		{&models.Vetting{}, "idx_vettings_cadre"},
	} {
		if !m.HasIndex(c.model, c.index) {
			t.Errorf("index %s is missing", c.index)
		}
	}

	pt, dec, until, months := "report", civil.MustParse("2025-08-31"), civil.MustParse("2026-02-28"), 6
	at := time.Date(2025, 9, 1, 8, 30, 0, 123456000, time.UTC)
	f := models.Flag{CadreID: 1, Source: "discipline", Kind: "sanction", Severity: "serious",
		Summary: "违规收受礼金", Detail: "详情", OccurredOn: civil.MustParse("2025-06-01"), PetitionType: &pt,
		ReporterEnc: []byte{0, 1, 2, 255}, SanctionType: new(string), DecidedOn: &dec, PeriodMonths: &months,
		InfluenceUntil: &until, Status: "open", Version: 1, CreatedBy: 9}
	*f.SanctionType = "gov_warning"
	if err := db.WithContext(ctx).Create(&f).Error; err != nil {
		t.Fatal(err)
	}
	var got models.Flag
	if err := db.WithContext(ctx).First(&got, f.ID).Error; err != nil {
		t.Fatal(err)
	}
	if got.Summary != f.Summary || !bytes.Equal(got.ReporterEnc, f.ReporterEnc) || *got.SanctionType != "gov_warning" ||
		*got.DecidedOn != dec || *got.PeriodMonths != 6 || *got.InfluenceUntil != until || *got.PetitionType != pt ||
		got.Source != "discipline" || got.Status != "open" || got.CreatedBy != 9 {
		t.Errorf("flag round trip: %+v", got)
	}
	bare := models.Flag{CadreID: 1, Source: "audit", Kind: "clue", Severity: "info", Summary: "s", OccurredOn: civil.MustParse("2025-06-01"),
		Status: "open", Version: 1, CreatedBy: 9}
	if err := db.WithContext(ctx).Create(&bare).Error; err != nil {
		t.Fatal(err)
	}
	got = models.Flag{}
	if err := db.WithContext(ctx).First(&got, bare.ID).Error; err != nil {
		t.Fatal(err)
	}
	if got.PetitionType != nil || got.ReporterEnc != nil || got.SanctionType != nil || got.InfluenceUntil != nil || got.PeriodMonths != nil {
		t.Errorf("absent fields came back set: %+v", got)
	}

	ev := models.FlagEvent{FlagID: f.ID, ActorID: 9, At: at, FromStatus: "open", ToStatus: "verifying", Note: "转核查"}
	if err := db.WithContext(ctx).Create(&ev).Error; err != nil {
		t.Fatal(err)
	}
	var gotEv models.FlagEvent
	if err := db.WithContext(ctx).First(&gotEv, ev.ID).Error; err != nil || !gotEv.At.Equal(at) || gotEv.Note != "转核查" {
		t.Errorf("event round trip: %+v %v", gotEv, err)
	}

	v := models.Vetting{CadreID: 1, Purpose: "promotion", AsOf: civil.MustParse("2025-09-01"), Verdict: "blocked",
		Reasons: `[{"rule":"sanction_influence","message":"受到警告","flag_id":1}]`, CheckedBy: 9, CheckedAt: at}
	if err := db.WithContext(ctx).Create(&v).Error; err != nil {
		t.Fatal(err)
	}
	var gotV models.Vetting
	if err := db.WithContext(ctx).First(&gotV, v.ID).Error; err != nil || gotV.Reasons != v.Reasons || !gotV.CheckedAt.Equal(at) {
		t.Errorf("vetting round trip: %+v %v", gotV, err)
	}
}

// A date column a row leaves empty is NULL and reads back as nil (a
// civil.Date's zero is NULL); a month the profile leaves empty is "" in its
// NOT NULL column and reads back as no month.
func TestNoDateIsNull(t *testing.T) {
	db, _, _ := testenv.DB(t)
	f := models.Flag{CadreID: 1, Source: "audit", Kind: "clue", Severity: "info", Summary: "s",
		OccurredOn: civil.MustParse("2025-06-01"), Status: "open", Version: 1, CreatedBy: 1}
	if err := db.Create(&f).Error; err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.Raw(`SELECT COUNT(*) FROM flags WHERE id = ? AND decided_on IS NULL AND influence_until IS NULL
		AND feedback_on IS NULL AND rectified_on IS NULL AND measure_decided_on IS NULL`, f.ID).Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("no date is not stored NULL: %d %v", n, err)
	}
	var got models.Flag
	if err := db.First(&got, f.ID).Error; err != nil {
		t.Fatal(err)
	}
	if got.DecidedOn != nil || got.InfluenceUntil != nil || got.FeedbackOn != nil || got.RectifiedOn != nil ||
		got.MeasureDecidedOn != nil || got.OccurredOn != f.OccurredOn {
		t.Fatalf("read back %+v", got)
	}
	r := models.ResumeEntry{CadreID: 1, Seq: 1, From: civil.MustParseMonth("2001-09"), Text: "x"}
	if err := db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	var to string
	if err := db.Raw("SELECT to_month FROM resume_entries WHERE id = ?", r.ID).Scan(&to).Error; err != nil || to != "" {
		t.Fatalf("no month is stored %q (%v)", to, err)
	}
	var back models.ResumeEntry
	if err := db.First(&back, r.ID).Error; err != nil || back.From != r.From || !back.To.IsZero() {
		t.Fatalf("read back %+v %v", back, err)
	}
}
