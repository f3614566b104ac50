package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-sql-driver/mysql"
	_ "github.com/ncruces/go-sqlite3/driver"
)

// httpCeiling serves body from a bare gin handler (no middleware, no
// authentication, no database) on a loopback listener of this process and
// drives it with the same clients: what HTTP and gin cost on this machine.
func httpCeiling(ctx context.Context, c *config, body []byte) (*driven, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/ceiling", func(g *gin.Context) { g.Data(http.StatusOK, "application/json; charset=utf-8", body) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	cl := newClient("http://"+ln.Addr().String(), c.conc)
	return drive(ctx, c, func(ctx context.Context, _ int, _ *rand.Rand) (string, string) {
		status, err := cl.call(ctx, "GET", "/ceiling", "", "", nil)
		if err != nil || status != 200 {
			return "ceiling", "error"
		}
		return "ceiling", ""
	}), nil
}

// storageCeiling inserts, with database/sql and nothing else, what an
// append commits: a record row and an access-log row in one transaction,
// into the server's own database. On SQLite that is the same file as the
// server's, written while the server is idle (after the phases): SQLite
// has one writer, so the ceiling uses one connection, as the server does.
// The rows go to scratch copies of the two tables, with the same columns
// and indexes, dropped afterwards: rows written behind the server's back
// into the real tables would be records nobody wrote and access-log
// entries without a MAC, which the sealer rightly refuses as forged.
func storageCeiling(ctx context.Context, c *config, ids []int64, by int64) (*driven, int, error) {
	var db *sql.DB
	var err error
	conns := c.conc
	switch c.dbDriver {
	case "sqlite":
		uri := c.dbDSN
		if !strings.HasPrefix(uri, "file:") {
			uri = "file:" + uri
		}
		sep := "?"
		if strings.Contains(uri, "?") {
			sep = "&"
		}
		// The server's pragmas and time layout (models/db.go).
		db, err = sql.Open("sqlite3", uri+sep+"_pragma=journal_mode(WAL)&_pragma=busy_timeout(30000)&_pragma=foreign_keys(1)"+
			"&_pragma=synchronous(NORMAL)&_txlock=immediate&_timefmt="+url.QueryEscape("2006-01-02 15:04:05.999999999-07:00"))
		conns = 1
	case "mysql":
		// As the server connects (models/db.go): arguments interpolated by
		// the driver, one round trip a statement.
		var mc *mysql.Config
		if mc, err = mysql.ParseDSN(c.dbDSN); err != nil {
			return nil, 0, fmt.Errorf("-db-dsn: %w", err)
		}
		mc.InterpolateParams = true
		db, err = sql.Open("mysql", mc.FormatDSN())
	default:
		return nil, 0, errors.New("unknown -db-driver")
	}
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if err := db.PingContext(ctx); err != nil {
		return nil, 0, fmt.Errorf("storage ceiling: %w", err)
	}
	if by == 0 {
		by = 1
	}
	if err := scratchTables(ctx, db, c.dbDriver); err != nil {
		return nil, 0, fmt.Errorf("storage ceiling: %w", err)
	}
	defer func() {
		if err := dropScratch(context.WithoutCancel(ctx), db); err != nil {
			fmt.Fprintln(os.Stderr, "storage ceiling: drop the scratch tables:", err)
		}
	}()
	var seq atomic.Int64
	d := drive(ctx, c, func(ctx context.Context, _ int, r *rand.Rand) (string, string) {
		id := ids[r.IntN(len(ids))]
		now := time.Now().UTC()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return "insert", "begin"
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "INSERT INTO efileload_records (cadre_id, occurred_on, category, content, recorded_by, recorded_by_name, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			id, "2025-06-01", "duty", fmt.Sprintf("efileload ceiling %d", seq.Add(1)), by, "efileload", now); err != nil {
			return "insert", "record"
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO efileload_access_entries (at, actor_id, actor, ip, method, path, cadre_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			now, by, "efileload", "127.0.0.1", "POST", fmt.Sprintf("/api/v1/cadres/%d/records", id), id, 201); err != nil {
			return "insert", "entry"
		}
		if err := tx.Commit(); err != nil {
			return "insert", "commit"
		}
		return "insert", ""
	})
	return d, conns, nil
}

// scratch are the tables the storage ceiling writes: copies of these.
var scratch = []string{"records", "access_entries"}

// scratchTables creates efileload_<table> for each scratch table, with its
// columns and indexes: LIKE on MySQL; on SQLite the table's and its
// indexes' own CREATE statements, renamed.
func scratchTables(ctx context.Context, db *sql.DB, driver string) error {
	if err := dropScratch(ctx, db); err != nil {
		return err
	}
	for _, t := range scratch {
		if driver == "mysql" {
			if _, err := db.ExecContext(ctx, "CREATE TABLE efileload_"+t+" LIKE "+t); err != nil {
				return err
			}
			continue
		}
		rows, err := db.QueryContext(ctx, "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC", t)
		if err != nil {
			return err
		}
		var stmts []string
		for rows.Next() {
			var q string
			if err := rows.Scan(&q); err != nil {
				rows.Close()
				return err
			}
			stmts = append(stmts, q)
		}
		rows.Close()
		for _, q := range stmts {
			q = strings.Replace(q, "`"+t+"`", "`efileload_"+t+"`", -1)
			q = strings.Replace(q, "\""+t+"\"", "\"efileload_"+t+"\"", -1)
			q = strings.Replace(q, "INDEX `", "INDEX `efileload_", 1)
			q = strings.Replace(q, "INDEX \"", "INDEX \"efileload_", 1)
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
	}
	return nil
}

// dropScratch drops the scratch tables, if any.
func dropScratch(ctx context.Context, db *sql.DB) error {
	var errs []error
	for _, t := range scratch {
		if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS efileload_"+t); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
