// The unit tree, read once per session (units change rarely; the admin's
// page reloads it after a change) and forgotten at sign-out.
import { reactive } from 'vue'
import { get } from './api/client'
import type { Unit } from './api/types'
import { session, whenSignedOut } from './session'

export interface UnitNode { id: number; label: string; code: string; children: UnitNode[] }

export const units = reactive<{ list: Unit[]; byId: Record<number, Unit>; tree: UnitNode[]; loaded: boolean }>({
  list: [], byId: {}, tree: [], loaded: false,
})

export async function loadUnits(force = false): Promise<void> {
  if (units.loaded && !force) return
  const epoch = session.epoch
  const all: Unit[] = []
  for (let page = 1; ; page++) {
    const l = await get('/api/v1/units', { query: { page, page_size: 200 } })
    all.push(...l.items)
    if (all.length >= l.total || l.items.length === 0) break
  }
  if (epoch !== session.epoch) return // signed out meanwhile
  all.sort((a, b) => a.code.localeCompare(b.code) || a.id - b.id)
  const byId: Record<number, Unit> = {}
  const nodes: Record<number, UnitNode> = {}
  for (const u of all) { byId[u.id] = u; nodes[u.id] = { id: u.id, label: u.name, code: u.code, children: [] } }
  const tree: UnitNode[] = []
  for (const u of all) {
    const parent = u.parent_id != null ? nodes[u.parent_id] : undefined
    if (parent) parent.children.push(nodes[u.id])
    else tree.push(nodes[u.id])
  }
  Object.assign(units, { list: all, byId, tree, loaded: true })
}

whenSignedOut(() => Object.assign(units, { list: [], byId: {}, tree: [], loaded: false }))

export function unitName(id: number | null | undefined): string {
  if (id == null) return ''
  return units.byId[id]?.name ?? '#' + id
}
