// Fixtures for the people-and-teams API tests: teams with a member in each role, feature flags,
// objects made through the services, and a fingerprint of every table those endpoints write.
import { createHash } from 'node:crypto';
import { systemActor, type ActorContext, type TeamRole, type TenantRole, type User } from '@gatehouse/domain';
import { makeUser, uniqueSlug, type TestGateway, type TestTenant } from './gateway.js';

export const system = (t: TestTenant): ActorContext => systemActor(t.tenant.id, 'test');

/** Turns a tenant feature on or off (the flags' own API belongs to the settings half of the API). */
export async function setFlag(
  gw: TestGateway,
  t: TestTenant,
  key: 'cases' | 'custom_object_sharing',
  enabled: boolean,
): Promise<void> {
  await gw.db.transaction(async (tx) => {
    await tx.delete('FeatureFlag', { tenantId: t.tenant.id, key });
    await tx.insert('FeatureFlag', {
      tenantId: t.tenant.id,
      key,
      enabled,
      updatedBy: null,
      updatedAt: gw.clock.now(),
    });
  });
}

/** A team made by the operator with one admin (the anchor), so a persona's removal never leaves it empty. */
export async function makeTeam(
  gw: TestGateway,
  t: TestTenant,
  members: Array<{ user: User; role: TeamRole }> = [],
): Promise<{ id: string; name: string; anchor: User }> {
  const name = uniqueSlug('team');
  const team = await gw.services.teams.create(system(t), { name });
  const anchor = await makeUser(gw, t, { teams: [{ teamId: team.id, role: 'admin' }] });
  for (const m of members) {
    await gw.services.teams.addMember(system(t), team.id, { email: m.user.email, role: m.role });
  }
  return { id: team.id, name, anchor };
}

export async function makeMember(
  gw: TestGateway,
  t: TestTenant,
  tenantRole: TenantRole = 'member',
  teams: Array<{ teamId: string; role: TeamRole }> = [],
): Promise<User> {
  return makeUser(gw, t, { tenantRole, teams });
}

/** An invited account that has not accepted yet. */
export async function makeInvited(
  gw: TestGateway,
  t: TestTenant,
  tenantRole: TenantRole = 'member',
): Promise<User> {
  const { user } = await gw.services.users.invite(system(t), {
    email: `${uniqueSlug('inv')}@${t.tenant.slug}.test`,
    tenantRole,
  });
  return user;
}

/** Actor of a user as the gateway builds it, for making objects in their name. */
export const actorOf = (gw: TestGateway, user: User): Promise<ActorContext> =>
  gw.services.actors.forUser(user.tenantId, user.id);

/**
 * Every table the people-and-teams endpoints write, and what of it counts: a denied request must
 * leave all of them as they were (a session's last-seen time moves with any request, so it is left out).
 */
const WRITTEN_TABLES = [
  'users',
  'invitations',
  'sessions:id, revoked_at, revoked_reason',
  'teams',
  'team_memberships',
  'team_allocations',
  'credentials',
  'resources',
  'stories',
  'cases',
  'dashboards',
  'object_shares',
  'outbox_messages',
  'audit_events',
];

/**
 * A hash of the rows of every written table — of one tenant's rows when `tenantId` is given: equal
 * fingerprints mean nothing was written.
 */
export async function fingerprint(gw: TestGateway, tenantId?: string): Promise<string> {
  const tables = WRITTEN_TABLES.map((entry) => {
    const [table, columns = '*'] = entry.split(':');
    return { table: table!, columns };
  });
  if (gw.db.dialect === 'postgres') return postgresFingerprint(gw, tables, tenantId);
  const hash = createHash('sha256');
  for (const { table, columns } of tables) {
    const rows: unknown[] = await gw.db.dataSource.query(
      `SELECT ${columns} FROM ${table}${tenantId ? ' WHERE tenant_id = ?' : ''}`,
      tenantId ? [tenantId] : [],
    );
    const lines = rows.map((r) => JSON.stringify(r)).sort();
    hash.update(`${table}:${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

/** The same in one round trip: PostgreSQL hashes each table's rows itself. */
async function postgresFingerprint(
  gw: TestGateway,
  tables: Array<{ table: string; columns: string }>,
  tenantId: string | undefined,
): Promise<string> {
  const where = tenantId ? ' WHERE tenant_id = $1' : '';
  const parts = tables.map(
    ({ table, columns }) =>
      `(SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM (SELECT ${columns} FROM ${table}${where}) r) AS "${table}"`,
  );
  const [row] = (await gw.db.dataSource.query(
    `SELECT ${parts.join(', ')}`,
    tenantId ? [tenantId] : [],
  )) as unknown[];
  return createHash('sha256').update(JSON.stringify(row)).digest('hex');
}

/** Rows of the audit log for one action, newest last. */
export async function auditRecords(
  gw: TestGateway,
  tenantId: string,
  action: string,
): Promise<Array<{ action: string; target_id: string | null; team_id: string | null; change: string }>> {
  const p = gw.db.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
  return gw.db.dataSource.query(
    `SELECT action, target_id, team_id, change FROM audit_events WHERE tenant_id = ${p[0]} AND action = ${p[1]} ORDER BY seq`,
    [tenantId, action],
  );
}

/** How many SQL statements the gateway runs while `work` does (a list's cost must not grow with its page). */
export async function countQueries(gw: TestGateway, work: () => Promise<unknown>): Promise<number> {
  const logger = gw.db.dataSource.logger;
  const original = logger.logQuery.bind(logger);
  let count = 0;
  logger.logQuery = (...args: Parameters<typeof logger.logQuery>) => {
    count += 1;
    return original(...args);
  };
  try {
    await work();
  } finally {
    logger.logQuery = original;
  }
  return count;
}
