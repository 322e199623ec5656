// The batched writes' rules a caller cannot see in their results: a row skipped by
// `insertRowsUnlessTaken` is a row whose unique key is taken, never a row the code built incompletely
// (SQLite's INSERT OR IGNORE would skip that one too, silently); and a plain batch that collides
// (SQLite's INSERT OR ROLLBACK) fails its whole transaction with the collision, as on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/crypto.js';
import { Group } from '../src/entities/index.js';
import { foldKey } from '../src/repositories/users.repository.js';
import { insertRows, insertRowsUnlessTaken } from '../src/repositories/write.js';
import { isUniqueViolation } from '../src/database.js';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';
import { makeServices, makeTenant, type TestWorld } from './factories.js';

describe.each(DATABASES)('insertRowsUnlessTaken on $name', (target) => {
  let t: OpenedDatabase;
  let w: TestWorld;
  beforeAll(async () => {
    t = await openTestDatabase(target);
    w = makeServices(t.db);
  });
  afterAll(() => t.close());

  const group = (tenantId: string, displayName: string): Group => {
    const now = new Date();
    return {
      id: newId(),
      tenantId,
      displayName,
      displayNameKey: foldKey(displayName),
      externalId: null,
      lastScimPayload: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  };

  it('skips the rows whose unique key is taken, in the table or earlier in the same batch', async () => {
    const { tenant } = await makeTenant(w);
    const stored = group(tenant.id, 'Stored');
    await t.db.transaction((tx) => insertRowsUnlessTaken(tx, Group, [stored]));
    const rows = [group(tenant.id, 'stored'), group(tenant.id, 'New'), group(tenant.id, 'NEW')];
    const written = await t.db.transaction((tx) => insertRowsUnlessTaken(tx, Group, rows));
    expect(written).toEqual([rows[1]]);
    expect(
      (await t.db.manager.findBy(Group, { tenantId: tenant.id })).map((g) => g.displayName).sort(),
    ).toEqual(['New', 'Stored']);
  });

  it('refuses a batch with a row missing a required value, and writes none of it', async () => {
    const { tenant } = await makeTenant(w);
    const incomplete = { ...group(tenant.id, 'Incomplete'), displayNameKey: null as unknown as string };
    await expect(
      t.db.transaction((tx) => insertRowsUnlessTaken(tx, Group, [group(tenant.id, 'Fine'), incomplete])),
    ).rejects.toThrow('Group rows need a value for displayNameKey.');
    expect(await t.db.manager.countBy(Group, { tenantId: tenant.id })).toBe(0);
  });

  it('fails the whole transaction when a plain batch collides, with the collision as its error', async () => {
    const { tenant } = await makeTenant(w);
    await t.db.transaction((tx) => insertRows(tx, Group, [group(tenant.id, 'Taken')]));
    const failure = await t.db
      .transaction(async (tx) => {
        await insertRows(tx, Group, [group(tenant.id, 'Earlier in the transaction')]);
        await insertRows(tx, Group, [group(tenant.id, 'Fresh'), group(tenant.id, 'TAKEN')]);
      })
      .catch((err: unknown) => err);
    expect(isUniqueViolation(failure)).toBe(true);
    expect((await t.db.manager.findBy(Group, { tenantId: tenant.id })).map((g) => g.displayName)).toEqual([
      'Taken',
    ]);
    // The connection is not left inside a transaction: the next one commits.
    await t.db.transaction((tx) => insertRows(tx, Group, [group(tenant.id, 'Next')]));
    expect(await t.db.manager.countBy(Group, { tenantId: tenant.id })).toBe(2);
  });
});
