// The relying party (openid-client 6): discovery per connection, the authorization request (code +
// PKCE S256 + state + nonce) and the callback's validation. Only IdP metadata is cached in memory
// (per replica, keyed by connection and its last change); what must be shared lives in AuthRequest.
import type { IdpAssertion, PendingSso, SsoClientSettings } from '@gatehouse/domain';
import type { SignInFailureReason } from '@gatehouse/domain/contracts';
import * as client from 'openid-client';
import type { Logger } from '../logger.js';

/** Why the IdP's side of a sign-in failed; the reason goes on the sign-in event. */
export class OidcFailure extends Error {
  constructor(
    readonly reason: SignInFailureReason,
    options?: { cause?: unknown },
  ) {
    super(`OIDC sign-in failed: ${reason}`, options);
  }
}

const SCOPE = 'openid email profile';
const HTTP_TIMEOUT_SECONDS = 10;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export class OidcClients {
  private readonly cache = new Map<string, { version: number; config: Promise<client.Configuration> }>();

  constructor(
    private readonly logger: Logger,
    /** Discovery, token, JWKS and userinfo requests: to public addresses only (http/outbound.ts). */
    private readonly fetchImpl: typeof fetch,
  ) {}

  /** The discovered configuration of a connection, re-discovered when the connection changes. */
  async configuration(settings: SsoClientSettings): Promise<client.Configuration> {
    const version = settings.updatedAt.getTime();
    const cached = this.cache.get(settings.connectionId);
    if (cached?.version === version) return cached.config;
    const config = this.discover(settings);
    this.cache.set(settings.connectionId, { version, config });
    // a failed discovery is not remembered: the next sign-in tries again
    config.catch(() => {
      if (this.cache.get(settings.connectionId)?.config === config) this.cache.delete(settings.connectionId);
    });
    return config;
  }

  async authorizationRequest(
    settings: SsoClientSettings,
    redirectUri: string,
    loginHint: string,
  ): Promise<AuthorizationRequest> {
    const config = await this.configuration(settings);
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      login_hint: loginHint,
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Validates the callback against the pending request — state, the IdP's `iss`, code exchange with
   * the PKCE verifier, and the ID token's signature, issuer, audience, expiry and nonce — and returns
   * its claims, completed from userinfo where the ID token leaves claims out, with the ID token.
   */
  async exchange(pending: PendingSso, currentUrl: URL): Promise<IdpAssertion> {
    const config = await this.configuration(pending.connection).catch((err: unknown) => {
      throw new OidcFailure('idp_unreachable', { cause: err });
    });
    try {
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new OidcFailure('missing_claims');
      const idToken = tokens.id_token ?? null;
      if (!tokens.access_token || !config.serverMetadata().userinfo_endpoint)
        return { claims: { ...claims }, idToken };
      // The subject must match the ID token's (OIDC Core 5.3.2); the ID token's claims win.
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      return { claims: { ...info, ...claims }, idToken };
    } catch (err) {
      if (err instanceof OidcFailure) throw err;
      throw new OidcFailure(reasonFor(err), { cause: err });
    }
  }

  /**
   * The IdP's end-session URL for a sign-out, if its metadata has one (RP-Initiated Logout 1.0):
   * `client_id`, and the session's ID token as `id_token_hint` when it kept one. Okta refuses a
   * sign-out without the hint; Entra ID asks which account to sign out.
   */
  async endSessionUrl(
    settings: SsoClientSettings,
    postLogoutRedirectUri: string,
    idTokenHint: string | null,
  ): Promise<string | null> {
    try {
      const config = await this.configuration(settings);
      if (!config.serverMetadata().end_session_endpoint) return null;
      const parameters: Record<string, string> = { post_logout_redirect_uri: postLogoutRedirectUri };
      if (idTokenHint) parameters['id_token_hint'] = idTokenHint;
      return client.buildEndSessionUrl(config, parameters).toString();
    } catch (err) {
      this.logger.warn({ err, connectionId: settings.connectionId }, 'No end-session URL for the IdP');
      return null;
    }
  }

  private async discover(settings: SsoClientSettings): Promise<client.Configuration> {
    const issuer = new URL(settings.issuer);
    // Plain http only for an IdP on this machine (tests, local development): anywhere else it would
    // carry codes and tokens in the clear.
    const insecure = issuer.protocol === 'http:';
    if (insecure && !LOOPBACK_HOSTS.has(issuer.hostname)) {
      throw new Error(`Refusing the plain-http issuer ${issuer.origin}: use https.`);
    }
    const config = await client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: HTTP_TIMEOUT_SECONDS,
      [client.customFetch]: this.fetchImpl,
    });
    // Every later request of the connection (token, JWKS, userinfo) too.
    config[client.customFetch] = this.fetchImpl;
    // openid-client does not check the signature of an ID token taken straight from the token
    // endpoint (OIDC Core 3.1.3.7 lets it rely on TLS); Gatehouse checks it anyway.
    client.enableNonRepudiationChecks(config);
    return config;
  }
}

/** Maps openid-client's errors (oauth4webapi codes and the claim at fault) to a sign-in reason. */
export function reasonFor(err: unknown): SignInFailureReason {
  if (err instanceof client.AuthorizationResponseError) return 'idp_error';
  if (err instanceof client.ResponseBodyError)
    return err.error === 'invalid_grant' ? 'code_rejected' : 'idp_error';
  if (!(err instanceof client.ClientError)) {
    return err instanceof TypeError ? 'idp_unreachable' : 'token_validation_failed';
  }
  const cause = err.cause as { message?: string; cause?: { claim?: string; attribute?: string } } | undefined;
  const claim = cause?.cause?.claim;
  const detail = `${err.message} ${cause?.message ?? ''}`;
  switch (err.code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      if (claim === 'nonce') return 'nonce_mismatch';
      if (claim === 'aud' || claim === 'azp') return 'audience_mismatch';
      if (claim === 'iss') return 'issuer_mismatch';
      return 'token_validation_failed';
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return claim === 'exp' ? 'id_token_expired' : 'token_validation_failed';
    case 'OAUTH_KEY_SELECTION_FAILED':
      return 'bad_signature';
    case 'OAUTH_INVALID_RESPONSE':
      if (/"state"/.test(detail)) return 'state_mismatch';
      if (/signature/i.test(detail)) return 'bad_signature';
      if (/"iss"/.test(detail)) return 'issuer_mismatch';
      return 'token_validation_failed';
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return cause?.cause?.attribute === 'issuer' ? 'issuer_mismatch' : 'token_validation_failed';
    case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
      return 'idp_unreachable';
    default:
      return 'token_validation_failed';
  }
}
