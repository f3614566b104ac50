// Writes a .gz and a .br beside every text asset of dist/, so that the Go
// server sends them precompressed (routes/console.go). zlib's output is a
// function of its input and settings alone (gzip's header carries no
// time), so two builds of the same sources give the same bytes.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs'
import { join, extname } from 'node:path'
import { gzipSync, brotliCompressSync, constants } from 'node:zlib'

const root = new URL('../dist/', import.meta.url).pathname
const kinds = new Set(['.js', '.css', '.html', '.svg', '.json', '.txt'])

function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) { walk(p); continue }
    if (!kinds.has(extname(p))) continue
    const data = readFileSync(p)
    writeFileSync(p + '.gz', gzipSync(data, { level: 9 }))
    writeFileSync(p + '.br', brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }))
  }
}
walk(root)
