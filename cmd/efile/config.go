package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"efile/routes"
)

// config is read from EFILE_* variables; flags of the same meaning override.
type config struct {
	Addr           string
	Driver         string
	DSN            string
	AdminPassword  string
	TZ             *time.Location
	TrustedProxies []string
	JWTSecret      []byte
	DataKey        []byte
	// The secrets before a rotation, or nil (docs/SECURITY.md).
	JWTSecretPrevious []byte
	DataKeyPrevious   []byte
	Rates             routes.RateLimits
	// How long a check of SPEC 13 counts for vetting, in days.
	CheckValidDays   int // EFILE_CHECK_VALID_DAYS
	OpinionValidDays int // EFILE_OPINION_VALID_DAYS
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// loadConfig reads the environment and flags. Every bad value is one clear
// error naming the variable.
func loadConfig(fs *flag.FlagSet, args []string) (*config, error) {
	c, err := parseConfig(fs, args)
	if err != nil {
		return nil, err
	}
	return c, c.loadSecrets(true)
}

// loadOfflineConfig is loadConfig for an offline command: it never creates
// the SQLite key file (a missing one leaves the secrets empty, for the
// command to refuse if it needs them).
func loadOfflineConfig(fs *flag.FlagSet, args []string) (*config, error) {
	c, err := parseConfig(fs, args)
	if err != nil {
		return nil, err
	}
	if c.Driver == "sqlite" {
		if _, err := os.Stat(sqliteFile(c.DSN) + ".keys"); err != nil && os.Getenv("EFILE_DATA_KEY") == "" {
			return c, nil
		}
	}
	return c, c.loadSecrets(false)
}

func parseConfig(fs *flag.FlagSet, args []string) (*config, error) {
	addr := fs.String("addr", env("EFILE_ADDR", "127.0.0.1:8080"), "listen address (EFILE_ADDR)")
	driver := fs.String("db-driver", env("EFILE_DB_DRIVER", "sqlite"), "sqlite or mysql (EFILE_DB_DRIVER)")
	dsn := fs.String("db-dsn", env("EFILE_DB_DSN", "efile.db"), "SQLite file or MySQL DSN (EFILE_DB_DSN)")
	tz := fs.String("tz", env("EFILE_TZ", "Asia/Shanghai"), "time zone that decides today (EFILE_TZ)")
	proxies := fs.String("trusted-proxies", env("EFILE_TRUSTED_PROXIES", ""), "comma-separated proxies whose X-Forwarded-For is believed (EFILE_TRUSTED_PROXIES)")
	rates := []struct {
		env, flag, def, what string
		val                  *string
	}{
		{"EFILE_RATE_LOGIN", "rate-login", "300", "logins a minute per client address", nil},
		{"EFILE_RATE_ID_LOOKUP", "rate-id-lookup", "30", "an auditor's look-ups by whole ID number a minute per user", nil},
		{"EFILE_RATE_EXPORT", "rate-export", "30", "workbook exports a minute per user", nil},
		{"EFILE_RATE_IMPORT", "rate-import", "10", "roster imports (and batch vettings) a minute per user", nil},
	}
	for i := range rates {
		r := &rates[i]
		r.val = fs.String(r.flag, env(r.env, r.def), r.what+" ("+r.env+")")
	}
	checkDays := fs.String("check-valid-days", env("EFILE_CHECK_VALID_DAYS", "180"),
		"days a dossier review or a personal-matters check counts for vetting (EFILE_CHECK_VALID_DAYS)")
	opinionDays := fs.String("opinion-valid-days", env("EFILE_OPINION_VALID_DAYS", "90"),
		"days a reply to an integrity-opinion request counts for vetting (EFILE_OPINION_VALID_DAYS)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var rl routes.RateLimits
	for i, dst := range []*int{&rl.Login, &rl.IDLookup, &rl.Export, &rl.Import} {
		n, err := strconv.Atoi(strings.TrimSpace(*rates[i].val))
		if err != nil || n < 1 || n > 1_000_000 {
			return nil, fmt.Errorf("%s must be a whole number of requests a minute from 1 to 1000000, not %q", rates[i].env, *rates[i].val)
		}
		*dst = n
	}
	c := &config{Addr: *addr, Driver: *driver, DSN: *dsn, AdminPassword: os.Getenv("EFILE_ADMIN_PASSWORD"), Rates: rl}
	for _, d := range []struct {
		env, val string
		dst      *int
	}{{"EFILE_CHECK_VALID_DAYS", *checkDays, &c.CheckValidDays}, {"EFILE_OPINION_VALID_DAYS", *opinionDays, &c.OpinionValidDays}} {
		n, err := strconv.Atoi(strings.TrimSpace(d.val))
		if err != nil || n < 1 || n > 3650 {
			return nil, fmt.Errorf("%s must be a whole number of days from 1 to 3650, not %q", d.env, d.val)
		}
		*d.dst = n
	}
	if c.Driver != "sqlite" && c.Driver != "mysql" {
		return nil, fmt.Errorf("EFILE_DB_DRIVER must be sqlite or mysql, not %q", c.Driver)
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return nil, fmt.Errorf("EFILE_TZ %q is not a known time zone", *tz)
	}
	c.TZ = loc
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	return c, nil
}

// keyFile holds the development secrets beside the SQLite file.
type keyFile struct {
	JWTSecret string `json:"jwt_secret"`
	DataKey   string `json:"data_key"`
}

// loadSecrets takes EFILE_JWT_SECRET and EFILE_DATA_KEY from the
// environment. With mysql both are required. With sqlite, missing ones are
// generated once and kept in a 0600 key file beside the database, so a
// restart keeps tokens and encrypted data valid.
func (c *config) loadSecrets(create bool) error {
	jwtS, dataS := os.Getenv("EFILE_JWT_SECRET"), os.Getenv("EFILE_DATA_KEY")
	if c.Driver == "mysql" && (jwtS == "" || dataS == "") {
		return errors.New("with EFILE_DB_DRIVER=mysql, EFILE_JWT_SECRET (at least 32 characters) and EFILE_DATA_KEY (32 bytes, base64) are required")
	}
	if c.Driver == "sqlite" && (jwtS == "" || dataS == "") {
		kf, err := devKeys(sqliteFile(c.DSN)+".keys", create)
		if err != nil {
			return err
		}
		if jwtS == "" {
			jwtS = kf.JWTSecret
		}
		if dataS == "" {
			dataS = kf.DataKey
		}
	}
	if len(jwtS) < 32 {
		return errors.New("EFILE_JWT_SECRET must be at least 32 characters")
	}
	c.JWTSecret = []byte(jwtS)
	key, err := base64.StdEncoding.DecodeString(dataS)
	if err != nil || len(key) != 32 {
		return errors.New("EFILE_DATA_KEY must be 32 bytes in standard base64 (openssl rand -base64 32)")
	}
	c.DataKey = key
	return c.loadPrevious()
}

// loadPrevious reads EFILE_JWT_SECRET_PREVIOUS and EFILE_DATA_KEY_PREVIOUS,
// set during a rotation only.
func (c *config) loadPrevious() error {
	if p := os.Getenv("EFILE_JWT_SECRET_PREVIOUS"); p != "" {
		if len(p) < 32 {
			return errors.New("EFILE_JWT_SECRET_PREVIOUS must be at least 32 characters (the secret used before EFILE_JWT_SECRET)")
		}
		c.JWTSecretPrevious = []byte(p)
	}
	if p := os.Getenv("EFILE_DATA_KEY_PREVIOUS"); p != "" {
		key, err := base64.StdEncoding.DecodeString(p)
		if err != nil || len(key) != 32 {
			return errors.New("EFILE_DATA_KEY_PREVIOUS must be 32 bytes in standard base64 (the key used before EFILE_DATA_KEY)")
		}
		c.DataKeyPrevious = key
	}
	return nil
}

// loadDataKey reads only the data key (and the previous one), for a command
// that needs no JWT secret: from EFILE_DATA_KEY or, with sqlite, the key
// file beside the database. It reports false, without error, when there is
// none to be found; it never creates a key file.
func (c *config) loadDataKey() (bool, error) {
	dataS := os.Getenv("EFILE_DATA_KEY")
	if dataS == "" && c.Driver == "sqlite" {
		b, err := os.ReadFile(sqliteFile(c.DSN) + ".keys")
		if err != nil {
			return false, nil
		}
		var kf keyFile
		if err := json.Unmarshal(b, &kf); err != nil {
			return false, fmt.Errorf("key file %s is damaged: %w", sqliteFile(c.DSN)+".keys", err)
		}
		dataS = kf.DataKey
	}
	if dataS == "" {
		return false, nil
	}
	key, err := base64.StdEncoding.DecodeString(dataS)
	if err != nil || len(key) != 32 {
		return false, errors.New("EFILE_DATA_KEY must be 32 bytes in standard base64 (openssl rand -base64 32)")
	}
	c.DataKey = key
	return true, c.loadPrevious()
}

func sqliteFile(dsn string) string {
	f, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return f
}

func devKeys(path string, create bool) (*keyFile, error) {
	var kf keyFile
	b, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(b, &kf); err != nil {
			return nil, fmt.Errorf("key file %s is damaged: %w", path, err)
		}
		return &kf, nil
	}
	if !errors.Is(err, os.ErrNotExist) || !create {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	kf.JWTSecret = randomB64(48)
	kf.DataKey = randomB64(32)
	if b, err = json.MarshalIndent(kf, "", "  "); err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	return &kf, f.Close()
}

func randomB64(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails since Go 1.24
	return base64.StdEncoding.EncodeToString(b)
}
