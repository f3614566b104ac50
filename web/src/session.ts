// The signed-in session. The token is kept in memory and in sessionStorage
// (so a reload of the tab keeps it, and closing the tab forgets it), never
// in localStorage, which outlives the browser session and is shared by
// every tab. After 30 idle minutes the console signs the user out.
//
// What the user may do is the server's answer, GET /api/v1/me's
// permissions (SPEC section 12): route keys such as
// "GET /api/v1/cadres/:id". The menus and route guards ask can(); the
// console names no role to decide anything.
import { reactive } from 'vue'
import type { SessionUser } from './api/types'
import type { components, paths } from './api/schema'

/** What the user's department may file (SPEC 8), as /me answers it; null: nothing. */
export type MayFile = components['schemas']['mayFileResponse']

const KEY = 'efile.session'
export const IDLE_MS = 30 * 60 * 1000

type Colon<S extends string> = S extends `${infer A}{${infer P}}${infer B}` ? `${A}:${P}${Colon<B>}` : S
type KeysOf<P extends keyof paths> = {
  [M in 'get' | 'post' | 'patch' | 'put']: paths[P] extends { [K in M]: object } ? `${Uppercase<M>} ${Colon<P & string>}` : never
}['get' | 'post' | 'patch' | 'put']
/** A route key as /me lists it: the method and the route's template; only the API's routes compile. */
export type RouteKey = { [P in keyof paths]: KeysOf<P> }[keyof paths]

interface Stored { token: string; expires_at: string; user: SessionUser; permissions: string[]; may_file?: MayFile | null; last: number }

export const session = reactive({
  token: '',
  expiresAt: '',
  user: null as SessionUser | null,
  permissions: [] as string[],
  mayFile: null as MayFile | null,
  /** When permissions were last read from /me (ms); 0: not in this page load. */
  checked: 0,
  /** Grows at every sign-in and sign-out: an answer to an older one is dropped. */
  epoch: 0,
  last: Date.now(),
  notice: '', // why the user was signed out, shown on the sign-in page
  touch() { this.last = Date.now(); save() },
})

function save() {
  if (!session.token || !session.user) return
  const s: Stored = { token: session.token, expires_at: session.expiresAt, user: session.user, permissions: session.permissions, may_file: session.mayFile, last: session.last }
  sessionStorage.setItem(KEY, JSON.stringify(s))
}

export function restore() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null
    if (!s) return
    if (Date.now() - s.last > IDLE_MS || Date.parse(s.expires_at) <= Date.now()) {
      sessionStorage.removeItem(KEY)
      session.notice = '长时间未操作，已自动退出，请重新登录'
      return
    }
    Object.assign(session, { token: s.token, expiresAt: s.expires_at, user: s.user, permissions: s.permissions ?? [], mayFile: s.may_file ?? null, last: s.last, checked: 0 })
  } catch {
    sessionStorage.removeItem(KEY)
  }
}

export function signIn(token: string, expiresAt: string, user: SessionUser) {
  Object.assign(session, { token, expiresAt, user, permissions: [], mayFile: null, checked: 0, last: Date.now(), notice: '', epoch: session.epoch + 1 })
  save()
}

/** The signed-in user's own record and permissions, as /me answered them. */
export function setMe(user: SessionUser, permissions: string[], mayFile: MayFile | null) {
  Object.assign(session, { user, permissions, mayFile, checked: Date.now() })
  save()
}

const onSignOut: (() => void)[] = []
/** fn runs at every sign-out: caches of what the last user could read are dropped. */
export function whenSignedOut(fn: () => void) { onSignOut.push(fn) }

export function signOut(notice = '') {
  Object.assign(session, { token: '', user: null, permissions: [], mayFile: null, checked: 0, notice, epoch: session.epoch + 1 })
  sessionStorage.removeItem(KEY)
  for (const fn of onSignOut) fn()
}

/** Whether the user may use every route named. */
export function can(...keys: RouteKey[]): boolean {
  return !!session.user && keys.every((k) => session.permissions.includes(k))
}

/** Watches for activity; signs out after IDLE_MS without any, or when the token expires. */
export function startIdleWatch(): void {
  const bump = () => { if (session.token && Date.now() - session.last > 15000) session.touch() }
  for (const ev of ['mousedown', 'keydown', 'wheel', 'touchstart']) window.addEventListener(ev, bump, { passive: true })
  window.setInterval(() => {
    if (!session.token) return
    if (Date.now() - session.last >= IDLE_MS) signOut('超过 30 分钟未操作，已自动退出，请重新登录')
    else if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) signOut('登录已过期，请重新登录')
  }, 15000)
}
