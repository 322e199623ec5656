import type {
  AuthMethodsBody,
  ConfigureSsoInput,
  IpAllowlistBody,
  SessionPolicyBody,
  UpdateSsoConnectionBody,
  EgressRulesBody,
  GroupMappingDryRunBody,
  GroupMappingInput,
  ProvisioningLogEntryView,
  ProvisioningLogFilter,
} from '@gatehouse/domain/contracts';
import { defineStore } from 'pinia';
import { call } from '../../shared/api/client';
import { useKeysetList } from '../../shared/composables/use-keyset-list';
import { useResource } from '../../shared/composables/use-resource';
import { securityRoutes } from './security.api';

/** The security area: sign-in methods, SSO, SCIM, session policy, IP allowlist and egress rules. */
export const useSecurityStore = defineStore('security', () => {
  const authMethods = useResource(() => call(securityRoutes.authMethods));
  const sessionPolicy = useResource(() => call(securityRoutes.sessionPolicy));
  const ipAllowlist = useResource(() => call(securityRoutes.ipAllowlist));
  const sso = useResource(() => call(securityRoutes.ssoConnections));
  const scimTokens = useResource(() => call(securityRoutes.scimTokens));
  const groupMappings = useResource(() => call(securityRoutes.groupMappings));
  const egress = useResource(() => call(securityRoutes.egressRules));
  const provisioningLog = useKeysetList<ProvisioningLogEntryView, ProvisioningLogFilter>((filters, cursor) =>
    call(securityRoutes.provisioningLog, { query: { ...filters, limit: 50, cursor: cursor ?? undefined } }),
  );

  async function saveAuthMethods(body: AuthMethodsBody): Promise<void> {
    authMethods.set(await call(securityRoutes.setAuthMethods, { body }));
  }

  async function saveSessionPolicy(body: SessionPolicyBody): Promise<void> {
    sessionPolicy.set(await call(securityRoutes.setSessionPolicy, { body }));
  }

  async function saveIpAllowlist(body: IpAllowlistBody): Promise<void> {
    ipAllowlist.set(await call(securityRoutes.setIpAllowlist, { body }));
  }

  async function createSso(body: ConfigureSsoInput): Promise<void> {
    await call(securityRoutes.createSso, { body });
    await sso.load();
  }

  async function updateSso(connectionId: string, body: UpdateSsoConnectionBody): Promise<void> {
    await call(securityRoutes.updateSso, { params: { connectionId }, body });
    await sso.load();
  }

  async function deleteSso(connectionId: string): Promise<void> {
    await call(securityRoutes.deleteSso, { params: { connectionId } });
    await sso.load();
  }

  const testSso = (issuer: string) => call(securityRoutes.testSso, { body: { issuer } });

  async function createScimToken(name: string) {
    const created = await call(securityRoutes.createScimToken, { body: { name } });
    const current = scimTokens.data.value;
    scimTokens.set({
      scimBaseUrl: created.scimBaseUrl,
      items: [created.item, ...(current?.items ?? [])],
    });
    return created;
  }

  async function revokeScimToken(tokenId: string): Promise<void> {
    await call(securityRoutes.revokeScimToken, { params: { tokenId } });
    await scimTokens.load();
  }

  async function addGroupMapping(body: GroupMappingInput): Promise<void> {
    await call(securityRoutes.createGroupMapping, { body });
    await groupMappings.load();
  }

  async function removeGroupMapping(mappingId: string): Promise<void> {
    await call(securityRoutes.deleteGroupMapping, { params: { mappingId } });
    await groupMappings.load();
  }

  const dryRun = (body: GroupMappingDryRunBody) => call(securityRoutes.dryRunGroupMappings, { body });

  async function saveEgressRules(body: EgressRulesBody): Promise<void> {
    egress.set(await call(securityRoutes.setEgressRules, { body }));
  }

  const checkEgress = (url: string) => call(securityRoutes.checkEgress, { body: { url } });

  return {
    authMethods,
    sessionPolicy,
    ipAllowlist,
    sso,
    scimTokens,
    groupMappings,
    egress,
    provisioningLog,
    saveAuthMethods,
    saveSessionPolicy,
    saveIpAllowlist,
    createSso,
    updateSso,
    deleteSso,
    testSso,
    createScimToken,
    revokeScimToken,
    addGroupMapping,
    removeGroupMapping,
    dryRun,
    saveEgressRules,
    checkEgress,
  };
});
