// SCIM Group ↔ the `groups` row and its `group_members` rows.
import type { Group } from '../entities/index.js';
import { foldKey } from '../repositories/users.repository.js';
import { scimInvalid } from './errors.js';
import type { CanonicalOp } from './patch/normalize.js';
import { RESOURCE_TYPES } from './schemas.js';
import { validateDoc } from './validate.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface GroupColumns {
  displayName: string;
  displayNameKey: string;
  externalId: string | null;
}

export function groupColumns(raw: Json): GroupColumns {
  const doc = validateDoc(raw, RESOURCE_TYPES.Group);
  const displayName = typeof doc['displayName'] === 'string' ? doc['displayName'].trim() : '';
  if (!displayName) throw scimInvalid('invalidValue', '"displayName" is required.');
  if (displayName.length > 256)
    throw scimInvalid('invalidValue', '"displayName" is longer than 256 characters.');
  const externalId = typeof doc['externalId'] === 'string' ? doc['externalId'] : null;
  if (externalId && externalId.length > 255)
    throw scimInvalid('invalidValue', '"externalId" is longer than 255 characters.');
  return { displayName, displayNameKey: foldKey(displayName), externalId };
}

export function groupDoc(group: Pick<Group, 'displayName' | 'externalId'>): Json {
  return group.externalId === null
    ? { displayName: group.displayName }
    : { displayName: group.displayName, externalId: group.externalId };
}

/**
 * The user ids of a `members` value. Members are users: a nested group (`"type": "Group"`) is
 * refused with a clear message rather than dropped.
 */
export function memberIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((m, i) => {
    const id = isObject(m) ? m['value'] : m;
    if (isObject(m) && typeof m['type'] === 'string' && m['type'].toLowerCase() === 'group') {
      throw scimInvalid('invalidValue', `members[${i}] is a group: Gatehouse groups contain users only.`);
    }
    if (typeof id !== 'string' || id.trim() === '')
      throw scimInvalid('invalidValue', `members[${i}] has no "value".`);
    return id.trim();
  });
}

/**
 * The membership effect of a PATCH's member operations, in order: a replace (or removing all)
 * restarts from a given set; adds and removes after it accumulate.
 */
export interface MemberPlan {
  replace?: string[];
  add: Set<string>;
  remove: Set<string>;
  /** Removals written as filters: each must hit a member (RFC 7644 §3.5.2.2 noTarget otherwise). */
  mustExist: Set<string>;
}

export function planMembers(ops: CanonicalOp[]): MemberPlan {
  const plan: MemberPlan = { add: new Set(), remove: new Set(), mustExist: new Set() };
  for (const op of ops) {
    if (op.path.filter || op.path.sub || op.path.path.sub) {
      throw scimInvalid(
        'invalidPath',
        'Members are changed through "members" or `members[value eq "<id>"]`.',
      );
    }
    if (op.op === 'replace' || (op.op === 'remove' && op.value === undefined)) {
      plan.replace = op.op === 'replace' ? memberIds(op.value) : [];
      plan.add.clear();
      plan.remove.clear();
      continue;
    }
    const ids = memberIds(op.value);
    for (const id of ids) {
      if (op.op === 'add') {
        if (plan.replace) plan.replace.push(id);
        else {
          plan.add.add(id);
          plan.remove.delete(id);
        }
        continue;
      }
      if (plan.replace) {
        const at = plan.replace.indexOf(id);
        if (at < 0 && op.mustMatch) throw scimInvalid('noTarget', `${id} is not a member of this group.`);
        plan.replace = plan.replace.filter((x) => x !== id);
      } else if (plan.add.has(id)) {
        plan.add.delete(id);
      } else {
        plan.remove.add(id);
        if (op.mustMatch) plan.mustExist.add(id);
      }
    }
  }
  return plan;
}
