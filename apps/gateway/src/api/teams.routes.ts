// Teams (seed 002 "Using Teams"): the list, create/rename/delete, members and their roles.
import {
  AddTeamMemberInput,
  AddTeamMemberResult,
  ChangeTeamMemberRoleInput,
  CreateTeamInput,
  ListTeamMembersQuery,
  ListTeamsQuery,
  RenameTeamInput,
  TeamIdParams,
  TeamList,
  TeamMember,
  TeamMemberList,
  TeamMemberParams,
  TeamSummary,
  type AddTeamMemberResult as AddTeamMemberResultBody,
  type TeamMember as TeamMemberBody,
  type TeamSummary as TeamSummaryBody,
} from '@gatehouse/domain/contracts';
import type { AddedMember, TeamMemberRecord, TeamSummaryRecord } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import { mapPage } from '../http/pages.js';
import type { RouterDeps } from '../http/deps.js';

const TAG = 'teams';

export function teamsRoutes({ services, config }: RouterDeps): Route[] {
  const teams = services.teamDirectory;
  const links = { publicUrl: config.publicUrl };
  return [
    defineRoute(
      {
        method: 'get',
        path: '/teams',
        tag: TAG,
        summary: 'Teams with member counts and story usage (members see their teams, owners all)',
        query: ListTeamsQuery,
        response: TeamList,
        action: 'team:list',
      },
      async ({ actor, query }) => {
        const page = await teams.list(actor, query);
        return mapPage(page, toTeamSummary);
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/teams',
        tag: TAG,
        summary: 'Create a team; its creator becomes its first team admin',
        body: CreateTeamInput,
        response: TeamSummary,
        status: 201,
        action: 'team:create',
      },
      async ({ actor, body }) => toTeamSummary(await teams.create(actor, body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/teams/:teamId',
        tag: TAG,
        summary: 'One team with its member count and story usage',
        params: TeamIdParams,
        response: TeamSummary,
      },
      async ({ actor, params }) => toTeamSummary(await teams.get(actor, params.teamId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/teams/:teamId',
        tag: TAG,
        summary: 'Rename a team',
        params: TeamIdParams,
        body: RenameTeamInput,
        response: TeamSummary,
      },
      async ({ actor, params, body }) => toTeamSummary(await teams.rename(actor, params.teamId, body)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/teams/:teamId',
        tag: TAG,
        summary: 'Delete an empty team',
        params: TeamIdParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await teams.delete(actor, params.teamId);
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/teams/:teamId/members',
        tag: TAG,
        summary: 'A team’s members with their roles',
        params: TeamIdParams,
        query: ListTeamMembersQuery,
        response: TeamMemberList,
      },
      async ({ actor, params, query }) => {
        const page = await teams.members(actor, params.teamId, query);
        return mapPage(page, toTeamMember);
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/teams/:teamId/members',
        tag: TAG,
        summary: 'Add a member by email; an address without an account is invited to the tenant',
        params: TeamIdParams,
        body: AddTeamMemberInput,
        response: AddTeamMemberResult,
        status: 201,
      },
      async ({ actor, params, body }) =>
        toAddResult(await teams.addMember(actor, params.teamId, body, links)),
    ),
    defineRoute(
      {
        method: 'put',
        path: '/teams/:teamId/members/:userId',
        tag: TAG,
        summary: 'Change a member’s team role',
        params: TeamMemberParams,
        body: ChangeTeamMemberRoleInput,
        response: TeamMember,
      },
      async ({ actor, params, body }) =>
        toTeamMember(await teams.changeMemberRole(actor, params.teamId, params.userId, body)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/teams/:teamId/members/:userId',
        tag: TAG,
        summary: 'Remove a member (never the last one)',
        params: TeamMemberParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await teams.removeMember(actor, params.teamId, params.userId);
        return undefined;
      },
    ),
  ];
}

function toTeamSummary(r: TeamSummaryRecord): TeamSummaryBody {
  return {
    id: r.team.id,
    name: r.team.name,
    memberCount: r.memberCount,
    stories: { used: r.stories.used, limit: r.stories.limit },
    myRole: r.myRole,
    createdAt: r.team.createdAt.toISOString(),
  };
}

function toTeamMember(r: TeamMemberRecord): TeamMemberBody {
  return {
    userId: r.user.id,
    email: r.user.email,
    displayName: r.user.displayName,
    tenantRole: r.tenantRole,
    status: r.status,
    role: r.role,
    manualRole: r.membership.role,
    mappedRole: r.membership.mappedRole,
    joinedAt: r.membership.createdAt.toISOString(),
  };
}

function toAddResult(result: AddedMember): AddTeamMemberResultBody {
  if (result.outcome === 'added') return { outcome: 'added', member: toTeamMember(result.member) };
  const i = result.invitation;
  return {
    outcome: 'invited',
    userId: result.user.id,
    email: result.user.email,
    invitation: {
      id: i.id,
      tenantRole: i.tenantRole,
      teams: i.teams.map((t) => ({ teamId: t.teamId, role: t.role })),
      createdAt: i.createdAt.toISOString(),
      expiresAt: i.expiresAt.toISOString(),
      expired: i.expired,
    },
    emailSent: result.emailSent,
    emailTransport: result.emailTransport,
  };
}
