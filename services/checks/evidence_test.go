package checks_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"efile/models"
	"efile/services/accesslog"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/checks"
	"efile/services/civil"
	"efile/services/datakey"
	"efile/services/unit"
	"efile/testenv"
)

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// The day a reply counts from, and whether it is late, are days in EFILE_TZ
// (here Asia/Shanghai, UTC+8), not in UTC: the bounds of Evidence's query
// and the late flag are checked on a real database at the minute around
// midnight.
func TestRepliesByTheDayInEFileTZ(t *testing.T) {
	ctx := context.Background()
	db, _, _ := testenv.DB(t)
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2025, 3, 20, 2, 0, 0, 0, time.UTC)}
	log := accesslog.New(db, clk.Now)
	keys, err := datakey.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	az := authz.New(db)
	cadres := cadre.New(db, log, az, keys, clk.Now, zone)
	svc := checks.New(db, log, az, cadres, zone, clk.Now, checks.Config{})
	if w := svc.Windows(); w.CheckValidDays != 180 || w.OpinionValidDays != 90 {
		t.Fatalf("default windows %+v", w)
	}
	u, err := unit.New(db, log).Create(ctx, unit.NewUnit{Name: "区委办", Code: "QWB"})
	if err != nil {
		t.Fatal(err)
	}
	rev := &models.User{ID: 1, DisplayName: "审核员", Roles: []models.UserRole{{Role: "org_reviewer"}}}
	discipline := "discipline"
	aud := &models.User{ID: 2, DisplayName: "纪委", Department: &discipline, Roles: []models.UserRole{{Role: "auditor"}}}
	c, err := cadres.Create(ctx, rev, cadre.Fields{Name: "张三", Gender: "male", BirthDate: civil.MustParse("1990-01-01"),
		IDNumber: "110105199001011232", UnitID: u.ID, Position: "科长", Rank: "一级主任科员", AppointedOn: civil.MustParse("2020-03-01")})
	if err != nil {
		t.Fatal(err)
	}
	// Each request due on 2025-03-31, replied at the instant given.
	reply := func(at time.Time) *checks.Opinion {
		t.Helper()
		clk.Set(time.Date(2025, 3, 20, 2, 0, 0, 0, time.UTC))
		o, err := svc.RequestOpinion(ctx, rev, c.ID, checks.NewOpinion{Purpose: "promotion", DueOn: civil.MustParse("2025-03-31")})
		if err != nil {
			t.Fatal(err)
		}
		clk.Set(at)
		o, err = svc.ReplyOpinion(ctx, aud, o.ID, checks.Reply{Conclusion: "no_issue", Text: "无问题", SignedBy: "纪委书记"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	// 23:59 on 2025-03-31 in Shanghai, then 00:01 on 2025-04-01.
	onTime := reply(time.Date(2025, 3, 31, 15, 59, 0, 0, time.UTC))
	late := reply(time.Date(2025, 3, 31, 16, 1, 0, 0, time.UTC))
	if onTime.Late || !late.Late || onTime.ValidUntil.String() != "2025-06-29" || late.ValidUntil.String() != "2025-06-30" {
		t.Fatalf("late %v %v, valid until %s %s", onTime.Late, late.Late, *onTime.ValidUntil, *late.ValidUntil)
	}
	// On 2025-06-30 the 90 days run from 2025-04-01: only the reply given on
	// that day (Shanghai) counts, with that day.
	ev, err := svc.Evidence(ctx, []int64{c.ID, 99999}, civil.MustParse("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ev[c.ID].Opinions; len(got) != 1 || got[0].ID != late.ID || got[0].RepliedOn.String() != "2025-04-01" {
		t.Fatalf("opinions %+v", got)
	}
	if ev[99999] == nil || ev[99999].Opinions != nil {
		t.Fatalf("an unknown cadre's evidence %+v", ev[99999])
	}
	ev, err = svc.Evidence(ctx, []int64{c.ID}, civil.MustParse("2025-06-29"))
	if err != nil {
		t.Fatal(err)
	}
	got := []int64{}
	for _, o := range ev[c.ID].Opinions {
		got = append(got, o.ID)
	}
	if slices.Sort(got); !slices.Equal(got, []int64{onTime.ID, late.ID}) {
		t.Fatalf("on 2025-06-29: %v", got)
	}
	// And a reply given after the day vetted on does not count.
	ev, err = svc.Evidence(ctx, []int64{c.ID}, civil.MustParse("2025-03-31"))
	if err != nil || len(ev[c.ID].Opinions) != 1 || ev[c.ID].Opinions[0].ID != onTime.ID {
		t.Fatalf("on 2025-03-31: %+v, %v", ev[c.ID].Opinions, err)
	}
}
