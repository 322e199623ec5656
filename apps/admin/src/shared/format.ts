// Dates, numbers and role names as people read them; one place so every view says them alike.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const number = new Intl.NumberFormat();

export function formatDateTime(iso: string | null | undefined, empty = 'Never'): string {
  if (!iso) return empty;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatDate(iso: string | null | undefined, empty = '—'): string {
  if (!iso) return empty;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

export const formatNumber = (n: number): string => number.format(n);

export const TENANT_ROLE_LABELS = { owner: 'Owner', manager: 'Manager', member: 'Member' } as const;

export const TEAM_ROLE_LABELS = {
  admin: 'Team admin',
  editor: 'Editor',
  viewer: 'Viewer',
  case_manager: 'Case manager',
  dashboard_manager: 'Dashboard manager',
} as const;

export const SIGN_IN_METHOD_LABELS = {
  sso: 'Single sign-on',
  email_link: 'Email link',
  recovery_code: 'Recovery code',
  invitation: 'Invitation',
} as const;

type Named = ReadonlyArray<readonly [name: string, pattern: RegExp]>;
// Edge and Opera also say Chrome, and Chrome also says Safari: the more specific comes first.
const BROWSERS: Named = [
  ['Edge', /Edg\//],
  ['Opera', /OPR\//],
  ['Firefox', /Firefox\//],
  ['Chrome', /Chrome\//],
  ['Safari', /Safari\//],
];
// Android also says Linux, iOS also says Mac OS X.
const SYSTEMS: Named = [
  ['Android', /Android/],
  ['iOS', /iPhone|iPad/],
  ['Windows', /Windows/],
  ['ChromeOS', /CrOS/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];
const nameIn = (list: Named, text: string) => list.find(([, pattern]) => pattern.test(text))?.[0];

/** A browser's User-Agent as people name it ("Firefox on Linux"), or null when it says nothing known. */
export function describeUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = nameIn(BROWSERS, userAgent);
  const system = nameIn(SYSTEMS, userAgent);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? null;
}

export const USER_SOURCE_LABELS = {
  scim: 'SCIM',
  invite: 'Invitation',
  'sso-jit': 'SSO (just in time)',
} as const;

export const USER_STATUS_LABELS = {
  invited: 'Invited',
  active: 'Active',
  deactivated: 'Deactivated',
  removed: 'Removed',
} as const;

export const SHARING_LABELS = {
  team: 'This team only',
  all_teams_and_drafts: 'All teams & drafts',
  selected_teams: 'Chosen teams',
} as const;

/** `2026-11-25` for `<input type="date">`, in local time. */
export function toDateInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A local calendar day from a date input → the ISO instant at its start (or the next day's start). */
export function dayStartIso(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** Saves a Blob as a file through a temporary link. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
