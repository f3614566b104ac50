// The four rows of the checklist (凡提四必) as the page shows them: each
// check's state from its newest record, its date and how long it counts
// for vetting (valid_until, computed by the server from
// EFILE_CHECK_VALID_DAYS and EFILE_OPINION_VALID_DAYS).
import type { Checklist } from '../../api/checks'
import { when } from '../../format'
import { label } from '../../vocab'

export interface CheckRow {
  key: 'dossier' | 'matters' | 'opinion' | 'reports'
  name: string
  what: string
  state: string
  tone: 'ok' | 'bad' | 'warn' | 'wait' | 'none'
  extra: string[]
  date: string
  validity: string
  expired: boolean
}

function validity(until: string | null | undefined, today: string): { validity: string; expired: boolean } {
  if (!until) return { validity: '', expired: false }
  return until >= today ? { validity: '有效，至 ' + until, expired: false } : { validity: '已过期（' + until + ' 止）', expired: true }
}

export function checkRows(c: Checklist, today: string): CheckRow[] {
  const r = c.dossier_reviews[0]
  const m = c.personal_matters_checks[0]
  const o = c.integrity_opinions[0]
  const dossier: CheckRow = r
    ? { key: 'dossier', name: '凡提必审', what: '干部人事档案审核', state: label('dossier_conclusions', r.conclusion), tone: r.conclusion === 'pass' ? 'ok' : 'bad',
      extra: [], date: r.reviewed_on + ' 审核', ...validity(r.valid_until, today) }
    : { key: 'dossier', name: '凡提必审', what: '干部人事档案审核', state: '未审核', tone: 'none', extra: [], date: '', validity: '', expired: false }
  const matters: CheckRow = m
    ? { key: 'matters', name: '凡提必核', what: '个人有关事项报告查核', state: label('personal_matters_results', m.result),
      tone: m.result === 'consistent' && !m.family_emigrated ? 'ok' : m.result === 'omission' && !m.family_emigrated ? 'warn' : 'bad',
      extra: m.family_emigrated ? ['裸官'] : [], date: m.checked_on + ' ' + label('personal_matters_kinds', m.kind), ...validity(m.valid_until, today) }
    : { key: 'matters', name: '凡提必核', what: '个人有关事项报告查核', state: c.reports_personal_matters ? '未查核' : '未查核（非报告对象）',
      tone: 'none', extra: [], date: '', validity: '', expired: false }
  let opinion: CheckRow = { key: 'opinion', name: '凡提必听', what: '纪检监察机关党风廉政意见', state: '未征求', tone: 'none', extra: [], date: '', validity: '', expired: false }
  if (o?.status === 'pending') {
    opinion = { ...opinion, state: '待回复', tone: 'wait', extra: o.overdue ? ['已逾期'] : [], date: '征求于 ' + when(o.requested_at), validity: '应于 ' + o.due_on + ' 前答复' }
  } else if (o?.status === 'replied') {
    const bad = o.conclusion !== 'no_issue' && o.conclusion !== 'clue_closed'
    opinion = { ...opinion, state: label('opinion_conclusions', o.conclusion), tone: bad ? 'bad' : 'ok', extra: o.late ? ['逾期回复'] : [],
      date: '回复于 ' + when(o.replied_at), ...validity(o.valid_until, today) }
  } else if (o?.status === 'withdrawn') {
    opinion = { ...opinion, state: '已撤回', date: '撤回于 ' + when(o.withdrawn_at) }
  }
  const n = c.open_specific_reports.length
  const reports: CheckRow = { key: 'reports', name: '凡提必查', what: '反映问题具体的检举控告', state: n ? `${n} 件尚未核查` : '无未核查的', tone: n ? 'bad' : 'ok',
    extra: [], date: c.open_specific_reports.map((x) => x.occurred_on + ' ' + label('flag_sources', x.source) + '（' + label('flag_statuses', x.status) + '）').join('；'),
    validity: '', expired: false }
  return [dossier, matters, opinion, reports]
}
