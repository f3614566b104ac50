// Who is signed in and what they may do, read from GET /api/v1/me: after
// sign-in, at the first page of a load, at most once a minute as pages
// change, and at once when the API refuses a route (403 forbidden), so
// that a role changed by the administrator shows in the menus without
// signing in again.
import { get, onForbidden } from './api/client'
import { session, setMe } from './session'

const FRESH_MS = 60 * 1000
let pending: Promise<void> | null = null

export function refreshMe(): Promise<void> {
  if (pending) return pending
  const epoch = session.epoch
  pending = get('/api/v1/me')
    .then((m) => {
      if (epoch !== session.epoch || !session.token) return // signed out or in again meanwhile
      const { permissions, may_file: mayFile, ...user } = m
      setMe(user, permissions, mayFile ?? null)
    })
    .finally(() => { pending = null })
  return pending
}

/** Reads /me unless this page load did within the last minute. */
export async function ensureMe(): Promise<void> {
  if (session.checked && Date.now() - session.checked < FRESH_MS) return
  await refreshMe()
}

onForbidden(() => { void refreshMe().catch(() => undefined) })
