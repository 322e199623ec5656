import { ref, shallowRef } from 'vue';

/** A keyset page as the list endpoints answer it (STYLE §5: opaque cursor, stable order). */
export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

export type ListStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * A list paged by keyset: `loadFirst` for new filters, `loadMore` to append the next page (infinite
 * scroll) and `loadPage` to show one page (cursor from the URL). Answers to superseded requests are
 * dropped, so typing in a search box never shows an older result last. Stores hold one of these.
 */
export function useKeysetList<T, F>(
  fetchPage: (filters: F, cursor: string | null) => Promise<KeysetPage<T>>,
) {
  const items = shallowRef<T[]>([]);
  const status = ref<ListStatus>('idle');
  const error = shallowRef<unknown>(null);
  const nextCursor = ref<string | null>(null);
  const loadingMore = ref(false);
  const moreError = shallowRef<unknown>(null);
  let filters: F | undefined;
  let cursor: string | null = null;
  let generation = 0;

  async function loadPage(nextFilters: F, pageCursor: string | null = null): Promise<void> {
    filters = nextFilters;
    cursor = pageCursor;
    const mine = ++generation;
    status.value = 'loading';
    error.value = null;
    moreError.value = null;
    try {
      const page = await fetchPage(nextFilters, pageCursor);
      if (mine !== generation) return;
      items.value = page.items;
      nextCursor.value = page.nextCursor;
      status.value = 'ready';
    } catch (err) {
      if (mine !== generation) return;
      error.value = err;
      status.value = 'error';
    }
  }

  const loadFirst = (nextFilters: F) => loadPage(nextFilters, null);

  async function loadMore(): Promise<void> {
    if (filters === undefined || !nextCursor.value || loadingMore.value) return;
    const mine = generation;
    loadingMore.value = true;
    moreError.value = null;
    try {
      const page = await fetchPage(filters, nextCursor.value);
      if (mine !== generation) return;
      items.value = [...items.value, ...page.items];
      nextCursor.value = page.nextCursor;
    } catch (err) {
      if (mine === generation) moreError.value = err;
    } finally {
      if (mine === generation) loadingMore.value = false;
    }
  }

  /** Loads the current page again with the same filters (Retry, or after a change). */
  function reload(): Promise<void> {
    return filters === undefined ? Promise.resolve() : loadPage(filters, cursor);
  }

  /** Replaces one loaded item in place (after an edit) without reloading the page. */
  function replace(match: (item: T) => boolean, next: T | null): void {
    items.value = items.value.flatMap((item) => (match(item) ? (next === null ? [] : [next]) : [item]));
  }

  return {
    items,
    status,
    error,
    nextCursor,
    loadingMore,
    moreError,
    loadFirst,
    loadPage,
    loadMore,
    reload,
    replace,
  };
}
