import { SIGN_IN_FAILURES, type SignInFailureReason } from '@gatehouse/domain/contracts';
import { ApiError } from '../../shared/api/client';
import { describeError } from '../../shared/ui/describe-error';

const isReason = (value: string): value is SignInFailureReason => Object.hasOwn(SIGN_IN_FAILURES, value);

/** `/sign-in?error=<reason>` (set by the gateway after a refused SSO sign-in) in plain words. */
export function signInFailureMessage(reason: string | undefined | null): string | null {
  if (!reason) return null;
  return isReason(reason) ? SIGN_IN_FAILURES[reason] : 'Signing in did not work. Start again.';
}

/** A refused /auth call: its reason code (`auth.link_expired` or `link_expired`) in plain words. */
export function describeSignInError(error: unknown): string {
  if (error instanceof ApiError) {
    const reason = error.code.split('.').at(-1) ?? '';
    if (isReason(reason)) return SIGN_IN_FAILURES[reason];
  }
  return describeError(error);
}
