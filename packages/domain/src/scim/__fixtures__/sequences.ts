// The request sequences Entra ID and Okta document for their provisioning cycles, as recorded
// requests with the answers a compliant service provider gives. `{{name}}` is replaced by the id a
// previous step saved under that name. Sources: Microsoft Entra "Tutorial: Develop and plan
// provisioning for a SCIM endpoint" (User and Group operations) and "Known issues … SCIM 2.0
// protocol compliance"; Okta "SCIM 2.0 protocol reference" (create, read, update, deactivate users;
// push groups).
import { ENTERPRISE, PATCH_SCHEMAS } from './quirks.js';

export interface RecordedStep {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  expect: {
    status: number;
    /** A subset of the response body. */
    body?: Record<string, unknown>;
    /** Top-level attributes the response must not carry. */
    absent?: string[];
    /** Attributes no resource of a list response may carry. */
    absentInResources?: string[];
  };
  /** Saves the response's `id` under this name. */
  save?: string;
}

const USER_SCHEMAS = ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE];
const entraUser = 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee';

export const ENTRA_SEQUENCE: RecordedStep[] = [
  {
    name: 'Get User by query - zero results',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent(`userName eq "${entraUser}"`)}`,
    expect: { status: 200, body: { totalResults: 0, Resources: [], startIndex: 1 } },
  },
  {
    name: 'Create User',
    method: 'POST',
    path: '/Users',
    body: {
      schemas: USER_SCHEMAS,
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: entraUser,
      active: true,
      emails: [
        { primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' },
      ],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    },
    expect: {
      status: 201,
      body: { userName: entraUser, active: true, externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' },
    },
    save: 'user',
  },
  {
    name: 'Get User',
    method: 'GET',
    path: '/Users/{{user}}',
    expect: { status: 200, body: { id: '{{user}}' } },
  },
  {
    name: 'Get User by query',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent(`userName eq "${entraUser}"`)}`,
    expect: { status: 200, body: { totalResults: 1 } },
  },
  {
    name: 'Get User by query on the work email (a uniqueness attribute)',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"')}`,
    expect: { status: 200, body: { totalResults: 1 } },
  },
  {
    name: 'Create the manager',
    method: 'POST',
    path: '/Users',
    body: { schemas: USER_SCHEMAS, userName: 'manager@testuser.com', externalId: 'mgr-1', active: true },
    expect: { status: 201 },
    save: 'manager',
  },
  {
    name: 'Update User [Multi-valued properties]',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    },
    expect: {
      status: 200,
      body: {
        emails: [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }],
        name: { familyName: 'updatedFamilyName' },
      },
    },
  },
  {
    name: 'Update User [Single-valued properties]',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        { op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
      ],
    },
    expect: { status: 200, body: { userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' } },
  },
  {
    name: 'Replace multiple attributes (aadOptscim062020)',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
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
    expect: {
      status: 200,
      body: {
        displayName: 'Bjfe',
        name: { givenName: 'Kkom', familyName: 'Unua' },
        [ENTERPRISE]: { employeeNumber: 'Aklq' },
      },
    },
  },
  {
    name: 'Add the manager',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: '{{manager}}' }],
    },
    expect: {
      status: 200,
      body: { [ENTERPRISE]: { employeeNumber: 'Aklq', manager: { value: '{{manager}}' } } },
    },
  },
  {
    name: 'Remove the manager with an empty value',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' }],
    },
    expect: { status: 200, body: { [ENTERPRISE]: { employeeNumber: 'Aklq' } } },
  },
  {
    name: 'Disable User (without aadOptscim062020: "False")',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    expect: { status: 200, body: { active: false } },
  },
  {
    name: 'Enable User again (aadOptscim062020: a boolean)',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: { Operations: [{ op: 'replace', path: 'active', value: true }], schemas: PATCH_SCHEMAS },
    expect: { status: 200, body: { active: true } },
  },
  {
    name: 'Get User by query - zero results for a user that does not exist',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`,
    expect: { status: 200, body: { totalResults: 0, Resources: [] } },
  },
  {
    name: 'Get Group by displayName - none yet',
    method: 'GET',
    path: `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "displayName"')}`,
    expect: { status: 200, body: { totalResults: 0 } },
  },
  {
    name: 'Create Group',
    method: 'POST',
    path: '/Groups',
    body: {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    },
    expect: { status: 201, body: { displayName: 'displayName', members: [] } },
    save: 'group',
  },
  {
    name: 'Get Group (members excluded)',
    method: 'GET',
    path: '/Groups/{{group}}?excludedAttributes=members',
    expect: { status: 200, body: { displayName: 'displayName' }, absent: ['members'] },
  },
  {
    name: 'Get Group by displayName',
    method: 'GET',
    path: `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "displayName"')}`,
    expect: { status: 200, body: { totalResults: 1 }, absentInResources: ['members'] },
  },
  {
    name: 'Update Group [Non-member attributes]',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        {
          op: 'Replace',
          path: 'displayName',
          value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
        },
      ],
    },
    expect: { status: 204 },
  },
  {
    name: 'Update Group [Add Members]',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: '{{user}}' }] }],
    },
    expect: { status: 204 },
  },
  {
    name: 'Is the user a member? (a query about the members attribute)',
    method: 'GET',
    path: `/Groups?excludedAttributes=members&filter=${encodeURIComponent('id eq "{{group}}" and members eq "{{user}}"')}`,
    expect: { status: 200, body: { totalResults: 1 }, absentInResources: ['members'] },
  },
  {
    name: 'Update Group [Remove Members]',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: '{{user}}' }] }],
    },
    expect: { status: 204 },
  },
  {
    name: 'Add the member back',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'Add', path: 'members', value: [{ value: '{{user}}' }] }],
    },
    expect: { status: 204 },
  },
  {
    name: 'Remove a member (aadOptscim062020)',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'remove', path: 'members[value eq "{{user}}"]' }] },
    expect: { status: 204 },
  },
  { name: 'Delete Group', method: 'DELETE', path: '/Groups/{{group}}', expect: { status: 204 } },
  { name: 'Delete User', method: 'DELETE', path: '/Users/{{user}}', expect: { status: 204 } },
  { name: 'The deleted user is gone', method: 'GET', path: '/Users/{{user}}', expect: { status: 404 } },
];

export const OKTA_SEQUENCE: RecordedStep[] = [
  {
    name: 'Determine if the user exists',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}&startIndex=1&count=100`,
    expect: { status: 200, body: { totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 } },
  },
  {
    name: 'Create the user',
    method: 'POST',
    path: '/Users',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    },
    expect: {
      status: 201,
      body: { userName: 'test.user@okta.local', locale: 'en-US', active: true },
      absent: ['password'],
    },
    save: 'user',
  },
  {
    name: 'Find the user whatever the case of the userName',
    method: 'GET',
    path: `/Users?filter=${encodeURIComponent('userName eq "Test.User@OKTA.local"')}&startIndex=1&count=100`,
    expect: { status: 200, body: { totalResults: 1 } },
  },
  {
    name: 'Retrieve the user',
    method: 'GET',
    path: '/Users/{{user}}',
    expect: { status: 200, body: { id: '{{user}}' } },
  },
  {
    name: 'Update the user (PUT of the whole profile)',
    method: 'PUT',
    path: '/Users/{{user}}',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: '{{user}}',
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Another User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      active: true,
      meta: { resourceType: 'User' },
    },
    expect: {
      status: 200,
      body: { name: { givenName: 'Another', familyName: 'User' }, displayName: 'Another User' },
    },
  },
  {
    name: 'Deactivate the user',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'replace', value: { active: false } }] },
    expect: { status: 200, body: { active: false } },
  },
  {
    name: 'Reactivate the user',
    method: 'PATCH',
    path: '/Users/{{user}}',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'replace', value: { active: true } }] },
    expect: { status: 200, body: { active: true } },
  },
  {
    name: 'Push a group',
    method: 'POST',
    path: '/Groups',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Test SCIMv2',
      members: [],
    },
    expect: { status: 201, body: { displayName: 'Test SCIMv2' } },
    save: 'group',
  },
  {
    name: 'Retrieve the group',
    method: 'GET',
    path: '/Groups/{{group}}',
    expect: { status: 200, body: { displayName: 'Test SCIMv2' } },
  },
  {
    name: 'Rename the group',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [{ op: 'replace', value: { id: '{{group}}', displayName: 'Test SCIMv2 renamed' } }],
    },
    expect: { status: 204 },
  },
  {
    name: 'Add a member',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: {
      schemas: PATCH_SCHEMAS,
      Operations: [
        { op: 'add', path: 'members', value: [{ value: '{{user}}', display: 'test.user@okta.local' }] },
      ],
    },
    expect: { status: 204 },
  },
  {
    name: 'Remove the member',
    method: 'PATCH',
    path: '/Groups/{{group}}',
    body: { schemas: PATCH_SCHEMAS, Operations: [{ op: 'remove', path: 'members[value eq "{{user}}"]' }] },
    expect: { status: 204 },
  },
  {
    name: 'Push the group whole, with its members (PUT)',
    method: 'PUT',
    path: '/Groups/{{group}}',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: '{{group}}',
      displayName: 'Test SCIMv2 renamed',
      members: [{ value: '{{user}}', display: 'test.user@okta.local' }],
    },
    expect: { status: 200, body: { members: [{ value: '{{user}}' }] } },
  },
  {
    name: 'Import groups (members are read from the listing)',
    method: 'GET',
    path: '/Groups?startIndex=1&count=100',
    expect: {
      status: 200,
      body: {
        totalResults: 1,
        itemsPerPage: 1,
        Resources: [
          {
            id: '{{group}}',
            displayName: 'Test SCIMv2 renamed',
            members: [{ value: '{{user}}', display: 'Another User', type: 'User' }],
          },
        ],
      },
    },
  },
  { name: 'Delete the group', method: 'DELETE', path: '/Groups/{{group}}', expect: { status: 204 } },
  { name: 'Deprovision the user', method: 'DELETE', path: '/Users/{{user}}', expect: { status: 204 } },
];
