package routes_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestCreateUser(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	uid := a.unit("U1", nil)
	base := func(over map[string]any) map[string]any {
		m := map[string]any{"username": "eva", "password": "a-long-password", "display_name": "Eva", "roles": []string{"evaluator"}, "unit_id": uid}
		for k, v := range over {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	cases := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"400_adminPlusOther", base(map[string]any{"username": "xx1", "roles": []string{"admin", "evaluator"}}), 400, "validation_failed", "roles"},
		{"400_securityAuditorPlusOther", base(map[string]any{"username": "xx2", "roles": []string{"security_auditor", "org_reviewer"}}), 400, "validation_failed", "roles"},
		{"400_unknownRole", base(map[string]any{"username": "xx3", "roles": []string{"root"}}), 400, "validation_failed", "roles[0]"},
		{"400_noRoles", base(map[string]any{"username": "xx4", "roles": []string{}}), 400, "validation_failed", "roles"},
		{"400_auditorWithoutDepartment", base(map[string]any{"username": "xx5", "roles": []string{"auditor"}}), 400, "validation_failed", "department"},
		{"400_auditorBadDepartment", base(map[string]any{"username": "xx6", "roles": []string{"auditor"}, "department": "police"}), 400, "validation_failed", "department"},
		{"400_departmentForNonAuditor", base(map[string]any{"username": "xx6b", "department": "audit"}), 400, "validation_failed", "department"},
		{"400_evaluatorWithoutUnit", base(map[string]any{"username": "xx7", "unit_id": nil}), 400, "validation_failed", "unit_id"},
		{"400_unknownUnit", base(map[string]any{"username": "xx8", "unit_id": 999}), 400, "validation_failed", "unit_id"},
		{"400_unknownCadre", base(map[string]any{"username": "xx9", "cadre_id": 999}), 400, "validation_failed", "cadre_id"},
		{"400_shortPassword", base(map[string]any{"username": "xx10", "password": "short"}), 400, "validation_failed", "password"},
		{"400_passwordOver72Bytes", base(map[string]any{"username": "xx11", "password": strings.Repeat("密", 30)}), 400, "validation_failed", "password"},
		{"400_badUsername", base(map[string]any{"username": "a b"}), 400, "validation_failed", "username"},
		{"400_serverOwnedField", base(map[string]any{"username": "xx12", "version": 3}), 400, "invalid_json", "version"},
		{"201_evaluator", base(nil), 201, "", ""},
		{"201_auditor", base(map[string]any{"username": "aud", "roles": []string{"auditor"}, "department": "discipline", "unit_id": nil}), 201, "", ""},
		{"201_reviewerAndEvaluator", base(map[string]any{"username": "both", "roles": []string{"org_reviewer", "evaluator"}}), 201, "", ""},
		{"409_duplicateUsername", base(nil), 409, "conflict", ""},
		{"409_duplicateUsernameOtherCase", base(map[string]any{"username": "EVA"}), 409, "conflict", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := a.do("POST", "/api/v1/users", tok, c.body)
			want(t, r, c.status, c.code)
			if c.field != "" && (len(r.Fields()) == 0 || r.Fields()[0] != c.field) {
				t.Fatalf("fields %v, want %s", r.Fields(), c.field)
			}
			if c.status == 201 {
				m := r.JSON()
				if m["version"].(float64) != 1 || m["username"] != c.body["username"] || m["disabled"] != false {
					t.Fatalf("body %s", r.Body)
				}
				if strings.Contains(string(r.Body), "password") {
					t.Fatalf("password leaked: %s", r.Body)
				}
			}
		})
	}
	t.Run("list200", func(t *testing.T) {
		r := a.do("GET", "/api/v1/users?page=1&page_size=2", tok, nil)
		want(t, r, 200)
		m := r.JSON()
		if m["total"].(float64) != 4 || len(m["items"].([]any)) != 2 || m["page_size"].(float64) != 2 {
			t.Fatalf("body %s", r.Body)
		}
		first := m["items"].([]any)[0].(map[string]any)
		if first["username"] != "both" {
			t.Fatalf("not newest first: %s", r.Body)
		}
	})
	t.Run("listPageSizeClamped", func(t *testing.T) {
		r := a.do("GET", "/api/v1/users?page_size=1000", tok, nil)
		want(t, r, 200)
		if r.JSON()["page_size"].(float64) != 200 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("list400_badPage", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/users?page=0", tok, nil), 400, "validation_failed")
		want(t, a.do("GET", "/api/v1/users?page_size=x", tok, nil), 400, "validation_failed")
		want(t, a.do("GET", "/api/v1/users?page=99999999999999999", tok, nil), 400, "validation_failed")
	})
}

func TestUpdateUser(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	uid := a.unit("U1", nil)
	id, utok := a.user("rev", []string{"org_reviewer"}, nil, nil)
	path := fmt.Sprintf("/api/v1/users/%d", id)
	version := 1.0
	patch := func(body map[string]any) *resp {
		t.Helper()
		r := a.do("PATCH", path, tok, body)
		if r.Status == 200 {
			version = r.JSON()["version"].(float64)
		}
		return r
	}
	t.Run("400_missingVersion", func(t *testing.T) {
		want(t, patch(map[string]any{"disabled": true}), 400, "validation_failed")
	})
	t.Run("409_staleVersion", func(t *testing.T) {
		want(t, patch(map[string]any{"disabled": false, "version": 7}), 409, "version_conflict")
	})
	t.Run("roleChangeHoldsOnNextRequest", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/units", utok, nil), 200)
		r := patch(map[string]any{"roles": []string{"security_auditor"}, "version": version})
		if r.Status == 500 {
			t.Log(a.logs.String())
		}
		want(t, r, 200)
		if version != 2 {
			t.Fatalf("version %v", version)
		}
		wantPolicy(t, a.do("GET", "/api/v1/units", utok, nil), "GET /api/v1/units", "security_auditor")
		wantPolicy(t, a.do("GET", "/api/v1/access-log", utok, nil), "GET /api/v1/access-log", "security_auditor")
	})
	t.Run("400_evaluatorNeedsUnit", func(t *testing.T) {
		want(t, patch(map[string]any{"roles": []string{"evaluator"}, "version": version}), 400, "validation_failed")
	})
	t.Run("200_evaluatorWithUnit", func(t *testing.T) {
		want(t, patch(map[string]any{"roles": []string{"evaluator"}, "unit_id": uid, "version": version}), 200)
	})
	t.Run("400_clearUnitOfEvaluator", func(t *testing.T) {
		r := patch(map[string]any{"unit_id": nil, "version": version})
		want(t, r, 400, "validation_failed")
	})
	t.Run("400_exclusiveRoles", func(t *testing.T) {
		want(t, patch(map[string]any{"roles": []string{"admin", "evaluator"}, "version": version}), 400, "validation_failed")
	})
	t.Run("disabledUser401OnNextRequest", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/me", utok, nil), 200)
		want(t, patch(map[string]any{"disabled": true, "version": version}), 200)
		want(t, a.do("GET", "/api/v1/me", utok, nil), 401, "unauthenticated")
		want(t, a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "rev", "password": testPassword}), 401)
	})
	t.Run("401_reenabledUsersOldTokensStayDead", func(t *testing.T) {
		// Only the password is unchanged: re-enabling alone must not
		// revive the tokens that disabling revoked (SPEC section 4).
		want(t, patch(map[string]any{"disabled": false, "version": version}), 200)
		want(t, a.do("GET", "/api/v1/me", utok, nil), 401, "unauthenticated")
		fresh := a.login("rev", testPassword)
		want(t, a.do("GET", "/api/v1/me", fresh, nil), 200)
		want(t, patch(map[string]any{"disabled": true, "version": version}), 200)
		want(t, a.do("GET", "/api/v1/me", fresh, nil), 401, "unauthenticated")
	})
	t.Run("reenableAndResetPassword", func(t *testing.T) {
		want(t, patch(map[string]any{"disabled": false, "password": "reset-by-the-admin", "version": version}), 200)
		a.login("rev", "reset-by-the-admin")
	})
	t.Run("403_ownRoles", func(t *testing.T) {
		r := a.do("GET", "/api/v1/me", tok, nil)
		adminID := int64(r.JSON()["id"].(float64))
		want(t, a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", adminID), tok, map[string]any{"roles": []string{"admin"}, "version": 1}), 403, "forbidden")
		want(t, a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", adminID), tok, map[string]any{"disabled": true, "version": 1}), 403, "forbidden")
	})
	t.Run("auditorToReviewerDropsDepartment", func(t *testing.T) {
		id, _ := a.user("aud", []string{"auditor"}, nil, ptr("petition"))
		p := fmt.Sprintf("/api/v1/users/%d", id)
		want(t, a.do("PATCH", p, tok, map[string]any{"roles": []string{"org_reviewer"}, "department": "audit", "version": 1}), 400, "validation_failed")
		r := a.do("PATCH", p, tok, map[string]any{"roles": []string{"org_reviewer"}, "version": 1})
		want(t, r, 200)
		if r.JSON()["department"] != nil {
			t.Fatalf("body %s", r.Body)
		}
		want(t, a.do("PATCH", p, tok, map[string]any{"roles": []string{"auditor"}, "version": 2}), 400, "validation_failed")
		want(t, a.do("PATCH", p, tok, map[string]any{"roles": []string{"auditor"}, "department": "audit", "version": 2}), 200)
	})
	t.Run("404_unknownUser", func(t *testing.T) {
		want(t, a.do("PATCH", "/api/v1/users/9999", tok, map[string]any{"disabled": true, "version": 1}), 404, "not_found")
	})
	t.Run("get200", func(t *testing.T) {
		r := a.do("GET", path, tok, nil)
		want(t, r, 200)
		if r.JSON()["version"].(float64) != version {
			t.Fatalf("body %s", r.Body)
		}
	})
}

func TestUnits(t *testing.T) {
	a := newApp(t)
	tok := a.admin()
	r := a.do("POST", "/api/v1/units", tok, map[string]any{"name": "区委办", "code": "QWB"})
	want(t, r, 201)
	root := r.ID()
	r = a.do("POST", "/api/v1/units", tok, map[string]any{"name": "综合科", "code": "QWB-ZH", "parent_id": root})
	want(t, r, 201)
	child := r.ID()
	want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": "股", "code": "QWB-ZH-1", "parent_id": child}), 201)
	want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": "其他", "code": "OTHER"}), 201)
	t.Run("409_duplicateCode", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": "x", "code": "QWB"}), 409, "conflict")
	})
	t.Run("400_unknownParent", func(t *testing.T) {
		r := a.do("POST", "/api/v1/units", tok, map[string]any{"name": "x", "code": "X", "parent_id": 999})
		want(t, r, 400, "validation_failed")
		if r.Fields()[0] != "parent_id" {
			t.Fatal(r.Fields())
		}
	})
	t.Run("400_nameTooLong", func(t *testing.T) {
		want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": strings.Repeat("单", 101), "code": "Y"}), 400, "validation_failed")
		want(t, a.do("POST", "/api/v1/units", tok, map[string]any{"name": strings.Repeat("单", 100), "code": "Y"}), 201)
	})
	t.Run("listSubtree", func(t *testing.T) {
		r := a.do("GET", fmt.Sprintf("/api/v1/units?parent_id=%d", root), tok, nil)
		want(t, r, 200)
		if r.JSON()["total"].(float64) != 3 {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("get200", func(t *testing.T) {
		r := a.do("GET", fmt.Sprintf("/api/v1/units/%d", child), tok, nil)
		want(t, r, 200)
		if r.JSON()["parent_id"].(float64) != float64(root) || r.JSON()["name"] != "综合科" {
			t.Fatalf("body %s", r.Body)
		}
	})
	t.Run("get404", func(t *testing.T) {
		want(t, a.do("GET", "/api/v1/units/999", tok, nil), 404, "not_found")
	})
}

// TestListEvaluators: a reviewer finds evaluators by name and unit (its
// subtree) to assign them, and learns only who they are and where.
func TestListEvaluators(t *testing.T) {
	w := newWorld(t)
	_, _ = w.user("evala1", []string{"evaluator"}, &w.unitA1, nil)
	offID, _ := w.user("evaloff", []string{"evaluator"}, &w.unitA, nil)
	admin := w.admin()
	u := w.do("GET", fmt.Sprintf("/api/v1/users/%d", offID), admin, nil)
	want(t, w.do("PATCH", fmt.Sprintf("/api/v1/users/%d", offID), admin, map[string]any{"disabled": true, "version": u.JSON()["version"]}), 200)
	names := func(r *resp) []string {
		var out []string
		for _, it := range r.JSON()["items"].([]any) {
			m := it.(map[string]any)
			if _, leak := m["roles"]; leak {
				t.Fatalf("more than who and where: %v", m)
			}
			out = append(out, m["username"].(string))
		}
		slices.Sort(out)
		return out
	}
	t.Run("200_enabledEvaluatorsOnly", func(t *testing.T) {
		r := w.do("GET", "/api/v1/evaluators", w.rev, nil)
		want(t, r, 200)
		if got := names(r); !slices.Equal(got, []string{"evala", "evala1", "evalb"}) {
			t.Fatalf("evaluators %v", got)
		}
	})
	t.Run("200_unitSubtree", func(t *testing.T) {
		r := w.do("GET", fmt.Sprintf("/api/v1/evaluators?unit_id=%d", w.unitA), w.rev, nil)
		want(t, r, 200)
		if got := names(r); !slices.Equal(got, []string{"evala", "evala1"}) {
			t.Fatalf("evaluators of A %v", got)
		}
	})
	t.Run("200_byName", func(t *testing.T) {
		r := w.do("GET", "/api/v1/evaluators?q=evalb", w.rev, nil)
		want(t, r, 200)
		if got := names(r); !slices.Equal(got, []string{"evalb"}) {
			t.Fatalf("evaluators named evalb %v", got)
		}
	})
	t.Run("400_unknownUnit", func(t *testing.T) {
		r := w.do("GET", "/api/v1/evaluators?unit_id=9999", w.rev, nil)
		want(t, r, 400, "validation_failed")
	})
	t.Run("policy_evaluator", func(t *testing.T) {
		wantPolicy(t, w.do("GET", "/api/v1/evaluators", w.evalA, nil), "GET /api/v1/evaluators", "evaluator")
	})
}
