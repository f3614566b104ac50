// The routes of SPEC sections 7–9 (appraisal cycles, flags, vettings) are
// being built on other branches and are not yet in schema.d.ts. Their calls
// go through here, typed by hand from the SPEC, in three small modules
// (appraisal.ts, flags.ts, vetting.ts). Once the routes land and schema.d.ts
// is regenerated, replace `pending` with the typed get/post/patch of
// client.ts: the compiler then checks every path and field below.
import { raw, type Options } from './client'

export type PendingPath =
  | `/api/v1/appraisal-cycles${string}`
  | `/api/v1/flags${string}`
  | `/api/v1/cadres/{id}/flag-summary`
  | `/api/v1/cadres/{id}/vettings`
  | '/api/v1/vettings/batch'

export function pending<T>(method: 'get' | 'post' | 'patch' | 'put', path: PendingPath, o: Options & { body?: unknown } = {}): Promise<T> {
  return raw<T>(method, path, o)
}

export interface Page<T> { items: T[]; total: number; page: number; page_size: number }
