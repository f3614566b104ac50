package models

// Tables returns a new zero value of every model, in dependency order, for
// checks over the whole schema: every table has a primary key (Galera
// needs one to replicate a row change; see docs/deployment.md), and the
// schema the migrations make is the one these models describe (the schema
// test of models/migrations). A new model is added here.
func Tables() []any {
	return []any{
		&Unit{}, &UnitChange{}, &NamedLock{}, &Cadre{}, &User{}, &UserRole{}, &RevokedToken{}, &LoginThrottle{},
		&AccessEntry{}, &ChainHead{}, &Record{}, &Idempotency{},
		&AppraisalCycle{}, &AppraisalAssignment{}, &Appraisal{}, &AppraisalResult{},
		&Flag{}, &FlagEvent{}, &SanctionChange{}, &Vetting{},
		&Profile{}, &ResumeEntry{}, &FamilyMember{},
		&JobLease{},
		// The four checks before a promotion (SPEC 13).
		&DossierReview{}, &DossierFinding{}, &PersonalMattersCheck{}, &IntegrityOpinion{}, &IntegrityOpinionFlag{},
	}
}
