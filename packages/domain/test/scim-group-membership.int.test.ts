// Group membership writes through SCIM (issue 4): set operations whose cost does not grow with the
// request or the group, with the answers, rows and audit records an IdP and an auditor observe.
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, GroupMember, TeamMembership, User } from '../src/entities/index.js';
import { foldKey } from '../src/repositories/users.repository.js';
import { PATCH_SCHEMAS } from '../src/scim/__fixtures__/quirks.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, makeUser, type MadeTenant, type TestWorld } from './factories.js';
import { auditHead, race as pgRace, waitingFor, type Hold } from './pg-race.js';
import { scimClient } from './scim-support.js';
import { statementsOf } from './statements.js';

type Call = ReturnType<typeof scimClient>['call'];

const patch = (...Operations: unknown[]) => ({ schemas: PATCH_SCHEMAS, Operations });
const add = (ids: string[]) => patch({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) });
/** Entra ID's removal: one operation per member, each a `members[value eq "…"]` filter. */
const removeEach = (ids: string[]) =>
  patch(...ids.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })));

describe.each(DATABASES)('SCIM group membership on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target, { transactionAttempts: 1 });
    w = makeServices(t.db);
  });
  afterAll(() => t.close());

  async function world(users: number) {
    const tn = await makeTenant(w);
    const client = scimClient(w, tn.tenant.id);
    const ids: string[] = [];
    for (let i = 0; i < users; i += 1) {
      ids.push(String((await client.call('POST', '/Users', { userName: `m${i}@x.test` })).body.id));
    }
    const group = async (displayName: string) =>
      String((await client.call('POST', '/Groups', { displayName })).body.id);
    return { tn, ...client, ids, group };
  }

  const members = async (groupId: string) =>
    (await t.db.manager.findBy(GroupMember, { groupId })).map((m) => m.userId).sort();

  const audits = (tn: MadeTenant, action: string) =>
    t.db.manager.find(AuditEvent, { where: { tenantId: tn.tenant.id, action }, order: { seq: 'ASC' } });

  /** The statements `work` runs, as the driver receives them. */
  const statements = async (work: () => Promise<unknown>) =>
    (await statementsOf(t.db, work)).map((s) => s.sql);

  it('adding members who are members already writes nothing; each change is audited once with what it added', async () => {
    const { tn, call, ids, group } = await world(3);
    const [a = '', b = '', c = ''] = ids;
    const g = await group('Engineering');

    expect((await call('PATCH', `/Groups/${g}`, add([a, b]))).headers['ETag']).toBe('W/"2"');
    expect((await call('PATCH', `/Groups/${g}`, add([b, a]))).headers['ETag']).toBe('W/"2"');
    expect((await call('PATCH', `/Groups/${g}`, add([b, c, c]))).headers['ETag']).toBe('W/"3"');

    expect(await members(g)).toEqual([a, b, c].sort());
    const records = await audits(tn, 'group.members_changed');
    expect(records.map((r) => r.change)).toEqual([
      { added: 2, addedIds: expect.arrayContaining([a, b]) as unknown },
      { added: 1, addedIds: [c] },
    ]);
  });

  it('unknown, deprovisioned and other tenants’ ids are refused as invalidValue, and nothing is written', async () => {
    const { tn, call, ids, group } = await world(3);
    const [a = '', b = '', gone = ''] = ids;
    expect((await call('DELETE', `/Users/${gone}`)).status).toBe(204);
    const other = await world(1);
    const g = await group('Sales');
    expect((await call('PATCH', `/Groups/${g}`, add([a]))).status).toBe(204);
    const before = (await audits(tn, 'group.members_changed')).length;

    for (const bad of [gone, other.ids[0] ?? '', '6f1c0b6e-0000-4000-8000-000000000000']) {
      const refused = [
        await call('PATCH', `/Groups/${g}`, add([b, bad])),
        await call('PUT', `/Groups/${g}`, { displayName: 'Sales', members: [{ value: b }, { value: bad }] }),
        // Unknown ids are named before a removal that misses its member, as when they were checked first.
        await call('PATCH', `/Groups/${g}`, patch(...add([bad]).Operations, ...removeEach([b]).Operations)),
      ];
      for (const res of refused) {
        expect(res).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
        expect(String(res.body['detail'])).toContain(bad);
      }
    }
    expect(await members(g)).toEqual([a]);
    expect((await call('GET', `/Groups/${g}`)).headers['ETag']).toBe('W/"2"');
    expect(await audits(tn, 'group.members_changed')).toHaveLength(before);
  });

  it('Entra ID’s one-filter-per-member removals all apply; one that misses is noTarget and removes nothing', async () => {
    const { tn, call, ids, group } = await world(5);
    const g = await group('Support');
    await call('PATCH', `/Groups/${g}`, add(ids));

    const missing = await call('PATCH', `/Groups/${g}`, removeEach([ids[0] ?? '', ids[0] ?? 'x', 'nobody']));
    expect(missing).toMatchObject({ status: 400, body: { scimType: 'noTarget' } });
    expect(await members(g)).toEqual([...ids].sort());

    expect((await call('PATCH', `/Groups/${g}`, removeEach(ids.slice(0, 3)))).status).toBe(204);
    expect(await members(g)).toEqual(ids.slice(3).sort());
    const last = (await audits(tn, 'group.members_changed')).at(-1);
    expect(last?.change).toEqual({
      removed: 3,
      removedIds: expect.arrayContaining(ids.slice(0, 3)) as unknown,
    });
  });

  describe('the member operations of one PATCH apply one after another (RFC 7644 §3.5.2)', () => {
    /**
     * Operations on U, spelt short: `add U`, `remove U` (a listed removal), `remove [U]` (Entra's
     * `members[value eq "U"]`, which must find U), `replace A U` (op replace, path members),
     * `remove all` (no value). X is no user at all.
     */
    const operation = (text: string, ids: Record<string, string>) => {
      const [op = '', ...names] = text.split(' ');
      const values = names.map((n) => ({ value: ids[n] }));
      if (op === 'replace') return { op, path: 'members', value: values };
      if (names[0] === 'all') return { op: 'remove', path: 'members' };
      if (names[0] === '[U]') return { op: 'remove', path: `members[value eq "${ids['U']}"]` };
      return { op, path: 'members', value: values };
    };
    /** The members after the PATCH (letters) and the audit record's counts, or the error it answers. */
    type Outcome = { members: string; added: number; removed: number } | { error: string };
    const ends = (members: string, added = 0, removed = 0): Outcome => ({ members, added, removed });
    const noTarget: Outcome = { error: 'noTarget' };
    // The group starts as A, B, and U when U is a member already.
    const rows: Array<[operations: string[], whenMember: Outcome, whenNot: Outcome]> = [
      [['add U', 'remove U'], ends('AB', 0, 1), ends('AB')],
      [['remove U', 'add U'], ends('ABU'), ends('ABU', 1)],
      [['add U', 'add U'], ends('ABU'), ends('ABU', 1)],
      [['remove U', 'remove U'], ends('AB', 0, 1), ends('AB')],
      [['replace A', 'add U'], ends('AU', 0, 1), ends('AU', 1, 1)],
      [['replace A U', 'remove U'], ends('A', 0, 2), ends('A', 0, 1)],
      [['replace A', 'remove U'], ends('A', 0, 2), ends('A', 0, 1)],
      [['remove all', 'add U'], ends('U', 0, 2), ends('U', 1, 2)],
      [['remove [U]'], ends('AB', 0, 1), noTarget],
      [['add U', 'remove [U]'], ends('AB', 0, 1), ends('AB')],
      [['remove U', 'remove [U]'], noTarget, noTarget],
      [['remove [U]', 'add U'], ends('ABU'), noTarget],
      [['remove [U]', 'remove [U]'], noTarget, noTarget],
      [['replace A', 'remove [U]'], noTarget, noTarget],
      [['remove [U]', 'replace A B'], ends('AB', 0, 1), noTarget],
      // An add of no user fails, whatever a later operation does (the PATCH is atomic).
      [['add X', 'remove X'], { error: 'invalidValue' }, { error: 'invalidValue' }],
    ];
    const told = (o: Outcome) => ('error' in o ? o.error : `${o.members}, audited +${o.added} −${o.removed}`);
    const cases = rows.flatMap(([operations, whenMember, whenNot]) =>
      [
        { operations, member: true, outcome: whenMember },
        { operations, member: false, outcome: whenNot },
      ].map((c) => ({
        ...c,
        name: `${operations.join(', ')} with U ${c.member ? 'a member' : 'no member'}: ${told(c.outcome)}`,
      })),
    );

    let shared: ReturnType<typeof world> | undefined;
    it.each(cases)('$name', async ({ operations, member, outcome }) => {
      shared ??= world(3);
      const { tn, call, ids, group } = await shared;
      const [a = '', b = '', u = ''] = ids;
      const letters: Record<string, string> = { A: a, B: b, U: u, X: '6f1c0b6e-0000-4000-8000-00000000000f' };
      const g = await group(`${operations.join(', ')} ${member}`);
      await call('PATCH', `/Groups/${g}`, add(member ? [a, b, u] : [a, b]));
      const recorded = async () =>
        (await audits(tn, 'group.members_changed')).filter((r) => r.targetId === g);
      const before = await members(g);
      const seen = (await recorded()).length;

      const res = await call('PATCH', `/Groups/${g}`, patch(...operations.map((o) => operation(o, letters))));

      const byLetter = (set: string[]) =>
        set
          .map((id) => Object.keys(letters).find((k) => letters[k] === id))
          .sort()
          .join('');
      const records = (await recorded()).slice(seen);
      if ('error' in outcome) {
        expect(res).toMatchObject({ status: 400, body: { scimType: outcome.error } });
        expect(await members(g)).toEqual(before);
        expect(records).toEqual([]);
        return;
      }
      expect(res.status).toBe(204);
      expect(byLetter(await members(g))).toBe(outcome.members);
      const counts = records.map((r) => {
        const change = r.change as { added?: number; removed?: number };
        return { added: change.added ?? 0, removed: change.removed ?? 0 };
      });
      expect(counts).toEqual(
        outcome.added || outcome.removed ? [{ added: outcome.added, removed: outcome.removed }] : [],
      );
    });
  });

  it('replacing the members keeps the listed ones, adds the missing ones and removes the rest, audited once', async () => {
    const { tn, call, ids, group } = await world(4);
    const [a = '', b = '', c = '', d = ''] = ids;
    const g = await group('Ops');
    await call('PATCH', `/Groups/${g}`, add([a, b, c]));

    const res = await call(
      'PATCH',
      `/Groups/${g}`,
      patch({ op: 'replace', path: 'members', value: [{ value: b }, { value: d }] }),
    );
    expect(res.headers['ETag']).toBe('W/"3"');
    expect(await members(g)).toEqual([b, d].sort());
    expect((await audits(tn, 'group.members_changed')).at(-1)?.change).toEqual({
      added: 1,
      addedIds: [d],
      removed: 2,
      removedIds: expect.arrayContaining([a, c]) as unknown,
    });
  });

  it('a membership PATCH runs the same statements whatever the batch or the group size, and never reads the member list', async () => {
    const { call, ids, group } = await world(201);
    const small = await group('Small');
    const big = await group('Big');
    await call('PATCH', `/Groups/${big}`, add(ids.slice(101, 201)));

    const addOne = await statements(() => call('PATCH', `/Groups/${small}`, add([ids[0] ?? ''])));
    const addHundred = await statements(() => call('PATCH', `/Groups/${big}`, add(ids.slice(1, 101))));
    const removeOne = await statements(() => call('PATCH', `/Groups/${small}`, removeEach([ids[0] ?? ''])));
    const removeHundred = await statements(() =>
      call('PATCH', `/Groups/${big}`, removeEach(ids.slice(1, 101))),
    );

    // The same texts, not only as many: the ids are one list parameter, so each statement is
    // prepared once (PostgreSQL: named, parsed and planned once per connection).
    expect(addHundred).toEqual(addOne);
    expect(removeHundred).toEqual(removeOne);
    for (const run of [addHundred, removeHundred]) {
      const touching = run.filter((sql) => /group_members/i.test(sql));
      expect(touching).toHaveLength(1);
      expect(touching[0]).toMatch(/^\s*(WITH listed .*INSERT|DELETE)/s);
    }
    expect(await members(big)).toEqual(ids.slice(101, 201).sort());
  });

  it('one request adds, removes or sets hundreds of members at once', async () => {
    const { call, ids, group } = await world(600);
    const g = await group('Hundreds');
    const remove = (list: string[]) =>
      patch({ op: 'remove', path: 'members', value: list.map((value) => ({ value })) });

    expect((await call('PATCH', `/Groups/${g}`, add(ids))).status).toBe(204);
    expect(await members(g)).toEqual([...ids].sort());
    expect((await call('PATCH', `/Groups/${g}`, remove(ids.slice(0, 550)))).status).toBe(204);
    expect(await members(g)).toEqual(ids.slice(550).sort());
    const put = await call('PUT', `/Groups/${g}`, {
      displayName: 'Hundreds',
      members: ids.slice(30, 560).map((value) => ({ value })),
    });
    expect(put.status).toBe(200);
    expect(await members(g)).toEqual(ids.slice(30, 560).sort());
  });

  it('a mapped group’s membership PATCH runs the same statements for one user as for ten', async () => {
    const { tn, call, ids, group } = await world(22);
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Mapped' });
    const [one, ten] = [await group('One'), await group('Ten')];
    for (const groupId of [one, ten]) {
      await w.services.groupMappings.create(tn.ownerActor, {
        groupId,
        target: 'team',
        teamId: team.id,
        teamRole: 'editor',
      });
      await w.services.groupMappings.create(tn.ownerActor, {
        groupId,
        target: 'tenant_role',
        tenantRole: 'manager',
      });
    }
    const [a = '', ...rest] = ids;
    const tenUsers = rest.slice(0, 10);

    const addOne = await statements(() => call('PATCH', `/Groups/${one}`, add([a])));
    const addTen = await statements(() => call('PATCH', `/Groups/${ten}`, add(tenUsers)));
    expect(addTen).toHaveLength(addOne.length);
    const removeOne = await statements(() => call('PATCH', `/Groups/${one}`, removeEach([a])));
    const removeTen = await statements(() => call('PATCH', `/Groups/${ten}`, removeEach(tenUsers)));
    expect(removeTen).toHaveLength(removeOne.length);

    // Each user's change is still audited on its own records: one per place (the team's on the team),
    // for the add and for the removal.
    const records = await audits(tn, 'user.mapped_roles_changed');
    for (const id of [a, ...tenUsers]) {
      const own = records.filter((r) => r.targetId === id);
      expect(own.map((r) => r.teamId ?? 'tenant').sort()).toEqual(
        [team.id, team.id, 'tenant', 'tenant'].sort(),
      );
    }
    expect(
      await t.db.manager.countBy(TeamMembership, { teamId: team.id, userId: In([a, ...tenUsers]) }),
    ).toBe(0);
  });

  it('a mapped group recomputes the roles of exactly the users whose membership changed, in set-wise writes', async () => {
    const { tn, call, ids, group } = await world(5);
    const [m1 = '', m2 = '', n1 = '', n2 = '', n3 = ''] = ids;
    const team = await w.services.teams.create(tn.ownerActor, { name: 'Platform' });
    const manual = await makeUser(w, tn, { teams: [{ teamId: team.id, role: 'editor' }] });
    const viewers = await group('Viewers');
    const managers = await group('Managers');
    await w.services.groupMappings.create(tn.ownerActor, {
      groupId: viewers,
      target: 'team',
      teamId: team.id,
      teamRole: 'viewer',
    });
    await w.services.groupMappings.create(tn.ownerActor, {
      groupId: managers,
      target: 'tenant_role',
      tenantRole: 'manager',
    });
    const mappedAudits = async () =>
      (await audits(tn, 'user.mapped_roles_changed')).map((r) => r.targetId ?? '');
    const roleIn = async (userId: string) =>
      (await t.db.manager.findOneBy(TeamMembership, { teamId: team.id, userId }))?.mappedRole ?? null;

    await call('PATCH', `/Groups/${viewers}`, add([m1, m2]));
    const seen = (await mappedAudits()).length;
    await call('PATCH', `/Groups/${viewers}`, add([m1, n1, n2, n3, manual.user.id]));
    expect((await mappedAudits()).slice(seen).sort()).toEqual([n1, n2, n3, manual.user.id].sort());
    for (const id of [m1, m2, n1, n2, n3]) expect(await roleIn(id)).toBe('viewer');

    // One PATCH withdraws a membership only the mapping held and one a person granted too.
    await call(
      'PATCH',
      `/Groups/${viewers}`,
      patch({ op: 'remove', path: 'members', value: [{ value: n1 }, { value: manual.user.id }] }),
    );
    expect(await t.db.manager.findOneBy(TeamMembership, { teamId: team.id, userId: n1 })).toBeNull();
    expect(
      await t.db.manager.findOneBy(TeamMembership, { teamId: team.id, userId: manual.user.id }),
    ).toMatchObject({ role: 'editor', mappedRole: null });
    for (const id of [m1, m2, n2, n3]) expect(await roleIn(id)).toBe('viewer');

    const mappedManager = async (id: string) =>
      (await t.db.manager.findOneBy(User, { id }))?.mappedTenantRole ?? null;
    await call('PATCH', `/Groups/${managers}`, add([n2, n3]));
    expect([await mappedManager(n2), await mappedManager(n3), await mappedManager(m1)]).toEqual([
      'manager',
      'manager',
      null,
    ]);
    await call('PATCH', `/Groups/${managers}`, removeEach([n2]));
    expect([await mappedManager(n2), await mappedManager(n3)]).toEqual([null, 'manager']);
  });

  // PostgreSQL only (declared only there, not skipped): SQLite has one writer, so a member add and a
  // removal never interleave. Each race pauses the first write on a lock a third connection holds
  // (`race`: by default the tenant's audit chain head, which every write takes last, just before its
  // commit), so it has done the work the race is about when the second starts; the second then waits
  // for the same lock, or for a row the first holds. This file's database never runs a transaction
  // twice, so a deadlock fails its request instead of being retried away.
  if (target.name === 'postgres') {
    const race = <A, B>(tn: MadeTenant, first: () => Promise<A>, second: () => Promise<B>) =>
      pgRace(t.db, auditHead(tn.tenant.id), first, second);

    /** A group whose members get a team role, so a stray grant would show too. */
    async function mappedGroup(tn: MadeTenant, groupId: string) {
      const team = await w.services.teams.create(tn.ownerActor, { name: `Team of ${groupId}` });
      await w.services.groupMappings.create(tn.ownerActor, {
        groupId,
        target: 'team',
        teamId: team.id,
        teamRole: 'editor',
      });
      return team.id;
    }

    /** Rows that still name a removed user of the tenant: group memberships and team memberships. */
    async function strays(tn: MadeTenant) {
      const count = async (table: string) =>
        Number(
          (
            (await t.db.dataSource.query(
              `SELECT count(*) AS n FROM ${table} m JOIN users u ON u.id = m.user_id
                WHERE m.tenant_id = $1 AND u.removed_at IS NOT NULL`,
              [tn.tenant.id],
            )) as [{ n: string }]
          )[0].n,
        );
      return { groupMembers: await count('group_members'), teamMemberships: await count('team_memberships') };
    }

    it('a group write takes the tenant lock before the group lock (one statement takes both)', async () => {
      const { tn, call, ids, group } = await world(1);
      const g = await group('Ordered');
      const holder = t.db.dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
        await holder.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tn.tenant.id]);
        const patched = call('PATCH', `/Groups/${g}`, add(ids));
        await expect.poll(() => waitingFor(t.db, pid), { timeout: 5000, interval: 20 }).toBe(1);
        // Waiting for the tenant, the PATCH holds no lock on its group: NOWAIT would fail if it did.
        const probe = t.db.dataSource.createQueryRunner();
        await probe.connect();
        await probe.startTransaction();
        await expect(
          probe.query('SELECT 1 FROM groups WHERE id = $1 FOR UPDATE NOWAIT', [g]),
        ).resolves.toHaveLength(1);
        await probe.rollbackTransaction();
        await probe.release();
        await holder.rollbackTransaction();
        expect((await patched).status).toBe(204);
        expect(await members(g)).toEqual([...ids].sort());
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
      }
    });

    it('a user removed while a PATCH adds them is not a member: the add answers invalidValue, as for any unknown id', async () => {
      const { tn, call, ids, group } = await world(2);
      const [gone = '', stays = ''] = ids;
      const g = await group('Racing');
      const teamId = await mappedGroup(tn, g);

      const [removed, added] = await race(
        tn,
        () => call('DELETE', `/Users/${gone}`),
        () => call('PATCH', `/Groups/${g}`, add([gone])),
      );
      expect(removed.status).toBe(204);
      expect(added).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
      expect(String(added.body['detail'])).toContain(gone);
      expect(await strays(tn)).toEqual({ groupMembers: 0, teamMemberships: 0 });
      expect(await members(g)).toEqual([]);

      // The group is unharmed: the next add of a live user goes through.
      expect((await call('PATCH', `/Groups/${g}`, add([stays]))).status).toBe(204);
      expect(await members(g)).toEqual([stays]);
      expect(await t.db.manager.countBy(TeamMembership, { teamId, userId: stays })).toBe(1);
    });

    it('a user removed while a PUT or PATCH adding them commits loses the membership and its mapped team role', async () => {
      const { tn, call, ids, group } = await world(2);
      const [viaPatch = '', viaPut = ''] = ids;
      for (const [gone, write] of [
        [viaPatch, (g: string) => call('PATCH', `/Groups/${g}`, add([viaPatch]))],
        [
          viaPut,
          (g: string) => call('PUT', `/Groups/${g}`, { displayName: 'Put', members: [{ value: viaPut }] }),
        ],
      ] as const) {
        const g = await group(gone === viaPut ? 'Put' : 'Patch');
        await mappedGroup(tn, g);
        const [added, removed] = await race(
          tn,
          () => write(g),
          () => call('DELETE', `/Users/${gone}`),
        );
        expect(added.status).toBe(gone === viaPut ? 200 : 204);
        expect(removed.status).toBe(204);
        expect(await members(g)).toEqual([]);
      }
      expect(await strays(tn)).toEqual({ groupMembers: 0, teamMemberships: 0 });
    });

    it('an invitation revoked while a PATCH adds the invited user leaves no membership, in either order', async () => {
      const { tn, call, group } = await world(0);
      for (const revokedFirst of [true, false]) {
        const { user } = await w.services.users.invite(tn.ownerActor, {
          email: `invited-${revokedFirst}@x.test`,
        });
        const g = await group(`Invited ${revokedFirst}`);
        await mappedGroup(tn, g);
        const revoke = () => w.services.users.revokeInvitation(tn.ownerActor, user.id);
        const patched = () => call('PATCH', `/Groups/${g}`, add([user.id]));
        const answers = revokedFirst ? await race(tn, revoke, patched) : await race(tn, patched, revoke);
        const answer = revokedFirst ? answers[1] : answers[0];
        expect(answer).toMatchObject(revokedFirst ? { status: 400 } : { status: 204 });
        expect(await members(g)).toEqual([]);
      }
      expect(await strays(tn)).toEqual({ groupMembers: 0, teamMemberships: 0 });
    });

    it('a user removed while a new group mapping grants its members a team role gets no team place back', async () => {
      const { tn, call, ids, group } = await world(2);
      const [gone = '', stays = ''] = ids;
      const g = await group('Mapped later');
      await call('PATCH', `/Groups/${g}`, add([gone, stays]));
      const team = await w.services.teams.create(tn.ownerActor, { name: 'Granted' });

      const [removed] = await race(
        tn,
        () => call('DELETE', `/Users/${gone}`),
        () =>
          w.services.groupMappings.create(tn.ownerActor, {
            groupId: g,
            target: 'team',
            teamId: team.id,
            teamRole: 'viewer',
          }),
      );
      expect(removed.status).toBe(204);
      expect(await strays(tn)).toEqual({ groupMembers: 0, teamMemberships: 0 });
      expect(await t.db.manager.findOneBy(TeamMembership, { teamId: team.id, userId: stays })).toMatchObject({
        mappedRole: 'viewer',
      });
    });

    it('renames of members and adds of them to a group, side by side, all succeed', async () => {
      // A rename moves its groups' versions while holding the user; a group add holds the group
      // while it waits for the user (FOR KEY SHARE): the rename skips a group being written.
      const { call, ids, group } = await world(12);
      const g = await group('Renamed members');
      const statuses = new Set<number>();
      for (let r = 0; r < 6; r += 1) {
        const pair = ids.slice(r * 2, r * 2 + 2);
        await call('PATCH', `/Groups/${g}`, add(pair.slice(0, 1)));
        const rename = (id: string) =>
          call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'displayName', value: `Round ${r}` }));
        const answers = await Promise.all([
          rename(pair[0] ?? ''),
          call('PATCH', `/Groups/${g}`, add(pair)),
          rename(pair[1] ?? ''),
        ]);
        for (const a of answers) statuses.add(a.status);
      }
      expect([...statuses].sort()).toEqual([200, 204]);
      expect(await members(g)).toEqual([...ids].sort());
    });

    it('rounds of concurrent member adds and removals leave no membership or team role to a removed user', async () => {
      const rounds = 15;
      const perRound = 4;
      const { tn, call, ids, group } = await world(rounds * perRound);
      const g = await group('Churn');
      await mappedGroup(tn, g);
      const statuses = new Set<number>();
      for (let r = 0; r < rounds; r += 1) {
        const batch = ids.slice(r * perRound, (r + 1) * perRound);
        const adds = [add(batch), add(batch.slice(1))].map(
          (body) => () => call('PATCH', `/Groups/${g}`, body),
        );
        const removals = batch.slice(0, perRound - 1).map((id) => () => call('DELETE', `/Users/${id}`));
        // Odd rounds send the removals first.
        const answers = await Promise.all(
          (r % 2 ? [...removals, ...adds] : [...adds, ...removals]).map((f) => f()),
        );
        for (const a of answers) statuses.add(a.status);
      }
      // Removals always succeed; an add answers 204, or 400 when a user it names is already gone.
      expect([...statuses].every((s) => s === 204 || s === 400)).toBe(true);
      expect(await strays(tn)).toEqual({ groupMembers: 0, teamMemberships: 0 });
    });

    /**
     * The name a group is being renamed to, taken by a group a third connection has inserted and not
     * committed: the rename waits for it after the write's member removals, before its role recompute.
     */
    const nameHeld =
      (tn: MadeTenant, displayName: string): Hold =>
      async (q) => {
        await q.query(
          `INSERT INTO groups (id, tenant_id, display_name, display_name_key, external_id, last_scim_payload,
                               version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, NULL, NULL, 1, now(), now())`,
          [randomUUID(), tn.tenant.id, displayName, foldKey(displayName)],
        );
      };
    /** The group's mappings, which DELETE /Groups deletes after its members and before the recompute. */
    const mappingsHeld =
      (groupId: string): Hold =>
      async (q) => {
        await q.query('SELECT 1 FROM group_mappings WHERE group_id = $1 FOR UPDATE', [groupId]);
      };

    // A mapped group's write that removes members goes on to recompute their roles (their user row,
    // their team places), while DELETE /Users holds the user's row and then deletes their memberships:
    // each race pauses the group write between its member removals and that recompute.
    it.each([
      {
        write: 'PATCH removing the user',
        hold: (tn: MadeTenant) => nameHeld(tn, 'Renamed'),
        send: (call: Call, g: string, gone: string) =>
          call(
            'PATCH',
            `/Groups/${g}`,
            patch(
              { op: 'replace', path: 'displayName', value: 'Renamed' },
              { op: 'remove', path: `members[value eq "${gone}"]` },
            ),
          ),
        status: 204,
        left: 'stays',
      },
      {
        write: 'PUT without the user',
        hold: (tn: MadeTenant) => nameHeld(tn, 'Renamed'),
        send: (call: Call, g: string, _gone: string, stays: string) =>
          call('PUT', `/Groups/${g}`, { displayName: 'Renamed', members: [{ value: stays }] }),
        status: 200,
        left: 'stays',
      },
      {
        write: 'DELETE /Groups',
        hold: (_tn: MadeTenant, g: string) => mappingsHeld(g),
        send: (call: Call, g: string) => call('DELETE', `/Groups/${g}`),
        status: 204,
        left: 'nobody',
      },
    ])(
      'a $write on a mapped group and the removal of that user both succeed (no deadlock)',
      async ({ hold, send, status, left }) => {
        const { tn, call, ids, group } = await world(2);
        const [gone = '', stays = ''] = ids;
        const g = await group('Leaving');
        const teamId = await mappedGroup(tn, g);
        await call('PATCH', `/Groups/${g}`, add([gone, stays]));

        const [written, removed] = await pgRace(
          t.db,
          hold(tn, g),
          () => send(call, g, gone, stays),
          () => call('DELETE', `/Users/${gone}`),
        );
        expect(written.status).toBe(status);
        expect(removed.status).toBe(204);
        expect(await strays(tn)).toEqual({ groupMembers: 0, teamMemberships: 0 });
        expect(await t.db.manager.countBy(TeamMembership, { teamId, userId: gone })).toBe(0);
        expect(await members(g)).toEqual(left === 'stays' ? [stays] : []);
      },
    );
  }
});
