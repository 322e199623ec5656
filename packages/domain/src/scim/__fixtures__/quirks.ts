// Recorded PATCH requests, one per quirk `scim/patch/normalize.ts` handles, with the canonical
// operations each must become. Sources: Microsoft Entra "Known issues and resolutions with SCIM 2.0
// protocol compliance" (aadOptscim062020 samples), "Tutorial: Develop and plan provisioning for a
// SCIM endpoint" (request examples), and Okta's "SCIM 2.0 protocol reference".
import type { CanonicalOp } from '../patch/normalize.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMAS = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];

export interface QuirkFixture {
  idp: string;
  resource: 'User' | 'Group';
  body: unknown;
  canonical: CanonicalOp[];
}

const user = 'f648f8d5-ea4e-4cd3-8e9c-0a21f0f28d2a';

export const QUIRKS = {
  /** Entra ID sends capitalised ops. */
  lowerCaseOp: {
    idp: 'Entra ID',
    resource: 'User',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'Add', path: 'nickName', value: 'Babs' }] },
    canonical: [{ op: 'add', path: { path: { attr: 'nickName' } }, value: 'Babs' }],
  },
  /** Entra ID (without aadOptscim062020) disables a user with the string "False". */
  coerceBooleanStrings: {
    idp: 'Entra ID',
    resource: 'User',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    canonical: [{ op: 'replace', path: { path: { attr: 'active' } }, value: false }],
  },
  /** Entra ID (aadOptscim062020) replaces several attributes at once with dotted and URN-prefixed keys. */
  expandPathless: {
    idp: 'Entra ID',
    resource: 'User',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
          },
        },
      ],
    },
    canonical: [
      {
        op: 'replace',
        path: {
          path: { attr: 'emails' },
          filter: { type: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' },
          sub: 'value',
        },
        value: 'TestMhvaes@test.microsoft.com',
      },
      { op: 'replace', path: { path: { attr: 'displayName' } }, value: 'Bjfe' },
      { op: 'replace', path: { path: { attr: 'name', sub: 'givenName' } }, value: 'Kkom' },
      { op: 'replace', path: { path: { attr: 'name', sub: 'familyName' } }, value: 'Unua' },
      { op: 'replace', path: { path: { uri: ENTERPRISE, attr: 'employeeNumber' } }, value: 'Aklq' },
    ],
  },
  /** An extension's attributes sent as one object under its URN. */
  expandPathlessExtensionObject: {
    idp: 'OneLogin',
    resource: 'User',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'add', value: { [ENTERPRISE]: { department: 'R&D', costCenter: '42' } } }],
    },
    canonical: [
      { op: 'add', path: { path: { uri: ENTERPRISE, attr: 'department' } }, value: 'R&D' },
      { op: 'add', path: { path: { uri: ENTERPRISE, attr: 'costCenter' } }, value: '42' },
    ],
  },
  /** Okta deactivates with a path-less replace. */
  oktaPathlessActive: {
    idp: 'Okta',
    resource: 'User',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'replace', value: { active: false } }] },
    canonical: [{ op: 'replace', path: { path: { attr: 'active' } }, value: false }],
  },
  /** Okta renames a group with its id in the value. */
  oktaGroupRename: {
    idp: 'Okta',
    resource: 'Group',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        { op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } },
      ],
    },
    canonical: [
      { op: 'replace', path: { path: { attr: 'id' } }, value: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b' },
      { op: 'replace', path: { path: { attr: 'displayName' } }, value: 'Test SCIMv2' },
    ],
  },
  /** Entra ID sends the manager as a bare id. */
  managerAsObject: {
    idp: 'Entra ID',
    resource: 'User',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: '26118915-6090-4610-87a4-49d0ca6b2a57' },
      ],
    },
    canonical: [
      {
        op: 'add',
        path: { path: { uri: ENTERPRISE, attr: 'manager' } },
        value: { value: '26118915-6090-4610-87a4-49d0ca6b2a57' },
      },
    ],
  },
  /** Some connectors send the manager as a one-element list. */
  managerAsArray: {
    idp: 'JumpCloud',
    resource: 'User',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: [{ value: 'm-1' }] }],
    },
    canonical: [
      { op: 'replace', path: { path: { uri: ENTERPRISE, attr: 'manager' } }, value: { value: 'm-1' } },
    ],
  },
  /** Entra ID clears a manager with an empty value. */
  emptyManagerMeansRemove: {
    idp: 'Entra ID',
    resource: 'User',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        { op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' },
        { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: null } },
        { op: 'replace', value: { [`${ENTERPRISE}:manager`]: [] } },
      ],
    },
    canonical: [
      { op: 'remove', path: { path: { uri: ENTERPRISE, attr: 'manager' } } },
      { op: 'remove', path: { path: { uri: ENTERPRISE, attr: 'manager' } } },
      { op: 'remove', path: { path: { uri: ENTERPRISE, attr: 'manager' } } },
    ],
  },
  /** JSON null means "clear" (Entra ID, when an attribute is emptied in the directory). */
  nullMeansRemove: {
    idp: 'Entra ID',
    resource: 'User',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'Replace', path: 'title', value: null }] },
    canonical: [{ op: 'remove', path: { path: { attr: 'title' } } }],
  },
  /** Entra ID (aadOptscim062020), Okta and Google remove a member with a value filter. */
  memberFilterAsRemoval: {
    idp: 'Entra ID',
    resource: 'Group',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'remove', path: `members[value eq "${user}"]` }] },
    canonical: [
      { op: 'remove', path: { path: { attr: 'members' } }, value: [{ value: user }], mustMatch: true },
    ],
  },
  /** Entra ID's older member removal: the ids in the value. */
  memberValueListRemoval: {
    idp: 'Entra ID',
    resource: 'Group',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: user }] }],
    },
    canonical: [{ op: 'remove', path: { path: { attr: 'members' } }, value: [{ value: user }] }],
  },
  /** A single member sent as an object instead of a list. */
  wrapSingleValueForMultiValued: {
    idp: 'OneLogin',
    resource: 'Group',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'add', path: 'members', value: { value: user } }] },
    canonical: [{ op: 'add', path: { path: { attr: 'members' } }, value: [{ value: user }] }],
  },
} satisfies Record<string, QuirkFixture>;
