package efile_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/appraisal"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/civil"
	"efile/services/datakey"
	"efile/services/efile"
	"efile/services/record"
	"efile/services/sheet"
	"efile/services/unit"
	"efile/testenv"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"
)

type fixture struct {
	db      *gorm.DB
	svc     *efile.Service
	cadres  *cadre.Service
	rec     *record.Service
	unit    *models.Unit
	other   *models.Unit
	cadre   *models.Cadre
	viewer  *models.User
	records []*models.Record
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, _, _ := testenv.DB(t)
	log := accesslog.New(db, nil)
	keys, err := datakey.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	az := authz.New(db)
	cad := cadre.New(db, log, az, keys, nil, time.UTC)
	// Recorded at 2025-01-02 03:04:05 UTC, which is 11:04 in China.
	rec := record.New(db, log, az, cad, func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) })
	// Exported at 2025-03-04 02:00 UTC, 10:00 in China.
	fx := &fixture{db: db, svc: efile.New(db, cad, rec, appraisal.New(db, log, az, cad, nil, nil), shanghaiZone(t), func() time.Time { return exportedAt }), rec: rec, cadres: cad}
	units := unit.New(db, log)
	if fx.unit, err = units.Create(ctx, unit.NewUnit{Name: "区委办", Code: "QWB"}); err != nil {
		t.Fatal(err)
	}
	if fx.other, err = units.Create(ctx, unit.NewUnit{Name: "区财政局", Code: "CZJ"}); err != nil {
		t.Fatal(err)
	}
	fx.viewer = &models.User{ID: 1, DisplayName: "审核员", Roles: []models.UserRole{{Role: "org_reviewer"}}}
	fx.cadre, err = cad.Create(ctx, fx.viewer, cadre.Fields{Name: "张三", Gender: "male", BirthDate: civil.MustParse("1990-01-01"),
		IDNumber: "110105199001011232", UnitID: fx.unit.ID, Position: "科长", Rank: "一级主任科员",
		IsTopLeader: true, AppointedOn: civil.MustParse("2020-03-01")})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []record.NewRecord{
		{OccurredOn: civil.MustParse("2024-05-01"), Category: "political", Content: "带头学习"},
		{OccurredOn: civil.MustParse("2024-06-01"), Category: "duty", Content: "按时完成任务"},
		{OccurredOn: civil.MustParse("2024-07-01"), Category: "major_task", Content: "参加防汛"},
	} {
		r, err := rec.Create(ctx, fx.viewer, fx.cadre.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		fx.records = append(fx.records, r)
	}
	am, err := rec.Amend(ctx, fx.viewer, fx.cadre.ID, fx.records[1].ID,
		record.Amendment{Content: "按时高质量完成任务", Reason: "原记录表述不准确", Category: "commendation"})
	if err != nil {
		t.Fatal(err)
	}
	fx.records = append(fx.records, am)
	return fx
}

// roundTrip writes the workbook and reads it back, as a client would.
func roundTrip(t *testing.T, f *sheet.Book) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	return out
}

func rows(t *testing.T, f *excelize.File, sheet string, opts ...excelize.Options) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

var exportedAt = time.Date(2025, 3, 4, 2, 0, 0, 0, time.UTC)

const heading = "干部现实表现电子档案 — 张三（区委办，科长）"

// profile maps 基本信息's labels to their values: the form's value is in
// the cell right after its label (merged with more cells when wide); the
// first of two cells with one text wins (姓名 of the cadre, not of the
// family header).
func profile(t *testing.T, f *excelize.File, opts ...excelize.Options) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, r := range rows(t, f, efile.SheetProfile, opts...)[1:] {
		for i := 0; i+1 < len(r); i++ {
			if _, seen := m[r[i]]; !seen && r[i] != "" {
				m[r[i]] = r[i+1]
			}
		}
	}
	return m
}

// cellOf is the cell of 基本信息 that holds the value labelled label.
func cellOf(t *testing.T, f *excelize.File, label string) string {
	t.Helper()
	for y, r := range rows(t, f, efile.SheetProfile) {
		for x, v := range r {
			if v == label {
				c, _ := excelize.CoordinatesToCellName(x+2, y+1)
				return c
			}
		}
	}
	t.Fatalf("no label %s", label)
	return ""
}

func TestWorkbook(t *testing.T) {
	fx := setup(t)
	wb, err := fx.svc.Workbook(context.Background(), fx.viewer, fx.cadre.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := roundTrip(t, wb)

	want := []string{"基本信息", "现实表现", "考核评价", "廉政情况", "审核记录"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}

	for _, sheet := range want {
		if rs := rows(t, f, sheet); len(rs) == 0 || len(rs[0]) == 0 || rs[0][0] != heading {
			t.Errorf("%s title row = %q, want %q", sheet, rs, heading)
		}
	}
	if h := rows(t, f, "现实表现")[1]; !slices.Equal(h, []string{"记录编号", "发生日期", "类别", "内容", "记录人", "记录时间", "更正原因", "更正记录编号", "是否已被更正"}) {
		t.Errorf("现实表现 header = %q", h)
	}
	// An empty section prints one line under its title, not a row of headers.
	for _, sheet := range []string{"考核评价", "廉政情况", "审核记录"} {
		if rs := rows(t, f, sheet); len(rs) != 2 || len(rs[1]) == 0 || rs[1][0] != "（无）" {
			t.Errorf("%s = %q, want the title and （无）", sheet, rs)
		}
	}

	p := profile(t, f)
	for k, v := range map[string]string{
		"姓名": "张三", "性别": "男", "出生日期": "1990-01-01", "身份证号": "110105199001011232", "单位": "区委办",
		"职务": "科长", "职级": "一级主任科员", "是否一把手": "是", "任职时间": "2020-03-01", "状态": "在职",
		"政治表现": "1", "表彰奖励": "1", "履职尽责": "0", "重大专项/急难险重": "1", "问题不足": "0",
		"合计": "3", "未办结问题": "0", "处分影响期内": "否",
	} {
		if p[k] != v {
			t.Errorf("基本信息 %s = %q, want %q", k, p[k], v)
		}
	}
	// Dates are real date cells: a serial number under a date format.
	raw := profile(t, f, excelize.Options{RawCellValue: true})
	if raw["出生日期"] != "32874" || raw["任职时间"] != "43891" {
		t.Errorf("raw dates = %q, %q, want serials 32874, 43891", raw["出生日期"], raw["任职时间"])
	}
	if raw["身份证号"] != "110105199001011232" {
		t.Errorf("ID number is not text: %q", raw["身份证号"])
	}
	if typ, err := f.GetCellType("基本信息", cellOf(t, f, "出生日期")); err != nil || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("birth date cell type = %v, %v", typ, err)
	}

	rs := rows(t, f, efile.SheetRecords)[2:]
	if len(rs) != len(fx.records) {
		t.Fatalf("现实表现 has %d rows, want %d (superseded included): %v", len(rs), len(fx.records), rs)
	}
	const at = "2025-01-02 11:04" // recorded_at in China Standard Time
	// Newest occurred_on first, then newest id: the amendment keeps 2024-06-01.
	wantRows := [][]string{
		{itoa(fx.records[2].ID), "2024-07-01", "重大专项/急难险重", "参加防汛", "审核员", at, "", "", "否"},
		{itoa(fx.records[3].ID), "2024-06-01", "表彰奖励", "按时高质量完成任务", "审核员", at, "原记录表述不准确", itoa(fx.records[1].ID), "否"},
		{itoa(fx.records[1].ID), "2024-06-01", "履职尽责", "按时完成任务", "审核员", at, "", "", "是"},
		{itoa(fx.records[0].ID), "2024-05-01", "政治表现", "带头学习", "审核员", at, "", "", "否"},
	}
	for i, w := range wantRows {
		got := append(rs[i], make([]string, 9)...)[:9]
		if !slices.Equal(got, w) {
			t.Errorf("row %d = %q, want %q", i, got, w)
		}
	}
	if w, err := f.GetColWidth(efile.SheetRecords, "D"); err != nil || w != 40 {
		t.Errorf("内容 column width = %v, %v, want 40", w, err)
	}
	rawRecords := rows(t, f, efile.SheetRecords, excelize.Options{RawCellValue: true})
	if rawRecords[2][1] != "45474" { // 2024-07-01
		t.Errorf("raw 发生日期 = %q, want 45474", rawRecords[1][1])
	}
}

func TestWorkbookOutOfScope(t *testing.T) {
	fx := setup(t)
	outsider := &models.User{ID: 2, UnitID: &fx.other.ID, Roles: []models.UserRole{{Role: "evaluator"}}}
	f, err := fx.svc.Workbook(context.Background(), outsider, fx.cadre.ID)
	if !errors.Is(err, cadre.ErrNotFound) || f != nil {
		t.Fatalf("Workbook = %v, %v, want cadre.ErrNotFound", f, err)
	}
	if _, err := fx.svc.Workbook(context.Background(), fx.viewer, fx.cadre.ID+100); !errors.Is(err, cadre.ErrNotFound) {
		t.Fatalf("unknown cadre: %v, want cadre.ErrNotFound", err)
	}
}

func TestWorkbookMasksIDNumber(t *testing.T) {
	fx := setup(t)
	evaluator := &models.User{ID: 3, UnitID: &fx.unit.ID, Roles: []models.UserRole{{Role: "evaluator"}}}
	wb, err := fx.svc.Workbook(context.Background(), evaluator, fx.cadre.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := profile(t, roundTrip(t, wb))["身份证号"]; got != "1****************2" {
		t.Errorf("身份证号 = %q, want 1****************2", got)
	}
}

// TestWorkbookManyRecords streams a large file: every record is one row.
func TestWorkbookManyRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 records")
	}
	fx := setup(t)
	const n = 10000
	batch := make([]models.Record, 0, n)
	for i := range n {
		batch = append(batch, models.Record{CadreID: fx.cadre.ID, OccurredOn: civil.MustParse("2023-01-01"), Category: "duty",
			Content: strings.Repeat("内容", 50), RecordedBy: 1, RecordedByName: "审核员", RecordedAt: time.Unix(int64(i), 0).UTC()})
	}
	if err := fx.db.CreateInBatches(batch, 500).Error; err != nil {
		t.Fatal(err)
	}
	wb, err := fx.svc.Workbook(context.Background(), fx.viewer, fx.cadre.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := roundTrip(t, wb)
	if got, want := len(rows(t, f, efile.SheetRecords)), 2+n+len(fx.records); got != want {
		t.Errorf("现实表现 has %d rows, want %d", got, want)
	}
	if got := profile(t, f)["履职尽责"]; got != "10000" {
		t.Errorf("履职尽责 count = %q, want 10000", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func shanghaiZone(t *testing.T) *time.Location {
	t.Helper()
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return l
}
