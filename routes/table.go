package routes

import (
	"net/http"
)

// route is one row of the route table: the one place a route is written.
// The router, the OpenAPI document and the policy test are derived from
// the table; who may use a route is policies/policy.csv, checked against
// the table both ways by policy_test.go.
type route struct {
	Method     string
	Path       string // gin template, e.g. /api/v1/users/:id
	Summary    string
	Op         endpoint    // how it is served: jsonOp, readOp, uploadOp, rawOp
	Status     int         // success status: 201 for creates, else 200 (the default)
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

// query is the route's query parameters, as its input struct binds them.
func (r *route) query() []param { return queryParams(r.Op.input) }

// flagScope is who sees which flags (SPEC section 8).
const flagScope = "Auditors: their own department's flags only (others answer 404, lists leave them out). Reviewers: every flag, never its reporter, and the detail only of the organization's own. Nobody: flags on their own cadre record (recusal)."

// flagChangeScope is who changes which flags (SPEC section 8).
const flagChangeScope = "The flag's own department only: an auditor's department, the organization for reviewers (others answer 404). Nobody: flags on their own cadre record (recusal)."
const cycleScope = "Evaluators: the cycles they have assignments in."

// profileScope is who reads and writes a profile (SPEC section 16).
const profileScope = "Nobody: their own cadre record (recusal)."

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
		{Method: "GET", Path: "/api/v1/users", Summary: "List users", Op: readOp(h.listUsers)},
		{Method: "GET", Path: "/api/v1/evaluators", Summary: "List enabled evaluators by name and unit, for assigning raters", Op: readOp(h.listEvaluators)},
		{Method: "GET", Path: "/api/v1/users/:id", Summary: "Read a user", Op: readOp(h.getUser)},
		{Method: "PATCH", Path: "/api/v1/users/:id", Summary: "Change a user's roles, state, links or password", Op: jsonOp(h.updateUser)},

		{Method: "POST", Path: "/api/v1/units", Summary: "Create a unit (Idempotency-Key accepted)", Op: jsonOp(h.createUnit), Status: 201, Idempotent: true},
		{Method: "GET", Path: "/api/v1/units", Summary: "List units", Op: readOp(h.listUnits)},
		{Method: "GET", Path: "/api/v1/units/:id", Summary: "Read a unit", Op: readOp(h.getUnit)},
		{Method: "PATCH", Path: "/api/v1/units/:id", Summary: "Rename, move (with its sub-units; parent_id null: to the root) or disable a unit (with version)",
			Op: jsonOp(h.updateUnit)},
		{Method: "GET", Path: "/api/v1/units/:id/history", Summary: "A unit's changes, newest first: who, when, name, parent and state before and after",
			Op: readOp(h.unitHistory)},

		{Method: "GET", Path: "/api/v1/access-log", Summary: "List access-log entries", Op: readOp(h.listAccessLog)},
		{Method: "GET", Path: "/api/v1/access-log/verify", Summary: "Verify the hash chain of the access log", Op: readOp(h.verifyAccessLog)},

		{Method: "POST", Path: "/api/v1/cadres", Summary: "Register a cadre (Idempotency-Key accepted)", Op: jsonOp(h.createCadre),
			Status: 201, Idempotent: true},
		{Method: "GET", Path: "/api/v1/cadres", Summary: "List cadres in scope; an auditor's look-up (q required, at most 20, few fields)",
			Op: readOp(h.listCadres), Doc: anyOf{list[cadreResponse]{}, list[cadreLookupResponse]{}}, Errors: []int{429},
			Scope: inScope + " Auditors: a look-up by name or whole ID number, at most 20, with few fields; look-ups by whole ID number are rate-limited per user."},
		{Method: "POST", Path: "/api/v1/cadres/import", Summary: "Import a roster (CSV or XLSX): every row validated first, then all written in one transaction (Idempotency-Key accepted)",
			Op: uploadOp(h.importCadres), Idempotent: true, Limit: limitImport, Errors: []int{429}},
		{Method: "POST", Path: "/api/v1/cadres/import-lrmx", Summary: "Import appointment forms (an .lrmx file or a .zip of up to 500): every file checked first, then all written in one transaction (Idempotency-Key accepted)",
			Op: lrmxUploadOp(h.importLRMX), Idempotent: true,
			Scope: "Nobody: their own cadre record (recusal). The file's NianDuKaoHeJieGuo and JiangChengQingKuang are never taken: efile's own records are."},
		{Method: "GET", Path: "/api/v1/cadres/:id", Summary: "Read a cadre", Op: readOp(h.getCadre), Scope: inScope},
		{Method: "PATCH", Path: "/api/v1/cadres/:id", Summary: "Change a cadre's profile or status (with version)", Op: jsonOp(h.updateCadre), Scope: inScope},
		{Method: "POST", Path: "/api/v1/cadres/:id/records", Summary: "Add a performance record (Idempotency-Key accepted)",
			Op: jsonOp(h.createRecord), Status: 201, Idempotent: true, Scope: inScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/records", Summary: "List a cadre's records, newest occurred_on first",
			Op: readOp(h.listRecords), Scope: inScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/records/:rid", Summary: "Read one record", Op: readOp(h.getRecord), Scope: inScope},
		{Method: "POST", Path: "/api/v1/cadres/:id/records/:rid/amendments", Summary: "Correct a record: a new record that supersedes it (Idempotency-Key accepted)",
			Op: jsonOp(h.amendRecord), Status: 201, Idempotent: true, Scope: inScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/profile", Summary: "The cadre's profile for the appointment form (version 0: never written)",
			Op: readOp(h.getProfile), Scope: profileScope},
		{Method: "PUT", Path: "/api/v1/cadres/:id/profile", Summary: "Replace the cadre's profile (with version; 0 for the first write)",
			Op: jsonOp(h.putProfile), Scope: profileScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/appointment-form.lrmx", Summary: "The cadre's appointment form (干部任免审批表) as an LRMX file",
			Op: lrmxFileOp(h.getAppointmentForm), Scope: profileScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/efile", Summary: "The cadre's e-file", Op: readOp(h.getEFile), Scope: inScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/efile.xlsx", Summary: "The cadre's e-file as an Excel workbook",
			Op: workbookOp(h.getEFileXLSX), Scope: inScope, Limit: limitExport, Errors: []int{429}},

		{Method: "POST", Path: "/api/v1/flags", Summary: "File a flag; its source is the filer's department, which files only what it decides (Idempotency-Key accepted)",
			Op: jsonOp(h.createFlag), Status: 201, Idempotent: true, Scope: flagScope},
		{Method: "GET", Path: "/api/v1/flags", Summary: "List flags, newest first (no history)", Op: readOp(h.listFlags), Scope: flagScope},
		{Method: "GET", Path: "/api/v1/flags/:id", Summary: "Read a flag with its history", Op: readOp(h.getFlag), Scope: flagScope},
		{Method: "PATCH", Path: "/api/v1/flags/:id", Summary: "Move a flag to another status (with version and a note)",
			Op: jsonOp(h.updateFlag), Scope: flagChangeScope},
		{Method: "POST", Path: "/api/v1/flags/:id/sanction-changes", Summary: "Revoke or modify a sanction on review (复审、复核、申诉), with a basis (Idempotency-Key accepted)",
			Op: jsonOp(h.changeSanction), Status: 201, Idempotent: true, Scope: flagChangeScope},
		{Method: "GET", Path: "/api/v1/cadres/:id/flag-summary", Summary: "Counts of a cadre's flags (open, by source, active sanction)",
			Op: readOp(h.flagSummary), Scope: "Nobody: their own cadre record (recusal)."},
		{Method: "POST", Path: "/api/v1/cadres/:id/vettings", Summary: "Vet a cadre before promotion; stored and never changed (Idempotency-Key accepted)",
			Op: jsonOp(h.createVetting), Status: 201, Idempotent: true, Scope: "Nobody: their own cadre record (recusal)."},
		{Method: "GET", Path: "/api/v1/cadres/:id/vettings", Summary: "List a cadre's vettings, newest first", Op: readOp(h.listVettings), Scope: "Nobody: their own cadre record (recusal)."},
		{Method: "POST", Path: "/api/v1/vettings/batch", Summary: "Vet up to 1,000 cadres; answers in the order asked, each stored (Idempotency-Key accepted)",
			Op: jsonOp(h.batchVetting), Idempotent: true, Limit: limitVetBatch, Errors: []int{429},
			Scope: "Every id must be a cadre the reviewer may vet (400 per id otherwise, nothing stored)."},
		{Method: "POST", Path: "/api/v1/appraisal-cycles", Summary: "Create an appraisal cycle, as a draft (Idempotency-Key accepted)",
			Op: jsonOp(h.createCycle), Status: 201, Idempotent: true},
		{Method: "GET", Path: "/api/v1/appraisal-cycles", Summary: "List appraisal cycles, newest first", Op: readOp(h.listCycles),
			Scope: cycleScope},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id", Summary: "Read an appraisal cycle", Op: readOp(cycleOp(h.s.Appraisals.GetCycle)), Scope: cycleScope},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/open", Summary: "Open a draft cycle: evaluators may submit", Op: readOp(cycleOp(h.s.Appraisals.Open)), Errors: []int{409}},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/close", Summary: "Close an open cycle and compute its proposed results",
			Op: readOp(cycleOp(h.s.Appraisals.Close)), Errors: []int{409}},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/finalize", Summary: "Finalize a closed cycle, with overrides (each with a reason)",
			Op: jsonOp(h.finalizeCycle), Errors: []int{409}},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/regrades", Summary: "Regrade (补定等次) a cadre left ungraded by an investigation that has ended, in a finalized cycle (Idempotency-Key accepted)",
			Op: jsonOp(h.regrade), Status: 201, Idempotent: true, Errors: []int{409}, Scope: "Nobody: their own cadre record (recusal)."},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/assignments", Summary: "Assign an evaluator to appraise a cadre (Idempotency-Key accepted)",
			Op: jsonOp(h.createAssignment), Status: 201, Idempotent: true, Scope: "Any cadre but one's own record; the evaluator not linked to the cadre (recusal)."},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/assignments", Summary: "List a cycle's assignments, newest first",
			Op: readOp(h.listAssignments), Scope: "Evaluators: only their own assignments."},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/assignments/bulk", Summary: "Assign evaluators to every active cadre of a unit and its sub-units (at most 5,000 pairs)",
			Op: jsonOp(h.bulkAssign), Errors: []int{409}},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/progress", Summary: "Assigned, submitted and missing appraisals per unit and per evaluator",
			Op: readOp(h.getProgress)},
		{Method: "POST", Path: "/api/v1/appraisal-cycles/:id/appraisals", Summary: "Submit an appraisal of an assigned cadre (Idempotency-Key accepted)",
			Op: jsonOp(h.submitAppraisal), Status: 201, Idempotent: true, Scope: "Only cadres the evaluator is assigned in this cycle."},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/appraisals", Summary: "List a cycle's appraisals, newest first",
			Op: readOp(h.listAppraisals), Scope: "Evaluators: only their own appraisals."},
		{Method: "PUT", Path: "/api/v1/appraisal-cycles/:id/appraisals/:aid", Summary: "Revise one's appraisal while the cycle is open (with version)",
			Op: jsonOp(h.reviseAppraisal), Scope: "Only the appraisal's author."},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/results", Summary: "A closed cycle's results, highest score first",
			Op: readOp(h.getResults), Errors: []int{409}},
		{Method: "GET", Path: "/api/v1/appraisal-cycles/:id/results.xlsx", Summary: "A closed cycle's results as a workbook (results and grade distribution per unit)",
			Op: workbookOp(h.getResultsXLSX), Limit: limitExport, Errors: []int{409, 429}},
	}
	// The four checks before a promotion (SPEC 13): routes/checks_routes.go;
	// alerts and the top-leader oversight (SPEC 14, 15): routes/alerts.go.
	return append(append(rows, h.checkRoutes()...), h.alertRoutes()...)
}
