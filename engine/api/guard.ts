/**
 * What every request passes before any route sees it (issue 16): the server answers only under its own names, only
 * its own pages may change anything, and each path answers only the methods it has.
 *
 * - **Host**: a web page can make its own domain resolve to 127.0.0.1 (DNS rebinding) and then read the API as if it
 *   were same-origin; the browser still sends the page's name in `Host`. So every request, reads and event streams
 *   included, must name the bound address, a loopback name or a name given with `twin serve --allowed-host NAME`
 *   (421 otherwise).
 * - **Origin**: a page on another origin can POST text/plain or form bodies without a CORS preflight ("no-cors"),
 *   so requests that change state (anything but GET, HEAD, OPTIONS) are refused (403) when `Sec-Fetch-Site` says
 *   another site or origin, or when `Origin` is not this server's own. Requests with neither header come from
 *   programs (curl, scripts), not from pages: browsers send `Origin` on every POST and DELETE.
 * - **Methods**: OPTIONS answers 204 with `Allow` (and no CORS headers, so cross-origin preflights fail); a method a
 *   path does not have is 405 with `Allow`; HEAD is answered like GET without a body.
 */
import type http from 'node:http';
import os from 'node:os';
import { MAX_ACTUALS_BYTES } from '../actuals.ts';
import { ApiError, MAX_BODY_BYTES } from './http.ts';

const READ = ['GET', 'HEAD', 'OPTIONS'];

/** Methods that never change state; everything else must come from the server's own pages. */
export const SAFE_METHODS = new Set(READ);

/**
 * The methods a path answers, or undefined for a path no built-in route knows (left to extra routes, then 404).
 * @example
 * allowedMethods('/api/runs') // => ['GET', 'HEAD', 'OPTIONS', 'POST']
 * allowedMethods('/index.html') // => ['GET', 'HEAD', 'OPTIONS']
 * allowedMethods('/api/no-such-route') // => undefined
 */
export function allowedMethods(pathname: string): string[] | undefined {
  if (!pathname.startsWith('/api/')) return READ;
  const p = pathname.split('/').filter(Boolean);
  const [, a, , c] = p;
  const n = p.length;
  if (n === 2 && (a === 'runs' || a === 'scenarios' || a === 'actuals')) return [...READ, 'POST'];
  if (n === 2 && a === 'sensitivity') return ['OPTIONS', 'POST'];
  if (n === 2 && ['health', 'targets', 'queue', 'params', 'models'].includes(a!)) return READ;
  if (a === 'runs' && n === 3) return [...READ, 'DELETE'];
  if ((a === 'runs' || a === 'sensitivity') && n === 4 && c === 'cancel') return ['OPTIONS', 'POST'];
  if (a === 'runs' && n === 4 && ['bundle', 'events', 'targets', 'series', 'report.html', 'reforecast'].includes(c!))
    return READ;
  if (a === 'runs' && n === 7 && c === 'artifacts') return READ;
  if (a === 'sensitivity' && (n === 3 || (n === 4 && c === 'events'))) return READ;
  if (a === 'scenarios' && n === 3) return READ;
  if (a === 'models' && n === 4 && c === 'card') return READ;
  return undefined;
}

/** A host name as `URL.hostname` writes it (lower case, IPv6 in brackets, no trailing dot), or undefined. */
function hostnameOf(name: string): string | undefined {
  const bare = name.trim();
  const withBrackets = bare.includes(':') && !bare.startsWith('[') ? `[${bare}]` : bare;
  try {
    return new URL(`http://${withBrackets}`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** The `Host` header's name part (port dropped), normalised like `hostnameOf`; undefined when malformed. */
function hostHeaderName(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/**
 * The names this server answers to: loopback names (no outside page can make them point elsewhere), the bound
 * address, the machine's addresses and host name when bound to every interface, and the configured names.
 * @example [...allowedHostNames('127.0.0.1', ['twin.lan'])] // => ['localhost', '127.0.0.1', '[::1]', 'twin.lan']
 */
export function allowedHostNames(bindHost: string, extra: readonly string[] = []): Set<string> {
  const names = ['localhost', '127.0.0.1', '::1', bindHost, ...extra];
  if (bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '') {
    names.push(os.hostname());
    for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) names.push(i.address);
  }
  const out = new Set<string>();
  for (const n of names) {
    const h = hostnameOf(n.replace(/%.*$/, '')); // drop IPv6 zone ids (fe80::1%eth0)
    if (h) out.add(h);
  }
  return out;
}

/** Largest body a request to this path may declare (the CSV import takes the CLI's file limit). */
function bodyLimit(pathname: string): number {
  return pathname === '/api/actuals' ? MAX_ACTUALS_BYTES : MAX_BODY_BYTES;
}

/**
 * Check a request before routing.
 * @throws ApiError 400 (no or malformed Host), 421 (a name this server does not answer to), 403 (a state change from
 * another origin), 405 with Allow, 413 (declared body over the path's limit).
 * @returns the methods the path answers (undefined for a path no built-in route knows), for OPTIONS' `Allow`.
 * @example
 * const http = process.getBuiltinModule('node:http');
 * const request = (method, headers) => Object.assign(new http.IncomingMessage(null), { method, headers });
 * const hosts = allowedHostNames('127.0.0.1');
 * const url = new URL('http://127.0.0.1:8080/api/runs');
 * guardRequest(request('GET', { host: '127.0.0.1:8080' }), url, hosts) // => { allow: ['GET', 'HEAD', 'OPTIONS', 'POST'] }
 * guardRequest(request('GET', { host: 'evil.example' }), url, hosts) // throws 'does not answer to the host name "evil.example"'
 * const post = request('POST', { host: '127.0.0.1:8080', origin: 'http://evil.example' });
 * guardRequest(post, url, hosts) // throws 'refused: this POST came from the page origin "http://evil.example"'
 */
export function guardRequest(
  req: http.IncomingMessage,
  url: URL,
  hosts: ReadonlySet<string>,
): { allow: string[] | undefined } {
  const hostHeader = req.headers.host;
  if (!hostHeader) throw new ApiError(400, 'the request has no Host header; HTTP/1.1 requires one');
  const name = hostHeaderName(hostHeader);
  if (!name || !hosts.has(name)) {
    throw new ApiError(
      421,
      `this server does not answer to the host name "${hostHeader}" (allowed: ${[...hosts].join(', ')}); ` +
        'a page may be using DNS rebinding. If you reach the twin under another name on purpose, start it with ' +
        '`twin serve --allowed-host NAME`',
    );
  }
  const method = req.method ?? 'GET';
  const allow = allowedMethods(url.pathname);
  if (!SAFE_METHODS.has(method)) {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      throw new ApiError(
        403,
        `refused: this ${method} came from a page on another site or origin (Sec-Fetch-Site: ${site}); ` +
          'only the twin’s own viewer may change runs, scenarios or actuals',
      );
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let originHost: string | undefined;
      try {
        originHost = origin === 'null' ? undefined : new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      // Both through URL, so a default port (`:80`) written on one side only still compares equal.
      if (originHost === undefined || originHost !== new URL(`http://${hostHeader}`).host)
        throw new ApiError(
          403,
          `refused: this ${method} came from the page origin "${origin}", not from this server (http://${hostHeader}); ` +
            'only the twin’s own viewer may change runs, scenarios or actuals',
        );
    }
  }
  if (allow && !allow.includes(method))
    throw new ApiError(
      405,
      `${method} is not supported on ${url.pathname}; allowed: ${allow.join(', ')}`,
      {},
      { allow: allow.join(', ') },
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bodyLimit(url.pathname))
    throw new ApiError(
      413,
      `request body is ${declared} bytes; the limit is ${bodyLimit(url.pathname)} bytes`,
      {},
      { connection: 'close' },
    );
  return { allow };
}
