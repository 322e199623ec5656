import { randomBytes } from 'node:crypto';
import { ManualClock } from '../src/clock.js';
import type { Database } from '../src/database.js';
import type { Tenant, User } from '../src/entities/index.js';
import type { TeamRole, TenantRole } from '../src/permissions/index.js';
import { createServices, systemActor, type ActorContext, type Services } from '../src/services/index.js';

export interface TestWorld {
  services: Services;
  clock: ManualClock;
}

export function makeServices(db: Database): TestWorld {
  const clock = new ManualClock();
  return { services: createServices(db, { encryptionKey: randomBytes(32), clock }), clock };
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export interface MadeTenant {
  tenant: Tenant;
  owner: User;
  ownerActor: ActorContext;
  system: ActorContext;
}

/** A tenant whose owner has accepted their invitation. */
export async function makeTenant({ services }: TestWorld, slug = unique('t')): Promise<MadeTenant> {
  const created = await services.tenants.create({
    name: `Tenant ${slug}`,
    slug,
    ownerEmail: `owner@${slug}.test`,
  });
  const owner = await services.users.acceptInvitation(created.token);
  return {
    tenant: created.tenant,
    owner,
    ownerActor: await services.actors.forUser(created.tenant.id, owner.id),
    system: systemActor(created.tenant.id, 'test'),
  };
}

/** An active user with the given tenant role, optionally on teams. */
export async function makeUser(
  { services }: TestWorld,
  t: MadeTenant,
  opts: { tenantRole?: TenantRole; teams?: Array<{ teamId: string; role: TeamRole }>; email?: string } = {},
): Promise<{ user: User; actor: () => Promise<ActorContext> }> {
  const email = opts.email ?? `${unique('u')}@${t.tenant.slug}.test`;
  const invited = await services.users.invite(t.system, {
    email,
    tenantRole: opts.tenantRole ?? 'member',
    teams: opts.teams ?? [],
  });
  const user = await services.users.acceptInvitation(invited.token);
  return { user, actor: () => services.actors.forUser(t.tenant.id, user.id) };
}

/** Counts rows of a table (for "nothing was written" assertions). */
export async function countRows(db: Database, table: string): Promise<number> {
  const [row] = await db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}
