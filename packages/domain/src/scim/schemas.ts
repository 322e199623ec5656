// The SCIM schemas Gatehouse serves (RFC 7643 §4, §8.7): one definition drives /Schemas, the
// attribute names PATCH and filters resolve (case-insensitively, RFC 7643 §2.1), their types and
// caseExact flags, and what responses return.

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type AttrType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';

export interface AttrDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttrDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttrDef[];
}

type Opts = Partial<Omit<AttrDef, 'name' | 'type' | 'description'>>;
const attr = (name: string, type: AttrType, description: string, opts: Opts = {}): AttrDef => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...opts,
});
const str = (name: string, description: string, opts: Opts = {}) => attr(name, 'string', description, opts);

/** A multi-valued attribute of the RFC 7643 §2.4 shape (value, display, type, primary). */
function multi(
  name: string,
  description: string,
  types: string[],
  value: AttrDef,
  extra: AttrDef[] = [],
): AttrDef {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      value,
      str('display', 'A human-readable name, primarily used for display purposes.'),
      str('type', `A label indicating the attribute's function.`, { canonicalValues: types }),
      attr('primary', 'boolean', 'Indicates the primary or preferred value.'),
      ...extra,
    ],
  });
}

const USER_SCHEMA: SchemaDef = {
  id: CORE_USER,
  name: 'User',
  description: 'User Account',
  attributes: [
    str(
      'userName',
      'Unique identifier for the User, typically used to sign in. Unique per tenant, case-insensitively.',
      {
        required: true,
        uniqueness: 'server',
      },
    ),
    attr('name', 'complex', 'The components of the user’s real name.', {
      subAttributes: [
        str('formatted', 'The full name, including all middle names, titles, and suffixes.'),
        str('familyName', 'The family name of the User.'),
        str('givenName', 'The given name of the User.'),
        str('middleName', 'The middle name(s) of the User.'),
        str('honorificPrefix', 'The honorific prefix(es) of the User.'),
        str('honorificSuffix', 'The honorific suffix(es) of the User.'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', 'A fully qualified URL pointing to a page representing the User.', {
      referenceTypes: ['external'],
    }),
    str('title', 'The user’s title, such as "Vice President".'),
    str('userType', 'Used to identify the relationship between the organization and the user.'),
    str('preferredLanguage', 'The User’s preferred written or spoken language (RFC 7231 §5.3.5).'),
    str('locale', 'The User’s default location, for localizing items such as currency and dates.'),
    str('timezone', 'The User’s time zone in the "Olson" time zone database format.'),
    attr(
      'active',
      'boolean',
      'The User’s administrative status: false ends every session and blocks sign-in.',
    ),
    str('password', 'Not stored: Gatehouse signs users in through SSO or email links.', {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multi(
      'emails',
      'Email addresses for the user.',
      ['work', 'home', 'other'],
      str('value', 'Email address.'),
    ),
    multi(
      'phoneNumbers',
      'Phone numbers for the User.',
      ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
      str('value', 'Phone number of the User.'),
    ),
    multi(
      'ims',
      'Instant messaging addresses for the User.',
      ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
      str('value', 'Instant messaging address for the User.'),
    ),
    multi(
      'photos',
      'URLs of photos of the User.',
      ['photo', 'thumbnail'],
      attr('value', 'reference', 'URL of a photo of the User.', { referenceTypes: ['external'] }),
    ),
    attr('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component.'),
        str('type', 'A label indicating the attribute’s function.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attr('primary', 'boolean', 'Indicates the primary or preferred address.'),
      ],
    }),
    attr(
      'groups',
      'complex',
      'The groups the user belongs to (managed through /Groups). Returned on request.',
      {
        multiValued: true,
        mutability: 'readOnly',
        returned: 'request',
        subAttributes: [
          str('value', 'The identifier of the User’s group.', { mutability: 'readOnly' }),
          attr('$ref', 'reference', 'The URI of the Group.', {
            mutability: 'readOnly',
            referenceTypes: ['Group'],
          }),
          str('display', 'The group’s displayName.', { mutability: 'readOnly' }),
          str('type', 'How the membership was derived.', {
            mutability: 'readOnly',
            canonicalValues: ['direct'],
          }),
        ],
      },
    ),
    multi(
      'entitlements',
      'A list of entitlements for the User.',
      [],
      str('value', 'The value of an entitlement.'),
    ),
    multi(
      'roles',
      'A list of roles for the User (stored; roles in Gatehouse come from group mappings).',
      [],
      str('value', 'The value of a role.'),
    ),
    multi(
      'x509Certificates',
      'A list of certificates issued to the User.',
      [],
      attr('value', 'string', 'The DER-encoded certificate, base64.'),
    ),
  ],
};

const ENTERPRISE_USER_SCHEMA: SchemaDef = {
  id: ENTERPRISE_USER,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    attr('manager', 'complex', 'The User’s manager.', {
      subAttributes: [
        str('value', 'The id of the SCIM resource representing the User’s manager.'),
        attr('$ref', 'reference', 'The URI of the SCIM resource representing the User’s manager.', {
          referenceTypes: ['User'],
        }),
        str('displayName', 'The displayName of the User’s manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

const GROUP_SCHEMA: SchemaDef = {
  id: CORE_GROUP,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group; unique per tenant, case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('members', 'complex', 'A list of members of the Group (users only).', {
      multiValued: true,
      subAttributes: [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member.', {
          mutability: 'immutable',
          referenceTypes: ['User'],
        }),
        str('display', 'The member’s display name.', { mutability: 'readOnly' }),
        str('type', 'The type of member.', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};

/** RFC 7643 §3.1 common attributes: every resource has them, no schema lists them. */
export const COMMON_ATTRIBUTES: AttrDef[] = [
  str('id', 'Unique identifier assigned by Gatehouse.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  str('externalId', 'The identifier the provisioning client uses for the resource.', { caseExact: true }),
  attr('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      str('resourceType', 'The resource type.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', { caseExact: true, mutability: 'readOnly' }),
      str('version', 'The weak entity tag of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export type ResourceTypeName = 'User' | 'Group';

export interface ResourceTypeDef {
  name: ResourceTypeName;
  endpoint: '/Users' | '/Groups';
  schema: SchemaDef;
  extensions: SchemaDef[];
}

export const RESOURCE_TYPES: Record<ResourceTypeName, ResourceTypeDef> = {
  User: { name: 'User', endpoint: '/Users', schema: USER_SCHEMA, extensions: [ENTERPRISE_USER_SCHEMA] },
  Group: { name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA, extensions: [] },
};

export const ALL_SCHEMAS: SchemaDef[] = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA];

/** An attribute of a resource type, resolved from a path such as `name.givenName` or `urn:…:User:manager.value`. */
export interface ResolvedAttr {
  /** The schema URN the attribute belongs to; `null` for the common attributes. */
  schema: string | null;
  def: AttrDef;
  sub?: AttrDef;
}

const lower = (s: string) => s.toLowerCase();

/** Each attribute list by lower-cased name, built on first use: every attribute of every request is looked up. */
const byLowerName = new WeakMap<readonly AttrDef[], Map<string, AttrDef>>();

/** The attribute of `defs` called `name`, compared case-insensitively (RFC 7643 §2.1). */
export function findAttr(defs: readonly AttrDef[], name: string): AttrDef | undefined {
  let index = byLowerName.get(defs);
  if (!index) {
    index = new Map();
    // The first of two same-named attributes wins, as a linear search would find it.
    for (const d of defs) if (!index.has(d.name.toLowerCase())) index.set(d.name.toLowerCase(), d);
    byLowerName.set(defs, index);
  }
  return index.get(name.toLowerCase());
}

const withCommon = new WeakMap<SchemaDef, readonly AttrDef[]>();

/** The common attributes (id, externalId, meta) and a core schema's own, as one list kept per schema. */
export function coreAttributes(schema: SchemaDef): readonly AttrDef[] {
  let defs = withCommon.get(schema);
  if (!defs) {
    defs = [...COMMON_ATTRIBUTES, ...schema.attributes];
    withCommon.set(schema, defs);
  }
  return defs;
}

/**
 * Resolves `{ uri, attr, sub }` against a resource type: common attributes and the core schema by
 * bare name, extensions only by their URN (RFC 7644 §3.10). Undefined when the path names nothing.
 */
export function resolveAttr(
  type: ResourceTypeDef,
  path: { uri?: string | undefined; attr: string; sub?: string | undefined },
): ResolvedAttr | undefined {
  const lookup = (schema: string | null, defs: readonly AttrDef[]): ResolvedAttr | undefined => {
    const def = findAttr(defs, path.attr);
    if (!def) return undefined;
    if (path.sub === undefined) return { schema, def };
    const sub = def.subAttributes ? findAttr(def.subAttributes, path.sub) : undefined;
    return sub ? { schema, def, sub } : undefined;
  };
  if (path.uri !== undefined) {
    const schema = [type.schema, ...type.extensions].find((s) => lower(s.id) === lower(path.uri ?? ''));
    if (!schema) return undefined;
    return lookup(schema.id, schema.id === type.schema.id ? coreAttributes(schema) : schema.attributes);
  }
  return lookup(null, COMMON_ATTRIBUTES) ?? lookup(type.schema.id, type.schema.attributes);
}

/** The extension schema whose URN prefixes `key` (`urn:…:User:department` → enterprise), if any. */
export function extensionOf(type: ResourceTypeDef, key: string): SchemaDef | undefined {
  const k = lower(key);
  return type.extensions.find((s) => k === lower(s.id) || k.startsWith(`${lower(s.id)}:`));
}

/**
 * RFC 7643 §2.4: at most one value of a multi-valued attribute is primary. A list marking several
 * (in a POST, a PUT or after a PATCH) keeps the last one marked, as a PATCH adding a new primary
 * value demotes the one before it.
 */
export function singlePrimary(list: unknown[], def: AttrDef): unknown[] {
  if (!def.subAttributes?.some((s) => s.name === 'primary')) return list;
  const marked = (e: unknown) =>
    typeof e === 'object' && e !== null && (e as Record<string, unknown>)['primary'] === true;
  const last = list.map(marked).lastIndexOf(true);
  return list.map((e, i) => (marked(e) && i !== last ? { ...(e as object), primary: false } : e));
}
