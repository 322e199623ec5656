import { ref, shallowRef } from 'vue';

export type ResourceStatus = 'idle' | 'loading' | 'ready' | 'error';

/** One server resource (a settings document, a short list) with its request status, for stores. */
export function useResource<T>(loader: () => Promise<T>) {
  const data = shallowRef<T | null>(null);
  const status = ref<ResourceStatus>('idle');
  const error = shallowRef<unknown>(null);

  async function load(): Promise<void> {
    status.value = 'loading';
    error.value = null;
    try {
      data.value = await loader();
      status.value = 'ready';
    } catch (err) {
      error.value = err;
      status.value = 'error';
    }
  }

  /** Loads unless already loaded or loading (panels that share a resource). */
  function ensure(): Promise<void> {
    return status.value === 'idle' || status.value === 'error' ? load() : Promise.resolve();
  }

  function set(next: T): void {
    data.value = next;
    status.value = 'ready';
  }

  return { data, status, error, load, ensure, set };
}
