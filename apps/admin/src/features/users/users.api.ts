import type {
  ChangeTenantRoleInput,
  IdentityCardView,
  InvitationResult,
  InviteUserInput,
  ListUsersQuery,
  ResetMfaResult,
  RevokeSessionsResult,
  SignInLinkResult,
  UserDetail,
  UserList,
} from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

type ById = { params: { userId: string } };

/** The users area of the admin API (issue 6, seeds 000 and 001). */
export const usersRoutes = {
  list: route<UserList, { query: ListUsersQuery }>('GET', '/api/users'),
  get: route<UserDetail, ById>('GET', '/api/users/:userId'),
  identity: route<IdentityCardView, ById>('GET', '/api/users/:userId/identity'),
  invite: route<InvitationResult, { body: InviteUserInput }>('POST', '/api/users/invitations'),
  resendInvitation: route<InvitationResult, ById>('POST', '/api/users/:userId/invitation/resend'),
  revokeInvitation: route<undefined, ById>('DELETE', '/api/users/:userId/invitation'),
  changeRole: route<UserDetail, ById & { body: ChangeTenantRoleInput }>('PUT', '/api/users/:userId/role'),
  deactivate: route<UserDetail, ById>('POST', '/api/users/:userId/deactivate'),
  reactivate: route<UserDetail, ById>('POST', '/api/users/:userId/reactivate'),
  remove: route<undefined, ById>('DELETE', '/api/users/:userId'),
  revokeSessions: route<RevokeSessionsResult, ById>('POST', '/api/users/:userId/sessions/revoke'),
  resetMfa: route<ResetMfaResult, ById>('POST', '/api/users/:userId/mfa/reset'),
  sendSignInLink: route<SignInLinkResult, ById>('POST', '/api/users/:userId/sign-in-link'),
};
