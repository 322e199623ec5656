// Teams (seed 002 "Using Teams") through HTTP: the list, create/rename/delete, members and roles.
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddTeamMemberResult, TeamList, TeamMemberList, TeamSummary } from '@gatehouse/domain/contracts';
import { makeTenant, signIn, startTestGateway, uniqueSlug, type TestGateway } from './support/gateway.js';
import {
  auditRecords,
  countQueries,
  fingerprint,
  makeMember,
  makeTeam,
  setFlag,
  system,
} from './support/people.js';

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe.each(DATABASES)('teams API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`teams API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  describe('the list', () => {
    it('members see only their teams; owners see all, with member counts and story used / limit', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const mine = await makeTeam(gw, t, [{ user: member, role: 'viewer' }]);
      const other = await makeTeam(gw, t);
      await gw.services.allocations.set(system(t), { teamIds: [mine.id], maxStories: 5 });
      await gw.services.stories.create(system(t), { teamId: mine.id }, { name: 'One' });

      const asMember = (await (await (await signIn(gw, member)).fetch('/api/teams')).json()) as TeamList;
      expect(asMember.items).toEqual([
        {
          id: mine.id,
          name: mine.name,
          memberCount: 2,
          stories: { used: 1, limit: 5 },
          myRole: 'viewer',
          createdAt: expect.any(String),
        },
      ]);
      const asOwner = (await (await (await signIn(gw, t.owner)).fetch('/api/teams')).json()) as TeamList;
      expect(asOwner.items.map((team) => team.id).sort()).toEqual([mine.id, other.id].sort());
      expect(asOwner.items.find((team) => team.id === other.id)).toMatchObject({
        memberCount: 1,
        stories: { used: 0, limit: null },
        myRole: null,
      });
    });

    it('a manager sees only the teams they are in (seed 002: everyone but owners)', async () => {
      const t = await makeTenant(gw);
      await makeTeam(gw, t);
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      expect(((await (await manager.fetch('/api/teams')).json()) as TeamList).items).toEqual([]);
    });

    it('pages by name with a keyset cursor and filters by name; queries do not grow with the page', async () => {
      const t = await makeTenant(gw);
      const made = [];
      for (let i = 0; i < 5; i += 1) made.push(await makeTeam(gw, t));
      const owner = await signIn(gw, t.owner);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (await (
          await owner.fetch(`/api/teams?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        ).json()) as TeamList;
        seen.push(...page.items.map((team) => team.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(made.map((team) => team.name).sort());
      const one = (await (
        await owner.fetch(`/api/teams?q=${made[3]!.name.toUpperCase()}`)
      ).json()) as TeamList;
      expect(one.items.map((team) => team.id)).toEqual([made[3]!.id]);
      const small = await countQueries(gw, () => owner.fetch('/api/teams?limit=1'));
      const large = await countQueries(gw, () => owner.fetch('/api/teams?limit=5'));
      expect(large).toBe(small);
    });
  });

  describe('create, rename, delete', () => {
    it('a manager creates a team and becomes its admin; the audit records it', async () => {
      const t = await makeTenant(gw);
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      const res = await manager.fetch('/api/teams', { method: 'POST', json: { name: 'Detection' } });
      expect(res.status).toBe(201);
      const team = (await res.json()) as TeamSummary;
      expect(team).toMatchObject({
        name: 'Detection',
        memberCount: 1,
        myRole: 'admin',
        stories: { used: 0, limit: null },
      });
      expect(await auditRecords(gw, t.tenant.id, 'team.created')).toContainEqual(
        expect.objectContaining({ target_id: team.id, team_id: team.id }),
      );
    });

    it('a member cannot create a team: 403 naming who may', async () => {
      const t = await makeTenant(gw);
      const member = await signIn(gw, await makeMember(gw, t));
      const res = await member.fetch('/api/teams', { method: 'POST', json: { name: 'Mine' } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as ApiError).error.message).toBe('Requires tenant owner or manager.');
    });

    it('team names are unique per tenant, case-insensitively: 409', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      await owner.fetch('/api/teams', { method: 'POST', json: { name: 'Ops' } });
      const res = await owner.fetch('/api/teams', { method: 'POST', json: { name: 'OPS' } });
      expect(res.status).toBe(409);
      expect(((await res.json()) as ApiError).error.code).toBe('team.name_taken');
    });

    it('a team admin renames the team; an editor may not (403), a non-member does not find it (404)', async () => {
      const t = await makeTenant(gw);
      const editor = await makeMember(gw, t);
      const outsider = await makeMember(gw, t, 'manager');
      const team = await makeTeam(gw, t, [{ user: editor, role: 'editor' }]);
      const rename = (b: Awaited<ReturnType<typeof signIn>>, name: string) =>
        b.fetch(`/api/teams/${team.id}`, { method: 'PATCH', json: { name } });
      expect((await rename(await signIn(gw, editor), 'By editor')).status).toBe(403);
      expect((await rename(await signIn(gw, outsider), 'By outsider')).status).toBe(404);
      const res = await rename(await signIn(gw, team.anchor), 'Renamed');
      expect(res.status).toBe(200);
      expect(((await res.json()) as TeamSummary).name).toBe('Renamed');
    });

    it('a team with stories cannot be deleted (409); an empty one can, and is gone', async () => {
      const t = await makeTenant(gw);
      const full = await makeTeam(gw, t);
      await gw.services.stories.create(system(t), { teamId: full.id }, { name: 'Keep' });
      const empty = await makeTeam(gw, t);
      const owner = await signIn(gw, t.owner);
      const refused = await owner.fetch(`/api/teams/${full.id}`, { method: 'DELETE' });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as ApiError).error).toMatchObject({
        code: 'team.not_empty',
        details: { stories: 1 },
      });
      expect((await owner.fetch(`/api/teams/${empty.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await owner.fetch(`/api/teams/${empty.id}`)).status).toBe(404);
    });
  });

  describe('members', () => {
    it('lists members by email with their roles, tenant role and where the role came from', async () => {
      const t = await makeTenant(gw);
      const viewer = await makeMember(gw, t);
      const team = await makeTeam(gw, t, [{ user: viewer, role: 'viewer' }]);
      const res = await (await signIn(gw, viewer)).fetch(`/api/teams/${team.id}/members`);
      expect(res.status).toBe(200);
      const list = (await res.json()) as TeamMemberList;
      expect(list.items.map((m) => m.email)).toEqual([viewer.email, team.anchor.email].sort());
      expect(list.items.find((m) => m.userId === viewer.id)).toMatchObject({
        role: 'viewer',
        manualRole: 'viewer',
        mappedRole: null,
        tenantRole: 'member',
        status: 'active',
      });
    });

    it('a team admin adds an existing account by email with a role', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const colleague = await makeMember(gw, t);
      const res = await (
        await signIn(gw, team.anchor)
      ).fetch(`/api/teams/${team.id}/members`, {
        method: 'POST',
        json: { email: colleague.email.toUpperCase(), role: 'editor' },
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({
        outcome: 'added',
        member: { userId: colleague.id, role: 'editor' },
      });
    });

    it('an address without an account gets a tenant invitation and joins the team on acceptance', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const owner = await signIn(gw, t.owner);
      const email = `${uniqueSlug('new')}@${t.tenant.slug}.test`;
      const res = await owner.fetch(`/api/teams/${team.id}/members`, {
        method: 'POST',
        json: { email, role: 'viewer' },
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as Extract<AddTeamMemberResult, { outcome: 'invited' }>;
      expect(body).toMatchObject({
        outcome: 'invited',
        email,
        invitation: { teams: [{ teamId: team.id, role: 'viewer' }] },
      });
      const members = (await (await owner.fetch(`/api/teams/${team.id}/members`)).json()) as TeamMemberList;
      expect(members.items.map((m) => m.userId)).not.toContain(body.userId);
    });

    it('a team admin who is a plain member invites someone new into the tenant as a member (seed 002)', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const email = `${uniqueSlug('x')}@x.test`;
      const res = await (
        await signIn(gw, team.anchor)
      ).fetch(`/api/teams/${team.id}/members`, {
        method: 'POST',
        json: { email, role: 'viewer' },
      });
      expect(res.status).toBe(201);
      const [invited] = await gw.db.dataSource.query(
        `SELECT tenant_role FROM users WHERE tenant_id = '${t.tenant.id}' AND email = '${email}'`,
      );
      expect(invited.tenant_role).toBe('member');
    });

    it('the case manager role needs cases enabled: 400 until the flag is on', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const colleague = await makeMember(gw, t);
      const owner = await signIn(gw, t.owner);
      const add = () =>
        owner.fetch(`/api/teams/${team.id}/members`, {
          method: 'POST',
          json: { email: colleague.email, role: 'case_manager' },
        });
      const refused = await add();
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as ApiError).error.code).toBe('team.role_unavailable');
      await setFlag(gw, t, 'cases', true);
      expect((await add()).status).toBe(201);
    });

    it('a team admin changes a member’s role; a viewer may not', async () => {
      const t = await makeTenant(gw);
      const viewer = await makeMember(gw, t);
      const team = await makeTeam(gw, t, [{ user: viewer, role: 'viewer' }]);
      const url = `/api/teams/${team.id}/members/${viewer.id}`;
      expect(
        (await (await signIn(gw, viewer)).fetch(url, { method: 'PUT', json: { role: 'admin' } })).status,
      ).toBe(403);
      const res = await (
        await signIn(gw, team.anchor)
      ).fetch(url, { method: 'PUT', json: { role: 'editor' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ userId: viewer.id, role: 'editor', manualRole: 'editor' });
      const [record] = await auditRecords(gw, t.tenant.id, 'team.member_role_changed');
      expect(JSON.parse(record!.change)).toEqual({ before: { role: 'viewer' }, after: { role: 'editor' } });
    });

    it('the last member cannot be removed: 409 that says why, and nothing changes', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const owner = await signIn(gw, t.owner);
      const before = await fingerprint(gw);
      const res = await owner.fetch(`/api/teams/${team.id}/members/${team.anchor.id}`, { method: 'DELETE' });
      expect(res.status).toBe(409);
      expect(((await res.json()) as ApiError).error).toMatchObject({
        code: 'team.last_member',
        message: 'A team keeps at least one member.',
      });
      expect(await fingerprint(gw)).toBe(before);
    });

    it('two admins removing each other at once leave the team with one member', async () => {
      const t = await makeTenant(gw);
      const second = await makeMember(gw, t);
      const team = await makeTeam(gw, t, [{ user: second, role: 'admin' }]);
      const [a, b] = [await signIn(gw, team.anchor), await signIn(gw, second)];
      const results = await Promise.all([
        a.fetch(`/api/teams/${team.id}/members/${second.id}`, { method: 'DELETE' }),
        b.fetch(`/api/teams/${team.id}/members/${team.anchor.id}`, { method: 'DELETE' }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      // the second request either finds the last member (409) or finds its actor no longer an admin (404)
      expect(statuses[0]).toBe(204);
      expect([403, 404, 409]).toContain(statuses[1]);
      const members = (await (
        await (await signIn(gw, t.owner)).fetch(`/api/teams/${team.id}/members`)
      ).json()) as TeamMemberList;
      expect(members.items).toHaveLength(1);
    });
  });
});
