package appraisal

import (
	"context"
	"reflect"
	"testing"

	"efile/models"
	"efile/testenv"
)

// TestRowsRoundTrip: results stored through ToRows and read back through
// FromRows, on a real database, are the results that were stored, in the
// results order; and stored appraisals score as the originals do.
func TestRowsRoundTrip(t *testing.T) {
	db, _, _ := testenv.DB(t)
	ctx := context.Background()
	in := cycle(KindAnnual, 20, 80, 95, 60, 91, 95, 70, 50, 90, 85, 88)
	in.Bars[5] = []Bar{{NoTop: true, Reason: ReasonSanctionInPeriod}, {Grade: GradeUngraded, Reason: ReasonUnderInvestigation}}
	in.Assigned = append(in.Assigned, 40, 30)
	proposed := propose(t, in)
	final, err := Finalize(proposed.Items, []Override{{CadreID: 2, Grade: GradeCompetent, Reason: "复核：材料不实"}}, 20, KindAnnual, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Results{Items: final, Missing: proposed.Missing}

	rows := ToRows(7, want)
	if len(rows) != 12 {
		t.Fatalf("%d rows", len(rows))
	}
	if err := models.Get(ctx, db).Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var back []models.AppraisalResult
	// Read in an order unlike the results order.
	if err := db.Where("cycle_id = ?", 7).Order("cadre_id DESC").Find(&back).Error; err != nil {
		t.Fatal(err)
	}
	got := FromRows(back)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
	}
	if graded(got.Items[:3]) != "2:competent 5:ungraded[sanction_in_period,under_investigation] 4:excellent" {
		t.Fatalf("%s", graded(got.Items))
	}
	if !got.Items[1].Barred() || got.Items[0].Barred() {
		t.Fatal("a bar read back from the database must still bar the top grade")
	}

	t.Run("appraisalsFromModels_scoreAlike", func(t *testing.T) {
		stored := []models.Appraisal{
			{CadreID: 1, RaterType: RaterSuperior, Morality: 60, Ability: 60, Diligence: 60, Achievement: 60, Integrity: 60},
			{CadreID: 1, RaterType: RaterSuperior, Morality: 75, Ability: 75, Diligence: 75, Achievement: 75, Integrity: 75},
			{CadreID: 1, RaterType: RaterPeer, Morality: 100, Ability: 100, Diligence: 100, Achievement: 100, Integrity: 100},
		}
		s, err := ScoreAll(FromModels(stored))
		if err != nil || s[0].Score != 7969 {
			t.Fatalf("%+v, %v", s, err)
		}
	})
}
