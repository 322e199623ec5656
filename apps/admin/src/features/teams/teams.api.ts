import type {
  AddTeamMemberInput,
  AddTeamMemberResult,
  CaseList,
  ChangeTeamMemberRoleInput,
  CreateTeamInput,
  CredentialList,
  DashboardList,
  ListObjectsQuery,
  ListTeamMembersQuery,
  ListTeamsQuery,
  ObjectAccessInput,
  RenameTeamInput,
  ResourceList,
  StoryList,
  TeamList,
  TeamMember,
  TeamMemberList,
  TeamSummary,
} from '@gatehouse/domain/contracts';
import { route, type Infer } from '../../shared/api/client';

type Team = { params: { teamId: string } };
type Member = { params: { teamId: string; userId: string } };
type Objects = Team & { query: ListObjectsQuery };

/** Teams, their members and their objects (issue 6, seed 002). */
export const teamsRoutes = {
  list: route<TeamList, { query: ListTeamsQuery }>('GET', '/api/teams'),
  create: route<TeamSummary, { body: CreateTeamInput }>('POST', '/api/teams'),
  get: route<TeamSummary, Team>('GET', '/api/teams/:teamId'),
  rename: route<TeamSummary, Team & { body: RenameTeamInput }>('PATCH', '/api/teams/:teamId'),
  remove: route<undefined, Team>('DELETE', '/api/teams/:teamId'),
  members: route<TeamMemberList, Team & { query: ListTeamMembersQuery }>('GET', '/api/teams/:teamId/members'),
  addMember: route<AddTeamMemberResult, Team & { body: AddTeamMemberInput }>(
    'POST',
    '/api/teams/:teamId/members',
  ),
  changeMemberRole: route<TeamMember, Member & { body: ChangeTeamMemberRoleInput }>(
    'PUT',
    '/api/teams/:teamId/members/:userId',
  ),
  removeMember: route<undefined, Member>('DELETE', '/api/teams/:teamId/members/:userId'),
  credentials: route<Infer<typeof CredentialList>, Objects>('GET', '/api/teams/:teamId/credentials'),
  resources: route<Infer<typeof ResourceList>, Objects>('GET', '/api/teams/:teamId/resources'),
  stories: route<Infer<typeof StoryList>, Objects>('GET', '/api/teams/:teamId/stories'),
  cases: route<Infer<typeof CaseList>, Objects>('GET', '/api/teams/:teamId/cases'),
  dashboards: route<Infer<typeof DashboardList>, Objects>('GET', '/api/teams/:teamId/dashboards'),
  credentialAccess: route<
    unknown,
    { params: { teamId: string; credentialId: string }; body: ObjectAccessInput }
  >('PUT', '/api/teams/:teamId/credentials/:credentialId/access'),
  resourceAccess: route<unknown, { params: { teamId: string; resourceId: string }; body: ObjectAccessInput }>(
    'PUT',
    '/api/teams/:teamId/resources/:resourceId/access',
  ),
  storyAccess: route<unknown, { params: { teamId: string; storyId: string }; body: ObjectAccessInput }>(
    'PUT',
    '/api/teams/:teamId/stories/:storyId/access',
  ),
};
