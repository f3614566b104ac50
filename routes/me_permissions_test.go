package routes_test

import (
	"fmt"
	"slices"
	"testing"

	"efile/policies"
)

// mePermissions reads GET /me's permissions, failing on duplicates.
func mePermissions(t *testing.T, a *app, tok string) []string {
	t.Helper()
	r := a.do("GET", "/api/v1/me", tok, nil)
	want(t, r, 200)
	raw, ok := r.JSON()["permissions"].([]any)
	if !ok {
		t.Fatalf("/me has no permissions list: %s", r.Body)
	}
	out := make([]string, 0, len(raw))
	for _, p := range raw {
		out = append(out, p.(string))
	}
	sorted := slices.Sorted(slices.Values(out))
	if len(slices.Compact(slices.Clone(sorted))) != len(sorted) {
		t.Fatalf("permissions repeat a key: %v", out)
	}
	return sorted
}

// TestMePermissions: GET /me lists, for every role, exactly the routes the
// server lets that role use (SPEC section 12), as "METHOD /gin-template":
// the same set as the enforcer allows over the router's routes, and as
// policies/policy.csv grants; a user with two roles gets both sets; a role
// change shows on the next /me of the same token.
func TestMePermissions(t *testing.T) {
	a := newApp(t)
	enf, err := policies.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	rules, err := policies.Rules()
	if err != nil {
		t.Fatal(err)
	}
	// What the enforcer allows each role, over the routes gin serves.
	allowedBy := func(roles ...string) []string {
		var out []string
		for _, rt := range a.r.Routes() {
			for _, role := range roles {
				ok, err := enf.Enforce(role, rt.Path, rt.Method)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					out = append(out, rt.Method+" "+rt.Path)
					break
				}
			}
		}
		return slices.Sorted(slices.Values(out))
	}
	// What policy.csv grants each role, read as data.
	granted := func(role string) []string {
		var out []string
		for _, r := range rules {
			if r.Role == role {
				out = append(out, r.Method+" "+r.Route)
			}
		}
		return slices.Sorted(slices.Values(out))
	}

	uid := a.unit("U1", nil)
	tokens := map[string]string{"admin": a.admin()}
	for _, role := range []string{"org_reviewer", "evaluator", "auditor", "security_auditor"} {
		var dept *string
		if role == "auditor" {
			dept = ptr("audit")
		}
		_, tokens[role] = a.user("u_"+role, []string{role}, &uid, dept)
	}
	for role, tok := range tokens {
		t.Run("me200_"+role+"_asTheEnforcerAllows", func(t *testing.T) {
			got := mePermissions(t, a, tok)
			if want := allowedBy(role); !slices.Equal(got, want) {
				t.Fatalf("permissions %v\nthe enforcer allows %v", got, want)
			}
			if want := granted(role); !slices.Equal(got, want) {
				t.Fatalf("permissions %v\npolicy.csv grants %v", got, want)
			}
			if !slices.Contains(got, "GET /api/v1/me") || slices.Contains(got, "POST /api/v1/auth/login") {
				t.Fatalf("permissions %v: want GET /api/v1/me and no public route", got)
			}
		})
	}
	t.Run("me200_twoRolesTheUnion", func(t *testing.T) {
		_, tok := a.user("u_both", []string{"org_reviewer", "evaluator"}, &uid, nil)
		if got, want := mePermissions(t, a, tok), allowedBy("org_reviewer", "evaluator"); !slices.Equal(got, want) {
			t.Fatalf("permissions %v, want %v", got, want)
		}
	})
	t.Run("me200_roleChangeShowsOnTheNextMe", func(t *testing.T) {
		id, tok := a.user("u_change", []string{"evaluator"}, &uid, nil)
		if got := mePermissions(t, a, tok); slices.Contains(got, "GET /api/v1/cadres/:id/efile") {
			t.Fatalf("an evaluator may read the e-file: %v", got)
		}
		u := a.do("GET", fmt.Sprintf("/api/v1/users/%d", id), a.admin(), nil)
		want(t, u, 200)
		want(t, a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", id), a.admin(),
			map[string]any{"roles": []string{"org_reviewer"}, "version": u.JSON()["version"]}), 200)
		if got, want := mePermissions(t, a, tok), allowedBy("org_reviewer"); !slices.Equal(got, want) {
			t.Fatalf("after the change to org_reviewer: %v, want %v", got, want)
		}
	})
}

// The first administrator, made at the first start, is named in Chinese
// (issue 23): the header and the user list show it.
func TestMeFirstAdminInChinese(t *testing.T) {
	a := newApp(t)
	r := a.do("GET", "/api/v1/me", a.admin(), nil)
	want(t, r, 200)
	if got := r.JSON()["display_name"]; got != "系统管理员" {
		t.Fatalf("the first administrator is named %q, want 系统管理员", got)
	}
}
