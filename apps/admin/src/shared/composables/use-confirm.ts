import { shallowRef } from 'vue';

export interface ConfirmRequest {
  title: string;
  /** What will happen, in plain words. */
  body: string;
  /** The confirming button's label names the action ("Remove user"), never just "OK". */
  confirmLabel: string;
  /** Destructive actions get a red button. */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve(confirmed: boolean): void;
}

// One dialog at a time for the whole console; App.vue renders it.
const pending = shallowRef<Pending | null>(null);

/** Destructive actions confirm first (issue 7): `if (await confirm({...})) remove()`. */
export function useConfirm(): (request: ConfirmRequest) => Promise<boolean> {
  return (request) =>
    new Promise<boolean>((resolve) => {
      pending.value?.resolve(false);
      pending.value = { ...request, resolve };
    });
}

/** For the dialog host: the open request and how to answer it. */
export function useConfirmHost() {
  function answer(confirmed: boolean): void {
    const current = pending.value;
    pending.value = null;
    current?.resolve(confirmed);
  }
  return { pending, answer };
}
