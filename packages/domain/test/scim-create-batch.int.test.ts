// Concurrent SCIM creates of one tenant are committed in batches (ProvisioningService.createUser):
// every caller must still get exactly what its create alone would have given it, whatever else is in
// its batch, and the audit chain must hold one record per created user, in arrival order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent, Team, User, WebhookDelivery } from '../src/entities/index.js';
import { Conflict } from '../src/errors.js';
import { newId } from '../src/crypto.js';
import { ENTERPRISE } from '../src/scim/__fixtures__/quirks.js';
import type { ActorContext } from '../src/services/index.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, makeUser, type MadeTenant, type TestWorld } from './factories.js';
import { recordStatements } from './statements.js';

type Body = Record<string, unknown>;

const user = (userName: string, extra: Body = {}): Body => ({ userName, ...extra });
const work = (value: string) => ({ emails: [{ type: 'work', value }] });

/**
 * In arrival order, all in one turn of the event loop, so they are committed as one batch. Comments
 * give what each one's create alone answers.
 */
const ARRIVALS: Body[] = [
  user('first@x.test'), // 201
  user('Dup@x.test', { externalId: 'E1' }), // 201
  user('dup@X.TEST'), // userName, taken by the previous one in the same batch
  user('other@x.test', { externalId: 'E1' }), // externalId, taken in the same batch
  user('TAKEN@x.test'), // userName, taken by a stored user (case-insensitively)
  user('new@x.test', work('INVITED@x.test')), // email, taken by an invited member
  user('dup@x.test', { externalId: 'E1', ...work('invited@x.test') }), // all three: externalId first
  user('Taken@X.test', { externalId: 'E4' }), // userName (stored); E4 stays free…
  user('e4@x.test', { externalId: 'E4' }), // 201: …so a later user may take E4
  user('m1@x.test', { ...work('Mail@x.test'), [ENTERPRISE]: { department: 'R&D' } }), // 201
  user('m2@x.test', work('mail@X.test')), // email, taken in the same batch
  user('first@X.test'), // userName, taken by the first of the batch
  user('last@x.test', { externalId: 'E5', active: false }), // 201
];

const EXPECTED = [
  'created',
  'created',
  'userName',
  'externalId',
  'userName',
  'email',
  'externalId',
  'userName',
  'created',
  'created',
  'email',
  'userName',
  'created',
];

/** What a caller observes: created, or the attribute a uniqueness conflict names. */
function observed(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'created';
  const err: unknown = result.reason;
  if (!(err instanceof Conflict)) return `error: ${String(err)}`;
  expect(err.details).toMatchObject({ scimType: 'uniqueness' });
  return String((err.details as { attribute: string }).attribute);
}

describe.each(DATABASES)('batched SCIM creates on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
    console.info(`batched SCIM create tests run on ${t.label}`);
  });
  afterAll(() => t.close());

  const provisioner = (tn: MadeTenant): ActorContext => ({
    kind: 'provisioner',
    tenantId: tn.tenant.id,
    tokenId: 'token-entra',
    label: 'entra',
    ip: '192.0.2.7',
  });

  /** A tenant with a stored SCIM user and an invited member, both holding keys the arrivals reuse. */
  async function tenantWithUsers(): Promise<MadeTenant> {
    const tn = await makeTenant(w);
    await w.services.provisioning.createUser(
      provisioner(tn),
      user('taken@x.test', { externalId: 'EXT-T' }),
      {},
    );
    await makeUser(w, tn, { email: 'invited@x.test' });
    return tn;
  }

  /** Runs the statements of `work`, counting the transactions it commits. */
  async function countingCommits<T>(run: () => Promise<T>): Promise<{ result: T; commits: number }> {
    const { result, sent } = await recordStatements(t.db, run);
    return { result, commits: sent.filter((s) => /^\s*COMMIT\b/i.test(s.sql)).length };
  }

  /**
   * What a tenant's SCIM creates left behind, without ids, times and hashes: its provisioned users,
   * their drafts spaces, and their audit records in chain order.
   */
  async function written(tn: MadeTenant) {
    const users = await t.db.manager.find(User, {
      where: { tenantId: tn.tenant.id, source: 'scim' },
      order: { userName: 'ASC' },
    });
    const nameOf = new Map(users.map((u) => [u.id, u.userName]));
    const drafts = await t.db.manager.find(Team, { where: { tenantId: tn.tenant.id, kind: 'drafts' } });
    const events = await t.db.manager.find(AuditEvent, {
      where: { tenantId: tn.tenant.id, action: 'user.provisioned' },
      order: { seq: 'ASC' },
    });
    return {
      users: users.map((u) => ({
        userName: u.userName,
        email: u.email,
        emailKey: u.emailKey,
        externalId: u.externalId,
        active: u.active,
        tenantRole: u.tenantRole,
        scimAttributes: u.scimAttributes,
        lastScimPayload: u.lastScimPayload,
        version: u.version,
        draftsSpaces: drafts.filter((d) => d.draftsOwnerId === u.id).length,
      })),
      audit: events.map((e) => ({
        user: nameOf.get(e.targetId ?? ''),
        actorType: e.actorType,
        actorLabel: e.actorLabel,
        ip: e.ip,
        change: e.change,
      })),
    };
  }

  it('concurrent creates answer and write exactly as one by one: the first of each name wins, case variants and reused emails or externalIds are 409 uniqueness', async () => {
    const serialTenant = await tenantWithUsers();
    const serial: PromiseSettledResult<unknown>[] = [];
    for (const body of ARRIVALS) {
      serial.push(
        ...(await Promise.allSettled([
          w.services.provisioning.createUser(provisioner(serialTenant), body, body),
        ])),
      );
    }
    expect(serial.map(observed)).toEqual(EXPECTED);

    const tn = await tenantWithUsers();
    const { result: batched, commits } = await countingCommits(() =>
      Promise.allSettled(
        ARRIVALS.map((body) => w.services.provisioning.createUser(provisioner(tn), body, body)),
      ),
    );
    expect(batched.map(observed)).toEqual(EXPECTED);
    expect(commits).toBe(1); // creates that arrive together commit together

    // The same rows as one by one: the winners only, each with a drafts space and one audit record,
    // in arrival order.
    const batchedRows = await written(tn);
    expect(batchedRows).toEqual(await written(serialTenant));
    const winners = ARRIVALS.filter((_, i) => EXPECTED[i] === 'created').map((b) => b['userName']);
    expect(batchedRows.audit.map((a) => a.user)).toEqual(['taken@x.test', ...winners]);
    expect(batchedRows.users.every((u) => u.draftsSpaces === 1)).toBe(true);
    expect(batchedRows.audit.at(-1)).toEqual({
      user: 'last@x.test',
      actorType: 'provisioner',
      actorLabel: 'scim:entra',
      ip: '192.0.2.7',
      change: {
        after: { userName: 'last@x.test', email: 'last@x.test', active: false, externalId: 'E5' },
      },
    });
    const records = await t.db.manager.count(AuditEvent, { where: { tenantId: tn.tenant.id } });
    expect(await w.services.audit.verify(tn.ownerActor)).toEqual({ ok: true, records });
  });

  it('two replicas batching the same names at once: each name is created once, every other create of it is a 409, and the chain verifies', async () => {
    const tn = await makeTenant(w);
    const other = makeServices(t.db); // a second gateway: its own batches, the same database
    const names = Array.from({ length: 30 }, (_, i) => `replica${i}@x.test`);
    const settled = await Promise.allSettled([
      ...names.map((n) => w.services.provisioning.createUser(provisioner(tn), user(n), {})),
      ...names
        .toReversed()
        .map((n) => other.services.provisioning.createUser(provisioner(tn), user(n.toUpperCase()), {})),
    ]);
    const outcomes = settled.map(observed);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(names.length);
    expect(outcomes.filter((o) => o !== 'created')).toEqual(names.map(() => 'userName'));
    const stored = await t.db.manager.find(User, { where: { tenantId: tn.tenant.id, source: 'scim' } });
    expect(new Set(stored.map((u) => u.userNameKey))).toEqual(new Set(names));
    const provisioned = await t.db.manager.find(AuditEvent, {
      where: { tenantId: tn.tenant.id, action: 'user.provisioned' },
    });
    expect(provisioned.map((e) => e.targetId).sort()).toEqual(stored.map((u) => u.id).sort());
    const records = await t.db.manager.count(AuditEvent, { where: { tenantId: tn.tenant.id } });
    expect(await w.services.audit.verify(tn.ownerActor)).toEqual({ ok: true, records });
  });

  it('a batch queues one audit webhook delivery for each of its records', async () => {
    const tn = await makeTenant(w);
    await w.services.integrations.saveAuditWebhook(tn.ownerActor, {
      url: 'https://hooks.example.test/audit',
      enabled: true,
    });
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        w.services.provisioning.createUser(provisioner(tn), user(`hooked${i}@x.test`), {}),
      ),
    );
    const events = await t.db.manager.find(AuditEvent, {
      where: { tenantId: tn.tenant.id, action: 'user.provisioned' },
    });
    expect(events.map((e) => e.targetId).sort()).toEqual(created.map((c) => c.resource.id).sort());
    const deliveries = await t.db.manager.find(WebhookDelivery, { where: { tenantId: tn.tenant.id } });
    for (const e of events) expect(deliveries.filter((d) => d.auditEventId === e.id)).toHaveLength(1);
  });

  it('a create the database refuses fails alone: its batch-mates are created, and nothing of it is written', async () => {
    const tn = await makeTenant(w);
    const refuse =
      t.db.dialect === 'postgres'
        ? [
            `CREATE FUNCTION refuse_user() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN IF NEW.user_name = 'refused@x.test' THEN RAISE EXCEPTION 'refused by the test'; END IF;
               RETURN NEW; END $$`,
            'CREATE TRIGGER refuse_user BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION refuse_user()',
          ]
        : [
            `CREATE TRIGGER refuse_user BEFORE INSERT ON users WHEN NEW.user_name = 'refused@x.test'
               BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
          ];
    for (const sql of refuse) await t.db.dataSource.query(sql);
    try {
      const names = ['a0@x.test', 'a1@x.test', 'refused@x.test', 'a2@x.test', 'A1@x.test', 'a3@x.test'];
      const results = await Promise.allSettled(
        names.map((n) => w.services.provisioning.createUser(provisioner(tn), user(n), {})),
      );
      expect(results.map(observed)).toEqual([
        'created',
        'created',
        expect.stringMatching(/^error: .*refused by the test/),
        'created',
        'userName',
        'created',
      ]);
      const stored = await t.db.manager.find(User, { where: { tenantId: tn.tenant.id, source: 'scim' } });
      expect(stored.map((u) => u.userName).sort()).toEqual([
        'a0@x.test',
        'a1@x.test',
        'a2@x.test',
        'a3@x.test',
      ]);
      expect(
        await t.db.manager.count(AuditEvent, {
          where: { tenantId: tn.tenant.id, action: 'user.provisioned' },
        }),
      ).toBe(4);
      const records = await t.db.manager.count(AuditEvent, { where: { tenantId: tn.tenant.id } });
      expect(await w.services.audit.verify(tn.ownerActor)).toEqual({ ok: true, records });
    } finally {
      await t.db.dataSource.query(
        t.db.dialect === 'postgres' ? 'DROP TRIGGER refuse_user ON users' : 'DROP TRIGGER refuse_user',
      );
    }
  });

  it('a batch stores each value as the driver binds it alone: any script, escapes as text, the time to the millisecond', async () => {
    const tn = await makeTenant(w);
    // PostgreSQL receives a batch's rows as one JSON text (`recordsetParam`), which must not alter them.
    const body = user('script@x.test', {
      displayName: 'Zoë 👩🏽‍💻 Ωμέγα "quoted"',
      externalId: 'C:\\ud83d\\u0041\\',
    });
    const made = await w.services.provisioning.createUser(provisioner(tn), body, body);
    const stored = await t.db.manager.findOneByOrFail(User, { id: made.resource.id });
    expect(stored).toMatchObject({
      displayName: 'Zoë 👩🏽‍💻 Ωμέγα "quoted"',
      externalId: 'C:\\ud83d\\u0041\\',
      createdAt: made.resource.createdAt,
    });
    const records = await t.db.manager.count(AuditEvent, { where: { tenantId: tn.tenant.id } });
    expect(await w.services.audit.verify(tn.ownerActor)).toEqual({ ok: true, records });
  });

  // The gateway refuses a lone surrogate in any request; a caller of the domain that sends one anyway
  // gets what node-postgres does with a value bound alone (U+FFFD), not a refused batch. (SQLite stores
  // better-sqlite3's CESU-8 bytes, read back as three U+FFFD.)
  if (target.name === 'postgres')
    it('a lone surrogate in a batch is stored as U+FFFD, as when bound alone, and fails nothing', async () => {
      const tn = await makeTenant(w);
      const body = user('lone@x.test', { displayName: 'Half \ud83d pair', name: { givenName: 'end\udc00' } });
      const made = await w.services.provisioning.createUser(provisioner(tn), body, body);
      expect(await t.db.manager.findOneByOrFail(User, { id: made.resource.id })).toMatchObject({
        displayName: 'Half \ufffd pair',
        givenName: 'end\ufffd',
      });
    });

  // PostgreSQL only (declared only there, not skipped): SQLite has one writer, so no other replica
  // can commit while a batch waits.
  if (target.name === 'postgres')
    it('a user another replica commits while a batch waits on it is a 409 for the batch’s colliding create only', async () => {
      const tn = await makeTenant(w);
      const other = t.db.dataSource.createQueryRunner();
      await other.connect();
      await other.startTransaction();
      try {
        const now = new Date();
        await other.manager.insert(User, {
          id: newId(),
          tenantId: tn.tenant.id,
          email: 'race@x.test',
          emailKey: null,
          userName: 'Race@x.test',
          userNameKey: 'race@x.test',
          externalId: null,
          givenName: null,
          familyName: null,
          displayName: null,
          active: true,
          tenantRole: 'member',
          mappedTenantRole: null,
          source: 'scim',
          activatedAt: now,
          lastSignInAt: null,
          removedAt: null,
          scimAttributes: {},
          lastScimPayload: null,
          lastSyncedAt: now,
          mfaSecretEncrypted: null,
          mfaEnabledAt: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        const [{ xid }] = (await other.query('SELECT pg_current_xact_id()::text AS xid')) as [
          { xid: string },
        ];
        const names = ['lead@x.test', 'b0@x.test', 'race@x.test', 'b1@x.test'];
        const pending = Promise.allSettled(
          names.map((n) => w.services.provisioning.createUser(provisioner(tn), user(n), {})),
        );
        // The batch's INSERT now waits for the other replica's transaction: its row holds the name.
        await expect
          .poll(
            async () =>
              Number(
                (
                  (await t.db.dataSource.query(
                    'SELECT count(*) AS n FROM pg_locks WHERE locktype = $1 AND transactionid::text = $2 AND NOT granted',
                    ['transactionid', xid],
                  )) as [{ n: string }]
                )[0].n,
              ),
            { timeout: 5000, interval: 20 },
          )
          .toBe(1);
        await other.commitTransaction();
        expect((await pending).map(observed)).toEqual(['created', 'created', 'userName', 'created']);
        const records = await t.db.manager.count(AuditEvent, { where: { tenantId: tn.tenant.id } });
        expect(await w.services.audit.verify(tn.ownerActor)).toEqual({ ok: true, records });
      } finally {
        if (other.isTransactionActive) await other.rollbackTransaction();
        await other.release();
      }
    });
});
