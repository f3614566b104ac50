// The one list-page pattern: filters and paging in one reactive query,
// the rows and total of the newest answer only (a slower older answer is
// dropped), a loading flag and the error for people.
import { reactive, ref, type Ref, type UnwrapNestedRefs } from 'vue'
import { describe } from '../api/client'
import { useLatest } from './latest'

export interface Paging { page: number; page_size: number }
export interface Page<T> { items: T[]; total: number }

export function useList<T, F extends object>(fetch: (q: F & Paging) => Promise<Page<T>>, filters: F, pageSize = 20) {
  const q = reactive({ ...filters, page: 1, page_size: pageSize }) as UnwrapNestedRefs<F & Paging>
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)
  const error = ref('')
  const latest = useLatest()

  async function load(): Promise<void> {
    const current = latest.begin()
    loading.value = true
    error.value = ''
    try {
      const l = await fetch({ ...q } as F & Paging)
      if (!current()) return
      rows.value = l.items
      total.value = l.total
    } catch (e) {
      if (current()) error.value = describe(e)
    } finally {
      if (current()) loading.value = false
    }
  }
  /** The first page of what the filters now say. */
  function search(): Promise<void> {
    q.page = 1
    return load()
  }
  /** Another page of the same filters. */
  function go(page: number): Promise<void> {
    q.page = page
    return load()
  }
  /** Another page size, from the first page. */
  function resize(size: number): Promise<void> {
    q.page_size = size
    return search()
  }
  return { q, rows, total, loading, error, load, search, go, resize }
}

export type List = Pick<ReturnType<typeof useList>, 'q' | 'total' | 'go' | 'resize'>
