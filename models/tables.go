package models

// Tables returns a new zero value of every model, in migration order, for
// checks over the whole schema (every table has a primary key: Galera
// needs one to replicate a row change; see docs/deployment.md).
func Tables() []any { return all() }
