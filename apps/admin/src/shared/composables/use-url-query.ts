import { computed } from 'vue';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';

const first = (value: LocationQuery[string] | undefined): string | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return v ?? undefined;
};

/**
 * Filters and the cursor live in the URL query (STYLE §7), so reload and Back restore the view.
 * `set` replaces the named keys (empty values are dropped) and, for a new filter, drops the cursor.
 */
export function useUrlQuery<K extends string>(keys: readonly K[]) {
  const route = useRoute();
  const router = useRouter();

  const query = computed(
    () => Object.fromEntries(keys.map((k) => [k, first(route.query[k]) ?? ''])) as Record<K, string>,
  );

  function set(patch: Partial<Record<K, string | null | undefined>>, opts: { push?: boolean } = {}): void {
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...route.query })) {
      const value = first(v);
      if (value) next[k] = value;
    }
    for (const [k, v] of Object.entries(patch) as [string, string | null | undefined][]) {
      if (v) next[k] = v;
      else delete next[k];
    }
    const location = { query: next, hash: route.hash };
    void (opts.push ? router.push(location) : router.replace(location));
  }

  return { query, set };
}
