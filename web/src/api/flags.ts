// Flags from the source departments, SPEC section 8, typed from schema.d.ts.
import { get, post, patch } from './client'
import type { components } from './schema'

type S = components['schemas']
export type FlagKind = S['flagResponse']['kind']
export type FlagStatus = S['flagResponse']['status']
export type Severity = S['flagResponse']['severity']

export type Flag = S['flagResponse']
export type FlagDetail = S['flagDetailResponse']
export type NewFlag = S['createFlagRequest']
export type FlagSummary = S['flagSummaryResponse']

// The rules of SPEC 8 are the server's: a flag's detail lists the statuses
// it may move to (next_statuses) and its influence_until; none is copied here.

export const listFlags = (query: { cadre_id?: number; status?: string; source?: string; kind?: string; page?: number; page_size?: number } = {}) =>
  get('/api/v1/flags', { query })
export const getFlag = (id: number) => get('/api/v1/flags/{id}', { params: { id } })
export const createFlag = (body: NewFlag, idempotencyKey: string) =>
  post('/api/v1/flags', body, { headers: { 'Idempotency-Key': idempotencyKey } })
export const updateFlag = (id: number, body: S['updateFlagRequest']) => patch('/api/v1/flags/{id}', body, { params: { id } })
export const flagSummary = (cadreId: number) => get('/api/v1/cadres/{id}/flag-summary', { params: { id: cadreId } })
