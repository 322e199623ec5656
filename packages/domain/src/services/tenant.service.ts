import { CreateTenantInput } from '../contracts/inputs.js';
import { DEFAULT_TENANT_SETTINGS, Tenant, type User } from '../entities/index.js';
import { newId } from '../crypto.js';
import { findTenantBySlug } from '../repositories/tenants.repository.js';
import { uniquely } from '../repositories/write.js';
import { systemActor } from './context.js';
import type { ServiceDeps } from './deps.js';
import type { IssuedInvitation } from './invitations.js';
import { parseInput } from './parse.js';
import { createInvitedUser } from './user.service.js';

export type CreatedTenant = { tenant: Tenant; owner: User } & IssuedInvitation;

/** Tenants are created by the operator (CLI); everything inside is run by the tenant's owners. */
export class TenantService {
  constructor(private readonly deps: ServiceDeps) {}

  async create(raw: CreateTenantInput, operator = 'cli'): Promise<CreatedTenant> {
    const input = parseInput(CreateTenantInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const tenant = tx.create(Tenant, {
        id: newId(),
        slug: input.slug,
        name: input.name,
        settings: DEFAULT_TENANT_SETTINGS,
        monthlyEventLimit: null,
        createdAt: now,
        updatedAt: now,
      });
      await uniquely(
        () => tx.insert(Tenant, tenant),
        'tenant.slug_taken',
        `The slug "${input.slug}" is taken.`,
      );
      const actor = systemActor(tenant.id, operator);
      const created = await createInvitedUser(tx, this.deps, {
        tenantId: tenant.id,
        email: input.ownerEmail,
        tenantRole: 'owner',
        teams: [],
        invitedBy: null,
      });
      await this.deps.audit.record(tx, actor, {
        action: 'tenant.created',
        targetType: 'tenant',
        targetId: tenant.id,
        change: { after: { name: input.name, slug: input.slug } },
      });
      await this.deps.audit.record(tx, actor, {
        action: 'user.invited',
        targetType: 'user',
        targetId: created.user.id,
        change: { after: { email: input.ownerEmail, tenantRole: 'owner' } },
      });
      return { tenant, owner: created.user, invitation: created.invitation, token: created.token };
    });
  }

  async findBySlug(slug: string): Promise<Tenant> {
    return findTenantBySlug(this.deps.db.manager, slug);
  }
}
