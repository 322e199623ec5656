// Responses come from these mappers, never from serialised entities (STYLE §6): every field is
// listed, `meta.location` is absolute (PUBLIC_URL) and `meta.version` is the weak ETag.
import type { Group } from '../entities/index.js';
import type { MemberRef } from './repository/queries.js';
import type { ScimUserRow } from './repository/reads.js';
import { CORE_GROUP, ENTERPRISE_USER, CORE_USER } from './schemas.js';
import { userDoc } from './users.js';

type Json = Record<string, unknown>;

/** RFC 7232 weak entity tag of a resource version (RFC 7644 §3.14). */
export const etagOf = (version: number): string => `W/"${version}"`;

/** `*`, or the versions an `If-Match`/`If-None-Match` list names; unparseable entries name nothing. */
export function parseEtags(header: string | undefined): '*' | number[] | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  return header.split(',').flatMap((tag) => {
    const m = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(tag);
    return m ? [Number(m[1])] : [];
  });
}

function meta(
  resourceType: 'User' | 'Group',
  row: { id: string; version: number; createdAt: Date; updatedAt: Date },
  baseUrl: string,
): Json {
  return {
    resourceType,
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    location: `${baseUrl}/${resourceType}s/${row.id}`,
    version: etagOf(row.version),
  };
}

const ORDER = [
  'externalId',
  'userName',
  'name',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'emails',
  'phoneNumbers',
  'ims',
  'photos',
  'addresses',
  'entitlements',
  'roles',
  'x509Certificates',
];

export function toScimUser(user: ScimUserRow, baseUrl: string, groups?: MemberRef[]): Json {
  const doc = userDoc(user);
  const extensions = Object.keys(doc).filter((k) => k.startsWith('urn:'));
  const ordered = extensions.sort((a, b) => Number(b === ENTERPRISE_USER) - Number(a === ENTERPRISE_USER));
  const out: Json = { schemas: [CORE_USER, ...ordered], id: user.id };
  for (const key of ORDER) if (doc[key] !== undefined) out[key] = doc[key];
  if (groups) {
    out['groups'] = groups.map((g) => ({
      value: g.value,
      $ref: `${baseUrl}/Groups/${g.value}`,
      display: g.display,
      type: 'direct',
    }));
  }
  for (const key of ordered) out[key] = doc[key];
  out['meta'] = meta('User', user, baseUrl);
  return out;
}

export function toScimGroup(group: Group, baseUrl: string, members?: MemberRef[]): Json {
  const out: Json = { schemas: [CORE_GROUP], id: group.id };
  if (group.externalId !== null) out['externalId'] = group.externalId;
  out['displayName'] = group.displayName;
  if (members) {
    out['members'] = members.map((m) => ({
      value: m.value,
      $ref: `${baseUrl}/Users/${m.value}`,
      display: m.display,
      type: 'User',
    }));
  }
  out['meta'] = meta('Group', group, baseUrl);
  return out;
}
