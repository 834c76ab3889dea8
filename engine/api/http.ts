/**
 * Small HTTP helpers shared by the server and every API route: JSON answers (`sendJson`), the `Route` handler type,
 * JSON errors a planner can act on, bounded JSON bodies, safe path segments. They live here, not in server.ts, so the
 * routes and the server that mounts them do not import each other.
 */
import type http from 'node:http';
import { toJson } from '../contract/index.ts';

/** A route handler; returns true when it handled the request. Lets later features add routes without touching the server's core. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean | Promise<boolean>;

/**
 * Answer `body` as JSON (typed arrays as plain arrays), never cached.
 * @example
 * const http = process.getBuiltinModule('node:http');
 * const wire = new (process.getBuiltinModule('node:stream').PassThrough)(); // stands in for the client's socket
 * const res = new http.ServerResponse(new http.IncomingMessage(wire));
 * res.assignSocket(wire);
 * sendJson(res, 200, { ok: true, share: new Float64Array([0.5]) });
 * const [head, body] = String(wire.read()).split('\r\n\r\n');
 * head.split('\r\n').slice(0, 3) // => ['HTTP/1.1 200 OK', 'content-type: application/json; charset=utf-8', 'cache-control: no-store']
 * body // => '{"ok":true,"share":[0.5]}'
 */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = toJson(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Largest JSON request body accepted, in bytes (a scenario is a few KB; the scenario file limit is 256 KB). */
export const MAX_BODY_BYTES = 512 * 1024;

/** An error that becomes an HTTP answer `{ error, ...extra }` with the given status. */
export class ApiError extends Error {
  readonly status: number;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    message: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.extra = extra;
    this.headers = headers;
  }
}

/**
 * Answer an error as JSON. `ApiError` keeps its status; anything else is a 500 with its message.
 * @example
 * const http = process.getBuiltinModule('node:http');
 * const wire = new (process.getBuiltinModule('node:stream').PassThrough)(); // stands in for the client's socket
 * const res = new http.ServerResponse(new http.IncomingMessage(wire));
 * res.assignSocket(wire);
 * sendError(res, new ApiError(404, 'no run 9; GET /api/runs lists the runs'));
 * const [head, body] = String(wire.read()).split('\r\n\r\n');
 * [head.split('\r\n')[0], body] // => ['HTTP/1.1 404 Not Found', '{"error":"no run 9; GET /api/runs lists the runs"}']
 */
export function sendError(res: http.ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e instanceof ApiError) {
    for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
    sendJson(res, e.status, { error: e.message, ...e.extra });
    return;
  }
  sendJson(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
}

/** Deepest nesting of objects and arrays accepted in a JSON body (a scenario nests 5 levels; 32 leaves room). */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of `{`/`[` in JSON text, by one linear scan that skips strings (so `"[["` counts nothing).
 * Used before parsing so a deeply nested body is refused with a 400 instead of overflowing a recursive walk later.
 * @example jsonDepth('{"a":[1,{"b":"[["}]}') // => 3
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/** `application/json` or a `+json` type: what a JSON body must be labelled. */
const JSON_TYPE = /^application\/(json|[a-z0-9.+-]*\+json)\s*(;|$)/i;

/**
 * Read a JSON request body of at most `limit` bytes and `MAX_JSON_DEPTH` levels of nesting.
 * The body must say `content-type: application/json`: a web page on another origin can send text/plain or form
 * bodies without asking the browser (no CORS preflight), but not application/json, so this refusal is a second
 * line of defence behind the origin check.
 * @throws ApiError 413 when too large (the connection is closed after the answer), 415 when not labelled JSON,
 * 400 when malformed or nested too deeply.
 * @example
 * const http = process.getBuiltinModule('node:http');
 * const req = new http.IncomingMessage(null); // a request as the server hands it over, body not yet read
 * req.headers['content-type'] = 'application/json';
 * req.push('{"scenario":"baseline"}');
 * req.push(null);
 * await readJson(req) // => { scenario: 'baseline' }
 * const form = new http.IncomingMessage(null);
 * form.headers['content-type'] = 'text/plain';
 * await readJson(form) // throws 'send the request body as JSON with the header content-type: application/json'
 */
export async function readJson(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) {
    drain(req);
    throw new ApiError(
      415,
      `send the request body as JSON with the header content-type: application/json, got ${type === undefined ? 'no content-type' : `"${type}"`}`,
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    drain(req);
    throw new ApiError(
      413,
      `request body is ${declared} bytes; the limit is ${limit} bytes`,
      {},
      { connection: 'close' },
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', resolve);
    req.on('error', reject);
  });
  if (tooBig) throw new ApiError(413, `request body is over the limit of ${limit} bytes`, {}, { connection: 'close' });
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new ApiError(400, 'the request body is empty; send a JSON object');
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH)
    throw new ApiError(
      400,
      `the request body nests objects and arrays ${depth} levels deep; at most ${MAX_JSON_DEPTH} are allowed (a scenario needs about 5)`,
    );
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Discard the rest of a request body we will not read (bounded, so a huge upload cannot keep the socket busy). */
export function drain(req: http.IncomingMessage): void {
  let seen = 0;
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > 16 * MAX_BODY_BYTES) req.destroy();
  });
  req.resume();
}

/**
 * Split an API path into decoded segments, rejecting malformed encoding and segments that could name a folder
 * (`..`, `.`, empty, or containing `/`, `\` or NUL after decoding).
 * @throws ApiError 400
 * @example apiSegments('/api/runs/3/bundle') // => ['api', 'runs', '3', 'bundle']
 */
export function apiSegments(pathname: string): string[] {
  const raw = pathname.split('/').filter(Boolean);
  return raw.map((s) => {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      throw new ApiError(400, `malformed URL encoding in "${s}"`);
    }
    if (d === '.' || d === '..' || /[/\\\0]/.test(d))
      throw new ApiError(400, `path segment "${s}" is not allowed (no folders, no "..")`);
    return d;
  });
}

/**
 * A positive integer run id from a path segment.
 * @example runIdOf('12') // => 12
 */
export function runIdOf(s: string | undefined): number {
  const id = Number(s);
  if (!Number.isInteger(id) || id <= 0 || !/^\d+$/.test(s ?? ''))
    throw new ApiError(400, `run id must be a positive integer, got "${s}"`);
  return id;
}

/** A plain object body or a 400. */
export function objectBody(b: unknown): Record<string, unknown> {
  if (b === null || typeof b !== 'object' || Array.isArray(b))
    throw new ApiError(400, 'the request body must be a JSON object');
  return b as Record<string, unknown>;
}
