// A real OpenID Provider in process (oidc-provider, with its development interactions), a cookie-jar
// browser that drives it without a real browser, and a hook to swap the ID token the token endpoint
// returns — for the attacks a relying party must refuse (wrong audience, expired, foreign key…).
import {
  createPrivateKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  /** Entra's immutable object id, the usual SCIM externalId. */
  oid?: string;
}

export interface IdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

/** Rewrites the ID token the token endpoint answers with: its claims, and optionally the signing key. */
export type IdTokenTamper = (claims: Record<string, unknown>) => {
  claims: Record<string, unknown>;
  key?: KeyObject;
};

export interface TestIdp {
  issuer: string;
  accounts: Map<string, IdpAccount>;
  /** Set to rewrite the next token responses' ID token; reset to undefined after the test. */
  tamper: IdTokenTamper | undefined;
  /** A fresh RSA key that is not the provider's (for "signed by another key"). */
  foreignKey(): KeyObject;
  close(): Promise<void>;
}

export async function startOidcProvider(opts: { clients: IdpClient[] }): Promise<TestIdp> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as JsonWebKey), kid, alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, IdpAccount>();

  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'oid'],
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    // explicit lifetimes (the defaults print a notice each)
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    async findAccount(_ctx: unknown, id: string) {
      return { accountId: id, claims: async () => ({ sub: id, ...(accounts.get(id) ?? {}) }) };
    },
  });

  const idp: TestIdp = {
    issuer,
    accounts,
    tamper: undefined,
    foreignKey: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  provider.use(async (ctx: { path: string; body: unknown }, next: () => Promise<void>) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && idp.tamper && body?.id_token) {
      const original = decodeJwt(body.id_token);
      const { claims, key } = idp.tamper(original);
      ctx.body = {
        ...body,
        id_token: signJwt(claims, key ?? createPrivateKey({ key: jwk, format: 'jwk' }), kid),
      };
    }
  });
  handler = provider.callback();
  return idp;
}

function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/**
 * A browser without a browser: fetch with `redirect: 'manual'` and one cookie jar for every origin
 * (cookies are not port-scoped, and names do not collide between the gateway and the provider).
 */
export class CookieBrowser {
  readonly jar = new Map<string, string>();

  constructor(private readonly headers: Record<string, string> = {}) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) if (!headers.has(k)) headers.set(k, v);
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.absorb(res);
    return res;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  private absorb(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k = '', v = ''] = a.split('=').map((s) => s.trim());
        return (
          (k.toLowerCase() === 'max-age' && Number(v) <= 0) ||
          (k.toLowerCase() === 'expires' && new Date(v).getTime() < Date.now())
        );
      });
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

/**
 * Takes the browser from the IdP's authorization URL through devInteractions' login and consent
 * forms to the redirect back to the relying party; returns that callback URL (not yet followed).
 */
export async function signInAtIdp(
  browser: CookieBrowser,
  authorizationUrl: string,
  login: string,
): Promise<string> {
  const origin = new URL(authorizationUrl).origin;
  let url = authorizationUrl;
  for (let hop = 0; hop < 20; hop++) {
    const res = await browser.request(url);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location') ?? '', url).href;
      if (new URL(next).origin !== origin) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`IdP answered ${res.status}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on the IdP page: ${html.slice(0, 300)}`);
    const prompt =
      /name="prompt" value="([^"]+)"/.exec(html)?.[1] ??
      (html.includes('name="login"') ? 'login' : 'consent');
    const form =
      prompt === 'login'
        ? new URLSearchParams({ prompt: 'login', login, password: 'x' })
        : new URLSearchParams({ prompt: 'consent' });
    const posted = await browser.request(new URL(action, url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (posted.status < 300 || posted.status >= 400) {
      throw new Error(`IdP form post answered ${posted.status}: ${(await posted.text()).slice(0, 300)}`);
    }
    url = new URL(posted.headers.get('location') ?? '', url).href;
    if (new URL(url).origin !== origin) return url;
  }
  throw new Error('too many redirects at the IdP');
}
