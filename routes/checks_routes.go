package routes

// The routes of the four checks before a promotion (SPEC 13), rows of the
// route table (table.go) like any other.

const recusal = "Nobody: their own cadre record (recusal)."

// opinionReaders is who reads integrity-opinion requests (SPEC 13).
const opinionReaders = "Reviewers and auditors of the discipline department: every request (other auditors: 403 on the list, 404 on a request). Nobody: requests about their own cadre record (recusal)."

// checkRoutes are the rows of SPEC 13: the two kinds of check records
// (create, list, read one; never changed), integrity opinions (request,
// inbox, read, reply, withdraw) and the checklist.
func (h *handlers) checkRoutes() []route {
	var rows []route
	for _, k := range []struct {
		path, what, create string
		post, list, get    endpoint
	}{
		{"/api/v1/cadres/:id/dossier-reviews", "dossier review", "Record a dossier review (凡提必审): six findings, conclusion computed",
			jsonOp(h.createDossierReview), readOp(h.listDossierReviews), readOp(h.getDossierReview)},
		{"/api/v1/cadres/:id/personal-matters-checks", "personal-matters check", "Record a personal-matters check (凡提必核)",
			jsonOp(h.createMattersCheck), readOp(h.listMattersChecks), readOp(h.getMattersCheck)},
	} {
		rows = append(rows,
			route{Method: "POST", Path: k.path, Summary: k.create + "; never changed, a correction is a new record (Idempotency-Key accepted)",
				Op: k.post, Status: 201, Idempotent: true, Scope: recusal},
			route{Method: "GET", Path: k.path, Summary: "List a cadre's " + k.what + "s, newest first", Op: k.list, Scope: recusal},
			route{Method: "GET", Path: k.path + "/:rid", Summary: "Read one " + k.what, Op: k.get, Scope: recusal})
	}
	return append(rows,
		route{Method: "POST", Path: "/api/v1/cadres/:id/integrity-opinions", Summary: "Ask the discipline body for its integrity opinion (凡提必听); one pending request per cadre (Idempotency-Key accepted)",
			Op: jsonOp(h.requestOpinion), Status: 201, Idempotent: true, Scope: recusal},
		route{Method: "GET", Path: "/api/v1/cadres/:id/integrity-opinions", Summary: "List the integrity-opinion requests about a cadre, newest first",
			Op: readOp(h.listCadreOpinions), Scope: recusal},
		route{Method: "GET", Path: "/api/v1/integrity-opinions", Summary: "The discipline department's inbox of integrity-opinion requests, newest first",
			Op: readOp(h.listOpinions), Scope: opinionReaders},
		route{Method: "GET", Path: "/api/v1/integrity-opinions/:id", Summary: "Read one integrity-opinion request and its reply",
			Op: readOp(h.getOpinion), Scope: opinionReaders},
		route{Method: "POST", Path: "/api/v1/integrity-opinions/:id/reply", Summary: "Reply to a pending request, once (the discipline department)",
			Op: jsonOp(h.replyOpinion), Scope: "Auditors of the discipline department only (others answer 404). Nobody: their own cadre record (recusal).", Errors: []int{409}},
		route{Method: "POST", Path: "/api/v1/integrity-opinions/:id/withdraw", Summary: "Withdraw a pending request",
			Op: readOp(h.withdrawOpinion), Scope: recusal, Errors: []int{409}},
		route{Method: "GET", Path: "/api/v1/cadres/:id/checks", Summary: "The checklist before a promotion: reviews, checks, opinion requests, open specific reports",
			Op: readOp(h.getChecklist), Scope: recusal},
	)
}
