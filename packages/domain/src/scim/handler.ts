// The SCIM 2.0 protocol (RFC 7644), framework-free: a plain request in, `{ status, body }` out. The
// gateway's adapter checks the bearer token and media type, parses JSON and writes the answer;
// errors are thrown as DomainErrors and mapped to statuses by the gateway (STYLE §3).
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../errors.js';
import type { Group } from '../entities/index.js';
import type { ActorContext } from '../services/context.js';
import {
  checkVersion,
  type IfMatch,
  type ProvisioningService,
  type Provisioned,
} from '../services/provisioning.service.js';
import {
  listOf,
  resourceType,
  resourceTypes,
  schema,
  schemas,
  serviceProviderConfig,
  type Limits,
} from './discovery.js';
import { scimInvalid, scimRateLimited } from './errors.js';
import type { AttrPath } from './filter/ast.js';
import { parseFilter } from './filter/parser.js';
import { memberIds } from './groups.js';
import { etagOf, parseEtags, toScimGroup, toScimUser } from './mappers.js';
import { normalizePatch, normalizeResource } from './patch/normalize.js';
import { includes, parseAttributeList, project, type Projection } from './projection.js';
import { RenderedUsers } from './rendered.js';
import type { ListQuery, MemberRef } from './repository/queries.js';
import type { ScimUserRow } from './repository/reads.js';
import {
  ALL_SCHEMAS,
  BULK_REQUEST,
  BULK_RESPONSE,
  LIST_RESPONSE,
  RESOURCE_TYPES,
  SEARCH_REQUEST,
  type ResourceTypeDef,
} from './schemas.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ScimRequest {
  method: string;
  /** The path under the SCIM base, e.g. `/Users/2819c223`. */
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
  /** Absolute SCIM base URL (PUBLIC_URL + /scim/v2), for `meta.location`. */
  baseUrl: string;
  actor: ActorContext;
  /**
   * The token is past its rate limit, and the request still came through because it deprovisions
   * (a Bulk request carrying a DELETE or `active=false`): only such operations of it run, the others
   * answer 429 each.
   */
  throttled?: { retryAfterSeconds: number } | undefined;
}

/** One operation of a Bulk request, for the provisioning log: an entry of its own. */
export interface BulkOperationOutcome {
  method: string;
  /** Under the SCIM base, bulkId references resolved where they could be. */
  path: string;
  status: number;
  durationMs: number;
  resourceType?: 'User' | 'Group';
  resourceId?: string;
  changes?: Record<string, unknown>;
  error?: string;
}

export interface ScimResult {
  status: number;
  body?: unknown;
  /**
   * The body as UTF-8 JSON, when it was put together from kept renderings (rendered.ts): the
   * gateway sends it as it is; `body` is then the same document, parsed when read.
   */
  json?: Buffer;
  headers?: Record<string, string>;
  /** For the provisioning log. */
  resourceType?: 'User' | 'Group' | 'Bulk';
  resourceId?: string;
  changes?: Record<string, unknown>;
  /** A user lost access in this request (active=false or DELETE): the deprovisioning metric. */
  deprovisioned?: { sessionsRevoked: number };
  /** A Bulk request's operations, each as the provisioning log records it. */
  operations?: BulkOperationOutcome[];
}

export interface ScimHandlerOptions extends Limits {
  /** `count` when a list request names none. */
  defaultCount: number;
  /**
   * The member entries a group listing carries at most: the page ends before the group that would
   * pass it (RFC 7644 §3.4.2.4 allows fewer resources than `count`), its first group always whole.
   */
  listMembersBudget: number;
  /**
   * How a failed Bulk operation reports its error (the gateway owns error → status mapping): its
   * status, SCIM error body, and the line the provisioning log shows.
   */
  describeError(err: unknown): { status: number; body: unknown; log: string };
}

/**
 * `listMembersBudget`: 10,000 member entries are about 1.7 MB of JSON, read in one indexed statement
 * in about 20 ms on either database, so a group page costs about what a page of users does; a page of
 * 100 groups (Okta imports 100 at a time) averaging up to 100 members each still comes whole.
 */
export const DEFAULT_SCIM_LIMITS = {
  maxResults: 1000,
  defaultCount: 100,
  bulkMaxOperations: 1000,
  listMembersBudget: 10_000,
} as const;

type Route = (req: ScimRequest, id: string | undefined) => Promise<ScimResult>;

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

export class ScimHandler {
  private readonly rendered = new RenderedUsers();

  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly opts: ScimHandlerOptions,
  ) {}

  async handle(req: ScimRequest): Promise<ScimResult> {
    const segments = req.path.split('/').filter(Boolean);
    const [head = '', id, ...rest] = segments;
    const method = req.method.toUpperCase();
    if (rest.length > 0) throw noRoute(req);
    const route = this.route(head.toLowerCase(), id, method);
    if (!route) throw noRoute(req);
    return route(req, id === undefined ? undefined : decodeId(id, req));
  }

  /** Resource endpoints match case-insensitively (`/users` as well as `/Users`). */
  private route(head: string, id: string | undefined, method: string): Route | undefined {
    const search = id === '.search';
    switch (head) {
      case '':
        return method === 'GET' ? (r) => this.rootSearch(r, r.query) : undefined;
      case '.search':
        return method === 'POST' && id === undefined
          ? (r) => this.rootSearch(r, searchBody(r.body))
          : undefined;
      case 'serviceproviderconfig':
        return method === 'GET' && id === undefined
          ? unfiltered((r) => this.ok(serviceProviderConfig(r.baseUrl, this.opts)))
          : undefined;
      case 'resourcetypes':
        return method === 'GET' ? unfiltered((r, rid) => this.resourceTypes(r, rid)) : undefined;
      case 'schemas':
        return method === 'GET' ? unfiltered((r, sid) => this.schemas(r, sid)) : undefined;
      case 'bulk':
        return method === 'POST' && id === undefined ? (r) => this.bulk(r) : undefined;
      case 'users':
        return search
          ? method === 'POST'
            ? (r) => this.listUsers(r, searchBody(r.body))
            : undefined
          : this.userRoute(id, method);
      case 'groups':
        return search
          ? method === 'POST'
            ? (r) => this.listGroups(r, searchBody(r.body))
            : undefined
          : this.groupRoute(id, method);
      default:
        return undefined;
    }
  }

  private userRoute(id: string | undefined, method: string): Route | undefined {
    if (id === undefined) {
      if (method === 'GET') return (r) => this.listUsers(r, r.query);
      if (method === 'POST') return (r) => this.createUser(r);
      return undefined;
    }
    const routes: Record<string, Route> = {
      GET: (r, uid) => this.getUser(r, uid ?? ''),
      PUT: (r, uid) => this.writeUser(r, uid ?? '', 'replace'),
      PATCH: (r, uid) => this.writeUser(r, uid ?? '', 'patch'),
      DELETE: (r, uid) => this.deleteUser(r, uid ?? ''),
    };
    return routes[method];
  }

  private groupRoute(id: string | undefined, method: string): Route | undefined {
    if (id === undefined) {
      if (method === 'GET') return (r) => this.listGroups(r, r.query);
      if (method === 'POST') return (r) => this.createGroup(r);
      return undefined;
    }
    const routes: Record<string, Route> = {
      GET: (r, gid) => this.getGroup(r, gid ?? ''),
      PUT: (r, gid) => this.writeGroup(r, gid ?? '', 'replace'),
      PATCH: (r, gid) => this.writeGroup(r, gid ?? '', 'patch'),
      DELETE: (r, gid) => this.deleteGroup(r, gid ?? ''),
    };
    return routes[method];
  }

  private async ok(body: Json): Promise<ScimResult> {
    return { status: 200, body };
  }

  // ---- Discovery ---------------------------------------------------------------------------

  private async resourceTypes(req: ScimRequest, id: string | undefined): Promise<ScimResult> {
    if (id === undefined) return this.ok(listOf(resourceTypes(req.baseUrl)));
    const def = Object.values(RESOURCE_TYPES).find((t) => t.name.toLowerCase() === id.toLowerCase());
    if (!def) throw new NotFound('scim.resource_type_not_found', `No resource type "${id}".`);
    return this.ok(resourceType(def, req.baseUrl));
  }

  private async schemas(req: ScimRequest, id: string | undefined): Promise<ScimResult> {
    if (id === undefined) return this.ok(listOf(schemas(req.baseUrl)));
    const def = ALL_SCHEMAS.find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!def) throw new NotFound('scim.schema_not_found', `No schema "${id}".`);
    return this.ok(schema(def, req.baseUrl));
  }

  // ---- Users -------------------------------------------------------------------------------

  private async userResponse(
    req: ScimRequest,
    user: ScimUserRow,
    status: number,
    projection: Projection,
  ): Promise<ScimResult> {
    const headers = {
      ETag: etagOf(user.version),
      ...(status === 201 ? { Location: `${req.baseUrl}/Users/${user.id}` } : {}),
    };
    if (isDefault(projection)) {
      const json = this.rendered.bytes(user, req.baseUrl);
      return jsonResult(status, json, { headers, resourceType: 'User', resourceId: user.id });
    }
    const groups = includes(RESOURCE_TYPES.User, projection, 'groups')
      ? (await this.provisioning.groupsOfUsers(req.actor, [user.id])).get(user.id)
      : undefined;
    return {
      status,
      body: project(toScimUser(user, req.baseUrl, groups), RESOURCE_TYPES.User, projection),
      headers,
      resourceType: 'User',
      resourceId: user.id,
    };
  }

  private async getUser(req: ScimRequest, id: string): Promise<ScimResult> {
    const user = await this.provisioning.getUser(req.actor, id);
    const projection = projectionOf(req.query);
    // The version counts the user's own attributes. `groups` comes from the groups (renaming or
    // removing one does not touch its thousands of members), so an answer with it is always sent whole.
    const withGroups = includes(RESOURCE_TYPES.User, projection, 'groups');
    checkVersion(user.version, parseEtags(req.ifMatch));
    if (!withGroups && notModified(req, user.version)) return notModifiedResult('User', user);
    return this.userResponse(req, user, 200, projection);
  }

  private async listUsers(req: ScimRequest, params: Json): Promise<ScimResult> {
    const query = this.listQuery(params, RESOURCE_TYPES.User);
    const projection = projectionOf(params);
    const page = await this.provisioning.listUsers(req.actor, query);
    if (isDefault(projection)) {
      const users = page.rows.map((u) => this.rendered.bytes(u, req.baseUrl));
      return jsonResult(200, listResponseBytes(page.total, query.startIndex, users), {
        resourceType: 'User',
      });
    }
    const groups = includes(RESOURCE_TYPES.User, projection, 'groups')
      ? await this.provisioning.groupsOfUsers(
          req.actor,
          page.rows.map((u) => u.id),
        )
      : undefined;
    const resources = page.rows.map((u) =>
      project(toScimUser(u, req.baseUrl, groups?.get(u.id)), RESOURCE_TYPES.User, projection),
    );
    return { status: 200, body: listResponse(page.total, query.startIndex, resources), resourceType: 'User' };
  }

  private async createUser(req: ScimRequest): Promise<ScimResult> {
    const resource = normalizeResource(req.body, RESOURCE_TYPES.User);
    const done = await this.provisioning.createUser(req.actor, resource, req.body);
    return withOutcome(await this.userResponse(req, done.resource, 201, projectionOf(req.query)), done);
  }

  private async writeUser(req: ScimRequest, id: string, how: 'replace' | 'patch'): Promise<ScimResult> {
    const ifMatch = preconditionOf(req);
    const done =
      how === 'replace'
        ? await this.provisioning.replaceUser(
            req.actor,
            id,
            normalizeResource(req.body, RESOURCE_TYPES.User),
            req.body,
            ifMatch,
          )
        : await this.provisioning.patchUser(
            req.actor,
            id,
            normalizePatch(req.body, RESOURCE_TYPES.User),
            req.body,
            ifMatch,
          );
    return withOutcome(await this.userResponse(req, done.resource, 200, projectionOf(req.query)), done);
  }

  private async deleteUser(req: ScimRequest, id: string): Promise<ScimResult> {
    const done = await this.provisioning.deleteUser(req.actor, id, preconditionOf(req));
    return withOutcome({ status: 204, resourceType: 'User', resourceId: id }, done);
  }

  // ---- Groups ------------------------------------------------------------------------------

  private async groupResponse(
    req: ScimRequest,
    group: Group,
    status: number,
    projection: Projection,
  ): Promise<ScimResult> {
    const members = includes(RESOURCE_TYPES.Group, projection, 'members')
      ? (await this.provisioning.membersOfGroups(req.actor, [group.id])).get(group.id)
      : undefined;
    return {
      status,
      body: project(toScimGroup(group, req.baseUrl, members), RESOURCE_TYPES.Group, projection),
      headers: {
        ETag: etagOf(group.version),
        ...(status === 201 ? { Location: `${req.baseUrl}/Groups/${group.id}` } : {}),
      },
      resourceType: 'Group',
      resourceId: group.id,
    };
  }

  private async getGroup(req: ScimRequest, id: string): Promise<ScimResult> {
    const group = await this.provisioning.getGroup(req.actor, id);
    checkVersion(group.version, parseEtags(req.ifMatch));
    if (notModified(req, group.version)) return notModifiedResult('Group', group);
    return this.groupResponse(req, group, 200, projectionOf(req.query));
  }

  /**
   * Listed groups carry their members unless the projection leaves them out (RFC 7643 §4.2:
   * `members` is `returned: "default"`; Okta's group import reads them from the listing, Entra ID
   * asks with `excludedAttributes=members`).
   */
  private async listGroups(req: ScimRequest, params: Json): Promise<ScimResult> {
    const query = this.listQuery(params, RESOURCE_TYPES.Group);
    const projection = projectionOf(params);
    const page = await this.provisioning.listGroups(req.actor, query);
    const resources = await this.listedGroups(req, page.rows, projection);
    return {
      status: 200,
      body: listResponse(page.total, query.startIndex, resources),
      resourceType: 'Group',
    };
  }

  /**
   * A listing's groups as resources. With members, the page keeps only its leading groups whose
   * members fit `listMembersBudget` (always the first, whole): a page of big groups is not a dump of
   * every membership, and the client goes on from `startIndex + itemsPerPage`.
   */
  private async listedGroups(req: ScimRequest, groups: Group[], projection: Projection): Promise<Json[]> {
    const resource = (g: Group, members?: MemberRef[]) =>
      project(toScimGroup(g, req.baseUrl, members), RESOURCE_TYPES.Group, projection);
    if (groups.length === 0 || !includes(RESOURCE_TYPES.Group, projection, 'members'))
      return groups.map((g) => resource(g));
    const { kept, members } = await this.provisioning.membersOfListedGroups(
      req.actor,
      groups.map((g) => g.id),
      this.opts.listMembersBudget,
    );
    return groups.slice(0, kept).map((g) => resource(g, members.get(g.id)));
  }

  private async createGroup(req: ScimRequest): Promise<ScimResult> {
    const resource = normalizeResource(req.body, RESOURCE_TYPES.Group);
    const members = memberIds(isObject(req.body) ? membersField(req.body) : undefined);
    const done = await this.provisioning.createGroup(req.actor, resource, members, req.body);
    return withOutcome(await this.groupResponse(req, done.resource, 201, projectionOf(req.query)), done);
  }

  /**
   * PATCH answers 204 (what Entra ID recommends for groups: no member list in the body) unless the
   * client asks for attributes back (RFC 7644 §3.5.2 allows either).
   */
  private async writeGroup(req: ScimRequest, id: string, how: 'replace' | 'patch'): Promise<ScimResult> {
    const ifMatch = preconditionOf(req);
    let done: Provisioned<Group>;
    if (how === 'replace') {
      const resource = normalizeResource(req.body, RESOURCE_TYPES.Group);
      const members = memberIds(isObject(req.body) ? membersField(req.body) : undefined);
      done = await this.provisioning.replaceGroup(req.actor, id, resource, members, req.body, ifMatch);
    } else {
      done = await this.provisioning.patchGroup(
        req.actor,
        id,
        normalizePatch(req.body, RESOURCE_TYPES.Group),
        req.body,
        ifMatch,
      );
    }
    const projection = projectionOf(req.query);
    if (how === 'patch' && !projection.attributes && !projection.excludedAttributes) {
      return withOutcome(
        {
          status: 204,
          headers: { ETag: etagOf(done.resource.version) },
          resourceType: 'Group',
          resourceId: id,
        },
        done,
      );
    }
    return withOutcome(await this.groupResponse(req, done.resource, 200, projection), done);
  }

  private async deleteGroup(req: ScimRequest, id: string): Promise<ScimResult> {
    const done = await this.provisioning.deleteGroup(req.actor, id, preconditionOf(req));
    return withOutcome({ status: 204, resourceType: 'Group', resourceId: id }, done);
  }

  // ---- Queries -----------------------------------------------------------------------------

  /** filter, sortBy, sortOrder, startIndex, count from a query string or a SearchRequest (RFC 7644 §3.4.2–3.4.3). */
  private listQuery(params: Json, type: ResourceTypeDef): ListQuery {
    const filterText = first(params['filter']);
    const sortBy = first(params['sortBy']);
    const sortOrder = first(params['sortOrder']);
    const query: ListQuery = {
      descending: typeof sortOrder === 'string' && sortOrder.toLowerCase() === 'descending',
      // RFC 7644 §3.4.2.4: startIndex below 1 is 1; a negative count is 0; count is capped.
      startIndex: Math.max(1, integer(first(params['startIndex']), 'startIndex') ?? 1),
      count: Math.min(
        this.opts.maxResults,
        Math.max(0, integer(first(params['count']), 'count') ?? this.opts.defaultCount),
      ),
    };
    if (typeof filterText === 'string' && filterText.trim() !== '') query.filter = parseFilter(filterText);
    else if (filterText !== undefined && typeof filterText !== 'string')
      throw scimInvalid('invalidFilter', '"filter" must be a string.');
    if (typeof sortBy === 'string' && sortBy.trim() !== '') query.sortBy = sortPath(sortBy.trim(), type);
    if (typeof sortOrder === 'string' && !/^(ascending|descending)$/i.test(sortOrder)) {
      throw scimInvalid('invalidValue', '"sortOrder" is "ascending" or "descending".');
    }
    return query;
  }

  /**
   * Queries against the server root span every resource type (RFC 7644 §3.4.3): users, then groups,
   * the groups with their members as `/Groups` lists them.
   */
  private async rootSearch(req: ScimRequest, params: Json): Promise<ScimResult> {
    if (params['sortBy'] !== undefined) throw scimInvalid('invalidValue', 'Root searches cannot be sorted.');
    const users = { ...this.listQuery(params, RESOURCE_TYPES.User), unknownIsFalse: true };
    const projection = projectionOf(params);
    const countOnly = { ...users, count: 0, startIndex: 1 };
    const userTotal = (await this.provisioning.listUsers(req.actor, countOnly)).total;
    const userPage =
      users.startIndex <= userTotal
        ? await this.provisioning.listUsers(req.actor, users)
        : { total: userTotal, rows: [] };
    const groupStart = Math.max(1, users.startIndex - userTotal);
    const groupCount = users.count - userPage.rows.length;
    const groupPage = await this.provisioning.listGroups(req.actor, {
      ...users,
      startIndex: groupStart,
      count: groupCount,
    });
    const resources = [
      ...userPage.rows.map((u) => project(toScimUser(u, req.baseUrl), RESOURCE_TYPES.User, projection)),
      ...(await this.listedGroups(req, groupPage.rows, projection)),
    ];
    return { status: 200, body: listResponse(userTotal + groupPage.total, users.startIndex, resources) };
  }

  // ---- Bulk (RFC 7644 §3.7) ----------------------------------------------------------------

  private async bulk(req: ScimRequest): Promise<ScimResult> {
    const { operations, failOnErrors } = bulkBody(req.body, this.opts.bulkMaxOperations);
    const created = new Map<string, string>(); // bulkId → id
    const done: Array<{ index: number; entry: Json; outcome: BulkOperationOutcome }> = [];
    let errors = 0;
    let sessionsRevoked = 0;
    let deprovisioned = false;
    for (const index of bulkOrder(operations)) {
      if (failOnErrors !== undefined && errors >= failOnErrors) break;
      const op = operations[index] as BulkOperation;
      const entry: Json = { method: op.method };
      if (op.bulkId !== undefined) entry['bulkId'] = op.bulkId;
      const started = performance.now();
      const outcome: BulkOperationOutcome = { method: op.method, path: op.path, status: 0, durationMs: 0 };
      try {
        if (op.invalid) throw op.invalid;
        if (req.throttled && !isDeprovisioning(op.method, op.path, op.data)) {
          throw scimRateLimited(req.throttled.retryAfterSeconds);
        }
        const path = resolveBulkIds(op.path, created);
        outcome.path = path;
        // RFC 7644 §3.7.3: every result but a failed POST names the resource it was about.
        if (op.method !== 'POST') entry['location'] = `${req.baseUrl}${path}`;
        const result = await this.handle({
          ...req,
          method: op.method,
          path,
          query: {},
          body: resolveBulkIds(op.data, created),
          ifMatch: op.version,
          ifNoneMatch: undefined,
        });
        if (op.method === 'POST' && op.bulkId !== undefined && result.resourceId)
          created.set(op.bulkId, result.resourceId);
        if (result.resourceId && result.resourceType !== 'Bulk')
          entry['location'] = `${req.baseUrl}/${result.resourceType}s/${result.resourceId}`;
        if (result.headers?.['ETag']) entry['version'] = result.headers['ETag'];
        entry['status'] = String(result.status);
        outcome.status = result.status;
        if (result.resourceType === 'User' || result.resourceType === 'Group') {
          outcome.resourceType = result.resourceType;
        }
        if (result.resourceId) outcome.resourceId = result.resourceId;
        if (result.changes) outcome.changes = result.changes;
        if (result.deprovisioned) {
          deprovisioned = true;
          sessionsRevoked += result.deprovisioned.sessionsRevoked;
        }
      } catch (err) {
        errors += 1;
        const described = this.opts.describeError(err);
        entry['status'] = String(described.status);
        entry['response'] = described.body;
        outcome.status = described.status;
        outcome.error = described.log;
      }
      outcome.durationMs = performance.now() - started;
      done.push({ index, entry, outcome });
    }
    // In the order the client sent them, whatever order they ran in.
    done.sort((a, b) => a.index - b.index);
    const results = done.map((d) => d.entry);
    const result: ScimResult = {
      status: 200,
      body: { schemas: [BULK_RESPONSE], Operations: results },
      resourceType: 'Bulk',
      changes: { operations: results.map((r) => `${String(r['method'])} ${String(r['status'])}`), errors },
      operations: done.map((d) => d.outcome),
    };
    if (deprovisioned) result.deprovisioned = { sessionsRevoked };
    return result;
  }
}

// ---- Helpers -----------------------------------------------------------------------------------

/** A path segment's id; a malformed percent-encoding names no resource (404, not a 500). */
function decodeId(segment: string, req: ScimRequest): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw noRoute(req);
  }
}

/**
 * RFC 7644 §4: a discovery endpoint given a filter SHOULD answer 403, so that no client takes the
 * whole document for the resources its filter matched.
 */
function unfiltered(route: Route): Route {
  return (req, id) => {
    if (Object.keys(req.query).some((k) => k.toLowerCase() === 'filter')) {
      throw new PermissionDenied(
        'scim.discovery_filter',
        'Discovery endpoints take no filter (RFC 7644 §4).',
      );
    }
    return route(req, id);
  };
}

function noRoute(req: ScimRequest): NotFound {
  return new NotFound('route.not_found', `No SCIM endpoint answers ${req.method.toUpperCase()} ${req.path}.`);
}

function withOutcome<T>(result: ScimResult, done: Provisioned<T>): ScimResult {
  // Added to the result itself: a copy by spread would read (parse) a JSON result's `body`.
  result.changes = done.changes;
  if (done.deprovisioned) result.deprovisioned = done.deprovisioned;
  return result;
}

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

/** listResponse around resources that already are UTF-8 JSON: the same keys in the same order. */
function listResponseBytes(total: number, startIndex: number, resources: Buffer[]): Buffer {
  const head = JSON.stringify({
    schemas: [LIST_RESPONSE],
    totalResults: total,
    itemsPerPage: resources.length,
    startIndex,
  });
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"Resources":[`)];
  resources.forEach((r, i) => parts.push(...(i === 0 ? [r] : [COMMA, r])));
  parts.push(LIST_END);
  return Buffer.concat(parts);
}

/** A result whose body is UTF-8 JSON; `body` parses it for whoever reads the document. */
function jsonResult(
  status: number,
  json: Buffer,
  rest: Omit<ScimResult, 'status' | 'body' | 'json'>,
): ScimResult {
  return {
    status,
    json,
    get body(): unknown {
      return JSON.parse(json.toString('utf8'));
    },
    ...rest,
  };
}

/** No attributes named either way: the representation every caller gets by default. */
function isDefault(p: Projection): boolean {
  return p.attributes === undefined && p.excludedAttributes === undefined;
}

function listResponse(total: number, startIndex: number, resources: Json[]): Json {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

function projectionOf(params: Json): Projection {
  const p: Projection = {};
  const attributes = parseAttributeList(params['attributes']);
  const excluded = parseAttributeList(params['excludedAttributes']);
  if (attributes) p.attributes = attributes;
  if (excluded) p.excludedAttributes = excluded;
  return p;
}

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw scimInvalid('invalidValue', `"${name}" must be an integer.`);
  return n;
}

function sortPath(text: string, type: ResourceTypeDef): AttrPath {
  const colon = text.lastIndexOf(':');
  const [attr = '', sub] = (colon >= 0 ? text.slice(colon + 1) : text).split('.');
  const path: AttrPath = { attr };
  if (colon >= 0) path.uri = text.slice(0, colon);
  if (sub !== undefined) path.sub = sub;
  if (!attr) throw scimInvalid('invalidValue', `"${text}" is not an attribute of ${type.name}.`);
  return path;
}

/** A POST /.search body (RFC 7644 §3.4.3): the same parameters as a query string. */
function searchBody(body: unknown): Json {
  if (body === undefined) return {};
  if (!isObject(body)) throw scimInvalid('invalidSyntax', 'A search body is a JSON object.');
  const schemas = body['schemas'];
  if (Array.isArray(schemas) && !schemas.includes(SEARCH_REQUEST)) {
    throw scimInvalid('invalidSyntax', `A search body lists the schema ${SEARCH_REQUEST}.`);
  }
  const out: Json = { ...body };
  for (const key of ['attributes', 'excludedAttributes']) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).join(',');
  }
  return out;
}

function membersField(body: Json): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'members');
  return key === undefined ? undefined : body[key];
}

function notModified(req: ScimRequest, version: number): boolean {
  const tags = parseEtags(req.ifNoneMatch);
  return tags !== undefined && (tags === '*' || tags.includes(version));
}

function notModifiedResult(resourceType: 'User' | 'Group', row: { id: string; version: number }): ScimResult {
  return { status: 304, headers: { ETag: etagOf(row.version) }, resourceType, resourceId: row.id };
}

/**
 * A write's precondition: If-Match, `*` or a list of weak tags; a header naming no version we could
 * hold never matches. `If-None-Match: *` asks for the write only where there is no resource (RFC 7232
 * §3.2): a write that finds one answers 412, as a list naming no version does.
 */
function preconditionOf(req: ScimRequest): IfMatch | undefined {
  return parseEtags(req.ifNoneMatch) === '*' ? [] : parseEtags(req.ifMatch);
}

interface BulkOperation {
  /** As sent (upper case) when it is one of POST, PUT, PATCH, DELETE. */
  method: string;
  path: string;
  bulkId?: string;
  version?: string;
  data?: unknown;
  /** Why the operation cannot run: it fails alone, and the others still run (RFC 7644 §3.7.3). */
  invalid?: Error;
}

function bulkBody(
  body: unknown,
  maxOperations: number,
): { operations: BulkOperation[]; failOnErrors?: number } {
  if (!isObject(body)) throw scimInvalid('invalidSyntax', 'A Bulk body is a JSON object.');
  const schemas = body['schemas'];
  if (Array.isArray(schemas) && !schemas.includes(BULK_REQUEST)) {
    throw scimInvalid('invalidSyntax', `A Bulk body lists the schema ${BULK_REQUEST}.`);
  }
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const raw = key === undefined ? undefined : body[key];
  if (!Array.isArray(raw)) throw scimInvalid('invalidSyntax', 'A Bulk body has an "Operations" array.');
  if (raw.length > maxOperations) {
    throw new InvalidInput(
      'scim.bulk_too_many_operations',
      `A Bulk request carries at most ${maxOperations} operations.`,
      {
        scimType: 'tooMany',
      },
    );
  }
  const fail = body['failOnErrors'];
  if (fail !== undefined && (typeof fail !== 'number' || !Number.isInteger(fail) || fail < 1)) {
    throw scimInvalid('invalidValue', '"failOnErrors" is a positive integer.');
  }
  const seen = new Set<string>();
  const operations = raw.map((op, i): BulkOperation => {
    if (!isObject(op)) {
      return {
        method: '',
        path: '',
        invalid: scimInvalid('invalidSyntax', `Operations[${i}] is not an object.`),
      };
    }
    const method = typeof op['method'] === 'string' ? op['method'].toUpperCase() : '';
    const path = typeof op['path'] === 'string' ? op['path'] : '';
    const out: BulkOperation = { method, path };
    if (typeof op['bulkId'] === 'string') {
      if (seen.has(op['bulkId'])) {
        out.invalid = scimInvalid('invalidValue', `bulkId "${op['bulkId']}" is used twice.`);
      }
      seen.add(op['bulkId']);
      out.bulkId = op['bulkId'];
    }
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
      out.invalid = scimInvalid('invalidValue', `Operations[${i}].method is POST, PUT, PATCH or DELETE.`);
    } else if (method === 'POST' ? !/^\/(Users|Groups)\/?$/i.test(path) : !RESOURCE_PATH.test(path)) {
      // A search (`/Users/.search`) is no Bulk operation (RFC 7644 §3.7): it would answer 200 and nothing.
      out.invalid = scimInvalid(
        'invalidValue',
        method === 'POST'
          ? `Operations[${i}].path of a POST is /Users or /Groups.`
          : `Operations[${i}].path names a resource: /Users/<id> or /Groups/<id>.`,
      );
    }
    if (typeof op['version'] === 'string') out.version = op['version'];
    if ('data' in op) out.data = op['data'];
    return out;
  });
  return fail === undefined ? { operations } : { operations, failOnErrors: fail as number };
}

/** `/Users/<id>` or `/Groups/<id>` (a `bulkId:` reference included); never `/.search`. */
const RESOURCE_PATH = /^\/(Users|Groups)\/(?!\.search\/?$)[^/]+$/i;

const BULK_REF = /bulkId:([^/"\s]+)/g;

/** The bulkIds an operation refers to, in its path or anywhere in its data. */
function bulkRefs(op: BulkOperation): string[] {
  const refs: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.includes('bulkId:')) for (const m of v.matchAll(BULK_REF)) refs.push(m[1] as string);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(op.path);
  walk(op.data);
  return refs;
}

/**
 * The order to run a Bulk request's operations in: the client's, except that an operation waits for
 * the POSTs whose bulkIds it refers to (RFC 7644 §3.7.2 has the service provider resolve them, in
 * whatever order they come). Operations that wait on each other in a circle run in the client's order
 * and the first one's reference answers 409 (§3.7.1 allows that); so does a reference to a bulkId
 * no valid POST defines, or to one whose POST failed.
 */
function bulkOrder(operations: BulkOperation[]): number[] {
  const definedBy = new Map<string, number>();
  operations.forEach((op, i) => {
    if (op.method === 'POST' && op.bulkId !== undefined && !op.invalid && !definedBy.has(op.bulkId))
      definedBy.set(op.bulkId, i);
  });
  const waitsFor = operations.map((op, i) =>
    bulkRefs(op)
      .map((ref) => definedBy.get(ref))
      .filter((at): at is number => at !== undefined && at !== i),
  );
  const ran = new Set<number>();
  const pending = operations.map((_op, i) => i);
  const order: number[] = [];
  while (pending.length > 0) {
    const ready = pending.findIndex((i) => (waitsFor[i] as number[]).every((at) => ran.has(at)));
    const [next] = pending.splice(ready < 0 ? 0 : ready, 1) as [number];
    ran.add(next);
    order.push(next);
  }
  return order;
}

/**
 * Replaces `bulkId:<id>` references (RFC 7644 §3.7.2) with the ids of the resources the request's
 * POSTs created. A reference no POST resolved (it failed, or the references are circular) is a 409,
 * as RFC 7644 §3.7.1 allows.
 */
function resolveBulkIds<T>(value: T, created: Map<string, string>): T {
  const replace = (s: string): string =>
    s.replace(BULK_REF, (_m, ref: string) => {
      const id = created.get(ref);
      if (id === undefined) {
        // Not `uniqueness`, which a 409 otherwise means: the gateway's name for a 409 no keyword fits.
        throw new Conflict(
          'scim.bulk_id_unresolved',
          `bulkId "${ref}" names no resource this request created.`,
          {
            scimType: 'conflict',
          },
        );
      }
      return id;
    });
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('bulkId:') ? replace(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * Whether a request deprovisions (DELETE, or `active` set to false): such requests are never
 * throttled, so a rate limit can never keep a departed person's access alive.
 */
export function isDeprovisioning(method: string, path: string, body: unknown): boolean {
  const m = method.toUpperCase();
  const [head = '', id] = path.split('/').filter(Boolean);
  const resource = head.toLowerCase();
  if (resource === 'bulk' && m === 'POST' && isObject(body)) {
    const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
    const ops = key === undefined ? [] : body[key];
    return (
      Array.isArray(ops) &&
      ops.some(
        (op) =>
          isObject(op) &&
          typeof op['method'] === 'string' &&
          typeof op['path'] === 'string' &&
          isDeprovisioning(op['method'], op['path'], op['data']),
      )
    );
  }
  if (id === undefined || id === '.search') return false;
  if (m === 'DELETE') return resource === 'users' || resource === 'groups';
  if (resource !== 'users') return false;
  try {
    if (m === 'PUT') return normalizeResource(body, RESOURCE_TYPES.User)['active'] === false;
    if (m === 'PATCH') {
      // What the PATCH leaves `active` at (its operations apply in order, as one, RFC 7644 §3.5.2):
      // `false` then `true` deprovisions no one and waits like any other write.
      const last = normalizePatch(body, RESOURCE_TYPES.User)
        .filter((op) => op.path.path.attr === 'active' && !op.path.path.uri)
        .at(-1);
      return last !== undefined && last.op !== 'remove' && last.value === false;
    }
  } catch {
    // A malformed body is not a deprovisioning: it is rejected with its own 400 after the limit.
  }
  return false;
}
