import { z } from 'zod';
import { Email } from './inputs.js';

// Sign-in (the /auth routes) and the security settings owners edit around it (issue 5).

/**
 * Where a person lands after signing in: a path on our own origin, nothing else. Absolute URLs,
 * protocol-relative `//host`, backslash tricks (`/\host`, which browsers read as `//host`) and
 * control characters all fall back to `/`, so a sign-in link can never bounce someone elsewhere.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (!value.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  if (value.startsWith('//')) return '/';
  const base = 'http://gatehouse.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return '/';
  }
  if (url.origin !== base) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? '/' : path;
}

/** A bearer secret from a link (email sign-in, invitation): URL-safe, bounded. */
export const LinkToken = z
  .string()
  .trim()
  .min(16, 'This link is incomplete.')
  .max(256, 'This link is not valid.')
  .regex(/^[A-Za-z0-9_-]+$/, 'This link is not valid.');

/** `returnTo` (email start): where the link's page sends the person after signing in; checked by safeReturnTo. */
export const SignInEmailInput = z.object({ email: Email, returnTo: z.string().max(1024).optional() });
export type SignInEmailInput = z.infer<typeof SignInEmailInput>;

/** GET /auth/login: the email picks the IdP (home-realm discovery); returnTo is checked by safeReturnTo. */
export const LoginQuery = z.object({ email: Email, returnTo: z.string().max(1024).optional() });
export type LoginQuery = z.infer<typeof LoginQuery>;

export const SIGN_IN_ROUTES = ['sso', 'email'] as const;
export type SignInRoute = (typeof SIGN_IN_ROUTES)[number];

/** GET /auth/discovery: only what the sign-in page needs; it never says whether an account exists. */
export const DiscoveryResponse = z.object({
  method: z.enum(SIGN_IN_ROUTES),
  loginNotice: z.string().nullable(),
});
export type DiscoveryResponse = z.infer<typeof DiscoveryResponse>;

export const LinkTokenInput = z.object({ token: LinkToken });
export type LinkTokenInput = z.infer<typeof LinkTokenInput>;

export const TotpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.');
export const MfaCodeInput = z.object({ code: TotpCode });
export type MfaCodeInput = z.infer<typeof MfaCodeInput>;

/** Recovery codes are shown as `xxxxx-xxxxx` (RFC 4648 base32 letters and digits); the dash is optional. */
export const RecoveryCodeString = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z2-7]{5}-?[a-z2-7]{5}$/, 'Enter one of your recovery codes (xxxxx-xxxxx).');
export const RecoverySignInInput = z.object({ email: Email, code: RecoveryCodeString });
export type RecoverySignInInput = z.infer<typeof RecoverySignInInput>;

/** What a sign-in call answers; the session itself travels in the HttpOnly cookie only. */
export const SignInResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('signed_in'),
    returnTo: z.string(),
    /** Shown once: an owner's break-glass codes, generated at set-up. */
    recoveryCodes: z.array(z.string()).optional(),
  }),
  /** A second factor is due; `enrolment` when the account must set one up first (owners, by policy). */
  z.object({ status: z.literal('mfa_required'), enrolment: z.boolean() }),
  /** The invitation is accepted but this tenant signs in through SSO only. */
  z.object({ status: z.literal('activated'), method: z.literal('sso') }),
]);
export type SignInResponse = z.infer<typeof SignInResponse>;

export const EmailStartResponse = z.object({ status: z.literal('sent'), message: z.string() });
export type EmailStartResponse = z.infer<typeof EmailStartResponse>;

export const AuthSessionResponse = z.object({
  signedIn: z.boolean(),
  user: z
    .object({
      id: z.string(),
      email: z.string(),
      displayName: z.string().nullable(),
      tenantId: z.string(),
      mfaEnabled: z.boolean(),
    })
    .optional(),
  csrfToken: z.string().optional(),
});
export type AuthSessionResponse = z.infer<typeof AuthSessionResponse>;

export const MfaEnrolmentResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
export type MfaEnrolmentResponse = z.infer<typeof MfaEnrolmentResponse>;

export const MfaStatusResponse = z.object({ enabled: z.boolean(), enabledAt: z.string().nullable() });
export type MfaStatusResponse = z.infer<typeof MfaStatusResponse>;

export const RecoveryCodesResponse = z.object({ codes: z.array(z.string()) });
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponse>;

/** `redirectTo`: the IdP's end-session URL when the session came through SSO and the IdP has one. */
export const LogoutResponse = z.object({ redirectTo: z.string().nullable() });
export type LogoutResponse = z.infer<typeof LogoutResponse>;

/** Why a sign-in was refused; stored on the sign-in event and sent to /sign-in?error=<reason>. */
export const SIGN_IN_FAILURES = {
  unknown_domain: 'Single sign-on is not set up for this email domain. Sign in with an email link instead.',
  sso_not_enabled: 'Single sign-on is not enabled for your organisation. Sign in with an email link instead.',
  missing_state_cookie:
    'Your sign-in could not be matched to this browser. Start again from the sign-in page (cookies must be allowed).',
  auth_request_invalid:
    'This sign-in attempt has expired or was already used. Start again from the sign-in page.',
  state_mismatch: 'This sign-in response does not belong to your sign-in attempt. Start again.',
  nonce_mismatch: 'The identity provider’s answer did not match your sign-in attempt. Start again.',
  audience_mismatch: 'The identity provider’s answer was meant for another application.',
  issuer_mismatch: 'The answer did not come from your organisation’s identity provider.',
  id_token_expired: 'The identity provider’s answer has expired. Start again.',
  bad_signature: 'The identity provider’s answer could not be verified.',
  code_rejected: 'The identity provider refused this sign-in (the code was already used or has expired).',
  idp_error: 'Your identity provider did not sign you in.',
  idp_unreachable: 'Your identity provider could not be reached. Try again in a moment.',
  token_validation_failed: 'The identity provider’s answer could not be validated.',
  missing_claims: 'Your identity provider did not say who you are (missing claims).',
  email_outside_domains: 'Your email address is not within the domains of this single sign-on connection.',
  unknown_user:
    'You do not have an account here yet. Ask an owner or manager of your organisation to invite you.',
  identity_linked_elsewhere: 'This identity is already linked to another account.',
  account_linked_to_other_identity:
    'Your account is already linked to a different identity at this identity provider. Ask an owner for help.',
  account_exists_unlinked:
    'An account with this email exists but is not linked to your identity provider. Ask an owner to link it.',
  user_deactivated: 'Your account is deactivated. Contact an owner or manager of your organisation.',
  user_removed: 'Your account was removed from this organisation.',
  invitation_pending: 'Accept the invitation email you received before signing in.',
  ip_not_allowed: 'Your network address is not on your organisation’s allowlist.',
  method_not_allowed: 'Your organisation does not allow this way of signing in.',
  unknown_account: 'No account could be signed in with this address.',
  link_invalid: 'This sign-in link is not valid. Ask for a new one.',
  link_expired: 'This sign-in link has expired. Ask for a new one.',
  link_used: 'This sign-in link was already used. Ask for a new one.',
  invitation_invalid: 'This invitation link is invalid or has expired.',
  mfa_pending_invalid: 'This sign-in step has expired. Start again from the sign-in page.',
  mfa_not_enrolled: 'Set up your authenticator app first.',
  mfa_invalid: 'That code is not right. Check your authenticator app and try again.',
  mfa_code_reused: 'That code was just used. Wait for the next one.',
  mfa_locked: 'Too many wrong codes. Start again from the sign-in page.',
  recovery_code_invalid: 'That recovery code is not valid.',
  recovery_not_allowed: 'Recovery codes are for tenant owners only.',
  invalid_request: 'The sign-in request was incomplete or malformed. Start again from the sign-in page.',
} as const satisfies Record<string, string>;
export type SignInFailureReason = keyof typeof SIGN_IN_FAILURES;

// ---- a user's identity card and the outbox ----

export const IdentityCardView = z.object({
  userId: z.string(),
  email: z.string(),
  source: z.string(),
  /** SCIM `id` is the user id; `externalId` is the IdP's immutable id for the person. */
  scim: z.object({ id: z.string(), externalId: z.string().nullable(), lastSyncedAt: z.string().nullable() }),
  identities: z.array(
    z.object({
      connectionId: z.string(),
      connectionName: z.string().nullable(),
      issuer: z.string(),
      subject: z.string(),
      linkedAt: z.string(),
      lastUsedAt: z.string().nullable(),
    }),
  ),
  lastSignInAt: z.string().nullable(),
  mfaEnabled: z.boolean(),
  activeSessions: z.number().int(),
});
export type IdentityCardView = z.infer<typeof IdentityCardView>;

export const OutboxListQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type OutboxListQuery = z.input<typeof OutboxListQuery>;

export const OutboxMessageView = z.object({
  id: z.string(),
  to: z.string(),
  from: z.string(),
  subject: z.string(),
  text: z.string(),
  template: z.string(),
  sentAt: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export const OutboxPage = z.object({ items: z.array(OutboxMessageView), nextCursor: z.string().nullable() });
export type OutboxPage = z.infer<typeof OutboxPage>;
