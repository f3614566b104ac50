// Package web holds the built web console (web/dist, made by
// `cd web && npm ci && npm run build` and committed), embedded so that
// `efile serve` serves it with no Node.js on the machine. The sources are
// in web/src; routes/console.go serves the files.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built console: index.html and assets/, each text file with
// its precompressed .gz and .br beside it.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a literal directory of the embed: cannot fail
	}
	return sub
}
