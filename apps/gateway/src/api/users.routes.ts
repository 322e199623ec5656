// Users (seeds 000 and 001): the directory, invitations, roles, account state and profile edits.
import {
  ChangeTenantRoleInput,
  IdentityCardView,
  InvitationResult,
  ResetMfaResult,
  RevokeSessionsResult,
  SignInLinkResult,
  InviteUserInput,
  ListUsersQuery,
  UpdateUserProfileInput,
  UserDetail,
  UserIdParams,
  UserList,
  type PendingInvitation,
  type UserSummary,
  type UserDetail as UserDetailBody,
} from '@gatehouse/domain/contracts';
import type { DirectoryUser, DirectoryUserDetail, InvitationOutcome } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import { mapPage } from '../http/pages.js';
import type { RouterDeps } from '../http/deps.js';

const TAG = 'users';

export function usersRoutes({ services, config }: RouterDeps): Route[] {
  const directory = services.userDirectory;
  const links = { publicUrl: config.publicUrl };
  return [
    defineRoute(
      {
        method: 'get',
        path: '/users',
        tag: TAG,
        summary: 'List and search the tenant’s accounts, with last sign-in, source and status',
        query: ListUsersQuery,
        response: UserList,
        action: 'user:list',
      },
      async ({ actor, query }) => {
        const page = await directory.list(actor, query);
        return mapPage(page, toUserSummary);
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/users/invitations',
        tag: TAG,
        summary: 'Invite someone by email with a tenant role and, optionally, teams and team roles',
        body: InviteUserInput,
        response: InvitationResult,
        status: 201,
      },
      async ({ actor, body }) => toInvitationResult(await directory.invite(actor, body, links)),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/users/:userId/identity',
        tag: TAG,
        summary: 'The identity card: SCIM id and externalId, linked SSO subjects, last sync and last sign-in',
        params: UserIdParams,
        response: IdentityCardView,
      },
      // The service builds the card's view (it owns the joins); nothing secret is in it.
      async ({ actor, params }) => services.userAccess.identityCard(actor, params.userId),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/users/:userId',
        tag: TAG,
        summary: 'One account with its teams and any open invitation',
        params: UserIdParams,
        response: UserDetail,
      },
      async ({ actor, params }) => toUserDetail(await directory.get(actor, params.userId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/users/:userId',
        tag: TAG,
        summary: 'Edit profile names (refused for accounts the identity provider manages)',
        params: UserIdParams,
        body: UpdateUserProfileInput,
        response: UserDetail,
      },
      async ({ actor, params, body }) =>
        toUserDetail(await directory.updateProfile(actor, params.userId, body)),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/users/:userId/invitation/resend',
        tag: TAG,
        summary: 'Email a fresh invitation (the old link stops working)',
        params: UserIdParams,
        response: InvitationResult,
      },
      async ({ actor, params }) =>
        toInvitationResult(await directory.resendInvitation(actor, params.userId, links)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/users/:userId/invitation',
        tag: TAG,
        summary: 'Withdraw a pending invitation; the account that never joined goes with it',
        params: UserIdParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await directory.revokeInvitation(actor, params.userId);
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'put',
        path: '/users/:userId/role',
        tag: TAG,
        summary: 'Change the tenant role (only owners grant or remove owner and manager)',
        params: UserIdParams,
        body: ChangeTenantRoleInput,
        response: UserDetail,
      },
      async ({ actor, params, body }) => toUserDetail(await directory.changeRole(actor, params.userId, body)),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/users/:userId/deactivate',
        tag: TAG,
        summary: 'Deactivate the account; its sessions end',
        params: UserIdParams,
        response: UserDetail,
      },
      async ({ actor, params }) => toUserDetail(await directory.deactivate(actor, params.userId)),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/users/:userId/reactivate',
        tag: TAG,
        summary: 'Reactivate a deactivated account',
        params: UserIdParams,
        response: UserDetail,
      },
      async ({ actor, params }) => toUserDetail(await directory.reactivate(actor, params.userId)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/users/:userId',
        tag: TAG,
        summary: 'Remove the account from the tenant; its sessions and team places end',
        params: UserIdParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await directory.remove(actor, params.userId);
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/users/:userId/sessions/revoke',
        tag: TAG,
        summary: 'End every session of the account now',
        params: UserIdParams,
        response: RevokeSessionsResult,
      },
      async ({ actor, params }) => {
        const { revoked } = await directory.revokeSessions(actor, params.userId);
        return { revoked };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/users/:userId/mfa/reset',
        tag: TAG,
        summary: 'Reset the account’s second factor (it enrols again at its next sign-in)',
        params: UserIdParams,
        response: ResetMfaResult,
      },
      async ({ actor, params }) => {
        const { reset } = await directory.resetMfa(actor, params.userId);
        return { reset };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/users/:userId/sign-in-link',
        tag: TAG,
        summary: 'Email the account a fresh sign-in link (never part of the answer)',
        params: UserIdParams,
        response: SignInLinkResult,
      },
      async ({ actor, params }) => {
        const { sent, transport } = await directory.sendSignInLink(actor, params.userId, links);
        return { sent, transport };
      },
    ),
  ];
}

function toPendingInvitation(i: NonNullable<DirectoryUser['invitation']>): PendingInvitation {
  return {
    id: i.id,
    tenantRole: i.tenantRole,
    teams: i.teams.map((t) => ({ teamId: t.teamId, role: t.role })),
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    expired: i.expired,
  };
}

export function toUserSummary(entry: DirectoryUser): UserSummary {
  const { user } = entry;
  return {
    id: user.id,
    email: user.email,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    tenantRole: entry.tenantRole,
    mappedTenantRole: user.mappedTenantRole,
    status: entry.status,
    source: user.source,
    managedByIdp: entry.managedByIdp,
    mfaEnabled: user.mfaEnabledAt !== null,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    invitation: entry.invitation ? toPendingInvitation(entry.invitation) : null,
  };
}

function toUserDetail(entry: DirectoryUserDetail): UserDetailBody {
  return {
    ...toUserSummary(entry),
    externalId: entry.user.externalId,
    activatedAt: entry.user.activatedAt?.toISOString() ?? null,
    updatedAt: entry.user.updatedAt.toISOString(),
    teams: entry.teams.map((t) => ({
      teamId: t.teamId,
      teamName: t.teamName,
      role: t.role,
      manualRole: t.manualRole,
      mappedRole: t.mappedRole,
    })),
  };
}

function toInvitationResult(outcome: InvitationOutcome) {
  return {
    user: toUserSummary(outcome.entry),
    invitation: toPendingInvitation(outcome.invitation),
    emailSent: outcome.emailSent,
    emailTransport: outcome.emailTransport,
  };
}
