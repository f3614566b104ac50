// The unit tree, read at the first page of a session, again at most once a
// minute as pages change (units are renamed, moved and disabled by the
// administrator: SPEC section 5), at once after a change made here, and
// forgotten at sign-out.
import { reactive } from 'vue'
import { get } from './api/client'
import type { Unit } from './api/types'
import { session, whenSignedOut } from './session'
import './units.css'

/**
 * A unit as the trees and pickers show it. `disabled` is the unit's state,
 * and Element Plus reads it too: a tree-select does not let a disabled node
 * be chosen unless its props say otherwise (see unitProps).
 */
export interface UnitNode { id: number; label: string; code: string; disabled: boolean; children: UnitNode[] }

export const units = reactive<{ list: Unit[]; byId: Record<number, Unit>; tree: UnitNode[]; loaded: boolean }>({
  list: [], byId: {}, tree: [], loaded: false,
})

const FRESH_MS = 60 * 1000
let readAt = 0
let newest = 0
let pending: Promise<void> | null = null

/** What a disabled unit is called wherever one is picked. */
export const offLabel = (name: string, disabled: boolean) => (disabled ? name + '（已停用）' : name)

/**
 * Reads the units unless they were read in the last minute; force reads
 * them now (after a change), and an answer to an older read is dropped.
 */
export function loadUnits(force = false): Promise<void> {
  if (!force && units.loaded && Date.now() - readAt < FRESH_MS) return Promise.resolve()
  if (!force && pending) return pending
  const mine = ++newest
  const epoch = session.epoch
  const p = readAll().then((all) => {
    if (epoch !== session.epoch || mine !== newest) return // signed out, or read again, meanwhile
    apply(all)
    readAt = Date.now()
  })
  pending = p
  void p.finally(() => { if (pending === p) pending = null }).catch(() => undefined)
  return p
}

async function readAll(): Promise<Unit[]> {
  const all: Unit[] = []
  for (let page = 1; ; page++) {
    const l = await get('/api/v1/units', { query: { page, page_size: 200 } })
    all.push(...l.items)
    if (all.length >= l.total || l.items.length === 0) return all
  }
}

function apply(all: Unit[]) {
  all.sort((a, b) => a.code.localeCompare(b.code) || a.id - b.id)
  const byId: Record<number, Unit> = {}
  const nodes: Record<number, UnitNode> = {}
  for (const u of all) {
    byId[u.id] = u
    nodes[u.id] = { id: u.id, label: offLabel(u.name, u.disabled), code: u.code, disabled: u.disabled, children: [] }
  }
  const tree: UnitNode[] = []
  for (const u of all) {
    const parent = u.parent_id != null ? nodes[u.parent_id] : undefined
    if (parent) parent.children.push(nodes[u.id])
    else tree.push(nodes[u.id])
  }
  Object.assign(units, { list: all, byId, tree, loaded: true })
}

whenSignedOut(() => {
  newest++
  readAt = 0
  Object.assign(units, { list: [], byId: {}, tree: [], loaded: false })
})

export function unitName(id: number | null | undefined): string {
  if (id == null) return ''
  return units.byId[id]?.name ?? '#' + id
}

/** The node of unit id in nodes, or null. */
export function findUnit(nodes: UnitNode[], id: number): UnitNode | null {
  for (const n of nodes) {
    if (n.id === id) return n
    const c = findUnit(n.children, id)
    if (c) return c
  }
  return null
}

/** The ids of unit id and of the units under it (by the cache). */
export function subtreeIds(id: number): Set<number> {
  const out = new Set<number>()
  const walk = (n: UnitNode) => { out.add(n.id); n.children.forEach(walk) }
  const n = findUnit(units.tree, id)
  if (n) walk(n)
  return out
}

/** How many units lie under unit id (by the cache). */
export function countUnder(id: number): number {
  const n = findUnit(units.tree, id)
  const count = (ns: UnitNode[]): number => ns.reduce((s, c) => s + 1 + count(c.children), 0)
  return n ? count(n.children) : 0
}

const offClass = (d: { disabled?: boolean }) => (d.disabled ? 'unit-off' : '')

/**
 * The props of a tree or tree-select of units. Where a new cadre or
 * evaluator is placed (admit), a disabled unit is shown but cannot be
 * chosen: it takes no new members (the server refuses anyway). Elsewhere
 * (filters, a move's new parent) it is shown greyed and can be chosen.
 * The units in blocked are shown and cannot be chosen (a move's own unit
 * and the units under it).
 */
export function unitProps(admit = false, blocked?: Set<number>) {
  const off = (d: { id?: number; disabled?: boolean }) => (admit && !!d.disabled) || (d.id != null && !!blocked?.has(d.id))
  return { label: 'label', children: 'children', disabled: off, class: offClass }
}
