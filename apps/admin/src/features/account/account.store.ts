import { defineStore } from 'pinia';
import { call } from '../../shared/api/client';
import { useResource } from '../../shared/composables/use-resource';
import { accountRoutes } from './account.api';

/** The signed-in person's own sessions: where they are signed in, and signing one of them out. */
export const useAccountStore = defineStore('account', () => {
  const sessions = useResource(() => call(accountRoutes.sessions));

  async function endSession(sessionId: string): Promise<void> {
    await call(accountRoutes.endSession, { params: { sessionId } });
    await sessions.load();
  }

  return { sessions, endSession };
});
