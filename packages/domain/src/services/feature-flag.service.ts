import { FeatureFlagsBody, type FeatureFlagsView } from '../contracts/settings.js';
import { FEATURE_FLAGS, type FeatureFlagKey } from '../contracts/enums.js';
import { FeatureFlag } from '../entities/index.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

type Flags = FeatureFlagsView['flags'];

/** Seed 000 "Feature flags: Enabling or disabling new features based on your organization's readiness". */
export class FeatureFlagService {
  constructor(private readonly deps: ServiceDeps) {}

  async get(actor: ActorContext): Promise<Flags> {
    authorize(actor, 'settings:view');
    return this.read(actor.tenantId);
  }

  /**
   * Sets the flags named and leaves the others. Turning `cases` off keeps existing case manager
   * memberships; the permission table stops honouring them until it is on again (seed 002: the role
   * "is only available to customers with cases enabled").
   */
  async update(actor: ActorContext, raw: FeatureFlagsBody): Promise<Flags> {
    const { flags } = parseInput(FeatureFlagsBody, raw);
    authorize(actor, 'featureFlags:edit');
    return this.deps.db.transaction(async (tx) => {
      const before = await this.read(actor.tenantId, tx);
      const now = this.deps.clock.now();
      const changed = FEATURE_FLAGS.filter((key) => flags[key] !== undefined && flags[key] !== before[key]);
      if (changed.length === 0) return before;
      await tx.upsert(
        FeatureFlag,
        changed.map((key) => ({
          tenantId: actor.tenantId,
          key,
          enabled: flags[key] === true,
          updatedBy: actor.kind === 'user' ? actor.userId : null,
          updatedAt: now,
        })),
        ['tenantId', 'key'],
      );
      const after = { ...before, ...Object.fromEntries(changed.map((key) => [key, flags[key] === true])) };
      await this.deps.audit.record(tx, actor, {
        action: 'feature_flags.changed',
        targetType: 'feature_flags',
        targetId: actor.tenantId,
        change: { before: pick(before, changed), after: pick(after, changed) },
      });
      return after;
    });
  }

  private async read(tenantId: string, em = this.deps.db.manager): Promise<Flags> {
    const rows = await em.find(FeatureFlag, { where: { tenantId } });
    const on = new Set(rows.filter((r) => r.enabled).map((r) => r.key));
    return Object.fromEntries(FEATURE_FLAGS.map((key) => [key, on.has(key)])) as Flags;
  }
}

const pick = (flags: Flags, keys: FeatureFlagKey[]) =>
  Object.fromEntries(keys.map((key) => [key, flags[key]]));
