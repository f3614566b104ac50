// What the signed-in user's department may file (SPEC 8's table: each
// department files only what it decides). The list is the server's; the
// console derives nothing from a role. Where the server gives none, every
// kind of the vocabulary is offered and the server's 403, which names what
// the department may file, shows on the field.
import { options } from './vocab'

export interface Choice { value: string; label: string }
export interface Filable { kinds: Choice[]; sanctions: Choice[]; petitionTypes: Choice[] }

export function filable(): Filable {
  return { kinds: options('flag_kinds'), sanctions: options('sanctions'), petitionTypes: options('petition_types') }
}
