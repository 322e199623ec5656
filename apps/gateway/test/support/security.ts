// Fixtures for the security, configuration and monitoring API tests: IdP groups, personas of every
// role, secret scanning and small readers.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { User } from '@gatehouse/domain';
import { makeUser, signIn, uniqueSlug, type Browser, type TestGateway, type TestTenant } from './gateway.js';
import { makeTeam } from './people.js';

export interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** An IdP group as SCIM leaves it: a Group row and one GroupMember row per user (SCIM has its own tests). */
export async function makeGroup(
  gw: TestGateway,
  t: TestTenant,
  members: User[],
  name = uniqueSlug('group'),
): Promise<{ id: string; name: string }> {
  const id = randomUUID();
  const now = gw.clock.now();
  await gw.db.transaction(async (tx) => {
    await tx.insert('Group', {
      id,
      tenantId: t.tenant.id,
      displayName: name,
      displayNameKey: name.toLowerCase(),
      externalId: null,
      lastScimPayload: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    for (const user of members) {
      await tx.insert('GroupMember', { groupId: id, userId: user.id, tenantId: t.tenant.id, createdAt: now });
    }
  });
  return { id, name };
}

/** Secrets must never come back: not in any response body, in any form we send them. */
export function expectNoSecrets(body: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(body.includes(secret), `a response carries a secret`).toBe(false);
}

/** Every role the seeds name, signed in: tenant owner/manager/member, and members holding each team role. */
export interface Personas {
  owner: Browser;
  manager: Browser;
  member: Browser;
  teamAdmin: Browser;
  editor: Browser;
  viewer: Browser;
  caseManager: Browser;
  dashboardManager: Browser;
  teamId: string;
}

export type PersonaName = Exclude<keyof Personas, 'teamId'>;

export const PERSONAS: readonly PersonaName[] = [
  'owner',
  'manager',
  'member',
  'teamAdmin',
  'editor',
  'viewer',
  'caseManager',
  'dashboardManager',
];

export async function makePersonas(gw: TestGateway, t: TestTenant): Promise<Personas> {
  const team = await makeTeam(gw, t);
  const teamMember = (role: 'admin' | 'editor' | 'viewer' | 'case_manager' | 'dashboard_manager') =>
    makeUser(gw, t, { teams: [{ teamId: team.id, role }] });
  await gw.db.transaction((tx) =>
    tx.insert('FeatureFlag', {
      tenantId: t.tenant.id,
      key: 'cases',
      enabled: true,
      updatedBy: null,
      updatedAt: gw.clock.now(),
    }),
  );
  const [manager, member, admin, editor, viewer, caseManager, dashboardManager] = await Promise.all([
    makeUser(gw, t, { tenantRole: 'manager' }),
    makeUser(gw, t),
    teamMember('admin'),
    teamMember('editor'),
    teamMember('viewer'),
    teamMember('case_manager'),
    teamMember('dashboard_manager'),
  ]);
  return {
    owner: await signIn(gw, t.owner),
    manager: await signIn(gw, manager),
    member: await signIn(gw, member),
    teamAdmin: await signIn(gw, admin),
    editor: await signIn(gw, editor),
    viewer: await signIn(gw, viewer),
    caseManager: await signIn(gw, caseManager),
    dashboardManager: await signIn(gw, dashboardManager),
    teamId: team.id,
  };
}

/** Rows of a table for a tenant, for "nothing was written" assertions. */
export async function countRows(gw: TestGateway, table: string, tenantId: string): Promise<number> {
  const placeholder = gw.db.dialect === 'postgres' ? '$1' : '?';
  const [row] = (await gw.db.dataSource.query(
    `SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ${placeholder}`,
    [tenantId],
  )) as Array<{ n: string | number }>;
  return Number(row?.n ?? 0);
}

export interface AuditRow {
  action: string;
  targetType: string;
  targetId: string | null;
  actorId: string | null;
  teamId: string | null;
  change: Record<string, unknown>;
}

/** The tenant's audit records with an action, oldest first. */
export async function auditOf(gw: TestGateway, tenantId: string, action: string): Promise<AuditRow[]> {
  const rows = await gw.db.manager.getRepository('AuditEvent').find({
    where: { tenantId, action },
    order: { seq: 'ASC' },
  });
  // entity targets by name are untyped; these are AuditEvent rows
  return rows as AuditRow[];
}
