// A stale-response guard. Each load takes a ticket; its answer is applied
// only while the ticket is the newest one and the page is still shown, so
// a slow answer for the cadre one was looking at a moment ago can never
// replace the file of the cadre one is looking at now.
import { getCurrentInstance, onBeforeUnmount } from 'vue'

export function useLatest() {
  let newest = 0
  let alive = true
  if (getCurrentInstance()) onBeforeUnmount(() => { alive = false; newest++ })
  return {
    /** A ticket for one load: call it to learn whether the load is still wanted. */
    begin(): () => boolean {
      const mine = ++newest
      return () => alive && mine === newest
    },
  }
}
