import type { MeResponse } from '@gatehouse/domain/contracts';
import type { Actor } from '@gatehouse/domain/permissions';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, call, setCsrfToken } from '../../shared/api/client';
import { authRoutes, meRoute } from './auth.api';

type Status = 'idle' | 'loading' | 'ready' | 'error';

/** The signed-in actor (STYLE §7: `useSessionStore`), from GET /api/me. */
export const useSessionStore = defineStore('session', () => {
  const status = ref<Status>('idle');
  const me = ref<MeResponse | null>(null);
  const error = ref<ApiError | null>(null);
  let pending: Promise<void> | null = null;

  /** The same actor the gateway builds, so `can()` answers here as it does there. */
  const actor = computed<Actor | null>(() =>
    me.value
      ? {
          kind: 'user',
          tenantId: me.value.tenant.id,
          userId: me.value.user.id,
          tenantRole: me.value.user.tenantRole,
          teamRoles: me.value.teamRoles,
          features: me.value.features,
        }
      : null,
  );

  function load(): Promise<void> {
    pending = fetchMe().finally(() => {
      pending = null;
    });
    return pending;
  }

  async function fetchMe(): Promise<void> {
    status.value = 'loading';
    error.value = null;
    try {
      const answer = await call(meRoute);
      me.value = answer;
      setCsrfToken(answer.csrfToken);
      status.value = 'ready';
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // 401 is an answer, not a failure: nobody is signed in.
      if (err.status === 401) {
        forget();
        status.value = 'ready';
        return;
      }
      error.value = err;
      status.value = 'error';
    }
  }

  /** Loads once; later callers share the answer (the router guard runs on every navigation). */
  function ensureLoaded(): Promise<void> {
    if (pending) return pending;
    return status.value === 'idle' ? load() : Promise.resolve();
  }

  function forget(): void {
    me.value = null;
    setCsrfToken(null);
  }

  async function signOut(): Promise<{ redirectTo?: string | null }> {
    const answer = await call(authRoutes.logout).catch((err: unknown) => {
      // An already-ended session is signed out all the same.
      if (err instanceof ApiError && err.status === 401) return undefined;
      throw err;
    });
    forget();
    return answer ?? {};
  }

  return { status, me, error, actor, load, ensureLoaded, forget, signOut };
});
