import type {
  AuthMethodsBody,
  AuthMethodsView,
  ConfigureSsoInput,
  CreatedScimToken,
  CreateScimTokenInput,
  EgressCheckResult,
  EgressRuleList,
  EgressRulesBody,
  GroupMappingDryRunBody,
  GroupMappingDryRunResult,
  GroupMappingInput,
  GroupMappingList,
  GroupMappingView,
  ProvisioningLogPage,
  ProvisioningLogQuery,
  ScimTokenList,
  SessionPolicyBody,
  SessionPolicyView,
  SsoConnectionList,
  SsoConnectionView,
  SsoTestResult,
  IpAllowlistBody,
  IpAllowlistView,
  UpdateSsoConnectionBody,
} from '@gatehouse/domain/contracts';
import { route, type Infer } from '../../shared/api/client';

type Connection = { params: { connectionId: string } };

/** Security configuration (issue 6 "Security and configuration"; seed 000 "Security configuration"). */
export const securityRoutes = {
  authMethods: route<AuthMethodsView>('GET', '/api/settings/auth-methods'),
  setAuthMethods: route<AuthMethodsView, { body: AuthMethodsBody }>('PUT', '/api/settings/auth-methods'),
  sessionPolicy: route<SessionPolicyView>('GET', '/api/settings/session-policy'),
  setSessionPolicy: route<SessionPolicyView, { body: SessionPolicyBody }>(
    'PUT',
    '/api/settings/session-policy',
  ),
  ipAllowlist: route<IpAllowlistView>('GET', '/api/settings/ip-allowlist'),
  setIpAllowlist: route<IpAllowlistView, { body: IpAllowlistBody }>('PUT', '/api/settings/ip-allowlist'),

  ssoConnections: route<Infer<typeof SsoConnectionList>>('GET', '/api/sso/connections'),
  createSso: route<SsoConnectionView, { body: ConfigureSsoInput }>('POST', '/api/sso/connections'),
  updateSso: route<SsoConnectionView, Connection & { body: UpdateSsoConnectionBody }>(
    'PATCH',
    '/api/sso/connections/:connectionId',
  ),
  deleteSso: route<undefined, Connection>('DELETE', '/api/sso/connections/:connectionId'),
  testSso: route<SsoTestResult, { body: { issuer: string } }>('POST', '/api/sso/test'),

  scimTokens: route<ScimTokenList>('GET', '/api/scim/tokens'),
  createScimToken: route<CreatedScimToken, { body: CreateScimTokenInput }>('POST', '/api/scim/tokens'),
  revokeScimToken: route<undefined, { params: { tokenId: string } }>('DELETE', '/api/scim/tokens/:tokenId'),
  groupMappings: route<Infer<typeof GroupMappingList>>('GET', '/api/scim/group-mappings'),
  createGroupMapping: route<GroupMappingView, { body: GroupMappingInput }>(
    'POST',
    '/api/scim/group-mappings',
  ),
  deleteGroupMapping: route<undefined, { params: { mappingId: string } }>(
    'DELETE',
    '/api/scim/group-mappings/:mappingId',
  ),
  dryRunGroupMappings: route<GroupMappingDryRunResult, { body: GroupMappingDryRunBody }>(
    'POST',
    '/api/scim/group-mappings/dry-run',
  ),
  provisioningLog: route<Infer<typeof ProvisioningLogPage>, { query: ProvisioningLogQuery }>(
    'GET',
    '/api/scim/provisioning-log',
  ),

  egressRules: route<EgressRuleList>('GET', '/api/egress/rules'),
  setEgressRules: route<EgressRuleList, { body: EgressRulesBody }>('PUT', '/api/egress/rules'),
  checkEgress: route<EgressCheckResult, { body: { url: string } }>('POST', '/api/egress/check'),
};
