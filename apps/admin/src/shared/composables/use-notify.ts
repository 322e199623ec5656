import { shallowRef } from 'vue';

export interface Notice {
  id: number;
  kind: 'success' | 'error';
  text: string;
}

const notices = shallowRef<readonly Notice[]>([]);
let nextId = 1;

/**
 * Short confirmations after an action ("Invitation sent to …"). App.vue shows them in a live region,
 * so screen readers announce them too. Errors that belong to a field or a view are shown there instead.
 */
export function useNotify() {
  function push(kind: Notice['kind'], text: string): void {
    const notice = { id: nextId++, kind, text };
    notices.value = [...notices.value, notice].slice(-3);
    setTimeout(() => dismiss(notice.id), kind === 'error' ? 10_000 : 6_000);
  }
  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }
  return {
    notices,
    dismiss,
    success: (text: string) => push('success', text),
    error: (text: string) => push('error', text),
  };
}
