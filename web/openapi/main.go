// Command openapi writes efile's OpenAPI document (what GET /openapi.json
// answers) to a file, without a running server, so that the console's
// generated API types (web/src/api/schema.d.ts) can be rebuilt from it and
// CI can fail when they drift from the server:
//
//	go run ./web/openapi -o web/openapi.json
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"efile/models"
	"efile/policies"
	"efile/routes"
	"efile/services"
)

func main() {
	out := flag.String("o", "", "file to write (default: standard output)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	// The document is built from the route table and the casbin policy; the
	// router still wants its services, so they get a throwaway database.
	dir, err := os.MkdirTemp("", "efile-openapi-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := models.Open(ctx, "sqlite", filepath.Join(dir, "doc.db"))
	if err != nil {
		return err
	}
	if err := models.Migrate(ctx, db); err != nil {
		return err
	}
	key := make([]byte, 32)
	rand.Read(key) // never fails since Go 1.24
	svc, err := services.New(db, services.Config{JWTSecret: key, DataKey: key, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	enf, err := policies.NewEnforcer()
	if err != nil {
		return err
	}
	r, err := routes.New(routes.Deps{Services: svc, Enforcer: enf})
	if err != nil {
		return err
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if w.Code != http.StatusOK {
		return fmt.Errorf("GET /openapi.json answered %d", w.Code)
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
	if out == "" {
		_, err = os.Stdout.Write(w.Body.Bytes())
		return err
	}
	return os.WriteFile(out, w.Body.Bytes(), 0o644)
}
