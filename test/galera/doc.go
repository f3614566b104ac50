// Package galera holds the integration test of efile's replicated
// deployment: two efile replicas, each on its own node of a 3-node MariaDB
// Galera cluster (scripts/galera-cluster.sh), a node killed under load and
// rejoined. It has no code of its own; see galera_test.go and
// docs/deployment.md.
package galera
