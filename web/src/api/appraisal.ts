// Appraisal cycles, SPEC section 7, typed from schema.d.ts: the compiler
// checks every path and field below against the server's document.
import { get, post, put, download } from './client'
import type { components } from './schema'

type S = components['schemas']
export type CycleKind = S['cycleResponse']['kind']
export type RaterType = S['assignmentResponse']['rater_type']
export type ScoreKey = 'morality' | 'ability' | 'diligence' | 'achievement' | 'integrity'
export type Scores = S['scoresResponse']

export type Cycle = S['cycleResponse']
export type NewCycle = S['createCycleRequest']
export type Assignment = S['assignmentResponse']
export type Appraisal = S['appraisalResponse']
export type Progress = S['Progress']
export type Result = S['resultResponse']
export type Results = S['resultsResponse']
export type Override = S['overrideRequest']
export type Evaluator = S['evaluatorResponse']

/** The weights of 德能勤绩廉 in percent: the cycle's score_weights, from the server (SPEC 7). */
export type Weights = S['cycleResponse']['score_weights']
export const scoreKeys: ScoreKey[] = ['morality', 'ability', 'diligence', 'achievement', 'integrity']

/** The weighted total with the server's weights, to 2 decimals (the server computes the official one). */
export function weightedTotal(w: Weights, s: Partial<Scores>): number {
  // Integer hundredths avoid binary rounding: weights are whole percents.
  let hundredths = 0
  for (const k of scoreKeys) hundredths += w[k] * (s[k] ?? 0)
  return hundredths / 100
}

const id = (cycle: number) => ({ params: { id: cycle } })
export const listCycles = (query: { status?: string; kind?: string; year?: number; page?: number; page_size?: number } = {}) =>
  get('/api/v1/appraisal-cycles', { query })
export const getCycle = (cycle: number) => get('/api/v1/appraisal-cycles/{id}', id(cycle))
export const createCycle = (body: NewCycle, idempotencyKey: string) =>
  post('/api/v1/appraisal-cycles', body, { headers: { 'Idempotency-Key': idempotencyKey } })
export const moveCycle = (cycle: number, to: 'open' | 'close') =>
  to === 'open' ? post('/api/v1/appraisal-cycles/{id}/open', undefined, id(cycle)) : post('/api/v1/appraisal-cycles/{id}/close', undefined, id(cycle))
export const finalizeCycle = (cycle: number, overrides: Override[]) => post('/api/v1/appraisal-cycles/{id}/finalize', { overrides }, id(cycle))
export const bulkAssign = (cycle: number, body: S['bulkAssignRequest']) => post('/api/v1/appraisal-cycles/{id}/assignments/bulk', body, id(cycle))
export const listAssignments = (cycle: number, query: { evaluator_id?: number; cadre_id?: number; page?: number; page_size?: number } = {}) =>
  get('/api/v1/appraisal-cycles/{id}/assignments', { ...id(cycle), query })
/** Enabled evaluators by name or username (q) and unit with its sub-units, for reviewers assigning raters. */
export const listEvaluators = (query: { q?: string; unit_id?: number; page?: number; page_size?: number } = {}) =>
  get('/api/v1/evaluators', { query })
export const progress = (cycle: number) => get('/api/v1/appraisal-cycles/{id}/progress', id(cycle))
export const listAppraisals = (cycle: number, query: { cadre_id?: number; evaluator_id?: number; page?: number; page_size?: number } = {}) =>
  get('/api/v1/appraisal-cycles/{id}/appraisals', { ...id(cycle), query })
export const submitAppraisal = (cycle: number, body: S['submitAppraisalRequest'], idempotencyKey: string) =>
  post('/api/v1/appraisal-cycles/{id}/appraisals', body, { ...id(cycle), headers: { 'Idempotency-Key': idempotencyKey } })
export const reviseAppraisal = (cycle: number, aid: number, body: S['reviseAppraisalRequest']) =>
  put('/api/v1/appraisal-cycles/{id}/appraisals/{aid}', body, { params: { id: cycle, aid } })
export const results = (cycle: number) => get('/api/v1/appraisal-cycles/{id}/results', id(cycle))
export const downloadResults = (cycle: number) =>
  download('/api/v1/appraisal-cycles/{id}/results.xlsx', id(cycle), `考核结果-${cycle}.xlsx`)
/** 补定等次 (SPEC 7): grades a cadre left ungraded by an investigation that has ended. */
export const regrade = (cycle: number, body: S['regradeRequest'], idempotencyKey: string) =>
  post('/api/v1/appraisal-cycles/{id}/regrades', body, { ...id(cycle), headers: { 'Idempotency-Key': idempotencyKey } })
