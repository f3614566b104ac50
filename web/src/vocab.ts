// Labels of every enumeration come from GET /api/v1/vocabulary (SPEC
// section 12), the one place the server keeps them; the console writes no
// Chinese label for a code of its own.
import { reactive } from 'vue'
import { get } from './api/client'
import { session, whenSignedOut } from './session'

export const vocab = reactive<{ loaded: boolean; kinds: Record<string, Record<string, string>> }>({ loaded: false, kinds: {} })

export async function loadVocab(): Promise<void> {
  if (vocab.loaded) return
  const epoch = session.epoch
  const kinds = (await get('/api/v1/vocabulary')) as Record<string, Record<string, string>>
  if (epoch !== session.epoch) return // signed out meanwhile
  Object.assign(vocab, { kinds, loaded: true })
}
whenSignedOut(() => Object.assign(vocab, { kinds: {}, loaded: false }))

/** The label of code in kind, or the code itself while none is known. */
export function label(kind: string, code: string | null | undefined): string {
  if (code == null || code === '') return ''
  return vocab.kinds[kind]?.[code] ?? code
}

/** [code, label] pairs of a kind, for selects, in the server's order of codes. */
export function options(kind: string): { value: string; label: string }[] {
  return Object.entries(vocab.kinds[kind] ?? {}).map(([value, l]) => ({ value, label: l }))
}
