// Alerts (SPEC 14) and the top-leader oversight (SPEC 15).
import { reactive } from 'vue'
import { get, download, type Response } from './client'
import { can } from '../session'

export type AlertList = Response<'/api/v1/alerts', 'get'>
export type Alert = AlertList['items'][number]
export type Oversight = Response<'/api/v1/oversight/top-leaders', 'get'>
export type Leader = Oversight['items'][number]

/** The header's badge: the caller's alert count, read again on every page change. */
export const alertCount = reactive({ total: 0 })

export async function loadAlerts(): Promise<AlertList | null> {
  if (!can('GET /api/v1/alerts')) return null
  const l = await get('/api/v1/alerts')
  alertCount.total = l.total
  return l
}

/** The console page an alert's object is read on, or '' when the caller has none. */
export function alertLink(a: Alert): string {
  switch (a.kind) {
    case 'appraisals_due':
      return can('POST /api/v1/appraisal-cycles/:id/appraisals') ? '/appraisals' : ''
    case 'raters_missing':
      return a.cycle_id != null && can('GET /api/v1/appraisal-cycles/:id/progress') ? `/cycles/${a.cycle_id}` : ''
    case 'petition_stale':
    case 'rectification_pending':
      return can('GET /api/v1/flags') ? '/flags' : ''
    default:
      return a.cadre_id != null && can('GET /api/v1/cadres/:id') ? `/cadres/${a.cadre_id}` : ''
  }
}

export interface OversightQuery { unit_id?: number; year?: number }

const query = (q: OversightQuery) => ({ query: { unit_id: q.unit_id, year: q.year } })

export const topLeaders = (q: OversightQuery) => get('/api/v1/oversight/top-leaders', query(q))

export const downloadTopLeaders = (q: OversightQuery) =>
  download('/api/v1/oversight/top-leaders.xlsx', query(q), '一把手监督情况.xlsx')
