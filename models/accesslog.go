package models

import (
	"time"
)

// AccessEntry is one entry of the tamper-evident access log. It is inserted
// unsealed (Seq and Hash nil) inside the request's own transaction; the
// sealer later gives it the next gap-free Seq and chains its Hash.
//
// The security auditor's list filters by actor or cadre and a time range:
// (cadre_id, at) and (actor_id, at) answer both at once, and replace the
// single-column indexes of earlier versions, which a database migrated
// from one keeps (migration only adds) until dropped by hand.
type AccessEntry struct {
	ID       int64     `gorm:"primaryKey"`
	Seq      *int64    `gorm:"uniqueIndex"`
	At       time.Time `gorm:"precision:6;not null;index;index:idx_access_cadre_at,priority:2;index:idx_access_actor_at,priority:2"`
	ActorID  int64     `gorm:"not null;index:idx_access_actor_at,priority:1"`
	Actor    string    `gorm:"size:64;not null"`
	IP       string    `gorm:"size:45;not null;default:''"`
	Method   string    `gorm:"size:10;not null"`
	Path     string    `gorm:"size:512;not null"` // ASCII: percent-encoded as sent
	CadreID  *int64    `gorm:"index:idx_access_cadre_at,priority:1"`
	Status   int       `gorm:"not null"`
	PrevHash *string   `gorm:"size:64"`
	Hash     *string   `gorm:"size:64"`
	// Nonce (random, unique) and MAC (HMAC-SHA256 under a key derived from
	// the data key) are written with the entry, the MAC over the nonce and
	// the canonical fields, so a row inserted or edited behind the server's
	// back fails it and the sealer refuses to chain it. Sealing replaces
	// the MAC by one over the nonce, seq, prev_hash and canonical form (the
	// keyed chain; services/accesslog/mac.go). Entries sealed before that
	// (seq < ChainHead.MACFrom) keep the MAC they had, or NULL from before
	// MACs existed.
	Nonce *string `gorm:"size:32;uniqueIndex"`
	MAC   *string `gorm:"size:64"`
}

// ChainHead is the single row (ID 1) holding the newest sealed entry. Every
// sealer, in the server or an offline command, locks it first, so only one
// process chains at a time and the chain never forks.
type ChainHead struct {
	ID       int64  `gorm:"primaryKey;autoIncrement:false"`
	Seq      int64  `gorm:"not null"`
	Hash     string `gorm:"size:64;not null"`
	SealedAt time.Time
	// MACFrom is the first seq whose entries carry a sealed (chained) MAC,
	// and MACFromTag its keyed record: an HMAC over MACFrom and the hash of
	// the entry before it, written once by the first sealer that holds the
	// data key (services/accesslog/start.go). A database write cannot move
	// MACFrom: the tag would no longer match. "" until written.
	MACFrom    int64  `gorm:"not null;default:0"`
	MACFromTag string `gorm:"size:64;not null;default:''"`
}
