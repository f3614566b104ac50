package routes_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestHealthAndMetrics(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	want(t, a.do("GET", "/healthz", "", nil), 200)
	want(t, a.do("GET", "/readyz", "", nil), 200)
	want(t, a.do("GET", "/api/v1/users/12345", tok, nil), 404)
	t.Run("metricsUseRouteTemplates", func(t *testing.T) {
		r := a.do("GET", "/metrics", "", nil)
		want(t, r, 200)
		body := string(r.Body)
		for _, s := range []string{
			`efile_http_requests_total{method="GET",route="/api/v1/users/:id",status="404"} 1`,
			`efile_http_request_duration_seconds_bucket{method="POST",route="/api/v1/auth/login"`,
			`efile_accesslog_pending_entries `,
		} {
			if !strings.Contains(body, s) {
				t.Fatalf("metrics lack %q", s)
			}
		}
		if strings.Contains(body, "12345") || strings.Contains(body, "admin") {
			t.Fatal("metrics carry ids or names")
		}
	})
	t.Run("pendingGaugeCounts", func(t *testing.T) {
		a.seal()
		want(t, a.do("GET", "/api/v1/users", tok, nil), 200)
		n, _ := a.audit.Pending(t.Context())
		body := string(a.do("GET", "/metrics", "", nil).Body)
		if !strings.Contains(body, fmt.Sprintf("efile_accesslog_pending_entries %d\n", n)) || n < 1 {
			t.Fatalf("pending %d not in metrics", n)
		}
	})
	t.Run("readyz503WhenDatabaseGone", func(t *testing.T) {
		sqlDB, _ := a.db.DB()
		sqlDB.Close()
		r := a.do("GET", "/readyz", "", nil)
		want(t, r, 503)
		want(t, a.do("GET", "/healthz", "", nil), 200)
	})
}
