import { IsNull } from 'typeorm';
import { TeamMembership, Tenant, User } from '../entities/index.js';
import { NotFound } from '../errors.js';
import type { TeamRole } from '../permissions/index.js';
import type { ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { loadFeatures } from './feature-flags.js';
import { effectiveTenantRole, highestTeamRole } from './roles.js';

/** Builds the permission actor of a signed-in user from the database, for every request. */
export class ActorService {
  constructor(private readonly deps: Pick<ServiceDeps, 'db'>) {}

  /** The signed-in user's own profile and tenant, for GET /api/me. */
  async profile(actor: ActorContext): Promise<{ user: User; tenant: Tenant }> {
    if (actor.kind !== 'user') throw new NotFound('user.not_found', 'No signed-in user.');
    const em = this.deps.db.manager;
    const user = await em.findOneByOrFail(User, { tenantId: actor.tenantId, id: actor.userId });
    const tenant = await em.findOneByOrFail(Tenant, { id: actor.tenantId });
    return { user, tenant };
  }

  async forUser(tenantId: string, userId: string, ip: string | null = null): Promise<ActorContext> {
    const em = this.deps.db.manager;
    const user = await em.findOne(User, {
      where: { tenantId, id: userId, removedAt: IsNull(), active: true },
    });
    if (!user) throw new NotFound('user.not_found', 'No such active user.');
    const memberships = await em.find(TeamMembership, { where: { tenantId, userId } });
    const teamRoles: Record<string, TeamRole> = {};
    for (const m of memberships) {
      const role = highestTeamRole(m.role, m.mappedRole);
      if (role) teamRoles[m.teamId] = role;
    }
    const tenantRole = effectiveTenantRole(user);
    return {
      kind: 'user',
      tenantId,
      userId,
      tenantRole,
      teamRoles,
      features: await loadFeatures(em, tenantId),
      label: user.email,
      ip,
    };
  }
}
