import type { Actor } from '../permissions/index.js';
import { explain, type Action, type Target } from '../permissions/index.js';
import { PermissionDenied } from '../errors.js';

/**
 * Who is acting, as services receive it: the permission actor plus what the audit log records
 * about them (a readable label, the client address). Travels as an argument, never on shared objects.
 */
export type ActorContext = Actor & { label?: string; ip?: string | null };

export function actorLabel(actor: ActorContext): string {
  if (actor.kind === 'provisioner') return `scim:${actor.label}`;
  if (actor.label) return actor.label;
  if (actor.kind === 'system') return 'system';
  return actor.userId;
}

export function actorId(actor: ActorContext): string | null {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'provisioner') return actor.tokenId;
  return null;
}

/** The operator (CLI) acting on one tenant. */
export const systemActor = (tenantId: string, label = 'cli'): ActorContext => ({
  kind: 'system',
  tenantId,
  label,
});

/** Throws `PermissionDenied` with the table's reason ("Requires tenant owner."). */
export function authorize(actor: ActorContext, action: Action, target: Target = {}): void {
  const verdict = explain(actor, action, target);
  if (!verdict.allowed)
    throw new PermissionDenied('permission.denied', verdict.reason, { action, requires: verdict.requires });
}
