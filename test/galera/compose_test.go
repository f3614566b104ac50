package galera_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// compose is the part of docker-compose.galera.yml the test reads.
type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     any               `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   any               `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
}

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cnf reads the [mariadbd] settings of a my.cnf file.
func cnf(text string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			m[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return m
}

func TestComposeGalera(t *testing.T) {
	var c compose
	// Keys beside a merge key (<<) override the merged ones, as Compose reads them.
	if err := yaml.UnmarshalWithOptions([]byte(readRepoFile(t, "docker-compose.galera.yml")), &c, yaml.AllowDuplicateMapKey()); err != nil {
		t.Fatalf("docker-compose.galera.yml: %v", err)
	}
	for _, n := range []string{"galera1", "galera2", "galera3"} {
		t.Run(n, func(t *testing.T) {
			s, ok := c.Services[n]
			if !ok {
				t.Fatalf("no service %s", n)
			}
			if !strings.HasPrefix(s.Image, "mariadb:") {
				t.Errorf("image %q, want mariadb", s.Image)
			}
			if !strings.Contains(strings.Join(s.Volumes, " "), "./deploy/galera.cnf:/etc/mysql/conf.d/") {
				t.Errorf("deploy/galera.cnf not mounted: %v", s.Volumes)
			}
			if h := strings.Join(s.Healthcheck.Test, " "); !strings.Contains(h, "--galera_online") {
				t.Errorf("healthcheck %q does not wait for the node to be synced", h)
			}
			cmd := strings.Join(flatten(s.Command), " ")
			if !strings.Contains(cmd, "--wsrep-node-name="+n) || !strings.Contains(cmd, "--wsrep-node-address="+n) {
				t.Errorf("command %q does not name the node", cmd)
			}
			if bootstrap := strings.Contains(cmd, "--wsrep-new-cluster"); bootstrap != (n == "galera1") {
				t.Errorf("--wsrep-new-cluster on %s: %v; only galera1 starts the cluster", n, bootstrap)
			}
		})
	}
	for i, n := range []string{"efile1", "efile2"} {
		t.Run(n, func(t *testing.T) {
			s, ok := c.Services[n]
			if !ok {
				t.Fatalf("no service %s", n)
			}
			node := []string{"galera1", "galera2"}[i]
			if s.Environment["EFILE_DB_DRIVER"] != "mysql" || !strings.Contains(s.Environment["EFILE_DB_DSN"], "@tcp("+node+":3306)/efile") {
				t.Errorf("%s must use %s: %v", n, node, s.Environment)
			}
			for _, k := range []string{"EFILE_JWT_SECRET", "EFILE_DATA_KEY"} {
				if !strings.Contains(s.Environment[k], "${"+k) {
					t.Errorf("%s: %s must come from the one shared variable, not %q", n, k, s.Environment[k])
				}
			}
		})
	}
	t.Run("haproxy", func(t *testing.T) {
		if _, ok := c.Services["haproxy"]; !ok {
			t.Fatal("no service haproxy")
		}
		h := readRepoFile(t, "deploy/haproxy.cfg")
		for _, want := range []string{"option httpchk GET /readyz", "http-check expect status 200",
			"server efile1 efile1:8080 check", "server efile2 efile2:8080 check"} {
			if !strings.Contains(h, want) {
				t.Errorf("deploy/haproxy.cfg lacks %q", want)
			}
		}
	})
	t.Run("wsrepSettings", func(t *testing.T) {
		m := cnf(readRepoFile(t, "deploy/galera.cnf"))
		for k, want := range map[string]string{
			"binlog_format": "ROW", "innodb_autoinc_lock_mode": "2", "wsrep_on": "ON",
			"wsrep_provider": "/usr/lib/galera/libgalera_smm.so", "default_storage_engine": "InnoDB",
			"wsrep_cluster_address": "gcomm://galera1,galera2,galera3", "wsrep_sync_wait": "1",
		} {
			if m[k] != want {
				t.Errorf("deploy/galera.cnf: %s = %q, want %q", k, m[k], want)
			}
		}
		// The compose file and the test cluster evict a dead node alike.
		script := regexp.MustCompile(`(?m)^PROVIDER_OPTIONS="([^"]*)"`).FindStringSubmatch(readRepoFile(t, "scripts/galera-cluster.sh"))
		if script == nil || script[1] != m["wsrep_provider_options"] {
			t.Errorf("provider options differ:\n script %v\n compose %q", script, m["wsrep_provider_options"])
		}
		for _, o := range []string{"evs.suspect_timeout=", "evs.inactive_timeout=", "evs.keepalive_period=", "evs.install_timeout=", "pc.wait_prim="} {
			if !strings.Contains(m["wsrep_provider_options"], o) {
				t.Errorf("wsrep_provider_options lacks %s", o)
			}
		}
	})
}

// flatten turns a compose command (a string or a list) into words.
func flatten(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Fields(v)
	case []any:
		var out []string
		for _, w := range v {
			if s, ok := w.(string); ok {
				out = append(out, strings.Fields(s)...)
			}
		}
		return out
	}
	return nil
}
