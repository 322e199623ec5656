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
