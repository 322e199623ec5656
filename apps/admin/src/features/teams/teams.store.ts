import type {
  AddTeamMemberInput,
  ObjectAccessInput,
  TeamMember,
  TeamRoleSchema,
  TeamSummary,
} from '@gatehouse/domain/contracts';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { call, type ApiRoute } from '../../shared/api/client';
import { useKeysetList, type KeysetPage } from '../../shared/composables/use-keyset-list';
import { teamsRoutes } from './teams.api';

type TeamRole = (typeof TeamRoleSchema)['options'][number];
export type ObjectKind = 'credentials' | 'resources' | 'stories' | 'cases' | 'dashboards';
export type ShareableKind = 'credentials' | 'resources' | 'stories';

type TeamObjectsInput = { params: { teamId: string }; query: { limit: number; cursor?: string } };

/** Enough of any team object for the team page's lists. */
export interface TeamObject {
  id: string;
  teamId: string;
  name: string;
  sharing?: 'team' | 'all_teams_and_drafts' | 'selected_teams';
  sharedWithTeamIds?: string[];
  createdBy: string;
  updatedAt: string;
  status?: string;
  sendToStoryEnabled?: boolean;
}

/** The teams area: the list, the team being looked at, its members and its objects. */
export const useTeamsStore = defineStore('teams', () => {
  const list = useKeysetList<TeamSummary, { q?: string }>((filters, cursor) =>
    call(teamsRoutes.list, { query: { ...filters, limit: 50, cursor: cursor ?? undefined } }),
  );

  /** Every team's id and name, for pickers (invite, filters, sharing); first 200 by name. */
  const options = shallowRef<Array<{ id: string; name: string }>>([]);
  async function loadOptions(): Promise<void> {
    const page = await call(teamsRoutes.list, { query: { limit: 200 } }).catch(() => null);
    if (page) options.value = page.items.map((t) => ({ id: t.id, name: t.name }));
  }

  const team = shallowRef<TeamSummary | null>(null);
  const teamStatus = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const teamError = shallowRef<unknown>(null);
  const members = useKeysetList<TeamMember, { teamId: string }>(({ teamId }, cursor) =>
    call(teamsRoutes.members, { params: { teamId }, query: { limit: 100, cursor: cursor ?? undefined } }),
  );
  const objects = useKeysetList<TeamObject, { teamId: string; kind: ObjectKind }>(
    ({ teamId, kind }, cursor) =>
      call(teamsRoutes[kind] as ApiRoute<TeamObjectsInput, KeysetPage<TeamObject>>, {
        params: { teamId },
        query: { limit: 50, cursor: cursor ?? undefined },
      }),
  );

  async function open(teamId: string): Promise<void> {
    teamStatus.value = 'loading';
    teamError.value = null;
    if (team.value?.id !== teamId) team.value = null;
    try {
      team.value = await call(teamsRoutes.get, { params: { teamId } });
      teamStatus.value = 'ready';
      void members.loadFirst({ teamId });
    } catch (err) {
      teamError.value = err;
      teamStatus.value = 'error';
    }
  }

  async function create(name: string): Promise<TeamSummary> {
    const created = await call(teamsRoutes.create, { body: { name } });
    list.items.value = [created, ...list.items.value];
    options.value = [...options.value, { id: created.id, name: created.name }];
    return created;
  }

  async function rename(teamId: string, name: string): Promise<void> {
    const renamed = await call(teamsRoutes.rename, { params: { teamId }, body: { name } });
    if (team.value?.id === teamId) team.value = renamed;
    list.replace((t) => t.id === teamId, renamed);
  }

  async function remove(teamId: string): Promise<void> {
    await call(teamsRoutes.remove, { params: { teamId } });
    list.replace((t) => t.id === teamId, null);
    options.value = options.value.filter((t) => t.id !== teamId);
  }

  async function refreshTeam(teamId: string): Promise<void> {
    const fresh = await call(teamsRoutes.get, { params: { teamId } }).catch(() => null);
    if (fresh && team.value?.id === teamId) team.value = fresh;
  }

  async function addMember(teamId: string, input: AddTeamMemberInput) {
    const result = await call(teamsRoutes.addMember, { params: { teamId }, body: input });
    if (result.outcome === 'added') members.items.value = [...members.items.value, result.member];
    void refreshTeam(teamId);
    return result;
  }

  async function changeMemberRole(teamId: string, userId: string, role: TeamRole): Promise<void> {
    const member = await call(teamsRoutes.changeMemberRole, { params: { teamId, userId }, body: { role } });
    members.replace((m) => m.userId === userId, member);
  }

  async function removeMember(teamId: string, userId: string): Promise<void> {
    await call(teamsRoutes.removeMember, { params: { teamId, userId } });
    members.replace((m) => m.userId === userId, null);
    void refreshTeam(teamId);
  }

  async function setAccess(
    kind: ShareableKind,
    object: TeamObject,
    access: ObjectAccessInput,
  ): Promise<void> {
    const teamId = object.teamId;
    if (kind === 'credentials')
      await call(teamsRoutes.credentialAccess, { params: { teamId, credentialId: object.id }, body: access });
    else if (kind === 'resources')
      await call(teamsRoutes.resourceAccess, { params: { teamId, resourceId: object.id }, body: access });
    else await call(teamsRoutes.storyAccess, { params: { teamId, storyId: object.id }, body: access });
    objects.replace((o) => o.id === object.id, {
      ...object,
      sharing: access.sharing,
      sharedWithTeamIds: access.teamIds ?? [],
    });
  }

  return {
    list,
    options,
    loadOptions,
    team,
    teamStatus,
    teamError,
    members,
    objects,
    open,
    create,
    rename,
    remove,
    addMember,
    changeMemberRole,
    removeMember,
    setAccess,
  };
});
