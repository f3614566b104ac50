// The four checks before a promotion (凡提四必, SPEC section 13), typed from
// schema.d.ts: dossier reviews, personal-matters checks, integrity-opinion
// requests and their replies, and the checklist of a cadre.
import { get, post } from './client'
import type { components } from './schema'

type S = components['schemas']
export type Checklist = S['checklistResponse']
export type Review = S['reviewResponse']
export type MattersCheck = S['mattersResponse']
export type Opinion = S['opinionResponse']
export type NewReview = S['createReviewRequest']
export type NewMatters = S['createMattersRequest']
export type NewOpinion = S['createOpinionRequest']
export type Reply = S['replyOpinionRequest']

const keyed = (key: string) => ({ 'Idempotency-Key': key })

export const checklist = (cadreId: number) => get('/api/v1/cadres/{id}/checks', { params: { id: cadreId } })
export const recordReview = (cadreId: number, body: NewReview, key: string) =>
  post('/api/v1/cadres/{id}/dossier-reviews', body, { params: { id: cadreId }, headers: keyed(key) })
export const recordMatters = (cadreId: number, body: NewMatters, key: string) =>
  post('/api/v1/cadres/{id}/personal-matters-checks', body, { params: { id: cadreId }, headers: keyed(key) })
export const requestOpinion = (cadreId: number, body: NewOpinion, key: string) =>
  post('/api/v1/cadres/{id}/integrity-opinions', body, { params: { id: cadreId }, headers: keyed(key) })
export const withdrawOpinion = (id: number) => post('/api/v1/integrity-opinions/{id}/withdraw', undefined, { params: { id } })
// A reply is final (a second answers 409); the key is sent all the same, as by every form.
export const replyOpinion = (id: number, body: Reply, key: string) =>
  post('/api/v1/integrity-opinions/{id}/reply', body, { params: { id }, headers: keyed(key) })
export const listOpinions = (query: { status?: string; overdue?: boolean; page?: number; page_size?: number }) =>
  get('/api/v1/integrity-opinions', { query })
