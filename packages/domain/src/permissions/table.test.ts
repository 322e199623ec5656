import { describe, expect, it } from 'vitest';
import {
  ALL_ACTIONS,
  PROVISIONER_ACTIONS,
  TEAM_ROLES,
  TEAM_TABLE,
  TENANT_ROLES,
  TENANT_TABLE,
  isProvisionerAction,
  isTeamAction,
  isTenantAction,
} from './index.js';

const rows = (table: object): [string, Record<string, unknown>][] => Object.entries(table);
const isCell = (cell: unknown) => cell === true || cell === false || typeof cell === 'function';

describe('the permission table', () => {
  it.each(rows(TENANT_TABLE))(
    'decides %s explicitly for every tenant role, and for nothing else',
    (_, row) => {
      expect(Object.keys(row).sort()).toEqual([...TENANT_ROLES].sort());
      for (const role of TENANT_ROLES) expect(isCell(row[role]), role).toBe(true);
    },
  );

  it.each(rows(TEAM_TABLE))('decides %s explicitly for every team role, and for nothing else', (_, row) => {
    expect(Object.keys(row).sort()).toEqual([...TEAM_ROLES].sort());
    for (const role of TEAM_ROLES) expect(isCell(row[role]), role).toBe(true);
  });

  it.each(rows(TEAM_TABLE))(
    'names whoever a conditional cell of %s admits, for denial messages',
    (_, row) => {
      for (const cell of Object.values(row).filter((c) => typeof c === 'function')) {
        expect((cell as { who?: unknown }).who).toMatch(/\w/);
      }
    },
  );

  // 000: the tenant owner holds every tenant-level duty; a denial is escalated "to a tenant owner" (001)
  it.each(rows(TENANT_TABLE))('lets the tenant owner take %s unconditionally', (_, row) => {
    expect(row.owner).toBe(true);
  });

  // 002: Team Admin "gives the user unrestricted read and write permissions to all objects in the team"
  it.each(rows(TEAM_TABLE))('lets the team admin take %s unconditionally', (_, row) => {
    expect(row.admin).toBe(true);
  });
});

describe('the action list', () => {
  it('has no duplicates', () => {
    expect(new Set(ALL_ACTIONS).size).toBe(ALL_ACTIONS.length);
  });

  it('is exactly the tenant table, the team table and the provisioner actions', () => {
    const expected = [...Object.keys(TENANT_TABLE), ...Object.keys(TEAM_TABLE), ...PROVISIONER_ACTIONS];
    expect([...ALL_ACTIONS].sort()).toEqual(expected.sort());
  });

  it.each(ALL_ACTIONS)('puts %s in exactly one table', (action) => {
    const homes = [isTenantAction(action), isTeamAction(action), isProvisionerAction(action)];
    expect(homes.filter(Boolean)).toHaveLength(1);
  });

  it('follows the <resource>:<verb> naming rule', () => {
    for (const action of ALL_ACTIONS) expect(action).toMatch(/^[a-z][A-Za-z]*:[a-z][A-Za-z]*$/);
  });

  it('does not take inherited object properties for actions', () => {
    expect(isTenantAction('constructor')).toBe(false);
    expect(isTeamAction('toString')).toBe(false);
  });
});
