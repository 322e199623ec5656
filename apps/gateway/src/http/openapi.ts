// /api/openapi.json, generated from the route declarations and their zod schemas (zod 4 JSON Schema).
import { z } from 'zod';
import type { Route } from './define-route.js';

const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' });

const ERROR_RESPONSE = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              details: { type: 'object' },
            },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
    },
  },
};

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const SECURITY = {
  session: [{ session: [] }],
  apiKey: [{ apiKey: [] }],
  sessionOrApiKey: [{ session: [] }, { apiKey: [] }],
  public: [],
} as const;

export function openApiDocument(
  routes: Route[],
  info: { title: string; version: string; serverUrl: string },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of routes) {
    const path = `/api${spec.path.replace(/:(\w+)/g, '{$1}')}`;
    const status = String(spec.status ?? 200);
    const success = spec.response
      ? {
          description: 'OK',
          content: { 'application/json': { schema: toJsonSchema(spec.response, 'output') } },
        }
      : {
          description: status === '204' ? 'No content' : 'OK',
          ...(spec.produces
            ? { content: Object.fromEntries(spec.produces.map((t) => [t, { schema: { type: 'string' } }])) }
            : {}),
        };
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.action ? { 'x-gatehouse-action': spec.action } : {}),
      security: SECURITY[spec.auth ?? 'session'],
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toJsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses: { [status]: success, '4XX': ERROR_RESPONSE },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'gh_session',
          description: 'Session cookie; state-changing calls also send X-CSRF-Token.',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A tenant API key, for the workflow runtime (usage reports, egress checks).',
        },
      },
    },
    paths,
  };
}
