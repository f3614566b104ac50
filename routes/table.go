package routes

import (
	"net/http"

	"efile/services/accesslog"
	"efile/services/cadre"
)

// route is one row of the route table: the one place a route is written.
// The router, the OpenAPI document and the policy test are derived from
// the table; who may use a route is policies/policy.csv, checked against
// the table both ways by policy_test.go.
type route struct {
	Method     string
	Path       string // gin template, e.g. /api/v1/users/:id
	Summary    string
	Op         endpoint // how it is served: jsonOp, readOp, uploadOp, rawOp
	Status     int      // success status: 201 for creates, else 200 (the default)
	Query      []param
	Public     bool        // no bearer token needed
	Idempotent bool        // honours Idempotency-Key (creates and the import)
	Scope      string      // the object scope beyond the role, for the document
	Doc        any         // the response documented instead of Op's (a handler answering several shapes)
	Errors     []int       // error statuses beyond the ones derived in errorStatuses
	Other      map[int]any // other answers with their own body, e.g. readyz 503
	Limit      limit       // a rate limit of SPEC section 3 (429 with Retry-After)
}

// limit names a rate limit; routes naming one share its budget.
type limit int

const (
	limitNone     limit = iota
	limitLogin          // per client address
	limitImport         // per user
	limitExport         // per user, every workbook export
	limitVetBatch       // per user
)

func (r *route) status() int {
	if r.Status == 0 {
		return http.StatusOK
	}
	return r.Status
}

// param is a query parameter. Type is a JSON Schema type, or "date" /
// "date-time" for strings of that format.
type param struct {
	Name, Type, Description string
}

func pagedQuery(ps ...param) []param {
	return append([]param{
		{"page", "integer", "page number, from 1 (default 1)"},
		{"page_size", "integer", "items per page (default 50; above 200 is clamped to 200)"},
	}, ps...)
}

// flagScope is who sees which flags (SPEC section 8).
const flagScope = "Auditors: their own department's flags only (others answer 404, lists leave them out). Reviewers: every flag, never its reporter. Nobody: flags on their own cadre record (recusal)."
const cycleScope = "Evaluators: the cycles they have assignments in."

const inScope = "Evaluators: cadres of their own unit and the units under it. Nobody: their own cadre record (recusal)."

// table is every route of the application.
func (h *handlers) table() []route {
	rows := []route{
		{Method: "GET", Path: "/healthz", Summary: "The process is up", Op: readOp(h.healthz), Public: true},
		{Method: "GET", Path: "/readyz", Summary: "The database is reachable", Op: rawOp(readyz, healthResponse{}), Public: true,
			Other: map[int]any{503: unreadyResponse{}}},
		{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics (route templates only)", Op: rawOp(metricsHandler, docText), Public: true},
		{Method: "GET", Path: "/openapi.json", Summary: "This document", Op: rawOp(openapi, map[string]any{}), Public: true},

		{Method: "POST", Path: "/api/v1/auth/login", Summary: "Sign in", Op: jsonOp(h.login), Public: true, Errors: []int{401, 429}, Limit: limitLogin},
		{Method: "POST", Path: "/api/v1/auth/logout", Summary: "Revoke the token of this request", Op: readOp(h.logout)},
		{Method: "GET", Path: "/api/v1/me", Summary: "The signed-in user", Op: readOp(h.me)},
		{Method: "GET", Path: "/api/v1/vocabulary", Summary: "Chinese labels of every enumeration (code → label), for the console and workbooks",
			Op: readOp(h.vocabulary), Doc: vocabularyDoc{}},
		{Method: "POST", Path: "/api/v1/me/password", Summary: "Change one's own password", Op: jsonOp(h.changePassword), Errors: []int{429}},

		{Method: "POST", Path: "/api/v1/users", Summary: "Create a user (Idempotency-Key accepted)", Op: jsonOp(h.createUser), Status: 201, Idempotent: true},
		{Method: "GET", Path: "/api/v1/users", Summary: "List users", Op: readOp(h.listUsers), Query: pagedQuery()},
		{Method: "GET", Path: "/api/v1/evaluators", Summary: "List enabled evaluators by name and unit, for assigning raters", Op: readOp(h.listEvaluators),
			Query: pagedQuery(param{"unit_id", "integer", "evaluators of this unit and the units under it"},
				param{"q", "string", "part of the name or username"})},
		{Method: "GET", Path: "/api/v1/users/:id", Summary: "Read a user", Op: readOp(h.getUser)},
		{Method: "PATCH", Path: "/api/v1/users/:id", Summary: "Change a user's roles, state, links or password", Op: jsonOp(h.updateUser)},

		{Method: "POST", Path: "/api/v1/units", Summary: "Create a unit (Idempotency-Key accepted)", Op: jsonOp(h.createUnit), Status: 201, Idempotent: true},
		{Method: "GET", Path: "/api/v1/units", Summary: "List units", Op: readOp(h.listUnits),
			Query: pagedQuery(param{"parent_id", "integer", "only this unit and every unit under it"})},
		{Method: "GET", Path: "/api/v1/units/:id", Summary: "Read a unit", Op: readOp(h.getUnit)},

		{Method: "GET", Path: "/api/v1/access-log", Summary: "List access-log entries", Op: readOp(h.listAccessLog), Query: pagedQuery(
			param{"actor_id", "integer", "entries of this user"},
			param{"cadre_id", "integer", "entries that read or changed this cadre"},
			param{"from", "string", "from this RFC 3339 instant or date (YYYY-MM-DD), inclusive"},
			param{"to", "string", "up to this RFC 3339 instant or date (the whole day), inclusive"})},
		{Method: "GET", Path: "/api/v1/access-log/verify", Summary: "Verify the hash chain of the access log", Op: readOp(h.verifyAccessLog),
			Doc: accesslog.Verdict{}, Query: []param{{"head", "string",
				"HASH@SEQ: a head hash copied elsewhere, to detect entries removed from the end"}}},

		{Method: "POST", Path: "/api/v1/cadres", Summary: "Register a cadre (Idempotency-Key accepted)", Op: jsonOp(h.createCadre),
			Status: 201, Idempotent: true},
		{Method: "GET", Path: "/api/v1/cadres", Summary: "List cadres in scope; an auditor's look-up (q required, at most 20, few fields)",
			Op: readOp(h.listCadres), Doc: list[cadreResponse]{}, Errors: []int{429},
			Scope: inScope + " Auditors: a look-up by name or whole ID number, at most 20, with few fields; look-ups by whole ID number are rate-limited per user.",
			Query: pagedQuery(
				param{"unit_id", "integer", "cadres of this unit and its sub-units"},
				param{"q", "string", "part of a name, or a whole ID number; required for auditors (at least two characters)"},
				param{"is_top_leader", "boolean", "only top leaders (一把手), or only the others"},
				param{"status", "string", "active, retired or left"})},
		{Method: "POST", Path: "/api/v1/cadres/import", Summary: "Import a roster (CSV or XLSX): every row validated first, then all written in one transaction (Idempotency-Key accepted)",
			Op: uploadOp(h.importCadres), Idempotent: true, Doc: cadre.ImportReport{}, Limit: limitImport, Errors: []int{429},
			Query: []param{{"dry_run", "boolean", "true: validate and answer the report without writing anything"}}},
		{Method: "GET", Path: "/api/v1/cadres/:id", Summary: "Read a cadre", Op: readOp(h.getCadre), Scope: inScope},
		{Method: "PATCH", Path: "/api/v1/cadres/:id", Summary: "Change a cadre's profile or status (with version)", Op: jsonOp(h.updateCadre), Scope: inScope},
		{Method: "POST", Path: "/api/v1/cadres/:id/records", Summary: "Add a performance record (Idempotency-Key accepted)",
			Op: jsonOp(h.createRecord), Status: 201, Idempotent: true, Scope: inScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/records", Summary: "List a cadre's records, newest occurred_on first",
			Op: readOp(h.listRecords), Scope: inScope, Query: pagedQuery(
				param{"category", "string", "one category"},
				param{"from", "string", "occurred on or after this date (YYYY-MM-DD)"},
				param{"to", "string", "occurred on or before this date (YYYY-MM-DD)"},
				param{"include_superseded", "boolean", "also list records that an amendment superseded"})},
		{Method: "GET", Path: "/api/v1/cadres/:id/records/:rid", Summary: "Read one record", Op: readOp(h.getRecord), Scope: inScope},
		{Method: "POST", Path: "/api/v1/cadres/:id/records/:rid/amendments", Summary: "Correct a record: a new record that supersedes it (Idempotency-Key accepted)",
			Op: jsonOp(h.amendRecord), Status: 201, Idempotent: true, Scope: inScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/efile", Summary: "The cadre's e-file", Op: readOp(h.getEFile), Scope: inScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/efile.xlsx", Summary: "The cadre's e-file as an Excel workbook",
			Op: workbookOp(h.getEFileXLSX), Scope: inScope, Limit: limitExport, Errors: []int{429}},

		{Method: "POST", Path: "/api/v1/flags", Summary: "File a flag; its source is the filer's department (Idempotency-Key accepted)",
			Op: jsonOp(h.createFlag), Status: 201, Idempotent: true, Scope: flagScope},
		{Method: "GET", Path: "/api/v1/flags", Summary: "List flags, newest first (no history)", Op: readOp(h.listFlags), Scope: flagScope,
			Query: pagedQuery(
				param{"cadre_id", "integer", "flags of this cadre"},
				param{"status", "string", "open, verifying, substantiated, unsubstantiated or resolved"},
				param{"source", "string", "discipline, audit, petition or inspection (an auditor naming another department gets an empty list)"},
				param{"kind", "string", "clue, investigation, sanction, audit_finding, petition or inquiry"})},
		{Method: "GET", Path: "/api/v1/flags/:id", Summary: "Read a flag with its history", Op: readOp(h.getFlag), Scope: flagScope},
		{Method: "PATCH", Path: "/api/v1/flags/:id", Summary: "Move a flag to another status (with version and a note)",
			Op: jsonOp(h.updateFlag), Scope: "Auditors: their own department's flags only. Nobody: flags on their own cadre record (recusal)."},
		{Method: "GET", Path: "/api/v1/cadres/:id/flag-summary", Summary: "Counts of a cadre's flags (open, by source, active sanction)",
			Op: readOp(h.flagSummary), Scope: "Nobody: their own cadre record (recusal)."},
		{Method: "POST", Path: "/api/v1/cadres/:id/vettings", Summary: "Vet a cadre before promotion; stored and never changed (Idempotency-Key accepted)",
			Op: jsonOp(h.createVetting), Status: 201, Idempotent: true, Scope: "Nobody: their own cadre record (recusal)."},
		{Method: "GET", Path: "/api/v1/cadres/:id/vettings", Summary: "List a cadre's vettings, newest first", Op: readOp(h.listVettings),
			Query: pagedQuery(), Scope: "Nobody: their own cadre record (recusal)."},
		{Method: "POST", Path: "/api/v1/vettings/batch", Summary: "Vet up to 1,000 cadres; answers in the order asked, each stored (Idempotency-Key accepted)",
			Op: jsonOp(h.batchVetting), Idempotent: true, Limit: limitVetBatch, Errors: []int{429},
			Scope: "Every id must be a cadre the reviewer may vet (400 per id otherwise, nothing stored)."},
		{Method: "POST", Path: "/api/v1/appraisal-cycles", Summary: "Create an appraisal cycle, as a draft (Idempotency-Key accepted)",
			Op: jsonOp(h.createCycle), Status: 201, Idempotent: true},
		{Method: "GET", Path: "/api/v1/appraisal-cycles", Summary: "List appraisal cycles, newest first", Op: readOp(h.listCycles),
			Scope: cycleScope, Query: pagedQuery(
				param{"status", "string", "draft, open, closed or finalized"},
				param{"kind", "string", "ordinary, annual, special or term"},
				param{"year", "integer", "cycles of this year"})},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id", Summary: "Read an appraisal cycle", Op: readOp(h.getCycle), Scope: cycleScope},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/open", Summary: "Open a draft cycle: evaluators may submit", Op: readOp(h.openCycle)},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/close", Summary: "Close an open cycle and compute its proposed results",
			Op: readOp(h.closeCycle)},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/finalize", Summary: "Finalize a closed cycle, with overrides (each with a reason)",
			Op: jsonOp(h.finalizeCycle)},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/assignments", Summary: "Assign an evaluator to appraise a cadre (Idempotency-Key accepted)",
			Op: jsonOp(h.createAssignment), Status: 201, Idempotent: true, Scope: "Any cadre but one's own record; the evaluator not linked to the cadre (recusal)."},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/assignments", Summary: "List a cycle's assignments, newest first",
			Op: readOp(h.listAssignments), Scope: "Evaluators: only their own assignments.", Query: pagedQuery(
				param{"evaluator_id", "integer", "assignments of this evaluator"},
				param{"cadre_id", "integer", "assignments to appraise this cadre"})},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/assignments/bulk", Summary: "Assign evaluators to every active cadre of a unit and its sub-units (at most 5,000 pairs)",
			Op: jsonOp(h.bulkAssign)},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/progress", Summary: "Assigned, submitted and missing appraisals per unit and per evaluator",
			Op: readOp(h.getProgress)},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/appraisals", Summary: "Submit an appraisal of an assigned cadre (Idempotency-Key accepted)",
			Op: jsonOp(h.submitAppraisal), Status: 201, Idempotent: true, Scope: "Only cadres the evaluator is assigned in this cycle."},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/appraisals", Summary: "List a cycle's appraisals, newest first",
			Op: readOp(h.listAppraisals), Scope: "Evaluators: only their own appraisals.", Query: pagedQuery(
				param{"cadre_id", "integer", "appraisals of this cadre"},
				param{"evaluator_id", "integer", "appraisals by this evaluator"})},
		{Method: "PUT", Path: "/api/v1/appraisal-cycles/:id/appraisals/:aid", Summary: "Revise one's appraisal while the cycle is open (with version)",
			Op: jsonOp(h.reviseAppraisal), Scope: "Only the appraisal's author."},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/results", Summary: "A closed cycle's results, highest score first",
			Op: readOp(h.getResults)},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/results.xlsx", Summary: "A closed cycle's results as a workbook (results and grade distribution per unit)",
			Op: workbookOp(h.getResultsXLSX), Limit: limitExport, Errors: []int{429}},
	}
	// The four checks before a promotion (SPEC 13): routes/checks_routes.go.
	return append(rows, h.checkRoutes()...)
}
