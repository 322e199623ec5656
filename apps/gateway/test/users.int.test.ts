// Users (seeds 000 and 001) through HTTP: the directory, invitations, roles, account state, profiles.
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserDetail, UserList, UserSummary } from '@gatehouse/domain/contracts';
import { makeTenant, signIn, startTestGateway, uniqueSlug, type TestGateway } from './support/gateway.js';
import {
  auditRecords,
  countQueries,
  fingerprint,
  makeInvited,
  makeMember,
  makeTeam,
  system,
} from './support/people.js';

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe.each(DATABASES)('users API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`users API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  /** Marks an account as provisioned by the identity provider (SCIM has its own tests). */
  const provisionedByScim = (userId: string) =>
    gw.db.transaction((tx) =>
      tx.update('User', { id: userId }, { source: 'scim', externalId: uniqueSlug('ext') }),
    );
  /** The token in the newest mail to `to` (the outbox keeps mail when no SMTP is configured). */
  async function mailedToken(to: string): Promise<string> {
    const p = gw.db.dialect === 'postgres' ? '$1' : '?';
    const rows: Array<{ text: string }> = await gw.db.dataSource.query(
      `SELECT text FROM outbox_messages WHERE "to" = ${p} ORDER BY created_at DESC`,
      [to],
    );
    const token = /token=([A-Za-z0-9_-]+)/.exec(rows[0]?.text ?? '')?.[1];
    if (!token) throw new Error(`no link mailed to ${to}`);
    return decodeURIComponent(token);
  }
  const setLastSignIn = (userId: string, at: Date | null) =>
    gw.db.transaction((tx) => tx.update('User', { id: userId }, { lastSignInAt: at }));

  describe('the directory', () => {
    it('each row shows last sign-in, source, status, tenant role and whether the IdP manages the profile', async () => {
      const t = await makeTenant(gw);
      const scim = await makeMember(gw, t, 'manager');
      await provisionedByScim(scim.id);
      await setLastSignIn(scim.id, new Date('2026-02-01T10:00:00.000Z'));
      const invited = await makeInvited(gw, t);
      const owner = await signIn(gw, t.owner);

      const res = await owner.fetch('/api/users?limit=200');
      expect(res.status).toBe(200);
      const list = (await res.json()) as UserList;
      const byId = new Map(list.items.map((u) => [u.id, u]));
      expect(byId.get(scim.id)).toMatchObject({
        email: scim.email,
        tenantRole: 'manager',
        status: 'active',
        source: 'scim',
        managedByIdp: true,
        lastSignInAt: '2026-02-01T10:00:00.000Z',
        invitation: null,
      });
      expect(byId.get(invited.id)).toMatchObject({
        status: 'invited',
        source: 'invite',
        managedByIdp: false,
        lastSignInAt: null,
        invitation: { tenantRole: 'member', expired: false },
      });
      expect(byId.get(t.owner.id)).toMatchObject({ tenantRole: 'owner', status: 'active' });
      expect(list.nextCursor).toBeNull();
    });

    it('search matches email and names case-insensitively and takes % and _ literally', async () => {
      const t = await makeTenant(gw);
      const ada = await makeMember(gw, t);
      await gw.db.transaction((tx) =>
        tx.update(
          'User',
          { id: ada.id },
          { givenName: 'Ada', familyName: 'Lovelace', displayName: 'Countess' },
        ),
      );
      const owner = await signIn(gw, t.owner);
      const ids = async (q: string) =>
        ((await (await owner.fetch(`/api/users?q=${encodeURIComponent(q)}`)).json()) as UserList).items.map(
          (u) => u.id,
        );
      expect(await ids('LOVELACE')).toEqual([ada.id]);
      expect(await ids('ada love')).toEqual([ada.id]);
      expect(await ids('count')).toEqual([ada.id]);
      expect(await ids(ada.email.slice(0, 8).toUpperCase())).toContain(ada.id);
      expect(await ids('%')).toEqual([]);
      expect(await ids('_')).toEqual([]);
      // Non-ASCII letters fold too, on SQLite as on PostgreSQL.
      const asa = await makeMember(gw, t);
      await gw.db.transaction((tx) =>
        tx.update('User', { id: asa.id }, { givenName: 'Åsa', familyName: 'ÖBERG', displayName: null }),
      );
      expect(await ids('åsa öberg')).toEqual([asa.id]);
      expect(await ids('ÅSA')).toEqual([asa.id]);
    });

    it('filters by effective role, status, source and team, and they combine', async () => {
      const t = await makeTenant(gw);
      const manager = await makeMember(gw, t, 'manager');
      const mappedManager = await makeMember(gw, t, 'member');
      await gw.db.transaction((tx) =>
        tx.update('User', { id: mappedManager.id }, { mappedTenantRole: 'manager' }),
      );
      const member = await makeMember(gw, t, 'member');
      const team = await makeTeam(gw, t, [{ user: member, role: 'viewer' }]);
      const deactivated = await makeMember(gw, t, 'member');
      await gw.services.users.deactivate(system(t), deactivated.id);
      const invited = await makeInvited(gw, t, 'manager');
      const scim = await makeMember(gw, t);
      await provisionedByScim(scim.id);
      const owner = await signIn(gw, t.owner);
      const ids = async (query: string) =>
        ((await (await owner.fetch(`/api/users?limit=200&${query}`)).json()) as UserList).items
          .map((u) => u.id)
          .sort();

      expect(await ids('role=owner')).toEqual([t.owner.id]);
      expect(await ids('role=manager')).toEqual([manager.id, mappedManager.id, invited.id].sort());
      expect(await ids('role=member&status=active')).toEqual([member.id, team.anchor.id, scim.id].sort());
      expect(await ids('status=deactivated')).toEqual([deactivated.id]);
      expect(await ids('status=invited')).toEqual([invited.id]);
      expect(await ids('source=scim')).toEqual([scim.id]);
      expect(await ids(`teamId=${team.id}`)).toEqual([member.id, team.anchor.id].sort());
      expect(await ids(`teamId=${team.id}&role=member&q=${encodeURIComponent(member.email)}`)).toEqual([
        member.id,
      ]);
    });

    it('a team filter with an id that is not a team of this tenant is not found', async () => {
      const t = await makeTenant(gw);
      const other = await makeTenant(gw);
      const otherTeam = await makeTeam(gw, other);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users?teamId=${otherTeam.id}`);
      expect(res.status).toBe(404);
    });

    it('every sort order pages by keyset without gaps or repeats, never-signed-in accounts last', async () => {
      const t = await makeTenant(gw);
      // several accounts share a creation time (the test clock stands still), so ties must break by id
      const users = [t.owner];
      for (let i = 0; i < 6; i += 1) users.push(await makeMember(gw, t));
      await setLastSignIn(users[1]!.id, new Date('2026-03-01T00:00:00.000Z'));
      await setLastSignIn(users[2]!.id, new Date('2026-03-01T00:00:00.000Z'));
      await setLastSignIn(users[3]!.id, new Date('2026-02-01T00:00:00.000Z'));
      const owner = await signIn(gw, t.owner);
      const all = ((await (await owner.fetch('/api/users?limit=200')).json()) as UserList).items;

      const expected: Record<string, (a: UserSummary, b: UserSummary) => number> = {
        'createdAt:asc': (a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id),
        'createdAt:desc': (a, b) => cmp(b.createdAt, a.createdAt) || cmp(b.id, a.id),
        'email:asc': (a, b) => cmp(a.email.toLowerCase(), b.email.toLowerCase()) || cmp(a.id, b.id),
        'email:desc': (a, b) => cmp(b.email.toLowerCase(), a.email.toLowerCase()) || cmp(b.id, a.id),
        'lastSignInAt:asc': (a, b) => nullsLast(a.lastSignInAt, b.lastSignInAt, 1) || cmp(a.id, b.id),
        'lastSignInAt:desc': (a, b) => nullsLast(a.lastSignInAt, b.lastSignInAt, -1) || cmp(b.id, a.id),
      };
      for (const [key, compare] of Object.entries(expected)) {
        const [sort, order] = key.split(':');
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const qs = `sort=${sort}&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
          const res = await owner.fetch(`/api/users?${qs}`);
          expect(res.status, key).toBe(200);
          const page = (await res.json()) as UserList;
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map((u) => u.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen, key).toEqual([...all].sort(compare).map((u) => u.id));
      }
    });

    it('a cursor from another sort order, a broken cursor or a limit above 200 is a 400', async () => {
      const t = await makeTenant(gw);
      await makeMember(gw, t);
      await makeMember(gw, t);
      const owner = await signIn(gw, t.owner);
      const first = (await (await owner.fetch('/api/users?sort=email&limit=1')).json()) as UserList;
      expect(first.nextCursor).not.toBeNull();
      const other = await owner.fetch(`/api/users?sort=createdAt&limit=1&cursor=${first.nextCursor}`);
      expect(other.status).toBe(400);
      expect(((await other.json()) as ApiError).error.code).toBe('cursor.invalid');
      expect((await owner.fetch('/api/users?cursor=not-a-cursor')).status).toBe(400);
      const tooMany = await owner.fetch('/api/users?limit=201');
      expect(tooMany.status).toBe(400);
      expect(((await tooMany.json()) as ApiError).error.code).toBe('request.invalid');
    });

    it('the number of queries for a page does not grow with the page size', async () => {
      const t = await makeTenant(gw);
      for (let i = 0; i < 12; i += 1) await makeInvited(gw, t);
      const owner = await signIn(gw, t.owner);
      const small = await countQueries(gw, () => owner.fetch('/api/users?limit=2&status=invited'));
      const large = await countQueries(gw, () => owner.fetch('/api/users?limit=12&status=invited'));
      expect(large).toBe(small);
    });

    it('a member may not list accounts: 403 naming who may', async () => {
      const t = await makeTenant(gw);
      const member = await signIn(gw, await makeMember(gw, t));
      const res = await member.fetch('/api/users');
      expect(res.status).toBe(403);
      expect(((await res.json()) as ApiError).error.message).toBe('Requires tenant owner or manager.');
    });
  });

  describe('one account', () => {
    it('shows its team places and its open invitation', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const team = await makeTeam(gw, t, [{ user: member, role: 'editor' }]);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${member.id}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id: member.id,
        status: 'active',
        teams: [
          { teamId: team.id, teamName: team.name, role: 'editor', manualRole: 'editor', mappedRole: null },
        ],
      });
    });

    it('a member sees their own account; anyone else’s is not found', async () => {
      const t = await makeTenant(gw);
      const me = await makeMember(gw, t);
      const browser = await signIn(gw, me);
      expect((await browser.fetch(`/api/users/${me.id}`)).status).toBe(200);
      expect((await browser.fetch(`/api/users/${t.owner.id}`)).status).toBe(404);
    });
  });

  describe('invitations', () => {
    it('an owner invites a manager onto a team: 201 with the expiry, no link in the answer, and an audit record', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const owner = await signIn(gw, t.owner);
      const email = `${uniqueSlug('new')}@${t.tenant.slug}.test`;
      const res = await owner.fetch('/api/users/invitations', {
        method: 'POST',
        json: { email, tenantRole: 'manager', teams: [{ teamId: team.id, role: 'viewer' }] },
      });
      expect(res.status).toBe(201);
      const text = await res.text();
      expect(text).not.toMatch(/ghi_|token/);
      const body = JSON.parse(text) as {
        user: UserSummary;
        invitation: { expiresAt: string };
        emailSent: boolean;
      };
      expect(body.user).toMatchObject({ email, status: 'invited', tenantRole: 'manager' });
      expect(new Date(body.invitation.expiresAt).getTime() - gw.clock.now().getTime()).toBe(
        7 * 24 * 3600 * 1000,
      );
      expect(body.invitation).toMatchObject({ teams: [{ teamId: team.id, role: 'viewer' }] });
      expect(await auditRecords(gw, t.tenant.id, 'user.invited')).toContainEqual(
        expect.objectContaining({ target_id: body.user.id }),
      );
    });

    it('a manager inviting a manager is refused: 403 "Requires tenant owner." and nothing is written', async () => {
      const t = await makeTenant(gw);
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      const before = await fingerprint(gw);
      const res = await manager.fetch('/api/users/invitations', {
        method: 'POST',
        json: { email: `${uniqueSlug('x')}@x.test`, tenantRole: 'manager' },
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as ApiError).error.message).toBe('Requires tenant owner.');
      expect(await fingerprint(gw)).toBe(before);
    });

    it('an address that already has an account is a 409', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch('/api/users/invitations', {
        method: 'POST',
        json: { email: member.email.toUpperCase(), tenantRole: 'member' },
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as ApiError).error.code).toBe('user.exists');
    });

    it('two invitations of one address at once: one is created, the other is a 409', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const email = `${uniqueSlug('race')}@${t.tenant.slug}.test`;
      const results = await Promise.all(
        [1, 2].map(() => owner.fetch('/api/users/invitations', { method: 'POST', json: { email } })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it('the invitation is mailed (to the outbox, without SMTP) with a link that works; the answer never carries it', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const email = `${uniqueSlug('mailed')}@${t.tenant.slug}.test`;
      const res = await owner.fetch('/api/users/invitations', { method: 'POST', json: { email } });
      const body = (await res.json()) as { user: UserSummary; emailSent: boolean; emailTransport: string };
      expect(body).toMatchObject({ emailSent: false, emailTransport: 'outbox' });
      const token = await mailedToken(email);
      expect(JSON.stringify(body)).not.toContain(token);
      const accepted = await gw.services.users.acceptInvitation(token);
      expect(accepted.id).toBe(body.user.id);
    });

    it('resending mails a new link and the old one stops working', async () => {
      const t = await makeTenant(gw);
      const invited = await makeInvited(gw, t);
      const owner = await signIn(gw, t.owner);
      await owner.fetch(`/api/users/${invited.id}/invitation/resend`, { method: 'POST' });
      const first = await mailedToken(invited.email);
      gw.clock.advance(1000);
      await owner.fetch(`/api/users/${invited.id}/invitation/resend`, { method: 'POST' });
      const second = await mailedToken(invited.email);
      expect(second).not.toBe(first);
      await expect(gw.services.users.acceptInvitation(first)).rejects.toMatchObject({
        code: 'invitation.invalid',
      });
      expect((await gw.services.users.acceptInvitation(second)).id).toBe(invited.id);
    });

    it('resending replaces the open invitation; revoking removes the never-joined account', async () => {
      const t = await makeTenant(gw);
      const invited = await makeInvited(gw, t);
      const owner = await signIn(gw, t.owner);
      gw.clock.advance(60_000);
      const resent = await owner.fetch(`/api/users/${invited.id}/invitation/resend`, { method: 'POST' });
      expect(resent.status).toBe(200);
      const p = gw.db.dialect === 'postgres' ? '$1' : '?';
      const rows: Array<{ revoked_at: unknown }> = await gw.db.dataSource.query(
        `SELECT revoked_at FROM invitations WHERE user_id = ${p} ORDER BY created_at`,
        [invited.id],
      );
      expect(rows.map((r) => r.revoked_at !== null)).toEqual([true, false]);

      const revoked = await owner.fetch(`/api/users/${invited.id}/invitation`, { method: 'DELETE' });
      expect(revoked.status).toBe(204);
      expect((await owner.fetch(`/api/users/${invited.id}`)).status).toBe(404);
      expect(await auditRecords(gw, t.tenant.id, 'user.invitation_revoked')).toHaveLength(1);
    });

    it('resending to an account that already joined is a 400', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${member.id}/invitation/resend`, { method: 'POST' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ApiError).error.code).toBe('invitation.none_pending');
    });
  });

  describe('tenant roles', () => {
    it('an owner promotes a member to manager; the member’s sessions end', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const memberBrowser = await signIn(gw, member);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${member.id}/role`, {
        method: 'PUT',
        json: { tenantRole: 'manager' },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as UserDetail).tenantRole).toBe('manager');
      expect((await memberBrowser.fetch('/api/me')).status).toBe(401);
    });

    it('a manager cannot promote a member to manager: 403 "Requires tenant owner." and nothing changes', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      const before = await fingerprint(gw);
      const res = await manager.fetch(`/api/users/${member.id}/role`, {
        method: 'PUT',
        json: { tenantRole: 'manager' },
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as ApiError).error.message).toBe('Requires tenant owner.');
      expect(await fingerprint(gw)).toBe(before);
    });

    it('a manager cannot act on an account whose manager role comes from an IdP group mapping', async () => {
      const t = await makeTenant(gw);
      const mapped = await makeMember(gw, t);
      await gw.db.transaction((tx) => tx.update('User', { id: mapped.id }, { mappedTenantRole: 'manager' }));
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      expect((await manager.fetch(`/api/users/${mapped.id}/deactivate`, { method: 'POST' })).status).toBe(
        403,
      );
    });

    it('demoting a manager whose role comes from an IdP group mapping is refused, not a 200 that changed nothing', async () => {
      const t = await makeTenant(gw);
      const mapped = await makeMember(gw, t);
      await gw.db.transaction((tx) => tx.update('User', { id: mapped.id }, { mappedTenantRole: 'manager' }));
      const owner = await signIn(gw, t.owner);
      const before = await fingerprint(gw);
      const res = await owner.fetch(`/api/users/${mapped.id}/role`, {
        method: 'PUT',
        json: { tenantRole: 'member' },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ApiError).error).toMatchObject({ code: 'user.role_from_idp' });
      expect(await fingerprint(gw)).toBe(before);
      const promoted = await owner.fetch(`/api/users/${mapped.id}/role`, {
        method: 'PUT',
        json: { tenantRole: 'owner' },
      });
      expect(promoted.status).toBe(200);
    });

    it('the last owner stays: demoting them is a 409 that says why', async () => {
      const t = await makeTenant(gw);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${t.owner.id}/role`, {
        method: 'PUT',
        json: { tenantRole: 'member' },
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as ApiError).error).toMatchObject({ code: 'tenant.last_owner' });
    });
  });

  describe('access', () => {
    it('an owner ends a member’s sessions: their browser is signed out and the audit says how many', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const memberBrowser = await signIn(gw, member);
      await signIn(gw, member);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${member.id}/sessions/revoke`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ revoked: 2 });
      expect((await memberBrowser.fetch('/api/me')).status).toBe(401);
      const [record] = await auditRecords(gw, t.tenant.id, 'user.sessions_revoked');
      expect(JSON.parse(record!.change)).toMatchObject({ revoked: 2 });
    });

    it('a manager resets a member’s second factor; the directory shows it gone', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      await gw.db.transaction((tx) =>
        tx.update('User', { id: member.id }, { mfaEnabledAt: gw.clock.now(), mfaSecretEncrypted: 'sealed' }),
      );
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      expect(((await (await manager.fetch(`/api/users/${member.id}`)).json()) as UserDetail).mfaEnabled).toBe(
        true,
      );
      const res = await manager.fetch(`/api/users/${member.id}/mfa/reset`, { method: 'POST' });
      expect(await res.json()).toEqual({ reset: true });
      expect(((await (await manager.fetch(`/api/users/${member.id}`)).json()) as UserDetail).mfaEnabled).toBe(
        false,
      );
    });

    it('a manager emails a member a sign-in link, never in the answer; not to a manager (403)', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const otherManager = await makeMember(gw, t, 'manager');
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      const res = await manager.fetch(`/api/users/${member.id}/sign-in-link`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ sent: true, transport: 'outbox' });
      expect(await mailedToken(member.email)).toBeTruthy();
      const refused = await manager.fetch(`/api/users/${otherManager.id}/sign-in-link`, { method: 'POST' });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as ApiError).error.message).toBe('Requires tenant owner.');
    });

    it('an account made manager by an IdP mapping is a manager here too: a manager may not reset its second factor', async () => {
      const t = await makeTenant(gw);
      const mapped = await makeMember(gw, t);
      await gw.db.transaction((tx) => tx.update('User', { id: mapped.id }, { mappedTenantRole: 'manager' }));
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      const before = await fingerprint(gw);
      for (const path of ['mfa/reset', 'sessions/revoke', 'sign-in-link']) {
        expect(
          (await manager.fetch(`/api/users/${mapped.id}/${path}`, { method: 'POST' })).status,
          path,
        ).toBe(403);
      }
      expect(await fingerprint(gw)).toBe(before);
    });
  });

  describe('account state', () => {
    it('deactivating ends the account’s sessions; reactivating lets it sign in again', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const memberBrowser = await signIn(gw, member);
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      const off = await manager.fetch(`/api/users/${member.id}/deactivate`, { method: 'POST' });
      expect(off.status).toBe(200);
      expect(((await off.json()) as UserDetail).status).toBe('deactivated');
      expect((await memberBrowser.fetch('/api/me')).status).toBe(401);
      const on = await manager.fetch(`/api/users/${member.id}/reactivate`, { method: 'POST' });
      expect(((await on.json()) as UserDetail).status).toBe('active');
      expect((await (await signIn(gw, member)).fetch('/api/me')).status).toBe(200);
    });

    it('a manager cannot deactivate an owner: 403 "Requires tenant owner."', async () => {
      const t = await makeTenant(gw);
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      const res = await manager.fetch(`/api/users/${t.owner.id}/deactivate`, { method: 'POST' });
      expect(res.status).toBe(403);
      expect(((await res.json()) as ApiError).error.message).toBe('Requires tenant owner.');
    });

    it('a removed account leaves the directory and its address can be invited again', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const owner = await signIn(gw, t.owner);
      expect((await owner.fetch(`/api/users/${member.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await owner.fetch(`/api/users/${member.id}`)).status).toBe(404);
      const again = await owner.fetch('/api/users/invitations', {
        method: 'POST',
        json: { email: member.email },
      });
      expect(again.status).toBe(201);
    });

    it('the last member of a team cannot be removed from the tenant', async () => {
      const t = await makeTenant(gw);
      const team = await makeTeam(gw, t);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${team.anchor.id}`, { method: 'DELETE' });
      expect(res.status).toBe(409);
      expect(((await res.json()) as ApiError).error.code).toBe('team.last_member');
    });
  });

  describe('profiles', () => {
    it('an owner corrects a member’s names; the audit keeps before and after', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${member.id}`, {
        method: 'PATCH',
        json: { givenName: 'Grace', familyName: 'Hopper' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ givenName: 'Grace', familyName: 'Hopper', displayName: null });
      const [record] = await auditRecords(gw, t.tenant.id, 'user.profile_updated');
      expect(JSON.parse(record!.change)).toMatchObject({
        before: { givenName: null },
        after: { givenName: 'Grace', familyName: 'Hopper' },
      });
    });

    it('editing a profile the identity provider manages is refused with a clear message', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      await provisionedByScim(member.id);
      const owner = await signIn(gw, t.owner);
      const before = await fingerprint(gw);
      const res = await owner.fetch(`/api/users/${member.id}`, {
        method: 'PATCH',
        json: { displayName: 'X' },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          code: 'user.managed_by_idp',
          message: 'Your identity provider manages this profile; change it there.',
        },
      });
      expect(await fingerprint(gw)).toBe(before);
    });

    it('a manager cannot edit a manager’s profile; unknown fields are refused', async () => {
      const t = await makeTenant(gw);
      const other = await makeMember(gw, t, 'manager');
      const manager = await signIn(gw, await makeMember(gw, t, 'manager'));
      expect(
        (await manager.fetch(`/api/users/${other.id}`, { method: 'PATCH', json: { givenName: 'X' } })).status,
      ).toBe(403);
      const owner = await signIn(gw, t.owner);
      const res = await owner.fetch(`/api/users/${other.id}`, {
        method: 'PATCH',
        json: { email: 'x@y.test' },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('identity card', () => {
    it('an owner sees a user’s SCIM ids, linked SSO subjects, last sync and last sign-in', async () => {
      const t = await makeTenant(gw);
      const user = await makeMember(gw, t);
      const res = await (await signIn(gw, t.owner)).fetch(`/api/users/${user.id}/identity`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        userId: user.id,
        email: user.email,
        scim: { id: user.id, externalId: null, lastSyncedAt: null },
        identities: [],
        lastSignInAt: null,
        mfaEnabled: false,
      });
    });

    it('a member sees only their own card; another tenant’s user is 404', async () => {
      const t = await makeTenant(gw);
      const member = await makeMember(gw, t);
      const other = await makeMember(gw, t);
      const browser = await signIn(gw, member);
      expect((await browser.fetch(`/api/users/${member.id}/identity`)).status).toBe(200);
      expect((await browser.fetch(`/api/users/${other.id}/identity`)).status).toBe(404);
      const elsewhere = await makeTenant(gw);
      const stranger = await makeMember(gw, elsewhere);
      expect((await (await signIn(gw, t.owner)).fetch(`/api/users/${stranger.id}/identity`)).status).toBe(
        404,
      );
    });
  });
});

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Non-null values in `direction` (1 ascending, -1 descending), nulls after them. */
function nullsLast(a: string | null, b: string | null, direction: 1 | -1): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return cmp(a, b) * direction;
}
