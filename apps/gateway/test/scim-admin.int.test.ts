// SCIM administration through HTTP: tokens shown once, group → role mappings applied at once and
// withdrawn on delete, and a dry-run that answers who gains or loses what without writing.
import { createHash } from 'node:crypto';
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreatedScimToken,
  GroupMappingDryRunResult,
  GroupMappingView,
  ProvisioningLogPage,
  ScimTokenList,
} from '@gatehouse/domain/contracts';
import {
  makeTenant,
  makeUser,
  signIn,
  startTestGateway,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { makeTeam, system } from './support/people.js';
import { auditOf, countRows, expectNoSecrets, json, makeGroup, type ApiError } from './support/security.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DATABASES)('SCIM administration API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`SCIM administration API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  /** The roles a user acts with right now (manual and mapped combined), as every request builds them. */
  const rolesOf = async (t: TestTenant, userId: string) => {
    const actor = await gw.services.actors.forUser(t.tenant.id, userId);
    if (actor.kind !== 'user') throw new Error('a user actor');
    return actor;
  };
  const teamRolesOf = async (t: TestTenant, userId: string) => (await rolesOf(t, userId)).teamRoles;
  const tenantRoleOf = async (t: TestTenant, userId: string) => (await rolesOf(t, userId)).tenantRole;

  describe('SCIM tokens', () => {
    it('an owner creates a token and sees it once; the list shows name, prefix and dates, never the token or its hash', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch('/api/scim/tokens', { method: 'POST', json: { name: 'Okta' } });
      expect(res.status).toBe(201);
      const created = await json<CreatedScimToken>(res);
      expect(created.token).toMatch(/^ghs_/);
      expect(created.scimBaseUrl).toBe(`${gw.config.publicUrl}/scim/v2`);
      expect(created.item).toMatchObject({
        name: 'Okta',
        prefix: created.token.slice(0, 10),
        revokedAt: null,
      });

      const list = await owner.fetch('/api/scim/tokens');
      const text = await list.text();
      expectNoSecrets(text, [created.token, sha256(created.token)]);
      const body = JSON.parse(text) as ScimTokenList;
      expect(body.scimBaseUrl).toBe(created.scimBaseUrl);
      expect(body.items).toEqual([created.item]);
      expect(await gw.services.scimTokens.authenticate(created.token)).toMatchObject({
        tenantId: t.tenant.id,
      });
      const [record] = await auditOf(gw, t.tenant.id, 'scim_token.created');
      expect(record).toMatchObject({ targetId: created.item.id, actorId: t.owner.id });
    });

    it('a revoked token stops working; revoking it again, or another tenant’s token, is a 404', async () => {
      const t = await makeTenant(gw);
      const other = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const created = await json<CreatedScimToken>(
        await owner.fetch('/api/scim/tokens', { method: 'POST', json: { name: 'Entra' } }),
      );
      const foreign = await gw.services.scimTokens.create(system(other), { name: 'theirs' });

      expect((await owner.fetch(`/api/scim/tokens/${foreign.record.id}`, { method: 'DELETE' })).status).toBe(
        404,
      );
      expect(await gw.services.scimTokens.authenticate(foreign.token)).not.toBeNull();

      expect((await owner.fetch(`/api/scim/tokens/${created.item.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect(await gw.services.scimTokens.authenticate(created.token)).toBeNull();
      const list = await json<ScimTokenList>(await owner.fetch('/api/scim/tokens'));
      expect(list.items[0]?.revokedAt).not.toBeNull();
      expect((await owner.fetch(`/api/scim/tokens/${created.item.id}`, { method: 'DELETE' })).status).toBe(
        404,
      );
    });

    it('a manager is told SCIM tokens require a tenant owner, and no token is written', async () => {
      const t = await makeTenant(gw);
      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      const res = await manager.fetch('/api/scim/tokens', { method: 'POST', json: { name: 'x' } });
      expect(res.status).toBe(403);
      expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner.');
      expect((await manager.fetch('/api/scim/tokens')).status).toBe(403);
      expect(await countRows(gw, 'scim_tokens', t.tenant.id)).toBe(0);
    });

    it('refuses a token name that is not a string, too long, invisible or disguised, and a body that is not JSON', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      for (const name of [42, 'x'.repeat(101), '   ', '\u200b', 'line1\nline2', '\u202eevil', 'tab\there']) {
        const res = await owner.fetch('/api/scim/tokens', { method: 'POST', json: { name } });
        expect(res.status, JSON.stringify(name)).toBe(400);
      }
      const malformed = await owner.fetch('/api/scim/tokens', {
        method: 'POST',
        body: '{"name":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      const bodies: Array<[string, string]> = [
        ['application/x-www-form-urlencoded', 'name=form'],
        ['text/plain', '{"name":"text"}'],
      ];
      for (const [type, body] of bodies) {
        const res = await owner.fetch('/api/scim/tokens', {
          method: 'POST',
          body,
          headers: { 'content-type': type },
        });
        expect(res.status, type).toBe(415);
        expect((await json<ApiError>(res)).error.code).toBe('request.unsupported_media_type');
      }
      expect(await countRows(gw, 'scim_tokens', t.tenant.id)).toBe(0);
      const emoji = await owner.fetch('/api/scim/tokens', { method: 'POST', json: { name: 'Okta 👩‍💻' } });
      expect(emoji.status).toBe(201);
    });
  });

  describe('group mappings', () => {
    it('mapping a group to a team role gives its members that role at once, audited per user', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const [ada, bob] = [await makeUser(gw, t), await makeUser(gw, t)];
      const group = await makeGroup(gw, t, [ada, bob]);
      const owner = await signIn(gw, t.owner);

      const res = await owner.fetch('/api/scim/group-mappings', {
        method: 'POST',
        json: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'editor' },
      });
      expect(res.status).toBe(201);
      const mapping = await json<GroupMappingView>(res);
      expect(mapping).toMatchObject({
        groupName: group.name,
        teamId: team.id,
        teamName: team.name,
        teamRole: 'editor',
        tenantRole: null,
      });
      expect((await teamRolesOf(t, ada.id))[team.id]).toBe('editor');
      expect((await teamRolesOf(t, bob.id))[team.id]).toBe('editor');
      expect(await auditOf(gw, t.tenant.id, 'group_mapping.created')).toHaveLength(1);
      const perUser = await auditOf(gw, t.tenant.id, 'user.mapped_roles_changed');
      expect(perUser.map((r) => r.targetId).sort()).toEqual([ada.id, bob.id].sort());
      expect(perUser[0]?.change).toMatchObject({
        before: { [`team:${team.id}`]: null },
        after: { [`team:${team.id}`]: 'editor' },
      });
      // On the team's record, so the audit log filtered by the team shows who the IdP made what.
      expect(perUser.map((r) => r.teamId)).toEqual([team.id, team.id]);

      const list = await json<{ items: GroupMappingView[] }>(await owner.fetch('/api/scim/group-mappings'));
      expect(list.items).toEqual([mapping]);
    });

    it('deleting a mapping withdraws the role it gave; a role a person granted stays', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const granted = await makeUser(gw, t, { teams: [{ teamId: team.id, role: 'viewer' }] });
      const mappedOnly = await makeUser(gw, t);
      const group = await makeGroup(gw, t, [granted, mappedOnly]);
      const owner = await signIn(gw, t.owner);
      const mapping = await json<GroupMappingView>(
        await owner.fetch('/api/scim/group-mappings', {
          method: 'POST',
          json: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'admin' },
        }),
      );
      expect((await teamRolesOf(t, granted.id))[team.id]).toBe('admin');

      expect((await owner.fetch(`/api/scim/group-mappings/${mapping.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect((await teamRolesOf(t, granted.id))[team.id]).toBe('viewer');
      expect((await teamRolesOf(t, mappedOnly.id))[team.id]).toBeUndefined();
      expect(await auditOf(gw, t.tenant.id, 'group_mapping.deleted')).toHaveLength(1);
      expect((await owner.fetch(`/api/scim/group-mappings/${mapping.id}`, { method: 'DELETE' })).status).toBe(
        404,
      );
    });

    it('deleting a mapping that would leave a team without members is refused; the dry-run says so', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const user = await makeUser(gw, t);
      const group = await makeGroup(gw, t, [user]);
      const owner = await signIn(gw, t.owner);
      const mapping = await json<GroupMappingView>(
        await owner.fetch('/api/scim/group-mappings', {
          method: 'POST',
          json: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'admin' },
        }),
      );
      // The mapped user is now the team's only member.
      expect(
        (await owner.fetch(`/api/teams/${team.id}/members/${team.anchor.id}`, { method: 'DELETE' })).status,
      ).toBe(204);

      const dry = await json<GroupMappingDryRunResult>(
        await owner.fetch('/api/scim/group-mappings/dry-run', {
          method: 'POST',
          json: { remove: mapping.id },
        }),
      );
      expect(dry.emptiedTeams).toEqual([{ teamId: team.id, teamName: team.name }]);
      const before = await auditOf(gw, t.tenant.id, 'user.mapped_roles_changed');
      const res = await owner.fetch(`/api/scim/group-mappings/${mapping.id}`, { method: 'DELETE' });
      expect(res.status).toBe(409);
      expect(((await res.json()) as ApiError).error).toMatchObject({ code: 'team.last_member' });
      expect((await teamRolesOf(t, user.id))[team.id]).toBe('admin');
      expect(await countRows(gw, 'group_mappings', t.tenant.id)).toBe(1);
      expect(await auditOf(gw, t.tenant.id, 'group_mapping.deleted')).toHaveLength(0);
      expect(await auditOf(gw, t.tenant.id, 'user.mapped_roles_changed')).toHaveLength(before.length);

      // With another member in the team, the same deletion goes through.
      expect(
        (
          await owner.fetch(`/api/teams/${team.id}/members`, {
            method: 'POST',
            json: { email: t.owner.email, role: 'admin' },
          })
        ).status,
      ).toBe(201);
      const again = await json<GroupMappingDryRunResult>(
        await owner.fetch('/api/scim/group-mappings/dry-run', {
          method: 'POST',
          json: { remove: mapping.id },
        }),
      );
      expect(again.emptiedTeams).toEqual([]);
      expect((await owner.fetch(`/api/scim/group-mappings/${mapping.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
    });

    it('a user in two mapped groups gets the higher of the two roles', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const user = await makeUser(gw, t);
      const viewers = await makeGroup(gw, t, [user]);
      const admins = await makeGroup(gw, t, [user]);
      const owner = await signIn(gw, t.owner);
      for (const [group, teamRole] of [
        [viewers, 'viewer'],
        [admins, 'admin'],
      ] as const) {
        await owner.fetch('/api/scim/group-mappings', {
          method: 'POST',
          json: { groupId: group.id, target: 'team', teamId: team.id, teamRole },
        });
      }
      expect((await teamRolesOf(t, user.id))[team.id]).toBe('admin');
    });

    it('a group can make its members managers, never owners', async () => {
      const t = await makeTenant(gw);
      const user = await makeUser(gw, t);
      const group = await makeGroup(gw, t, [user]);
      const owner = await signIn(gw, t.owner);
      const refused = await owner.fetch('/api/scim/group-mappings', {
        method: 'POST',
        json: { groupId: group.id, target: 'tenant_role', tenantRole: 'owner' },
      });
      expect(refused.status).toBe(400);
      expect(await countRows(gw, 'group_mappings', t.tenant.id)).toBe(0);

      const res = await owner.fetch('/api/scim/group-mappings', {
        method: 'POST',
        json: { groupId: group.id, target: 'tenant_role', tenantRole: 'manager' },
      });
      expect(res.status).toBe(201);
      expect(await tenantRoleOf(t, user.id)).toBe('manager');
    });

    it('the same mapping twice is a 409', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const group = await makeGroup(gw, t, [await makeUser(gw, t)]);
      const owner = await signIn(gw, t.owner);
      const mapping = { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'viewer' };
      expect((await owner.fetch('/api/scim/group-mappings', { method: 'POST', json: mapping })).status).toBe(
        201,
      );
      const again = await owner.fetch('/api/scim/group-mappings', { method: 'POST', json: mapping });
      expect(again.status).toBe(409);
      expect((await json<ApiError>(again)).error.code).toBe('group_mapping.exists');
      expect(await countRows(gw, 'group_mappings', t.tenant.id)).toBe(1);
    });

    it('of the same mapping created concurrently, one is saved and the other is a 409', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const group = await makeGroup(gw, t, [await makeUser(gw, t), await makeUser(gw, t)]);
      const owner = await signIn(gw, t.owner);
      const mapping = { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'editor' };
      const results = await Promise.all(
        [1, 2, 3].map(() => owner.fetch('/api/scim/group-mappings', { method: 'POST', json: mapping })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(await countRows(gw, 'group_mappings', t.tenant.id)).toBe(1);
      expect(await auditOf(gw, t.tenant.id, 'user.mapped_roles_changed')).toHaveLength(2);
    });

    it('a mapping to a team that was deleted gives no one a place in it', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const user = await makeUser(gw, t);
      const group = await makeGroup(gw, t, [user]);
      const owner = await signIn(gw, t.owner);
      await owner.fetch('/api/scim/group-mappings', {
        method: 'POST',
        json: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'viewer' },
      });
      await gw.services.teams.delete(system(t), team.id);
      // re-applying the group's mappings (a new one for the same group) must not resurrect the place
      await owner.fetch('/api/scim/group-mappings', {
        method: 'POST',
        json: { groupId: group.id, target: 'tenant_role', tenantRole: 'manager' },
      });
      expect(await teamRolesOf(t, user.id)).toEqual({});
      expect(await tenantRoleOf(t, user.id)).toBe('manager');
    });

    it('the case manager role can be mapped only while cases are on', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const group = await makeGroup(gw, t, [await makeUser(gw, t)]);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch('/api/scim/group-mappings', {
        method: 'POST',
        json: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'case_manager' },
      });
      expect(res.status).toBe(400);
      expect((await json<ApiError>(res)).error.code).toBe('team.role_unavailable');
    });

    it('another tenant’s group or team is a 404 and nothing is written', async () => {
      const t = await makeTenant(gw);
      const other = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const foreignTeam = await makeTeam(gw, other);
      const group = await makeGroup(gw, t, [await makeUser(gw, t)]);
      const foreignGroup = await makeGroup(gw, other, [await makeUser(gw, other)]);
      const owner = await signIn(gw, t.owner);
      for (const body of [
        { groupId: foreignGroup.id, target: 'team', teamId: team.id, teamRole: 'viewer' },
        { groupId: group.id, target: 'team', teamId: foreignTeam.id, teamRole: 'viewer' },
        { groupId: foreignGroup.id, target: 'tenant_role', tenantRole: 'manager' },
      ]) {
        const res = await owner.fetch('/api/scim/group-mappings', { method: 'POST', json: body });
        expect(res.status, JSON.stringify(body)).toBe(404);
        const dry = await owner.fetch('/api/scim/group-mappings/dry-run', {
          method: 'POST',
          json: { add: body },
        });
        expect(dry.status, JSON.stringify(body)).toBe(404);
      }
      expect(await countRows(gw, 'group_mappings', t.tenant.id)).toBe(0);
      expect(await countRows(gw, 'group_mappings', other.tenant.id)).toBe(0);
    });

    it('a manager may read the mappings but is told changing or previewing them requires a tenant owner', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const group = await makeGroup(gw, t, [await makeUser(gw, t)]);
      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      const mapping = { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'viewer' };
      expect((await manager.fetch('/api/scim/group-mappings')).status).toBe(200);
      for (const [path, payload] of [
        ['/api/scim/group-mappings', mapping],
        ['/api/scim/group-mappings/dry-run', { add: mapping }],
      ] as const) {
        const res = await manager.fetch(path, { method: 'POST', json: payload });
        expect(res.status).toBe(403);
        expect((await json<ApiError>(res)).error.message).toBe('Requires tenant owner.');
      }
      expect(await countRows(gw, 'group_mappings', t.tenant.id)).toBe(0);
    });
  });

  describe('the provisioning log', () => {
    it('lists the IdP’s requests newest first, by status class and resource; managers may read it, members not', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const { token } = await json<CreatedScimToken>(
        await owner.fetch('/api/scim/tokens', { method: 'POST', json: { name: 'Entra' } }),
      );
      const scim = (method: string, path: string, body?: unknown) =>
        fetch(`${gw.url}/scim/v2${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const ada = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada@example.test',
        active: true,
      };
      const created = await scim('POST', '/Users', ada);
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      gw.clock.advance(1_000); // newest first is by time; equal times fall back to the id
      expect((await scim('POST', '/Users', ada)).status).toBe(409);
      await gw.services.provisioningLog.flush();

      const all = await json<ProvisioningLogPage>(await owner.fetch('/api/scim/provisioning-log'));
      expect(all.items.map((e) => [e.method, e.status])).toEqual([
        ['POST', 409],
        ['POST', 201],
      ]);
      expect(all.items[1]).toMatchObject({ tokenName: 'Entra', path: '/scim/v2/Users', resourceId: id });
      const failures = await json<ProvisioningLogPage>(
        await owner.fetch('/api/scim/provisioning-log?status=4xx'),
      );
      expect(failures.items.map((e) => e.status)).toEqual([409]);
      const mine = await json<ProvisioningLogPage>(
        await owner.fetch(`/api/scim/provisioning-log?resourceId=${id}`),
      );
      expect(mine.items).toHaveLength(1);

      const manager = await signIn(gw, await makeUser(gw, t, { tenantRole: 'manager' }));
      expect((await manager.fetch('/api/scim/provisioning-log')).status).toBe(200);
      const member = await signIn(gw, await makeUser(gw, t));
      const denied = await member.fetch('/api/scim/provisioning-log');
      expect(denied.status).toBe(403);
      expect((await json<ApiError>(denied)).error.message).toBe('Requires tenant owner or manager.');
      expect((await owner.fetch('/api/scim/provisioning-log?status=3xx')).status).toBe(400);
      const other = await makeTenant(gw);
      const theirs = await json<ProvisioningLogPage>(
        await (await signIn(gw, other.owner)).fetch('/api/scim/provisioning-log'),
      );
      expect(theirs.items).toEqual([]);
    });
  });

  describe('the mapping dry-run', () => {
    async function fixture() {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const granted = await makeUser(gw, t, { teams: [{ teamId: team.id, role: 'editor' }] });
      const plain = await makeUser(gw, t);
      const group = await makeGroup(gw, t, [granted, plain]);
      const owner = await signIn(gw, t.owner);
      return { t, team, granted, plain, group, owner };
    }
    const snapshot = async (t: TestTenant) => ({
      memberships: await countRows(gw, 'team_memberships', t.tenant.id),
      mappings: await countRows(gw, 'group_mappings', t.tenant.id),
      audit: await countRows(gw, 'audit_events', t.tenant.id),
    });

    it('previews an added mapping: who gains which role, combined with roles people granted, and writes nothing', async () => {
      const { t, team, granted, plain, group, owner } = await fixture();
      const before = await snapshot(t);
      const res = await owner.fetch('/api/scim/group-mappings/dry-run', {
        method: 'POST',
        json: { add: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'viewer' } },
      });
      expect(res.status).toBe(200);
      const result = await json<GroupMappingDryRunResult>(res);
      expect(result).toMatchObject({ totalChanges: 2, usersAffected: 2, truncated: false });
      const byUser = new Map(result.changes.map((c) => [c.userId, c]));
      expect(byUser.get(plain.id)).toMatchObject({
        email: plain.email,
        kind: 'gain',
        scope: 'team',
        teamId: team.id,
        teamName: team.name,
        mappedBefore: null,
        mappedAfter: 'viewer',
        effectiveBefore: null,
        effectiveAfter: 'viewer',
      });
      // editor granted by a person outranks the mapped viewer: nothing changes for them in effect
      expect(byUser.get(granted.id)).toMatchObject({ effectiveBefore: 'editor', effectiveAfter: 'editor' });
      expect(await snapshot(t)).toEqual(before);
    });

    it('previews a removed mapping as losses', async () => {
      const { t, team, plain, group, owner } = await fixture();
      const mapping = await json<GroupMappingView>(
        await owner.fetch('/api/scim/group-mappings', {
          method: 'POST',
          json: { groupId: group.id, target: 'tenant_role', tenantRole: 'manager' },
        }),
      );
      const before = await snapshot(t);
      const result = await json<GroupMappingDryRunResult>(
        await owner.fetch('/api/scim/group-mappings/dry-run', {
          method: 'POST',
          json: { remove: mapping.id },
        }),
      );
      expect(result.totalChanges).toBe(2);
      expect(result.changes.find((c) => c.userId === plain.id)).toMatchObject({
        kind: 'loss',
        scope: 'tenant',
        mappedBefore: 'manager',
        mappedAfter: null,
        effectiveBefore: 'manager',
        effectiveAfter: 'member',
      });
      expect(await snapshot(t)).toEqual(before);
      expect(team.id).toBeTruthy();
    });

    it('previews a whole proposed set: a changed role in one team and a new team in another', async () => {
      const { t, team, plain, group, owner } = await fixture();
      const second = await makeTeam(gw, t);
      await owner.fetch('/api/scim/group-mappings', {
        method: 'POST',
        json: { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'viewer' },
      });
      const result = await json<GroupMappingDryRunResult>(
        await owner.fetch('/api/scim/group-mappings/dry-run', {
          method: 'POST',
          json: {
            mappings: [
              { groupId: group.id, target: 'team', teamId: team.id, teamRole: 'admin' },
              { groupId: group.id, target: 'team', teamId: second.id, teamRole: 'viewer' },
            ],
          },
        }),
      );
      const mine = result.changes.filter((c) => c.userId === plain.id);
      expect(mine).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            teamId: team.id,
            kind: 'change',
            mappedBefore: 'viewer',
            mappedAfter: 'admin',
          }),
          expect.objectContaining({ teamId: second.id, kind: 'gain', mappedAfter: 'viewer' }),
        ]),
      );
      // the empty set withdraws everything the stored mappings give
      const none = await json<GroupMappingDryRunResult>(
        await owner.fetch('/api/scim/group-mappings/dry-run', { method: 'POST', json: { mappings: [] } }),
      );
      expect(none.changes.every((c) => c.kind === 'loss')).toBe(true);
      expect(none.totalChanges).toBe(2);
    });

    it('refuses a body that is none of the three shapes', async () => {
      const { owner } = await fixture();
      for (const body of [{}, { add: {}, remove: 'x' }, { mappings: 'all' }, []]) {
        const res = await owner.fetch('/api/scim/group-mappings/dry-run', { method: 'POST', json: body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
    });
  });
});
