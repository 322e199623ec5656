import type { EntityManager } from 'typeorm';
import { Tenant } from '../entities/index.js';
import { NotFound } from '../errors.js';
import { forUpdate } from './lock.js';

export async function findTenantBySlug(em: EntityManager, slug: string): Promise<Tenant> {
  const tenant = await em.findOne(Tenant, { where: { slug } });
  if (!tenant) throw new NotFound('tenant.not_found', `No tenant with slug "${slug}".`);
  return tenant;
}

/** Locks the tenant row: tenant-wide invariants (the last owner) are checked under it. */
export async function lockTenant(tx: EntityManager, tenantId: string): Promise<Tenant> {
  const tenant = await forUpdate(
    tx,
    tx.createQueryBuilder(Tenant, 't').where('t.id = :tenantId', { tenantId }),
  ).getOne();
  if (!tenant) throw new NotFound('tenant.not_found', 'No such tenant.');
  return tenant;
}

/**
 * The tenant lock alone, for work ordered under it that reads none of the tenant's columns
 * (mapped-role recomputes; a SCIM group write takes it with the group's, `lockedGroup`): one row
 * lock on PostgreSQL; nothing on SQLite, whose transactions begin IMMEDIATE and so already exclude
 * every other writer. Tenants are never deleted, so the row is there.
 */
export async function lockTenantRow(tx: EntityManager, tenantId: string): Promise<void> {
  if (tx.connection.options.type !== 'postgres') return;
  const rows: unknown[] = await tx.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
  if (rows.length === 0) throw new NotFound('tenant.not_found', 'No such tenant.');
}
