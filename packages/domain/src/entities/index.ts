// The only list of entities (STYLE §5).
import { ProvisioningLogEntry } from './provisioning-log-entry.entity.js';
import { RateLimitCounter } from './rate-limit-counter.entity.js';
import { EmailSignInToken } from './email-sign-in-token.entity.js';
import { RecoveryCode } from './recovery-code.entity.js';
import { AuthRequest } from './auth-request.entity.js';
import { OutboxMessage } from './outbox-message.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { AiProviderSetting } from './ai-provider-setting.entity.js';
import { ApiKey } from './api-key.entity.js';
import { AuditChainHead } from './audit-chain-head.entity.js';
import { AuditEvent } from './audit-event.entity.js';
import { Branding } from './branding.entity.js';
import { Case } from './case.entity.js';
import { Credential } from './credential.entity.js';
import { Dashboard } from './dashboard.entity.js';
import { EgressRule } from './egress-rule.entity.js';
import { FeatureFlag } from './feature-flag.entity.js';
import { Group } from './group.entity.js';
import { GroupMapping } from './group-mapping.entity.js';
import { GroupMember } from './group-member.entity.js';
import { InstanceSecret } from './instance-secret.entity.js';
import { IntegrationSetting } from './integration-setting.entity.js';
import { Invitation } from './invitation.entity.js';
import { IpAllowlistEntry } from './ip-allowlist-entry.entity.js';
import { ObjectShare } from './object-share.entity.js';
import { Resource } from './resource.entity.js';
import { ScimToken } from './scim-token.entity.js';
import { Session } from './session.entity.js';
import { SignInEvent } from './sign-in-event.entity.js';
import { SsoConnection } from './sso-connection.entity.js';
import { SsoDomain } from './sso-domain.entity.js';
import { Story } from './story.entity.js';
import { Team } from './team.entity.js';
import { TeamAllocation } from './team-allocation.entity.js';
import { TeamMembership } from './team-membership.entity.js';
import { Tenant } from './tenant.entity.js';
import { UsageCounter } from './usage-counter.entity.js';
import { User } from './user.entity.js';
import { UserIdentity } from './user-identity.entity.js';

export {
  ProvisioningLogEntry,
  RateLimitCounter,
  EmailSignInToken,
  RecoveryCode,
  AuthRequest,
  OutboxMessage,
  WebhookDelivery,
  AiProviderSetting,
  ApiKey,
  AuditChainHead,
  AuditEvent,
  Branding,
  Case,
  Credential,
  Dashboard,
  EgressRule,
  FeatureFlag,
  Group,
  GroupMapping,
  GroupMember,
  InstanceSecret,
  IntegrationSetting,
  Invitation,
  IpAllowlistEntry,
  ObjectShare,
  Resource,
  ScimToken,
  Session,
  SignInEvent,
  SsoConnection,
  SsoDomain,
  Story,
  Team,
  TeamAllocation,
  TeamMembership,
  Tenant,
  UsageCounter,
  User,
  UserIdentity,
};
export type { TenantSettings } from './tenant.entity.js';
export { DEFAULT_TENANT_SETTINGS } from './tenant.entity.js';
export type { AuditChange } from './audit-event.entity.js';
export type { InvitedTeam } from './invitation.entity.js';

export const ENTITIES = [
  ProvisioningLogEntry,
  RateLimitCounter,
  EmailSignInToken,
  RecoveryCode,
  AuthRequest,
  OutboxMessage,
  WebhookDelivery,
  AiProviderSetting,
  ApiKey,
  AuditChainHead,
  AuditEvent,
  Branding,
  Case,
  Credential,
  Dashboard,
  EgressRule,
  FeatureFlag,
  Group,
  GroupMapping,
  GroupMember,
  InstanceSecret,
  IntegrationSetting,
  Invitation,
  IpAllowlistEntry,
  ObjectShare,
  Resource,
  ScimToken,
  Session,
  SignInEvent,
  SsoConnection,
  SsoDomain,
  Story,
  Team,
  TeamAllocation,
  TeamMembership,
  Tenant,
  UsageCounter,
  User,
  UserIdentity,
];
