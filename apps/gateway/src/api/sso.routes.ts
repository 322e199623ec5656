// SSO connections (seed 000 "set up how users log in … through single sign-on"; `sso:manage` is the
// owner's): set-up with the redirect URIs to register at the IdP, edits, deletion and a discovery test.
// The client secret is write-only: responses say whether one is set, never what it is.
import {
  CreateSsoConnectionBody,
  SsoConnectionIdParams,
  SsoConnectionList,
  SsoConnectionView,
  SsoTestResult,
  TestSsoIssuerBody,
  UpdateSsoConnectionBody,
  type SsoConnectionView as SsoConnectionViewBody,
} from '@gatehouse/domain/contracts';
import type { SsoConnection } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import type { RouterDeps } from '../http/deps.js';
import { ssoRedirectUris } from '../config.js';

const TAG = 'sso';

export function ssoRoutes({ services, config }: Pick<RouterDeps, 'services' | 'config'>): Route[] {
  const uris = ssoRedirectUris(config);
  const view = (c: SsoConnection): SsoConnectionViewBody => toConnectionView(c, uris);
  return [
    defineRoute(
      {
        method: 'get',
        path: '/sso/connections',
        tag: TAG,
        summary: 'SSO connections and the redirect URIs to register at the IdP',
        response: SsoConnectionList,
        action: 'settings:view',
      },
      async ({ actor }) => ({ ...uris, items: (await services.ssoAdmin.list(actor)).map(view) }),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/sso/connections',
        tag: TAG,
        summary: 'Set up an OIDC connection (an email domain another connection claims is a 409)',
        body: CreateSsoConnectionBody,
        response: SsoConnectionView,
        status: 201,
        action: 'sso:manage',
      },
      async ({ actor, body }) => view(await services.ssoConnections.configure(actor, body)),
    ),
    defineRoute(
      {
        method: 'post',
        path: '/sso/test',
        tag: TAG,
        summary: 'Run OIDC discovery against an issuer before saving; failures are reported, not raised',
        body: TestSsoIssuerBody,
        response: SsoTestResult,
        action: 'sso:manage',
      },
      async ({ actor, body }) => services.ssoAdmin.testIssuer(actor, body),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/sso/connections/:connectionId',
        tag: TAG,
        summary: 'One SSO connection',
        params: SsoConnectionIdParams,
        response: SsoConnectionView,
        action: 'settings:view',
      },
      async ({ actor, params }) => view(await services.ssoAdmin.get(actor, params.connectionId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/sso/connections/:connectionId',
        tag: TAG,
        summary: 'Change a connection; send clientSecret only to replace it',
        params: SsoConnectionIdParams,
        body: UpdateSsoConnectionBody,
        response: SsoConnectionView,
        action: 'sso:manage',
      },
      async ({ actor, params, body }) =>
        view(await services.ssoAdmin.update(actor, params.connectionId, body)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/sso/connections/:connectionId',
        tag: TAG,
        summary: 'Delete a connection and release its email domains',
        params: SsoConnectionIdParams,
        status: 204,
        action: 'sso:manage',
      },
      async ({ actor, params }) => {
        await services.ssoAdmin.remove(actor, params.connectionId);
        return undefined;
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/sso/connections/:connectionId/test',
        tag: TAG,
        summary: 'Run OIDC discovery against a saved connection’s issuer',
        params: SsoConnectionIdParams,
        response: SsoTestResult,
        action: 'sso:manage',
      },
      async ({ actor, params }) => services.ssoAdmin.test(actor, params.connectionId),
    ),
  ];
}

function toConnectionView(c: SsoConnection, uris: ReturnType<typeof ssoRedirectUris>): SsoConnectionViewBody {
  return {
    id: c.id,
    name: c.name,
    issuer: c.issuer,
    clientId: c.clientId,
    clientSecretSet: c.clientSecretEncrypted.length > 0,
    domains: c.domains,
    jitEnabled: c.jitEnabled,
    linkClaim: c.linkClaim,
    linkByVerifiedEmail: c.linkByVerifiedEmail,
    groupsClaim: c.groupsClaim,
    enabled: c.enabled,
    redirectUri: uris.redirectUri,
    postLogoutRedirectUri: uris.postLogoutRedirectUri,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
