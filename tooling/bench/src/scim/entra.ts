// Request bodies shaped like the ones Entra ID sends (Microsoft's "Create User" example, with the
// enterprise extension its default attribute mappings fill).
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const userName = (n: number): string => `user${n}@contoso.test`;

export function entraUser(n: number): Record<string, unknown> {
  return {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: `0a21f0f2-8d2a-4f8e-${String(n).padStart(12, '0')}`,
    userName: userName(n),
    active: true,
    emails: [{ primary: true, type: 'work', value: userName(n) }],
    meta: { resourceType: 'User' },
    name: { formatted: `Given${n} Family${n}`, familyName: `Family${n}`, givenName: `Given${n}` },
    displayName: `Given${n} Family${n}`,
    title: 'Engineer',
    [ENTERPRISE]: { employeeNumber: String(n), department: `Department ${n % 20}` },
    roles: [],
  };
}

export function addMembers(ids: string[]): Record<string, unknown> {
  return {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }],
  };
}
