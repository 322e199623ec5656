import { ref, watch } from 'vue';

/**
 * A free-text filter typed into an input and written to the URL query once typing pauses. `text`
 * follows the input at once and follows the query when it changes (Back, a cleared filter).
 */
export function useDebouncedQuery(source: () => string, commit: (value: string) => void, delayMs: number) {
  const text = ref(source());
  watch(source, (value) => (text.value = value));
  let typing: ReturnType<typeof setTimeout> | undefined;
  function onInput(value: string): void {
    text.value = value;
    clearTimeout(typing);
    typing = setTimeout(() => commit(value.trim()), delayMs);
  }
  return { text, onInput };
}
