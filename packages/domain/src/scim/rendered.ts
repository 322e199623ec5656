// Users' SCIM answers as UTF-8 JSON, kept per replica by id and version. IdPs read the same users
// over and over (a lookup before each change, full listings on every import), and rendering a user
// (the document laid over its columns, meta, then JSON) was half of what a page of 100 cost.
// A version moves with every change to what the answer shows, including meta.lastModified (the
// ETag promise: an unchanged version is an unchanged resource), so bytes found under the version
// a row has now is that row's answer; nothing needs telling other replicas. Only the default
// representation is kept: a request naming attributes, or asking for `groups`, is rendered afresh.
import { toScimUser } from './mappers.js';
import type { ScimUserRow } from './repository/reads.js';

/**
 * About 10 MB: a replica's working set of users for the lookups and pages IdPs repeat. Bytes, not
 * strings: a page is copied together from them once and goes to the socket as it is, where strings
 * were joined, concatenated and encoded again per answer (each a large object on the JS heap).
 */
const CAPACITY = 10_000;

interface Rendered {
  version: number;
  baseUrl: string;
  bytes: Buffer;
}

export class RenderedUsers {
  private readonly entries = new Map<string, Rendered>();

  constructor(private readonly capacity = CAPACITY) {}

  /** The user's default SCIM representation as UTF-8 JSON. */
  bytes(user: ScimUserRow, baseUrl: string): Buffer {
    const kept = this.entries.get(user.id);
    if (kept && kept.version === user.version && kept.baseUrl === baseUrl) return kept.bytes;
    const bytes = Buffer.from(JSON.stringify(toScimUser(user, baseUrl)));
    // Oldest first out; a user written again moves to the back.
    this.entries.delete(user.id);
    this.entries.set(user.id, { version: user.version, baseUrl, bytes });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return bytes;
  }
}
