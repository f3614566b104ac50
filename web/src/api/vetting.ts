// Pre-promotion vetting, SPEC section 9 (not yet in schema.d.ts: see pending.ts).
import { pending, type Page } from './pending'

export type Purpose = 'promotion' | 'appointment' | 'commendation' | 'transfer'
export interface Reason { rule: string; message: string; flag_id?: number; cycle_id?: number }
export interface Vetting {
  id: number; cadre_id: number; purpose: Purpose; as_of: string; verdict: 'clear' | 'caution' | 'blocked'
  reasons: Reason[]; checked_by: number; checked_at: string
}

export const vet = (cadreId: number, body: { purpose: Purpose; as_of?: string }) =>
  pending<Vetting>('post', '/api/v1/cadres/{id}/vettings', { params: { id: cadreId }, body })
export const listVettings = (cadreId: number) =>
  pending<Page<Vetting>>('get', '/api/v1/cadres/{id}/vettings', { params: { id: cadreId } })
export const vetBatch = (body: { cadre_ids: number[]; purpose: Purpose; as_of?: string }) =>
  pending<{ items: Vetting[] }>('post', '/api/v1/vettings/batch', { body })
