// Appraisal cycles, SPEC section 7 (not yet in schema.d.ts: see pending.ts).
import { pending, type Page } from './pending'
import { download } from './client'

export type CycleKind = 'ordinary' | 'annual' | 'special' | 'term'
export type CycleStatus = 'draft' | 'open' | 'closed' | 'finalized'
export type RaterType = 'superior' | 'peer' | 'subordinate'
export type ScoreKey = 'morality' | 'ability' | 'diligence' | 'achievement' | 'integrity'
export type Scores = Record<ScoreKey, number>

export interface Cycle {
  id: number; name: string; kind: CycleKind; year: number; period_start: string; period_end: string
  excellent_quota_pct: number; status: CycleStatus; version: number; created_by: number; created_at: string
  closed_at: string | null; finalized_at: string | null; finalized_by: number | null
}
export interface NewCycle { name: string; kind: CycleKind; year: number; period_start: string; period_end: string; excellent_quota_pct?: number }
export interface Assignment { id: number; cycle_id: number; evaluator_id: number; cadre_id: number; rater_type: RaterType; created_by: number; created_at: string }
export interface Appraisal {
  id: number; cycle_id: number; assignment_id: number; evaluator_id: number; cadre_id: number; rater_type: RaterType
  scores: Scores; comment: string; version: number; submitted_at: string; updated_at: string
}
export interface Progress {
  units: { unit_id: number; assigned: number; submitted: number; missing: number }[]
  evaluators: { evaluator_id: number; assigned: number; submitted: number }[]
}
export interface Result {
  cadre_id: number; score: number; grade: string; proposed_grade?: string; reasons: string[]
  raters: Record<RaterType, number>; override?: { grade: string; reason: string; by: number; at: string }
}
export interface Results { items: Result[]; missing: number[] }
export interface Override { cadre_id: number; grade: string; reason: string }

/** SPEC section 7: the weights of 德能勤绩廉 in an appraisal's total. */
export const weights: Scores = { morality: 0.2, ability: 0.2, diligence: 0.15, achievement: 0.3, integrity: 0.15 }
export const scoreKeys: ScoreKey[] = ['morality', 'ability', 'diligence', 'achievement', 'integrity']

/** The weighted total as the evaluator types, to 2 decimals (the server computes the official one). */
export function weightedTotal(s: Partial<Scores>): number {
  // Integer hundredths avoid binary rounding: weights are whole percents.
  let hundredths = 0
  for (const k of scoreKeys) hundredths += Math.round(weights[k] * 100) * (s[k] ?? 0)
  return hundredths / 100
}

const base = '/api/v1/appraisal-cycles'
export const listCycles = (query: { status?: string; page?: number; page_size?: number } = {}) => pending<Page<Cycle>>('get', base, { query })
export const getCycle = (id: number) => pending<Cycle>('get', `${base}/${id}`)
export const createCycle = (body: NewCycle) => pending<Cycle>('post', base, { body })
export const moveCycle = (id: number, to: 'open' | 'close') => pending<Cycle>('post', `${base}/${id}/${to}`)
export const finalizeCycle = (id: number, overrides: Override[]) => pending<Cycle>('post', `${base}/${id}/finalize`, { body: { overrides } })
export const bulkAssign = (id: number, body: { evaluator_ids: number[]; unit_id: number; rater_type: RaterType }) =>
  pending<{ created: number; skipped: number }>('post', `${base}/${id}/assignments/bulk`, { body })
export const listAssignments = (id: number, query: { evaluator_id?: number; cadre_id?: number; page?: number; page_size?: number } = {}) =>
  pending<Page<Assignment>>('get', `${base}/${id}/assignments`, { query })
export const progress = (id: number) => pending<Progress>('get', `${base}/${id}/progress`)
export const listAppraisals = (id: number, query: { cadre_id?: number; page?: number; page_size?: number } = {}) =>
  pending<Page<Appraisal>>('get', `${base}/${id}/appraisals`, { query })
export const submitAppraisal = (id: number, body: { cadre_id: number; scores: Scores; comment: string }) =>
  pending<Appraisal>('post', `${base}/${id}/appraisals`, { body })
export const reviseAppraisal = (id: number, aid: number, body: { scores: Scores; comment: string; version: number }) =>
  pending<Appraisal>('put', `${base}/${id}/appraisals/${aid}`, { body })
export const results = (id: number) => pending<Results>('get', `${base}/${id}/results`)
// results.xlsx is not in schema.d.ts yet either: the cast goes with pending.ts.
export const downloadResults = (id: number) =>
  download(`${base}/{id}/results.xlsx` as never, { params: { id } }, `考核结果-${id}.xlsx`)
