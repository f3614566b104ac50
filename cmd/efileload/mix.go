package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// op is one kind of request the load drives, as one role.
type op struct {
	role   string // reviewer, evaluator or auditor
	method string
	path   string // with one %d: the cadre id
	body   bool   // a JSON body made per request
	want   int
}

// ops are the requests a mix may name. efile, list, append and vet are the
// issue's mix; cadre and flags are there to vary it.
var ops = map[string]op{
	"efile":  {"reviewer", "GET", "/api/v1/cadres/%d/efile", false, 200},
	"list":   {"evaluator", "GET", "/api/v1/cadres/%d/records", false, 200},
	"append": {"evaluator", "POST", "/api/v1/cadres/%d/records", true, 201},
	"vet":    {"reviewer", "POST", "/api/v1/cadres/%d/vettings", true, 201},
	"cadre":  {"reviewer", "GET", "/api/v1/cadres/%d", false, 200},
	"flags":  {"auditor", "GET", "/api/v1/flags?cadre_id=%d", false, 200},
}

// defaultMix is the issue's: read e-file 40 %, list records 30 %, append
// a record 20 %, vet 10 %.
const defaultMix = "efile=40,list=30,append=20,vet=10"

// mix is a weighted choice of operations.
type mix struct {
	spec    string
	names   []string
	weights []int
	total   int
}

// parseMix reads "name=weight,name=weight": known names, each once, whole
// non-negative weights, at least one above zero.
func parseMix(s string) (mix, error) {
	m := mix{spec: s}
	for _, part := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return mix{}, fmt.Errorf("mix %q: %q is not name=weight", s, part)
		}
		if _, known := ops[name]; !known {
			return mix{}, fmt.Errorf("mix %q: unknown operation %q (known: %s)", s, name, strings.Join(opNames(), ", "))
		}
		if slices.Contains(m.names, name) {
			return mix{}, fmt.Errorf("mix %q: %s named twice", s, name)
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 {
			return mix{}, fmt.Errorf("mix %q: weight of %s must be a whole number ≥ 0", s, name)
		}
		m.names, m.weights, m.total = append(m.names, name), append(m.weights, n), m.total+n
	}
	if m.total == 0 {
		return mix{}, fmt.Errorf("mix %q: every weight is 0", s)
	}
	return m, nil
}

// pick chooses an operation with probability weight/total.
func (m mix) pick(r *rand.Rand) string {
	n := r.IntN(m.total)
	for i, w := range m.weights {
		if n < w {
			return m.names[i]
		}
		n -= w
	}
	return m.names[len(m.names)-1]
}

// roles lists the roles the mix needs, to log in only as those.
func (m mix) roles() []string {
	var out []string
	for i, n := range m.names {
		if r := ops[n].role; m.weights[i] > 0 && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func opNames() []string {
	var out []string
	for n := range ops {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
