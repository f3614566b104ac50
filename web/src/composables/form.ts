// The one form pattern: the values, each field's complaint from a 400's
// details[].field, the message for people, a busy flag that makes a double
// click send once, and one Idempotency-Key per submission: made when the
// form is opened (reset) or first sent, the same for every retry of that
// submission, a new one after it succeeded.
import { reactive, ref, type UnwrapNestedRefs } from 'vue'
import { ApiError, describe } from '../api/client'

/**
 * A random Idempotency-Key (a version 4 UUID). crypto.randomUUID exists only
 * in secure contexts (HTTPS, localhost); an office intranet served over
 * plain HTTP has crypto.getRandomValues alone.
 */
export function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** The form field a detail names: "roles[1]" is the field "roles"; "scores.ability" stays as it is. */
export const fieldOf = (f: string) => f.replace(/\[\d+\]$/, '')

export function useForm<F extends object>(initial: () => F) {
  const form = reactive(initial()) as UnwrapNestedRefs<F>
  const errors = ref<Record<string, string>>({})
  const message = ref('')
  const busy = ref(false)
  let key = ''

  /** A fresh form, optionally with values: no complaints, a new submission. */
  function reset(values: Partial<F> = {}) {
    Object.assign(form, initial(), values)
    errors.value = {}
    message.value = ''
    key = newKey()
  }
  /** Shows why a request failed, field by field. */
  function fail(e: unknown) {
    if (e instanceof ApiError) for (const d of e.details) errors.value[fieldOf(d.field)] = d.message
    message.value = describe(e)
  }
  /** Sends the form with fn, given the submission's key; answers whether it succeeded. */
  async function submit(fn: (idempotencyKey: string) => Promise<unknown>): Promise<boolean> {
    if (busy.value) return false
    if (!key) key = newKey()
    busy.value = true
    errors.value = {}
    message.value = ''
    try {
      await fn(key)
      key = newKey()
      return true
    } catch (e) {
      fail(e)
      return false
    } finally {
      busy.value = false
    }
  }
  return { form, errors, message, busy, reset, submit, fail }
}
