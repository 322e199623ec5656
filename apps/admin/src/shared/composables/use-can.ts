import { explain, type Action, type Target } from '@gatehouse/domain/permissions';
import { useSessionStore } from '../../features/auth/session.store';

/**
 * The permission table's answers for the signed-in actor (STYLE §4). Both functions read the session
 * store, so a template that calls them re-renders when the actor changes: use them in `v-if` and
 * `:disabled`, never in a directive that runs once on mount.
 */
export function useCan() {
  const session = useSessionStore();

  function why(action: Action, target: Target = {}): string | null {
    const actor = session.actor;
    if (!actor) return 'Sign in to continue.';
    const decision = explain(actor, action, target);
    return decision.allowed ? null : decision.reason;
  }

  function can(action: Action, target: Target = {}): boolean {
    return why(action, target) === null;
  }

  return { can, why };
}
