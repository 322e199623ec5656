import type { EntityManager } from 'typeorm';
import {
  EgressCheckBody,
  EgressRulesBody,
  type EgressRulesBody as EgressRulesBodyType,
} from '../contracts/security.js';
import type { EgressEffect } from '../contracts/enums.js';
import { EgressRule } from '../entities/index.js';
import { newId } from '../crypto.js';
import { InvalidInput } from '../errors.js';
import type { ApiKeyService } from './api-key.service.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { egressTarget, evaluateEgress, normalizeHostPattern } from './egress-matcher.js';
import { parseInput } from './parse.js';

export interface EgressCheck {
  allowed: boolean;
  rule: EgressRule | null;
  reason: string;
}

/** Seed 000 "action egress controls": an ordered rule list per tenant, and the check the runtime asks. */
export class EgressService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async list(actor: ActorContext): Promise<{ rules: EgressRule[]; unmatched: EgressEffect }> {
    authorize(actor, 'settings:view');
    const rules = await this.rulesOf(this.deps.db.manager, actor.tenantId);
    return { rules, unmatched: unmatchedEffect(rules) };
  }

  /** Replaces the whole ordered list (the SPA edits it as one table, reordering included). */
  async replace(
    actor: ActorContext,
    raw: EgressRulesBodyType,
  ): Promise<{ rules: EgressRule[]; unmatched: EgressEffect }> {
    const input = parseInput(EgressRulesBody, raw);
    authorize(actor, 'egress:edit');
    const normalized = input.rules.map((rule, index) => {
      try {
        return { ...rule, host: normalizeHostPattern(rule.host) };
      } catch (err) {
        if (err instanceof InvalidInput)
          throw new InvalidInput(err.code, `rules.${index}.host: ${err.message}`);
        throw err;
      }
    });
    return this.deps.db.transaction(async (tx) => {
      const before = await this.rulesOf(tx, actor.tenantId);
      const now = this.deps.clock.now();
      const rules = normalized.map((rule, position) =>
        tx.create(EgressRule, {
          id: newId(),
          tenantId: actor.tenantId,
          effect: rule.effect,
          host: rule.host,
          ports: [...new Set(rule.ports)],
          schemes: [...new Set(rule.schemes)],
          position,
          description: rule.description,
          createdAt: now,
        }),
      );
      await tx.delete(EgressRule, { tenantId: actor.tenantId });
      if (rules.length > 0) await tx.insert(EgressRule, rules);
      await this.deps.audit.record(tx, actor, {
        action: 'egress_rules.replaced',
        targetType: 'egress_rules',
        targetId: actor.tenantId,
        change: { before: { rules: before.map(summary) }, after: { rules: rules.map(summary) } },
      });
      return { rules, unmatched: unmatchedEffect(rules) };
    });
  }

  /** The "test a URL" box: owners and managers, who may view the rules. */
  async check(actor: ActorContext, raw: { url: string }): Promise<EgressCheck> {
    const { url } = parseInput(EgressCheckBody, raw);
    authorize(actor, 'settings:view');
    return this.decide(actor.tenantId, url);
  }

  /** The workflow runtime asks with the tenant's API key before an action makes a request. */
  async checkWithApiKey(apiKey: string, raw: { url: string }): Promise<EgressCheck> {
    const { url } = parseInput(EgressCheckBody, raw);
    const principal = await this.apiKeys.authenticate(apiKey);
    return this.decide(principal.tenantId, url);
  }

  private async decide(tenantId: string, url: string): Promise<EgressCheck> {
    const target = egressTarget(url);
    const rules = await this.rulesOf(this.deps.db.manager, tenantId);
    const { allowed, rule } = evaluateEgress(rules, target);
    return { allowed, rule, reason: explainDecision(allowed, rule, rules.length) };
  }

  private rulesOf(em: EntityManager, tenantId: string): Promise<EgressRule[]> {
    return em.find(EgressRule, { where: { tenantId }, order: { position: 'ASC' } });
  }
}

const unmatchedEffect = (rules: readonly EgressRule[]): EgressEffect =>
  rules.some((r) => r.effect === 'allow') ? 'deny' : 'allow';

const summary = (r: EgressRule) => ({ effect: r.effect, host: r.host, ports: r.ports, schemes: r.schemes });

function explainDecision(allowed: boolean, rule: EgressRule | null, ruleCount: number): string {
  if (rule)
    return `${allowed ? 'Allowed' : 'Denied'} by rule ${rule.position + 1} (${rule.effect} ${rule.host}).`;
  if (ruleCount === 0) return 'Allowed: the tenant has no egress rules.';
  return allowed
    ? 'Allowed: no rule matches and the list has only deny rules.'
    : 'Denied: no allow rule matches this URL.';
}
