import type {
  IdentityCardView,
  InviteUserInput,
  ListUsersQuery,
  TenantRoleSchema,
  UserDetail,
  UserSummary,
} from '@gatehouse/domain/contracts';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { call } from '../../shared/api/client';
import { useKeysetList } from '../../shared/composables/use-keyset-list';
import { usersRoutes } from './users.api';

export type UserFilters = Omit<ListUsersQuery, 'cursor' | 'limit'>;
type TenantRole = (typeof TenantRoleSchema)['options'][number];

/** Pages of 100: a screenful and a half of rows; the table renders only what is in view. */
export const USERS_PAGE_SIZE = 100;

/** The users area (STYLE §7: one store per domain area): the directory list and one open account. */
export const useUsersStore = defineStore('users', () => {
  const list = useKeysetList<UserSummary, UserFilters>((filters, cursor) =>
    call(usersRoutes.list, { query: { ...filters, limit: USERS_PAGE_SIZE, cursor: cursor ?? undefined } }),
  );

  const detail = shallowRef<UserDetail | null>(null);
  const identity = shallowRef<IdentityCardView | null>(null);
  const detailStatus = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const detailError = shallowRef<unknown>(null);

  async function open(userId: string): Promise<void> {
    detailStatus.value = 'loading';
    detailError.value = null;
    if (detail.value?.id !== userId) {
      detail.value = null;
      identity.value = null;
    }
    try {
      const [user, card] = await Promise.all([
        call(usersRoutes.get, { params: { userId } }),
        // The identity card is extra; an account without one still opens.
        call(usersRoutes.identity, { params: { userId } }).catch(() => null),
      ]);
      detail.value = user;
      identity.value = card;
      detailStatus.value = 'ready';
    } catch (err) {
      detailError.value = err;
      detailStatus.value = 'error';
    }
  }

  function close(): void {
    detail.value = null;
    identity.value = null;
    detailStatus.value = 'idle';
  }

  /** After a change, the row and the open account show the server's answer. */
  async function refresh(userId: string): Promise<void> {
    const user = await call(usersRoutes.get, { params: { userId } });
    list.replace((u) => u.id === userId, user);
    if (detail.value?.id === userId) detail.value = user;
  }

  const byId = (userId: string) => ({ params: { userId } });

  async function invite(input: InviteUserInput) {
    const result = await call(usersRoutes.invite, { body: input });
    list.items.value = [result.user, ...list.items.value.filter((u) => u.id !== result.user.id)];
    return result;
  }

  async function changeRole(userId: string, tenantRole: TenantRole): Promise<void> {
    await call(usersRoutes.changeRole, { ...byId(userId), body: { tenantRole } });
    await refresh(userId);
  }

  async function setActive(userId: string, active: boolean): Promise<void> {
    await call(active ? usersRoutes.reactivate : usersRoutes.deactivate, byId(userId));
    await refresh(userId);
  }

  async function remove(userId: string): Promise<void> {
    await call(usersRoutes.remove, byId(userId));
    list.replace((u) => u.id === userId, null);
    if (detail.value?.id === userId) close();
  }

  async function revokeInvitation(userId: string): Promise<void> {
    await call(usersRoutes.revokeInvitation, byId(userId));
    list.replace((u) => u.id === userId, null);
    if (detail.value?.id === userId) close();
  }

  async function resendInvitation(userId: string) {
    const result = await call(usersRoutes.resendInvitation, byId(userId));
    await refresh(userId);
    return result;
  }

  const revokeSessions = (userId: string) => call(usersRoutes.revokeSessions, byId(userId));
  const sendSignInLink = (userId: string) => call(usersRoutes.sendSignInLink, byId(userId));
  async function resetMfa(userId: string): Promise<void> {
    await call(usersRoutes.resetMfa, byId(userId));
    await refresh(userId);
  }

  return {
    list,
    detail,
    identity,
    detailStatus,
    detailError,
    open,
    close,
    invite,
    changeRole,
    setActive,
    remove,
    revokeInvitation,
    resendInvitation,
    revokeSessions,
    sendSignInLink,
    resetMfa,
  };
});
