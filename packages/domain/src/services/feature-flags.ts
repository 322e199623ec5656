import type { EntityManager } from 'typeorm';
import { FeatureFlag } from '../entities/index.js';
import type { Features } from '../permissions/index.js';
import type { TeamRole } from '../permissions/index.js';
import { InvalidInput } from '../errors.js';

export async function loadFeatures(em: EntityManager, tenantId: string): Promise<Features> {
  const flags = await em.find(FeatureFlag, { where: { tenantId, enabled: true } });
  const on = new Set(flags.map((f) => f.key));
  return { cases: on.has('cases'), customObjectSharing: on.has('custom_object_sharing') };
}

/** Seed 002: the case manager role "is only available to customers with cases enabled". */
export function assertRoleAvailable(role: TeamRole, features: Features): void {
  if (role === 'case_manager' && !features.cases) {
    throw new InvalidInput(
      'team.role_unavailable',
      'The case manager role needs cases to be enabled for the tenant.',
    );
  }
}
