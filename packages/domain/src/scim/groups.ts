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
 * The membership effect of a PATCH's member operations, as applying them one after another would
 * leave it (RFC 7644 §3.5.2), written as sets: `replace` (set by a replace, or by removing all) is
 * the member list the group ends with; otherwise `add` and `remove` are the ids whose last operation
 * added or removed them (disjoint), and every other member stays.
 */
export interface MemberPlan {
  replace?: string[];
  add: Set<string>;
  remove: Set<string>;
  /**
   * Ids a filtered removal looked for before any operation of the PATCH touched them: each must have
   * been a member (RFC 7644 §3.5.2.2 noTarget otherwise). A filtered removal of an id an earlier
   * operation added or removed is decided here.
   */
  mustExist: Set<string>;
  /**
   * Ids added (or listed by a replace) and taken out again by a later operation: nothing is written
   * for them, but that add still needed a live user, and fails the PATCH otherwise.
   */
  mustBeUsers: Set<string>;
}

/** The plan of PUT /Groups, or of a PATCH replacing the members: exactly these. */
export function replacingPlan(members: string[]): MemberPlan {
  return {
    replace: members,
    add: new Set(),
    remove: new Set(),
    mustExist: new Set(),
    mustBeUsers: new Set(),
  };
}

export function planMembers(ops: CanonicalOp[]): MemberPlan {
  const plan: MemberPlan = {
    add: new Set(),
    remove: new Set(),
    mustExist: new Set(),
    mustBeUsers: new Set(),
  };
  const listed = new Set<string>();
  const notMember = (id: string) => scimInvalid('noTarget', `${id} is not a member of this group.`);
  for (const op of ops) {
    if (op.path.filter || op.path.sub || op.path.path.sub) {
      throw scimInvalid(
        'invalidPath',
        'Members are changed through "members" or `members[value eq "<id>"]`.',
      );
    }
    if (op.op === 'replace' || (op.op === 'remove' && op.value === undefined)) {
      plan.replace = op.op === 'replace' ? [...new Set(memberIds(op.value))] : [];
      for (const id of plan.replace) listed.add(id);
      plan.add.clear();
      plan.remove.clear();
      continue;
    }
    for (const id of memberIds(op.value)) {
      if (op.op === 'add') {
        listed.add(id);
        if (plan.replace) {
          if (!plan.replace.includes(id)) plan.replace.push(id);
        } else {
          plan.add.add(id);
          plan.remove.delete(id);
        }
        continue;
      }
      if (plan.replace) {
        if (op.mustMatch && !plan.replace.includes(id)) throw notMember(id);
        plan.replace = plan.replace.filter((x) => x !== id);
        continue;
      }
      if (op.mustMatch) {
        // An earlier operation decided whether the filter finds the id; if none did, the stored rows do.
        if (plan.remove.has(id)) throw notMember(id);
        if (!plan.add.has(id)) plan.mustExist.add(id);
      }
      plan.add.delete(id);
      plan.remove.add(id);
    }
  }
  const kept = new Set(plan.replace ?? plan.add);
  for (const id of listed) if (!kept.has(id)) plan.mustBeUsers.add(id);
  return plan;
}
