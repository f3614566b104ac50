// Pre-promotion vetting, SPEC section 9, typed from schema.d.ts.
import { get, post } from './client'
import type { components } from './schema'

type S = components['schemas']
export type Purpose = 'promotion' | 'appointment' | 'commendation' | 'transfer'
export type Reason = S['Reason']
export type Vetting = S['vettingResponse']

export const vet = (cadreId: number, body: S['vetRequest'], idempotencyKey: string) =>
  post('/api/v1/cadres/{id}/vettings', body, { params: { id: cadreId }, headers: { 'Idempotency-Key': idempotencyKey } })
export const listVettings = (cadreId: number) => get('/api/v1/cadres/{id}/vettings', { params: { id: cadreId } })
export const vetBatch = (body: S['vetBatchRequest'], idempotencyKey: string) =>
  post('/api/v1/vettings/batch', body, { headers: { 'Idempotency-Key': idempotencyKey } })
