// Package oversight is the view of top leaders (突出对"一把手"的监督, SPEC
// section 15): for every active top leader of a unit and its sub-units,
// their open flags by source, sanctions in effect, audit and inspection
// findings (direct or leadership responsibility, economic-responsibility
// audits, rectification), tenure, the last three annual grades, the last
// personal-matters check and the last vetting; a summary over them; and
// the same as a printable workbook.
//
// A report costs a fixed number of queries whatever the number of leaders
// (the leaders, then one grouped query per kind of fact about them, each
// narrowed by the leaders' subquery), so the organization department can
// read a whole city's 5,000 leaders at once (docs/performance.md).
package oversight

import (
	"cmp"
	"context"
	"time"

	"efile/models"
	"efile/services/authz"
	"efile/services/civil"

	"gorm.io/gorm"
)

// Rules names the flag domain's values the report counts by, given by the
// wiring so that this package does not copy them.
type Rules struct {
	Sources       []string // every source department, for counts with zeros
	Open          []string // the statuses that count as open
	InEffect      string   // a sanction in effect
	Substantiated string   // a finding established, not yet rectified
	Dismissed     string   // a finding found unsubstantiated: not a finding
}

// Service builds reports.
type Service struct {
	db    *gorm.DB
	az    *authz.Service
	now   func() time.Time
	loc   *time.Location
	rules Rules
}

// New builds the service; loc is EFILE_TZ (what "today" is).
func New(db *gorm.DB, az *authz.Service, now func() time.Time, loc *time.Location, rules Rules) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, az: az, now: now, loc: cmp.Or(loc, time.UTC), rules: rules}
}

// Query is what a report covers: the leaders of UnitID and its sub-units
// (nil: every unit), flags and findings with occurred_on in Year or
// before (0: the current year).
type Query struct {
	UnitID *int64
	Year   int
}

// Findings counts a leader's audit and inspection findings (not those found
// unsubstantiated).
type Findings struct {
	Direct, Leadership, Unrectified, EconomicResponsibility int64
}

// MattersCheck is a leader's newest personal-matters check.
type MattersCheck struct {
	CheckedOn civil.Date
	Result    string
}

// Grade is a final grade in a finalized annual cycle.
type Grade struct {
	Year  int
	Grade string
}

// Vetting is a leader's newest vetting.
type Vetting struct {
	Verdict   string
	CheckedAt time.Time
}

// Leader is one top leader's row.
type Leader struct {
	CadreID     int64
	Name        string
	UnitID      int64
	UnitName    string
	Position    string
	AppointedOn civil.Date
	TenureYears int
	// OpenFlags counts the flags open, verifying or on hold, by source
	// (every source present, zero included).
	OpenFlags      map[string]int64
	ActiveSanction bool
	Findings       Findings
	LastMatters    *MattersCheck
	Grades         []Grade // newest first, at most three
	LastVetting    *Vetting
}

// Summary counts the leaders.
type Summary struct {
	Leaders, WithOpenFlags, WithActiveSanction, WithUnrectifiedFindings, Tenure9yOrMore int64
	// Grades counts the leaders' final grades in their newest finalized
	// annual cycle of Year or before.
	Grades map[string]int64
}

// Report is the whole view.
type Report struct {
	Year    int
	AsOf    civil.Date // the day sanctions and tenure are measured: the end of Year, or today if earlier
	Summary Summary
	Leaders []Leader
}

// TenureYears is the threshold of the summary's tenure count (SPEC 14's
// top_leader_tenure warning).
const TenureYears = 9

// Build reads the report for viewer (recusal: their own cadre record is
// not among the leaders).
func (s *Service) Build(ctx context.Context, viewer *models.User, q Query) (*Report, error) {
	now := s.now().In(s.loc)
	today := civil.Of(now, s.loc)
	year := cmp.Or(q.Year, now.Year())
	asOf := civil.YearEnd(year)
	if today.Before(asOf) {
		asOf = today
	}
	rep := &Report{Year: year, AsOf: asOf, Leaders: []Leader{}, Summary: Summary{Grades: map[string]int64{}}}
	leaders, err := s.leaders(ctx, viewer, q.UnitID)
	if err != nil {
		return nil, err
	}
	var rows []leaderRow
	if err := leaders.Session(&gorm.Session{}).Joins("JOIN units ON units.id = cadres.unit_id").
		Select("cadres.id AS id, cadres.name AS name, cadres.unit_id AS unit_id, units.name AS unit_name, cadres.position AS position, cadres.appointed_on AS appointed_on").
		Order("cadres.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return rep, nil
	}
	ids := leaders.Session(&gorm.Session{}).Select("cadres.id")
	byID := make(map[int64]*Leader, len(rows))
	rep.Leaders = make([]Leader, len(rows))
	for i, r := range rows {
		rep.Leaders[i] = Leader{CadreID: r.ID, Name: r.Name, UnitID: r.UnitID, UnitName: r.UnitName, Position: r.Position,
			AppointedOn: r.AppointedOn, TenureYears: fullYears(r.AppointedOn, rep.AsOf), OpenFlags: map[string]int64{}, Grades: []Grade{}}
		for _, src := range s.rules.Sources {
			rep.Leaders[i].OpenFlags[src] = 0
		}
		byID[r.ID] = &rep.Leaders[i]
	}
	for _, read := range []func(context.Context, *gorm.DB, map[int64]*Leader, int, civil.Date) error{
		s.flags, s.matters, s.grades, s.vettings} {
		if err := read(ctx, ids, byID, year, rep.AsOf); err != nil {
			return nil, err
		}
	}
	rep.Summary = summarize(rep.Leaders)
	return rep, nil
}

type leaderRow struct {
	ID          int64
	Name        string
	UnitID      int64
	UnitName    string
	Position    string
	AppointedOn civil.Date
}

// leaders is the query of the active top leaders in scope under unitID.
func (s *Service) leaders(ctx context.Context, viewer *models.User, unitID *int64) (*gorm.DB, error) {
	q, err := s.az.Scope(ctx, viewer, authz.CadreVet)
	if err != nil {
		return nil, err
	}
	q = q.Where("cadres.is_top_leader = TRUE AND cadres.status = ?", "active")
	if unitID != nil {
		path, err := models.UnitPath(ctx, s.db, *unitID)
		if err != nil {
			return nil, err
		}
		q = q.Where("cadres.unit_id IN (?)", models.UnitsUnder(ctx, s.db, path))
	}
	return q, nil
}

// fullYears is the number of whole years from a stored date to asOf (0
// when either is no date or from lies ahead).
func fullYears(from, asOf civil.Date) int {
	if !from.Valid() || !asOf.Valid() || asOf.Before(from) {
		return 0
	}
	f, t := from.Time(), asOf.Time()
	n := t.Year() - f.Year()
	if f.AddDate(n, 0, 0).After(t) {
		n--
	}
	return n
}

func summarize(ls []Leader) Summary {
	out := Summary{Leaders: int64(len(ls)), Grades: map[string]int64{}}
	for i := range ls {
		l := &ls[i]
		open := int64(0)
		for _, n := range l.OpenFlags {
			open += n
		}
		out.WithOpenFlags += b2i(open > 0)
		out.WithActiveSanction += b2i(l.ActiveSanction)
		out.WithUnrectifiedFindings += b2i(l.Findings.Unrectified > 0)
		out.Tenure9yOrMore += b2i(l.TenureYears >= TenureYears)
		if len(l.Grades) > 0 {
			out.Grades[l.Grades[0].Grade]++
		}
	}
	return out
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
