import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, openTestDatabase, type OpenedDatabase } from './db.js';

describe.each(DATABASES)('migrations on $name', (target) => {
  let t: OpenedDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(target, { migrate: false });
    console.info(`schema test runs on ${t.label}`);
  });
  afterAll(() => t.close());

  /**
   * Users as an earlier migration left them (id → the value of `column`), written in SQL: the
   * entities describe the schema after every migration.
   */
  async function insertUsers(
    column: 'scim_attributes' | 'last_scim_payload',
    values: Record<string, string | null>,
  ) {
    const postgres = t.db.dialect === 'postgres';
    const now = postgres ? new Date() : new Date().toISOString().replace('T', ' ').slice(0, -1);
    for (const [id, value] of Object.entries(values)) {
      await t.db.dataSource.query(
        postgres
          ? `INSERT INTO users (id, tenant_id, email, user_name, active, tenant_role, source, ${column}, version, created_at, updated_at)
             VALUES ($1, 't', $1, $1, true, 'member', 'scim', $2, 1, $3, $3)`
          : `INSERT INTO users (id, tenant_id, email, user_name, active, tenant_role, source, ${column}, version, created_at, updated_at)
             VALUES (?, 't', ?, ?, 1, 'member', 'scim', ?, 1, ?, ?)`,
        postgres ? [id, value, now] : [id, id, id, value, now, now],
      );
    }
  }

  /** Back to just before the migration `name` (rows are then written in that schema). */
  async function undoThrough(name: string) {
    const applied = async () =>
      (await t.db.dataSource.query('SELECT name FROM migrations')).map((r: { name: string }) => r.name);
    while ((await applied()).includes(name)) await t.db.dataSource.undoLastMigration({ transaction: 'each' });
  }

  it('running every migration yields exactly the schema the entities describe', async () => {
    const applied = await t.db.migrate();
    expect(applied.length).toBeGreaterThan(0);
    const pending = await t.db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('AddUserOtherWorkEmails marks the stored users with more than one work email', async () => {
    // Back to just before it (the rows below are written in that schema), then forward again.
    await undoThrough('AddUserOtherWorkEmails1796566970567');
    const emails = (types: string[]) =>
      JSON.stringify({ emails: types.map((type, i) => ({ type, value: `${i}@x.test` })) });
    const docs = {
      two: emails(['work', 'Work']),
      one: emails(['work', 'home']),
      none: null,
      odd: JSON.stringify({ emails: { type: 'work' } }),
    };
    await insertUsers('scim_attributes', docs);
    await t.db.migrate();
    const rows: Array<{ id: string; o: unknown }> = await t.db.dataSource.query(
      'SELECT id, other_work_emails AS o FROM users ORDER BY id',
    );
    expect(rows.map((r) => [r.id, r.o === true || Number(r.o) === 1])).toEqual([
      ['none', false],
      ['odd', false],
      ['one', false],
      ['two', true],
    ]);
    await t.db.dataSource.query('DELETE FROM users');
  });

  it('RedactStoredPasswords redacts the passwords kept payloads of earlier versions held', async () => {
    await undoThrough('RedactStoredPasswords1796574078510');
    const patch = (path: string, value: string) =>
      JSON.stringify({ schemas: ['x'], Operations: [{ op: 'replace', path, value }] });
    const payloads: Record<string, string | null> = {
      patched: patch('password', 'Old-secret-1'),
      urn: patch('urn:ietf:params:scim:schemas:core:2.0:User:password', 'Old-secret-2'),
      kept: patch('title', 'Password reset team'),
      posted: JSON.stringify({ userName: 'p', password: '[redacted]' }),
      broken: '{"password": not json',
      none: null,
    };
    await insertUsers('last_scim_payload', payloads);
    await t.db.migrate();
    const rows: Array<{ id: string; p: string | null }> = await t.db.dataSource.query(
      'SELECT id, last_scim_payload AS p FROM users ORDER BY id',
    );
    const after = Object.fromEntries(rows.map((r) => [r.id, r.p]));
    expect(after['patched']).toBe(patch('password', '[redacted]'));
    expect(after['urn']).toBe(patch('urn:ietf:params:scim:schemas:core:2.0:User:password', '[redacted]'));
    for (const id of ['kept', 'posted', 'broken', 'none']) expect(after[id]).toBe(payloads[id]);
    await t.db.dataSource.query('DELETE FROM users');
  });

  /** A row as an earlier migration left its table, written in SQL. */
  async function insert(table: string, row: Record<string, unknown>) {
    const columns = Object.keys(row);
    const marks = columns.map((_, i) => (t.db.dialect === 'postgres' ? `$${i + 1}` : '?'));
    await t.db.dataSource.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${marks.join(', ')})`,
      Object.values(row),
    );
  }
  const stamp = () =>
    t.db.dialect === 'postgres' ? new Date() : new Date().toISOString().replace('T', ' ').slice(0, -1);

  it('RerankMappedCaseManagers gives the case manager role to members a case-manager group maps', async () => {
    await undoThrough('RerankMappedCaseManagers1796580592542');
    const now = stamp();
    const mapping = (id: string, group: string, team: string, role: string) =>
      insert('group_mappings', {
        id,
        tenant_id: 't',
        group_id: group,
        target: 'team',
        team_id: team,
        team_role: role,
        created_at: now,
      });
    await mapping('m1', 'cases', 'T', 'case_manager');
    await mapping('m2', 'dashboards', 'T', 'dashboard_manager');
    await mapping('m3', 'dashboards', 'U', 'dashboard_manager');
    const member = (group: string, user: string) =>
      insert('group_members', { group_id: group, user_id: user, tenant_id: 't', created_at: now });
    await member('cases', 'both');
    await member('dashboards', 'both');
    await member('dashboards', 'dash');
    const place = (team: string, user: string) =>
      insert('team_memberships', {
        team_id: team,
        user_id: user,
        tenant_id: 't',
        mapped_role: 'dashboard_manager',
        created_at: now,
        updated_at: now,
      });
    await place('T', 'both');
    await place('U', 'both');
    await place('T', 'dash');
    await t.db.migrate();
    const rows: Array<{ team: string; user: string; role: string }> = await t.db.dataSource.query(
      'SELECT team_id AS team, user_id AS "user", mapped_role AS role FROM team_memberships ORDER BY team_id, user_id',
    );
    expect(rows.map((r) => `${r.team}/${r.user}: ${r.role}`)).toEqual([
      'T/both: case_manager',
      'T/dash: dashboard_manager',
      'U/both: dashboard_manager',
    ]);
    for (const table of ['team_memberships', 'group_members', 'group_mappings']) {
      await t.db.dataSource.query(`DELETE FROM ${table}`);
    }
  });

  it('FoldFinalSigma folds a stored word-final ς to σ, unless the tenant holds that key already', async () => {
    await undoThrough('FoldFinalSigma1796582665229');
    const now = stamp();
    const group = (id: string, tenant: string, key: string) =>
      insert('groups', {
        id,
        tenant_id: tenant,
        display_name: key.toUpperCase(),
        display_name_key: key,
        version: 1,
        created_at: now,
        updated_at: now,
      });
    await group('a', 't1', 'οδος');
    await group('b', 't1', 'λογος και λογοσ');
    await group('c', 't2', 'οδος');
    await group('d', 't2', 'οδοσ');
    await group('e', 't2', 'plain');
    await t.db.migrate();
    const rows: Array<{ id: string; k: string }> = await t.db.dataSource.query(
      'SELECT id, display_name_key AS k FROM groups ORDER BY id',
    );
    expect(rows.map((r) => `${r.id}: ${r.k}`)).toEqual([
      'a: οδοσ',
      'b: λογοσ και λογοσ',
      'c: οδος',
      'd: οδοσ',
      'e: plain',
    ]);
    await t.db.dataSource.query('DELETE FROM groups');
  });

  it('reverting every migration leaves only the migrations table', async () => {
    await t.db.revertAll();
    const tables =
      t.db.dialect === 'postgres'
        ? await t.db.dataSource.query(
            'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
          )
        : await t.db.dataSource.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          );
    expect(tables.map((r: { name: string }) => r.name)).toEqual(['migrations']);
  });
});
