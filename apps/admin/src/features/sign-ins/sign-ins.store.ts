import type { SignInsPerDay } from '@gatehouse/domain/contracts';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { call, download } from '../../shared/api/client';
import { useKeysetList } from '../../shared/composables/use-keyset-list';
import { signInsRoutes, type SignInEventView, type SignInFilter } from './sign-ins.api';

/** Sign-in activity (issue 5): the event list, per-day counts for charts, and the CSV download. */
export const useSignInsStore = defineStore('signIns', () => {
  const list = useKeysetList<SignInEventView, SignInFilter>((filters, cursor) =>
    call(signInsRoutes.list, { query: { ...filters, limit: 50, cursor: cursor ?? undefined } }),
  );

  const daily = shallowRef<SignInsPerDay | null>(null);
  const dailyStatus = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const dailyError = shallowRef<unknown>(null);

  /** The last `days` UTC days, today included. */
  async function loadDaily(days = 30): Promise<void> {
    dailyStatus.value = 'loading';
    dailyError.value = null;
    const from = new Date();
    from.setUTCHours(0, 0, 0, 0);
    from.setUTCDate(from.getUTCDate() - (days - 1));
    const to = new Date(from);
    to.setUTCDate(to.getUTCDate() + days);
    try {
      daily.value = await call(signInsRoutes.perDay, {
        query: { from: from.toISOString(), to: to.toISOString() },
      });
      dailyStatus.value = 'ready';
    } catch (err) {
      dailyError.value = err;
      dailyStatus.value = 'error';
    }
  }

  function exportCsv(filter: SignInFilter, signal: AbortSignal, onProgress: (bytes: number) => void) {
    return download(signInsRoutes.export, { query: filter }, { accept: 'text/csv', signal, onProgress });
  }

  return { list, daily, dailyStatus, dailyError, loadDaily, exportCsv };
});
