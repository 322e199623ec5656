// RFC 7644 §4 discovery: what Gatehouse supports, said truthfully (Entra ID and Okta read these).
import {
  ALL_SCHEMAS,
  LIST_RESPONSE,
  RESOURCE_TYPE_SCHEMA,
  RESOURCE_TYPES,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  type AttrDef,
  type ResourceTypeDef,
  type SchemaDef,
} from './schemas.js';

type Json = Record<string, unknown>;

export interface Limits {
  /** Largest `count` a list answers (filter.maxResults). */
  maxResults: number;
  bulkMaxOperations: number;
  /** Bytes; the gateway's body limit. */
  bulkMaxPayloadSize: number;
}

export function serviceProviderConfig(baseUrl: string, limits: Limits): Json {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
    patch: { supported: true },
    bulk: {
      supported: true,
      maxOperations: limits.bulkMaxOperations,
      maxPayloadSize: limits.bulkMaxPayloadSize,
    },
    filter: { supported: true, maxResults: limits.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A named SCIM token created by a tenant owner, sent as "Authorization: Bearer <token>".',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseUrl}/ServiceProviderConfig`,
    },
  };
}

export function resourceType(def: ResourceTypeDef, baseUrl: string): Json {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: def.name,
    name: def.name,
    endpoint: def.endpoint,
    description: def.name === 'User' ? 'User Account' : 'Group',
    schema: def.schema.id,
    schemaExtensions: def.extensions.map((s) => ({ schema: s.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${def.name}` },
  };
}

function attribute(a: AttrDef): Json {
  const out: Json = {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
  };
  if (a.canonicalValues?.length) out['canonicalValues'] = a.canonicalValues;
  if (a.referenceTypes) out['referenceTypes'] = a.referenceTypes;
  if (a.subAttributes) out['subAttributes'] = a.subAttributes.map(attribute);
  return out;
}

export function schema(def: SchemaDef, baseUrl: string): Json {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: def.id,
    name: def.name,
    description: def.description,
    attributes: def.attributes.map(attribute),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${def.id}` },
  };
}

export function listOf(resources: Json[]): Json {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}

export const resourceTypes = (baseUrl: string) =>
  Object.values(RESOURCE_TYPES).map((t) => resourceType(t, baseUrl));
export const schemas = (baseUrl: string) => ALL_SCHEMAS.map((s) => schema(s, baseUrl));
