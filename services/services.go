// Package services builds every domain service once, wired to one another,
// for `efile serve`, the offline commands and the tests alike: the one
// wiring function of the application.
package services

import (
	"log/slog"
	"slices"
	"time"

	"efile/services/accesslog"
	"efile/services/account"
	"efile/services/alerts"
	"efile/services/appraisal"
	"efile/services/authz"
	"efile/services/cadre"
	"efile/services/checks"
	"efile/services/civil"
	"efile/services/datakey"
	"efile/services/efile"
	"efile/services/flag"
	"efile/services/idempotency"
	"efile/services/lrmx"
	"efile/services/oversight"
	"efile/services/profile"
	"efile/services/record"
	"efile/services/unit"
	"efile/services/vetting"

	"gorm.io/gorm"
)

// Config is what the services need beyond the database.
type Config struct {
	JWTSecret []byte
	DataKey   []byte
	// JWTSecretPrevious and DataKeyPrevious are the secrets before a
	// rotation (EFILE_JWT_SECRET_PREVIOUS, EFILE_DATA_KEY_PREVIOUS); nil
	// when none is under way. See docs/SECURITY.md.
	JWTSecretPrevious []byte
	DataKeyPrevious   []byte
	Location          *time.Location   // EFILE_TZ: what "today" is; nil: UTC
	Now               func() time.Time // nil: time.Now
	BcryptCost        int              // 0: bcrypt's default
	Logger            *slog.Logger     // nil: slog.Default()
	// How long a check of SPEC 13 counts for vetting, in days
	// (EFILE_CHECK_VALID_DAYS, EFILE_OPINION_VALID_DAYS); 0: 180 and 90.
	CheckValidDays   int
	OpinionValidDays int
}

// Set holds every service.
type Set struct {
	DB          *gorm.DB
	Logger      *slog.Logger
	Keys        *datakey.Keys
	Authz       *authz.Service
	Audit       *accesslog.Service
	Accounts    *account.Service
	Units       *unit.Service
	Cadres      *cadre.Service
	Records     *record.Service
	EFiles      *efile.Service
	Idempotency *idempotency.Service
	Flags       *flag.Service
	Vettings    *vetting.Service
	Appraisals  *appraisal.Service
	Profiles    *profile.Service
	LRMX        *lrmx.Service
	Checks      *checks.Service
	Alerts      *alerts.Service
	Oversight   *oversight.Service
}

// New builds the services on db.
func New(db *gorm.DB, c Config) (*Set, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	keys, err := datakey.NewWithPrevious(c.DataKey, c.DataKeyPrevious)
	if err != nil {
		return nil, err
	}
	audit := accesslog.New(db, c.Now, accesslog.WithKeys(keys))
	acc, err := account.New(db, audit, account.Config{JWTSecret: c.JWTSecret, JWTSecretPrevious: c.JWTSecretPrevious, BcryptCost: c.BcryptCost, Now: c.Now, Location: c.Location})
	if err != nil {
		return nil, err
	}
	az := authz.New(db)
	cadres := cadre.New(db, audit, az, keys, c.Now, c.Location)
	records := record.New(db, audit, az, cadres, c.Now)
	flags := flag.NewService(db, audit, az, cadres, keys, c.Now)
	chk := checks.New(db, audit, az, cadres, c.Location, c.Now,
		checks.Config{CheckValidDays: c.CheckValidDays, OpinionValidDays: c.OpinionValidDays})
	vettings := vetting.New(db, audit, az, cadres, c.Now).WithChecks(chk)
	appraisals := appraisal.New(db, audit, az, cadres, c.Now, c.Location)
	profiles := profile.New(db, audit, az, cadres, c.Now)
	return &Set{
		DB: db, Logger: c.Logger, Keys: keys, Authz: az, Audit: audit, Accounts: acc,
		Units:   unit.New(db, audit).WithClock(c.Now),
		Cadres:  cadres,
		Records: records,
		EFiles: efile.New(db, cadres, records, appraisals, c.Location, c.Now).WithIntegrity(flags, vettings).
			WithProfiles(profiles).WithChecks(chk),
		Idempotency: idempotency.New(db, audit, keys, az, c.Now),
		Flags:       flags,
		Vettings:    vettings,
		Appraisals:  appraisals,
		Profiles:    profiles,
		LRMX:        lrmx.New(db, audit, az, cadres, profiles, appraisals, c.Now, c.Location),
		Checks:      chk,
		Alerts: alerts.New(az, c.Now, c.Location, alerts.FlagStatuses{Open: openFlags(),
			Substantiated: flag.StatusSubstantiated, InEffect: flag.StatusInEffect}),
		Oversight: oversight.New(db, az, c.Now, c.Location, oversight.Rules{Sources: flagSources(), Open: openFlags(),
			InEffect: flag.StatusInEffect, Substantiated: flag.StatusSubstantiated, Dismissed: flag.StatusUnsubstantiated}),
	}, nil
}

// Today is the current day in EFILE_TZ, what the date rule of SPEC 3
// measures a birth date's age and the latest event against.
func (s *Set) Today() civil.Date { return s.Cadres.Today() }

// openFlags are the statuses that count as open (SPEC 8: on_hold counts as
// open everywhere), and flagSources every source department, the
// organization's included.
func openFlags() []string { return with(flag.OpenStatuses(), flag.StatusOnHold) }

func flagSources() []string { return with(flag.Sources(), flag.SourceOrganization) }

func with(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
