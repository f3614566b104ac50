// Names of what a vetting's reasons point at: a flag by its summary, an
// appraisal cycle by its name (issue 23: never a bare number). Read once
// per session for each id shown, as the reader may (GET /flags/:id, GET
// /appraisal-cycles/:id), and forgotten at sign-out; a name that cannot
// be read (no permission, gone) falls back to the number.
import { reactive } from 'vue'
import { get } from './api/client'
import { can, session, whenSignedOut } from './session'

const flags = reactive<Record<number, string>>({})
const cycles = reactive<Record<number, string>>({})
const asked = new Set<string>()

function read(kind: 'flag' | 'cycle', id: number) {
  const k = kind + id
  if (asked.has(k)) return
  asked.add(k)
  const epoch = session.epoch
  const store = kind === 'flag' ? flags : cycles
  const p = kind === 'flag'
    ? get('/api/v1/flags/{id}', { params: { id } }).then((f) => f.summary)
    : get('/api/v1/appraisal-cycles/{id}', { params: { id } }).then((c) => c.name)
  p.then((n) => { if (epoch === session.epoch) store[id] = n })
    .catch(() => { if (epoch === session.epoch) store[id] = '' })
}

/** The flag's summary; '…' while it is read; '' when it cannot be. */
export function flagName(id: number): string {
  if (!can('GET /api/v1/flags/:id')) return ''
  read('flag', id)
  return id in flags ? flags[id] : '…'
}

/** The cycle's name; '…' while it is read; '' when it cannot be. */
export function cycleName(id: number): string {
  if (!can('GET /api/v1/appraisal-cycles/:id')) return ''
  read('cycle', id)
  return id in cycles ? cycles[id] : '…'
}

whenSignedOut(() => {
  asked.clear()
  for (const k of Object.keys(flags)) delete flags[Number(k)]
  for (const k of Object.keys(cycles)) delete cycles[Number(k)]
})
