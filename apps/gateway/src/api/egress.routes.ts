// Action egress rules (seed 000 "action egress controls"): the ordered list owners edit, and the
// check the workflow runtime asks before a request — with the tenant API key, or from the console.
import {
  EgressCheckBody,
  EgressCheckResult,
  EgressRuleList,
  EgressRulesBody,
  type EgressRuleView,
} from '@gatehouse/domain/contracts';
import { Unauthenticated, type EgressCheck, type Services } from '@gatehouse/domain';
import type { Request } from 'express';
import { defineRoute, type Route } from '../http/define-route.js';
import { currentSession } from '../http/session.js';

const TAG = 'egress';

type Rule = NonNullable<EgressCheck['rule']>;

export function egressRoutes(services: Services): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/egress/rules',
        tag: TAG,
        summary: 'Egress rules in evaluation order, and what happens to a URL none matches',
        response: EgressRuleList,
        action: 'settings:view',
      },
      async ({ actor }) => {
        const { rules, unmatched } = await services.egress.list(actor);
        return { items: rules.map(toRuleView), unmatched };
      },
    ),
    defineRoute(
      {
        method: 'put',
        path: '/egress/rules',
        tag: TAG,
        summary: 'Replace the ordered rule list (first matching rule wins)',
        body: EgressRulesBody,
        response: EgressRuleList,
        action: 'egress:edit',
      },
      async ({ actor, body }) => {
        const { rules, unmatched } = await services.egress.replace(actor, body);
        return { items: rules.map(toRuleView), unmatched };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/egress/check',
        tag: TAG,
        summary:
          'Whether a URL may be reached, and the rule that decided. The workflow runtime sends "Authorization: Bearer <tenant API key>"; the console uses its session',
        body: EgressCheckBody,
        response: EgressCheckResult,
        auth: 'sessionOrApiKey',
      },
      async ({ body, req, res }) => {
        const apiKey = bearerToken(req);
        const session = currentSession(res);
        if (apiKey !== null) return toCheckResult(await services.egress.checkWithApiKey(apiKey, body));
        if (!session) throw new Unauthenticated('auth.required', 'Sign in, or send a tenant API key.');
        return toCheckResult(await services.egress.check(session.actor, body));
      },
    ),
  ];
}

/** `Authorization: Bearer <token>`, or null when the header is absent. */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
  if (!match?.[1]) {
    throw new Unauthenticated('auth.bearer_malformed', 'Send the key as "Authorization: Bearer <key>".');
  }
  return match[1];
}

function toRuleView(r: Rule): EgressRuleView {
  return {
    id: r.id,
    position: r.position,
    effect: r.effect,
    host: r.host,
    ports: r.ports,
    schemes: r.schemes,
    description: r.description,
  };
}

function toCheckResult(c: EgressCheck) {
  return { allowed: c.allowed, rule: c.rule ? toRuleView(c.rule) : null, reason: c.reason };
}
