// What the signed-in user's department may file (SPEC 8's table: each
// department files only what it decides): the server's list, /me's
// may_file, labelled from the vocabulary. The console derives nothing from
// a role; the server refuses anything else all the same (403, naming what
// the department may file, shown on the field).
import { options } from './vocab'
import { session } from './session'

export interface Choice { value: string; label: string }
export interface Filable { kinds: Choice[]; sanctions: Choice[]; petitionTypes: Choice[] }

/** The choices of vocabulary kind whose codes the server listed (all of them while it has said nothing). */
function only(kind: string, codes: string[] | undefined): Choice[] {
  const all = options(kind)
  return codes ? all.filter((o) => codes.includes(o.value)) : all
}

export function filable(): Filable {
  const m = session.mayFile
  return { kinds: only('flag_kinds', m?.kinds), sanctions: only('sanctions', m?.sanction_types), petitionTypes: only('petition_types', m?.petition_types) }
}
