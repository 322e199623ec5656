import type {
  DiscoveryResponse,
  EmailStartResponse,
  LinkTokenInput,
  LogoutResponse,
  MeResponse,
  MfaCodeInput,
  MfaEnrolmentResponse,
  RecoverySignInInput,
  SignInEmailInput,
  SignInResponse,
} from '@gatehouse/domain/contracts';
import { route } from '../../shared/api/client';

export const meRoute = route<MeResponse>('GET', '/api/me');

/** The sign-in endpoints under /auth (issue 5); they are not part of /api/openapi.json. */
export const authRoutes = {
  discovery: route<DiscoveryResponse, { query: { email: string } }>('GET', '/auth/discovery'),
  startEmail: route<EmailStartResponse, { body: SignInEmailInput & { returnTo?: string } }>(
    'POST',
    '/auth/email/start',
  ),
  verifyEmail: route<SignInResponse, { body: LinkTokenInput }>('POST', '/auth/email/verify'),
  acceptInvitation: route<SignInResponse, { body: LinkTokenInput }>('POST', '/auth/invitations/accept'),
  mfaVerify: route<SignInResponse, { body: MfaCodeInput }>('POST', '/auth/mfa/verify'),
  mfaEnrol: route<MfaEnrolmentResponse>('POST', '/auth/mfa/enrol'),
  recovery: route<SignInResponse, { body: RecoverySignInInput }>('POST', '/auth/recovery'),
  logout: route<LogoutResponse>('POST', '/auth/logout'),
};

/** GET /auth/login redirects the browser to the identity provider (home-realm discovery). */
export function ssoLoginUrl(email: string, returnTo?: string): string {
  const query = new URLSearchParams({ email });
  if (returnTo && returnTo !== '/') query.set('returnTo', returnTo);
  return `/auth/login?${query.toString()}`;
}
