// The signed-in session. The token is kept in memory and in sessionStorage
// (so a reload of the tab keeps it, and closing the tab forgets it), never
// in localStorage, which outlives the browser session and is shared by
// every tab. After 30 idle minutes the console signs the user out.
import { reactive } from 'vue'
import type { SessionUser } from './api/types'

const KEY = 'efile.session'
export const IDLE_MS = 30 * 60 * 1000

interface Stored { token: string; expires_at: string; user: SessionUser; last: number }

export const session = reactive({
  token: '',
  expiresAt: '',
  user: null as SessionUser | null,
  last: Date.now(),
  notice: '', // why the user was signed out, shown on the sign-in page
  touch() { this.last = Date.now(); save() },
})

function save() {
  if (!session.token || !session.user) return
  const s: Stored = { token: session.token, expires_at: session.expiresAt, user: session.user, last: session.last }
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
    Object.assign(session, { token: s.token, expiresAt: s.expires_at, user: s.user, last: s.last })
  } catch {
    sessionStorage.removeItem(KEY)
  }
}

export function signIn(token: string, expiresAt: string, user: SessionUser) {
  Object.assign(session, { token, expiresAt, user, last: Date.now(), notice: '' })
  save()
}

let onSignOut: (() => void) | null = null
export function whenSignedOut(fn: () => void) { onSignOut = fn }

export function signOut(notice = '') {
  session.token = ''
  session.user = null
  session.notice = notice
  sessionStorage.removeItem(KEY)
  onSignOut?.()
}

export function hasRole(...roles: string[]): boolean {
  return !!session.user && session.user.roles.some((r) => roles.includes(r))
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
