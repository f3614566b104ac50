// Flags from the source departments, SPEC section 8, typed from schema.d.ts.
import { get, post, patch } from './client'
import type { components } from './schema'
import { session } from '../session'

type S = components['schemas']
export type FlagKind = S['flagResponse']['kind']
export type FlagStatus = S['flagResponse']['status']
export type Severity = S['flagResponse']['severity']

export type Flag = S['flagResponse']
export type FlagDetail = S['flagDetailResponse']
export type NewFlag = S['createFlagRequest']
export type FlagSummary = S['flagSummaryResponse']
export type FlagUpdate = S['updateFlagRequest']
export type SanctionChange = S['sanctionChangeResponse']
export type NewSanctionChange = S['sanctionChangeRequest']

// The rules of SPEC 8 are the server's: a flag's detail lists the statuses
// it may move to (next_statuses) and its influence_until; none is copied here.

/** SPEC 8: closing a clue or an investigation may state 四种形态 (outcome_form 1–4). */
export const closesCase = (kind: string, to: string) =>
  (kind === 'clue' || kind === 'investigation') && ['substantiated', 'unsubstantiated', 'resolved'].includes(to)
/** SPEC 8: resolving an audit or inspection finding records the day it was rectified. */
export const rectifies = (kind: string, to: string) => (kind === 'audit_finding' || kind === 'inspection_finding') && to === 'resolved'

/**
 * The department the signed-in user files for (SPEC 8: an auditor's
 * department, or the organization for whoever files without one). A flag
 * of that source is the user's to change; the server decides all the same.
 */
export function mySource(): string {
  return session.user?.department || 'organization'
}

export const listFlags = (query: { cadre_id?: number; status?: string; source?: string; kind?: string; page?: number; page_size?: number } = {}) =>
  get('/api/v1/flags', { query })
export const getFlag = (id: number) => get('/api/v1/flags/{id}', { params: { id } })
export const createFlag = (body: NewFlag, idempotencyKey: string) =>
  post('/api/v1/flags', body, { headers: { 'Idempotency-Key': idempotencyKey } })
export const updateFlag = (id: number, body: FlagUpdate) => patch('/api/v1/flags/{id}', body, { params: { id } })
export const changeSanction = (id: number, body: NewSanctionChange, idempotencyKey: string) =>
  post('/api/v1/flags/{id}/sanction-changes', body, { params: { id }, headers: { 'Idempotency-Key': idempotencyKey } })
export const flagSummary = (cadreId: number) => get('/api/v1/cadres/{id}/flag-summary', { params: { id: cadreId } })
