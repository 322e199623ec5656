import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError, call } from '../../shared/api/client';

/**
 * The signed-in actor as `GET /api/me` returns it. Provisional: it moves to
 * `@gatehouse/domain/contracts` when that response has its schema (STYLE §9, one source of truth).
 */
export interface Me {
  userId: string;
  tenantId: string;
  email: string;
}

type Status = 'idle' | 'loading' | 'ready' | 'error';

export const useSessionStore = defineStore('session', () => {
  const status = ref<Status>('idle');
  const me = ref<Me | null>(null);
  const error = ref<ApiError | null>(null);

  async function load(): Promise<void> {
    status.value = 'loading';
    error.value = null;
    try {
      me.value = await call<Me>('GET', '/api/me');
      status.value = 'ready';
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // 401 is an answer, not a failure: nobody is signed in.
      if (err.status === 401) {
        me.value = null;
        status.value = 'ready';
        return;
      }
      error.value = err;
      status.value = 'error';
    }
  }

  return { status, me, error, load };
});
