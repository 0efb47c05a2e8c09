/**
 * Fuzz: at least 5 000 generated requests (fast-check, seeded) against a real server on
 * 127.0.0.1 (simulator, Redis, PostgreSQL): every REST route of the OpenAPI document (so a route
 * added later is fuzzed without touching this file) plus the extra paths below, and every
 * GraphQL query, mutation and subscription field of the schema. Inputs: wrong types, huge and
 * deeply nested values, unicode, control characters and NULs, invalid UTF-8, bad JSON, bad
 * percent-escapes in paths and queries, wrong methods and content types, random GraphQL
 * documents. Asserts: no response >= 500, a reason in every 4xx (a JSON `detail` or GraphQL
 * `errors[].message` with `extensions.code`), and the server still healthy at the end.
 *
 * Reproduce a run with FUZZ_SEED=<seed> (printed on failure); FUZZ_RUNS scales the count.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { answerClientErrors } from '../src/http/client-error.js';
import { openApiDocument } from '../src/rest/rest.app.js';
import { attachWebSocket } from '../src/ws.js';
import { generateCases } from '../src/sim/sim.cases.js';
import { startSimulator, type Simulator } from '../src/sim/simulator.js';
import { createPostgresDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { loadCorpus } from './helpers/corpus.js';
import { cleanupPrefix, startStack, uniquePrefix, type Stack } from './helpers/stack.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 6000);
const CONCURRENCY = 12;
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `fuzz_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const MAX_BODY = 256 * 1024;

/** Paths outside the OpenAPI document that clients reach: fuzzed the same way. */
const EXTRA_ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/healthz', params: [] },
  { method: 'GET', path: '/healthz/ready', params: [] },
  { method: 'GET', path: '/healthz/live', params: [] },
  { method: 'GET', path: '/metrics', params: [] },
  { method: 'GET', path: '/openapi.json', params: [] },
  { method: 'GET', path: '/no/such/route/{x}', params: [{ name: 'x', in: 'path' }] },
  // static files: traversal (`..%2f`), bad escapes; `/` itself is left out (503 until the dashboard is built)
  { method: 'GET', path: '/assets/{x}', params: [{ name: 'x', in: 'path' }] },
  { method: 'GET', path: '/docs/{x}', params: [{ name: 'x', in: 'path' }] },
];

interface RouteSpec {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query' | string }[];
  /** JSON body field names, or 'multipart' for a file upload. */
  body?: { kind: 'json'; fields: string[] } | { kind: 'multipart' };
}

/** The REST routes as the OpenAPI document lists them. */
function routesOf(document: any): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const [path, operations] of Object.entries<any>(document.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(operations)) {
      const content = op.requestBody?.content ?? {};
      const schema = content['application/json']?.schema;
      const resolved = schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema;
      const body: RouteSpec['body'] = content['multipart/form-data']
        ? { kind: 'multipart' }
        : content['application/json']
          ? { kind: 'json', fields: Object.keys(resolved?.properties ?? {}) }
          : undefined;
      routes.push({ method: method.toUpperCase(), path, params: (op.parameters ?? []).map((p: any) => ({ name: p.name, in: p.in })), body });
    }
  }
  return routes;
}

// ---- generators -----------------------------------------------------------------------------

const corpusDomains = generateCases(loadCorpus(), 2).map((c) => c.domain);

const nasty = fc.constantFrom(
  '', ' ', '\0', 'a\u0000b', '%', '%zz', '%E0%A4%A', '%00', '..', '../../etc/passwd', '\uD800', '\uDFFF\uD800', '\uFFFF', '\uFEFF', '\u202E',
  '🙂', 'ü', '\u0301', 'null', 'undefined', '[]', '{}', '__proto__', 'constructor', 'SELECT 1;--', "' OR 1=1 --", '<script>alert(1)</script>',
  'https://www.example.com/x?y#z', 'info@example.com', 'example.com', 'xn--', 'xn--zz', '-1', '0', '1e309', 'NaN', 'Infinity', 'true',
  '2026-13-45', 'not-a-date', '2026-11-28T10:00:00Z', 'P1', 'Google', 'Migration', 'csv', 'json', 'asc', '\r\n', '\t', '${x}', '{{x}}',
);

const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: nasty },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\0', '\u0001', '\u001f', '\u007f', '\u2028', '\uFEFF', '\\', '"', '%', '/'), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 3, arbitrary: fc.constantFrom(...corpusDomains) },
);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e300, 0.5),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
}));

/** A JSON text nested `n` deep. */
const deep = fc.integer({ min: 50, max: 50_000 }).chain((n) => fc.constantFrom(`${'['.repeat(n)}${']'.repeat(n)}`, `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`));

/** Percent-encode any string, lone surrogates included (encodeURIComponent throws on them). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const badEscape = fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%C0%AF', '%2e%2e', '%2F', '%FF', '%u0041', '%%', '%e2%82', 'a%', '%0', '..%2f..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fpackage.json', '..%5c..%5cpackage.json');

/** A path segment: text percent-encoded, a bad escape, or a mix. */
const segment = fc.oneof(
  { weight: 4, arbitrary: text.map(pct) },
  { weight: 3, arbitrary: badEscape },
  { weight: 1, arbitrary: fc.tuple(text, badEscape).map(([t, b]) => `${pct(t)}${b}`) },
  { weight: 1, arbitrary: fc.uuid() },
);

const queryValue = fc.oneof({ weight: 4, arbitrary: text.map(pct) }, { weight: 2, arbitrary: badEscape }, { weight: 1, arbitrary: fc.integer().map(String) });

const contentType = fc.constantFrom(
  'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1',
  'text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/x-ndjson',
  'application/xml', '*/*', 'garbage', '',
);

type Body = string | Buffer | undefined;

/** A JSON body for a route: its fields with anything in them, or something that is not one. */
function jsonBody(fields: string[]): fc.Arbitrary<Body> {
  const listOf = fc.array(fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: value }), { maxLength: 40 });
  const field = fc.oneof({ weight: 3, arbitrary: value }, { weight: 2, arbitrary: listOf });
  const record = fc.record(Object.fromEntries([...fields, 'unknown_field'].map((f) => [f, field])), { requiredKeys: [] });
  return fc.oneof(
    { weight: 6, arbitrary: record.map((r) => JSON.stringify(r)) },
    { weight: 1, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...fields, 'x'), deep).map(([f, d]) => `{"${f}": ${d}}`) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"domain":', 'nul', '[1,]', '{"a":1}{"b":2}', '\uFEFF{}', '', ' ', '"\\ud800"', '{"__proto__": {"x": 1}}') },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"domain": "'), Buffer.from(bytes), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')])) },
    { weight: 1, arbitrary: fc.constantFrom(MAX_BODY + 10, 3 * 1024 * 1024).map((n) => `{"domain_list": ["${'a'.repeat(n)}"]}`) },
  );
}

/** A multipart upload: a CSV-ish file, or a broken envelope. */
const multipartBody: fc.Arbitrary<{ body: Body; type: string }> = fc
  .tuple(fc.array(fc.oneof(text, fc.constantFrom('domain,company', 'website;name', '"a,b",c')), { maxLength: 30 }), fc.constantFrom('b0undary', 'x', ''), fc.boolean(), fc.constantFrom('file', 'csv', 'other'))
  .map(([lines, boundary, close, name]) => {
    const parts = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n${lines.join('\n')}\r\n${close ? `--${boundary}--\r\n` : ''}`;
    return { body: parts, type: boundary ? `multipart/form-data; boundary=${boundary}` : 'multipart/form-data' };
  });

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Body;
  /** SSE: read a little, then hang up. */
  stream?: boolean;
  label: string;
}

function restRequest(route: RouteSpec, jobIds: () => string[]): fc.Arbitrary<FuzzRequest> {
  const pathParams = route.params.filter((p) => p.in === 'path');
  const queryParams = route.params.filter((p) => p.in === 'query').map((p) => p.name);
  const idOrSegment = fc.oneof({ weight: 5, arbitrary: segment }, { weight: 1, arbitrary: fc.constant('').map(() => jobIds()[0] ?? 'none') });
  const pathArb = fc.tuple(...pathParams.map(() => idOrSegment), fc.boolean()).map((values) => {
    let path = route.path;
    pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, values[i] as string)));
    return `${(values[values.length - 1] as boolean) ? '/api/v1' : ''}${path}`;
  });
  const queryArb = fc
    .array(fc.tuple(fc.constantFrom(...queryParams, 'x', 'format', '%zz', ''), queryValue), { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${pct(k)}=${v}`).join('&')}` : ''));
  const methodArb = fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') });
  const bodyArb: fc.Arbitrary<{ body: Body; type: string }> =
    route.body?.kind === 'multipart'
      ? fc.oneof({ weight: 4, arbitrary: multipartBody }, { weight: 1, arbitrary: fc.tuple(jsonBody(['file']), contentType).map(([body, type]) => ({ body, type })) })
      : route.body?.kind === 'json'
        ? fc.tuple(jsonBody(route.body.fields), contentType).map(([body, type]) => ({ body, type }))
        : fc.oneof({ weight: 5, arbitrary: fc.constant({ body: undefined, type: '' }) }, { weight: 1, arbitrary: fc.tuple(jsonBody(['x']), contentType).map(([body, type]) => ({ body, type })) });
  return fc.tuple(methodArb, pathArb, queryArb, bodyArb).map(([method, path, query, { body, type }]): FuzzRequest => ({
    method,
    path: `${path}${query}`,
    headers: type ? { 'content-type': type } : {},
    body: method === 'GET' || method === 'OPTIONS' ? undefined : body,
    label: `REST ${route.method} ${route.path}`,
  }));
}

/** A value of a GraphQL input type (right most of the time, anything some of the time). */
function inputValue(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  const wrong = { weight: 1, arbitrary: value };
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    const item = inputValue(nullable.ofType, depth + 1);
    return fc.oneof({ weight: 6, arbitrary: fc.array(item, { maxLength: 30 }) }, { weight: 1, arbitrary: fc.array(fc.constantFrom(...corpusDomains), { minLength: 1, maxLength: 300 }) }, wrong);
  }
  if (isEnumType(nullable)) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...nullable.getValues().map((v) => v.name)) }, wrong);
  if (isInputObjectType(nullable)) {
    if (depth > 3) return fc.constant({});
    const fields = Object.values(nullable.getFields());
    return fc.oneof({ weight: 6, arbitrary: fc.record(Object.fromEntries(fields.map((f) => [f.name, inputValue(f.type, depth + 1)])), { requiredKeys: [] }) }, wrong);
  }
  if (isScalarType(nullable)) {
    switch (nullable.name) {
      case 'Int':
        return fc.oneof({ weight: 4, arbitrary: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31))) }, wrong);
      case 'Float':
        return fc.oneof({ weight: 4, arbitrary: fc.double() }, wrong);
      case 'Boolean':
        return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, wrong);
      default:
        return fc.oneof({ weight: 6, arbitrary: text }, wrong);
    }
  }
  return value;
}

/** A GraphQL literal for a value (JSON strings are GraphQL strings; objects unquoted keys). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '0';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${/^[_A-Za-z]\w*$/.test(k) ? k : '_bad'}: ${literal(x)}`).join(', ')}}`;
}

/** A selection of an output type: its scalars, and objects two levels down (no required args). */
function selectionOf(type: GraphQLObjectType, depth: number): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    if (isObjectType(named)) {
      if (depth < 2) parts.push(`${field.name} { ${selectionOf(named, depth + 1)} }`);
    } else parts.push(field.name);
  }
  return parts.length ? parts.join(' ') : '__typename';
}

function operationRequest(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>): fc.Arbitrary<FuzzRequest> {
  const named = getNamedType(field.type);
  const selection = isObjectType(named) ? ` { ${selectionOf(named, 0)} }` : '';
  const argArb = (arg: GraphQLArgument) =>
    fc.oneof(
      { weight: 5, arbitrary: inputValue(arg.type).map((v) => ({ mode: 'variable' as const, arg, v })) },
      { weight: 2, arbitrary: inputValue(arg.type).map((v) => ({ mode: 'literal' as const, arg, v })) },
      { weight: 1, arbitrary: fc.constant({ mode: 'omit' as const, arg, v: undefined as unknown }) },
    );
  return fc.tuple(fc.tuple(...field.args.map(argArb)), fc.boolean()).map(([args, asGet]): FuzzRequest => {
    const definitions = args.filter((a) => a.mode === 'variable').map((a) => `$${a.arg.name}: ${String(a.arg.type)}`);
    const passed = args.filter((a) => a.mode !== 'omit').map((a) => `${a.arg.name}: ${a.mode === 'variable' ? `$${a.arg.name}` : literal(a.v)}`);
    const variables = Object.fromEntries(args.filter((a) => a.mode === 'variable').map((a) => [a.arg.name, a.v]));
    const query = `${kind} Fuzz${definitions.length ? `(${definitions.join(', ')})` : ''} { ${field.name}${passed.length ? `(${passed.join(', ')})` : ''}${selection} }`;
    const label = `GraphQL ${kind} ${field.name}`;
    if (kind === 'subscription') {
      return { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query, variables }), stream: true, label };
    }
    if (asGet && kind === 'query') {
      const search = new URLSearchParams({ query, variables: JSON.stringify(variables) });
      return { method: 'GET', path: `/graphql?${search}`, headers: { accept: 'application/json' }, label };
    }
    return { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }), label };
  });
}

/** Documents and envelopes that are not well-formed operations at all. */
const rawGraphQL: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    text.map((query) => JSON.stringify({ query })),
    value.map((v) => JSON.stringify({ query: v, variables: v, operationName: v })),
    fc.integer({ min: 10, max: 20_000 }).map((n) => JSON.stringify({ query: `{${'a{'.repeat(n)}b${'}'.repeat(n)}}` })),
    fc.integer({ min: 10, max: 5_000 }).map((n) => JSON.stringify({ query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }` })),
    fc.integer({ min: 10, max: 20_000 }).map((n) => JSON.stringify({ query: `{ __typename ${'@include(if: true) '.repeat(n)}}` })),
    fc.constantFrom('{', '[]', '[{"query": "{ __typename }"}, {"query": "{ __typename }"}]', 'null', '"{ __typename }"', '{"query": "{ __typename }", "variables": "x"}', '{"query": "{ __typename }", "extensions": 5}'),
    deep.map((d) => `{"query": "query($v: [String!]) { __typename }", "variables": {"v": ${d}}}`),
  )
  .chain((body) =>
    fc.constantFrom('application/json', 'application/graphql-response+json', 'text/plain', 'application/x-www-form-urlencoded', '').map((type): FuzzRequest => ({
      method: 'POST',
      path: '/graphql',
      headers: type ? { 'content-type': type } : {},
      body,
      label: 'GraphQL raw document',
    })),
  );

const rawGraphQLGet: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.oneof(queryValue, text.map(pct)), badEscape, fc.constantFrom('application/json', 'application/json', 'image/png', 'application/xml', '*/*', 'text/event-stream'))
  .map(([q, b, accept]) => ({ method: 'GET', path: `/graphql?query=${q}${b}&variables=${b}`, headers: { accept }, stream: accept === 'text/event-stream', label: 'GraphQL GET with bad escapes' }));

// ---- the client -----------------------------------------------------------------------------

interface Outcome {
  status: number;
  type: string;
  text: string;
}

function send(base: string, r: FuzzRequest): Promise<Outcome> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    // a fresh connection each time: the server closes one after a 413, and a reused one would
    // read as a reset here
    const req = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers: r.headers, timeout: 20_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size < 1024 * 1024) chunks.push(c);
        // an event stream: its first events are enough
        if (r.stream && (size > 0 || Buffer.concat(chunks).includes('event:'))) setTimeout(() => req.destroy(), 300);
      });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', (error) => (r.stream && /socket hang up|aborted/.test(error.message) ? undefined : reject(error)));
    req.end(r.body);
  });
}

/** A stack frame, a source path or a driver message in an answer, unless the client sent it itself. */
function leakIn(text: string, r: FuzzRequest): string | null {
  const match = /\bat [^\s"]+ \([^)"]*:\d+:\d+\)|\/src\/[\w/.-]+\.ts\b|node_modules\/|invalid input syntax|violates .* constraint/.exec(text);
  if (!match) return null;
  const sent = `${r.path} ${typeof r.body === 'string' ? r.body : (r.body?.toString('utf8') ?? '')}`;
  return sent.includes(match[0]) ? null : match[0];
}

/** A 4xx must say why: `detail`, or GraphQL errors with a message and a code. */
function reasonOf(outcome: Outcome): string | null {
  let body: any;
  try {
    // an event stream: the data of its first event
    const text = outcome.type.startsWith('text/event-stream') ? (/^data: (.*)$/m.exec(outcome.text)?.[1] ?? '') : outcome.text;
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body?.detail === 'string' && body.detail.length > 0) return body.detail;
  if (Array.isArray(body?.detail) && body.detail.length > 0 && body.detail.every((i: any) => typeof i?.msg === 'string')) return body.detail[0].msg;
  const error = Array.isArray(body?.errors) ? body.errors[0] : undefined;
  if (typeof error?.message === 'string' && error.message.length > 0 && typeof error.extensions?.code === 'string') return error.message;
  return null;
}

// ---- the run --------------------------------------------------------------------------------

let sim: Simulator;
let db: Db;
let stack: Stack;
let server: Server;
let ws: { close(): Promise<void> } | undefined;
let base: string;
const prefix = uniquePrefix('fuzz');

beforeAll(async () => {
  sim = await startSimulator({ cases: generateCases(loadCorpus(), 2) });
  db = await createPostgresDb(POSTGRES_URL, { schema: SCHEMA });
  await migrate(db);
  stack = await startStack(sim, prefix, { worker: false, db, app: { maxBodyBytes: MAX_BODY } });
  server = createServer(stack.app.handleNodeRequest);
  answerClientErrors(server);
  ws = attachWebSocket(server, stack.app, stack.config.apiKeys);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // fuzz a ready server: /healthz is 503 while Redis is still connecting
  for (let i = 0; i < 100 && (await send(base, { method: 'GET', path: '/healthz', headers: {}, label: 'ready' })).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
}, 60_000);

afterAll(async () => {
  await ws?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (stack) {
    await cleanupPrefix(stack.runtime, prefix);
    await stack.close();
  }
  await db?.close();
  const admin = await createPostgresDb(POSTGRES_URL);
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  await sim?.close();
});

/** Every root field of the schema, with its operation kind. */
function rootFields(schema: GraphQLSchema) {
  const roots = [['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()]] as const;
  return roots.flatMap(([kind, type]) => (type ? Object.values(type.getFields()).map((field) => ({ kind, field })) : []));
}

describe('fuzz', () => {
  it(`${RUNS} generated requests over every REST route and GraphQL field: no 5xx, a reason in every 4xx, the server alive (seed ${SEED})`, async () => {
    const jobIds: string[] = [];
    const routes = [...routesOf(openApiDocument(stack.app.rest, 'fuzz')), ...EXTRA_ROUTES];
    const fields = rootFields(stack.app.schema);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(fields.length).toBeGreaterThanOrEqual(8);

    // every route and field gets its share; raw documents and GETs on top
    const perTarget = Math.ceil((RUNS * 0.85) / (routes.length + fields.length));
    const requests: FuzzRequest[] = [];
    let seed = SEED;
    for (const route of routes) requests.push(...fc.sample(restRequest(route, () => jobIds), { seed: seed++, numRuns: perTarget }));
    for (const { kind, field } of fields) {
      const runs = kind === 'subscription' ? Math.ceil(perTarget / 4) : perTarget;
      requests.push(...fc.sample(operationRequest(kind, field), { seed: seed++, numRuns: runs }));
    }
    requests.push(...fc.sample(rawGraphQL, { seed: seed++, numRuns: Math.ceil(RUNS * 0.1) }));
    requests.push(...fc.sample(rawGraphQLGet, { seed: seed++, numRuns: Math.ceil(RUNS * 0.05) }));
    // interleave the targets, deterministically
    const order = fc.sample(fc.shuffledSubarray(requests.map((_, i) => i), { minLength: requests.length }), { seed: SEED, numRuns: 1 })[0];

    const failures: string[] = [];
    const counts = new Map<string, number>();
    let sent = 0;
    let next = 0;
    const started = performance.now();
    async function worker() {
      while (next < order.length) {
        const r = requests[order[next++]];
        let outcome: Outcome;
        try {
          outcome = await send(base, r);
        } catch (error) {
          failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 200)} -> no answer (${(error as Error).message})`);
          continue;
        }
        sent++;
        counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
        const id = /"job_id":"([0-9a-f-]{36})"/.exec(outcome.text)?.[1];
        if (id && jobIds.length < 20) jobIds.unshift(id);
        const body = typeof r.body === 'string' ? r.body.slice(0, 200) : r.body ? `<${r.body.length} bytes>` : '';
        if (outcome.status >= 500 || outcome.status === 0) {
          failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 200)} ${body} -> ${outcome.status} ${outcome.text.slice(0, 300)}`);
        } else if (outcome.status >= 400 && !reasonOf(outcome)) {
          failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 200)} ${body} -> ${outcome.status} without a reason: ${outcome.type} ${outcome.text.slice(0, 200)}`);
        } else if (outcome.status >= 400 && outcome.text.length > 16 * 1024) {
          failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 200)} -> ${outcome.status} echoes ${outcome.text.length} characters: ${outcome.text.slice(0, 200)}`);
        } else if (/root:x:0:0|"name": "domain-scout"|"devDependencies"/.test(outcome.text)) {
          failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 200)} -> ${outcome.status} serves a file outside the web root`);
        } else if (outcome.status >= 400 && leakIn(outcome.text, r)) {
          failures.push(`${r.label}: ${r.method} ${r.path.slice(0, 200)} -> ${outcome.status} leaks internals (${leakIn(outcome.text, r)}): ${outcome.text.slice(0, 300)}`);
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;

    expect(failures.slice(0, 25), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(5000);
    // every route and field was reached
    for (const route of routes) expect(counts.get(`REST ${route.method} ${route.path}`) ?? 0).toBeGreaterThan(0);
    for (const { kind, field } of fields) expect(counts.get(`GraphQL ${kind} ${field.name}`) ?? 0).toBeGreaterThan(0);
    // the server is alive and answers normally
    const health = await send(base, { method: 'GET', path: '/healthz', headers: {}, label: 'health' });
    expect(health.status).toBe(200);
    const ok = await send(base, { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }), label: 'sanity' });
    expect(JSON.parse(ok.text)).toEqual({ data: { __typename: 'Query' } });
    console.log(`fuzz: ${sent} requests in ${seconds.toFixed(1)} s (seed ${SEED}), ${routes.length} REST routes, ${fields.length} GraphQL fields`);
  }, 120_000);

  it(`WebSocket (graphql-ws): generated messages never end a socket with an internal error, and the server lives (seed ${SEED})`, async () => {
    const fields = rootFields(stack.app.schema);
    const operations = fields.flatMap(({ kind, field }, i) => fc.sample(operationRequest(kind, field), { seed: SEED + 1000 + i, numRuns: 12 }));
    const garbage = fc.sample(
      fc.oneof(
        value.map((v) => JSON.stringify(v) ?? 'null'),
        value.map((v) => JSON.stringify({ type: 'subscribe', id: v, payload: v })),
        text.map((t) => JSON.stringify({ type: t })),
        fc.constantFrom('{', '', '{"type":"subscribe","id":"1"}', '{"type":"complete","id":"nope"}', '{"type":"ping"}', '{"type":"connection_init"}'),
      ),
      { seed: SEED + 2000, numRuns: 120 },
    );
    // the raw documents (deep, many aliases, many directives, junk) as subscribe frames too
    const raws = fc
      .sample(rawGraphQL, { seed: SEED + 3000, numRuns: 60 })
      .map((r) => { try { return JSON.parse(String(r.body)); } catch { return null; } })
      .filter((b): b is { query: string } => typeof b?.query === 'string')
      .map((b) => ({ method: 'POST', path: '/graphql', headers: {}, body: JSON.stringify({ query: b.query }), label: 'ws raw' }) as FuzzRequest);
    operations.push(...raws);
    const closes: number[] = [];
    const internal: string[] = [];
    const limited: string[] = [];
    const answers = { next: 0, error: 0, complete: 0 };
    /** One socket: init, then the frames, then wait a little for the answers. */
    async function session(frames: string[]) {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      let finished = 0;
      let allAnswered = () => {};
      const answered = new Promise<void>((resolve) => (allAnswered = resolve));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type in answers) answers[message.type as keyof typeof answers]++;
        if (String(data).includes('QUERY_TOO_COMPLEX')) limited.push(message.type);
        if ((message.type === 'complete' || message.type === 'error') && ++finished >= frames.length) allAnswered();
        if (message.type === 'error' && !(message.payload as any[]).every((e) => typeof e.extensions?.code === 'string')) internal.push(String(data).slice(0, 300));
        if (message.type === 'next' && message.payload.errors?.some((e: any) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) internal.push(String(data).slice(0, 300));
      });
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      const acked = new Promise<void>((resolve) => socket.on('message', (data) => JSON.parse(String(data)).type === 'connection_ack' && resolve()));
      socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      await Promise.race([acked, closed]);
      for (const frame of frames) socket.send(frame);
      const code = await Promise.race([closed, answered.then(() => 0), new Promise<number>((resolve) => setTimeout(() => resolve(0), 1500))]);
      if (code) closes.push(code);
      socket.terminate();
    }
    const subscribe = (r: FuzzRequest, i: number) => {
      const { query, variables } = JSON.parse(String(r.body ?? '{}')) as { query?: string; variables?: unknown };
      const fromGet = r.method === 'GET' ? new URL(`http://x${r.path}`).searchParams : undefined;
      return JSON.stringify({ id: `op${i}`, type: 'subscribe', payload: { query: query ?? fromGet?.get('query'), variables: variables ?? {} } });
    };
    const chunks = 10;
    for (let c = 0; c < chunks; c++) {
      await session(operations.filter((_, i) => i % chunks === c).map(subscribe));
    }
    for (let c = 0; c < 12; c++) await session(garbage.slice(c * 10, c * 10 + 10));

    // graphql-ws closes a socket it cannot parse with 4400 (bad request), never with 4500 / 1011
    console.log(`fuzz (WebSocket): ${operations.length} operations and ${garbage.length} malformed frames; answers ${JSON.stringify(answers)}, closes ${JSON.stringify(closes)}`);
    expect(closes.filter((code) => code === 4500 || code === 1011)).toEqual([]);
    // the operations were answered (the test would pass vacuously otherwise), the limits refused
    // some of the raw documents with a message instead of closing the socket
    expect(answers.next + answers.error).toBeGreaterThan(operations.length / 2);
    expect(limited.length).toBeGreaterThan(0);
    expect(internal).toEqual([]);
    const health = await send(base, { method: 'GET', path: '/healthz', headers: {}, label: 'health' });
    expect(health.status).toBe(200);
  }, 60_000);
});
