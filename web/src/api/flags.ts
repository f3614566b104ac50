// Flags from the source departments, SPEC section 8, typed from schema.d.ts.
import { get, post, patch } from './client'
import type { components } from './schema'

type S = components['schemas']
export type FlagKind = 'clue' | 'investigation' | 'sanction' | 'audit_finding' | 'petition' | 'inquiry'
export type FlagStatus = 'open' | 'verifying' | 'substantiated' | 'unsubstantiated' | 'resolved'
export type Severity = 'info' | 'warning' | 'serious'

export type Flag = S['flagResponse']
export type FlagDetail = S['flagDetailResponse']
export type NewFlag = S['createFlagRequest']
export type FlagSummary = S['flagSummaryResponse']

/** SPEC section 8: the moves a flag's status may make. */
export const transitions: Record<FlagStatus, FlagStatus[]> = {
  open: ['verifying', 'unsubstantiated'],
  verifying: ['substantiated', 'unsubstantiated'],
  substantiated: ['resolved'],
  unsubstantiated: [],
  resolved: [],
}

/**
 * SPEC section 8: each sanction's default influence period in calendar months
 * (services/sanction); null: no end. The server computes the official
 * influence_until; this only shows it while the form is filled.
 */
export const sanctionMonths: Record<string, number | null> = {
  gov_warning: 6, demerit: 12, major_demerit: 18, demotion: 24, dismissal: 24, gov_expulsion: null,
  party_warning: 12, party_serious_warning: 18, party_removal: 24, party_probation_1y: 36, party_probation_2y: 48, party_expulsion: 60,
  admonishment: 6, org_adjustment: 12, org_removal: 24, org_demotion: 24,
}

/** decided_on + months, with month ends clamped (2025-08-31 + 6 = 2026-02-28), as sanction.InfluenceUntil. */
export function addMonths(date: string, months: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return ''
  const total = Number(m[1]) * 12 + Number(m[2]) - 1 + months
  const y = Math.floor(total / 12)
  const mo = total % 12
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate()
  const d = Math.min(Number(m[3]), last)
  return `${String(y).padStart(4, '0')}-${String(mo + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

export const listFlags = (query: { cadre_id?: number; status?: string; source?: string; kind?: string; page?: number; page_size?: number } = {}) =>
  get('/api/v1/flags', { query })
export const getFlag = (id: number) => get('/api/v1/flags/{id}', { params: { id } })
export const createFlag = (body: NewFlag, idempotencyKey: string) =>
  post('/api/v1/flags', body, { headers: { 'Idempotency-Key': idempotencyKey } })
export const updateFlag = (id: number, body: S['updateFlagRequest']) => patch('/api/v1/flags/{id}', body, { params: { id } })
export const flagSummary = (cadreId: number) => get('/api/v1/cadres/{id}/flag-summary', { params: { id: cadreId } })
