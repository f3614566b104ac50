// Package policies embeds the casbin model and the role -> route policy, kept
// as data so that a reviewer who does not read Go can review who may use
// which route.
package policies

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// Rule is one line of policy.csv: Role may use Method on Route.
type Rule struct {
	Role, Route, Method string
}

// Rules parses the embedded policy.csv.
func Rules() ([]Rule, error) {
	var out []Rule
	sc := bufio.NewScanner(strings.NewReader(policyText))
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Split(t, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f) != 4 || f[0] != "p" {
			return nil, fmt.Errorf("policies/policy.csv line %d: want p, role, route, method", line)
		}
		out = append(out, Rule{Role: f[1], Route: f[2], Method: f[3]})
	}
	return out, sc.Err()
}

// NewEnforcer builds an enforcer from the embedded model and policy. The
// policy is never changed at run time, so concurrent Enforce calls are safe.
func NewEnforcer() (*casbin.Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policies/model.conf: %w", err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, err
	}
	rules, err := Rules()
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if _, err := e.AddPolicy(r.Role, r.Route, r.Method); err != nil {
			return nil, fmt.Errorf("policies/policy.csv %v: %w", r, err)
		}
	}
	return e, nil
}
