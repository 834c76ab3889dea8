/**
 * Response compression for the twin's server (issue 18 §9): brotli or gzip by the request's Accept-Encoding
 * (node:zlib), for JSON answers and for the viewer's static files. Static files are compressed once per
 * (file, mtime, size, encoding) and kept in a bounded in-memory cache, so the 2.4 MB Cesium bundle costs its
 * compression once per build, not per request. Small bodies and already-compressed types (PNG, KTX2, fonts) go out
 * as they are.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** Bodies smaller than this go out uncompressed (the headers would eat the gain). */
export const MIN_COMPRESS_BYTES = 1024;
/** Static files larger than this are streamed uncompressed instead of being held in memory. */
const MAX_CACHED_FILE_BYTES = 32 * 2 ** 20;
/** Upper bound of the static cache (compressed bytes). */
const MAX_CACHE_BYTES = 96 * 2 ** 20;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * The encoding to answer with: brotli when the client accepts it, else gzip, else none; `q=0` refuses one, `*`
 * accepts any not named.
 * @example negotiateEncoding('gzip, deflate, br') // => 'br'
 * @example negotiateEncoding('gzip;q=0, br;q=0') // => null
 */
export function negotiateEncoding(acceptEncoding: string | string[] | undefined): Encoding | null {
  const text = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const q = new Map<string, number>();
  for (const part of text.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(v) ? v : 0);
  }
  const ok = (e: Encoding): boolean => (q.get(e) ?? (q.has('*') ? q.get('*')! : 0)) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

/**
 * Whether a content type is worth compressing (text, JSON, JS, SVG, glTF JSON, wasm).
 * @example compressibleType('application/json; charset=utf-8') // => true
 * @example compressibleType('image/png') // => false
 */
export function compressibleType(contentType: string): boolean {
  return /^(text\/|application\/(json|geo\+json|javascript|xml|wasm)|image\/svg\+xml|model\/gltf\+json)/i.test(
    contentType,
  );
}

/**
 * Compresses a body. Brotli quality 5 for answers made per request, 6 for cached static files (the 4.2 MB viewer
 * bundle: 1.0 MB in 0.9 s at quality 6 against 0.98 MB in 3.4 s at 9, measured on the loaded dev VM); gzip level 6.
 * @example (await compressBody(Buffer.from('a'.repeat(5000)), 'gzip', 'dynamic')).length < 100 // => true
 */
export async function compressBody(body: Buffer, enc: Encoding, use: 'dynamic' | 'static'): Promise<Buffer> {
  if (enc === 'br')
    return brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: use === 'static' ? 6 : 5,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  return gzip(body, { level: 6 });
}

/**
 * Sends `body` with `headers`, compressed when the request accepts it and the type is worth it (Content-Encoding,
 * Vary: Accept-Encoding, Content-Length of what is sent).
 */
export async function sendCompressed(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body: Buffer,
): Promise<void> {
  const type = String(headers['content-type'] ?? '');
  const enc =
    body.length >= MIN_COMPRESS_BYTES && compressibleType(type)
      ? negotiateEncoding(req.headers['accept-encoding'])
      : null;
  const out = enc ? await compressBody(body, enc, 'dynamic') : body;
  res.writeHead(status, {
    ...headers,
    ...(compressibleType(type) ? { vary: 'accept-encoding' } : {}),
    ...(enc ? { 'content-encoding': enc } : {}),
    'content-length': out.length,
  });
  res.end(out);
}

const staticCache = new Map<string, Buffer>();
let staticBytes = 0;

/**
 * A static file's bytes in `enc`, compressed once and cached by path, mtime and size; null when the file is too big
 * to hold (the caller streams it uncompressed).
 */
export async function compressedFile(
  file: string,
  st: { mtimeMs: number; size: number },
  enc: Encoding,
): Promise<Buffer | null> {
  if (st.size > MAX_CACHED_FILE_BYTES) return null;
  const key = `${enc}\0${st.mtimeMs}\0${st.size}\0${file}`;
  const hit = staticCache.get(key);
  if (hit) {
    // Most recently used last (Map keeps insertion order): re-insert on a hit.
    staticCache.delete(key);
    staticCache.set(key, hit);
    return hit;
  }
  const z = await compressBody(readFileSync(file), enc, 'static');
  staticCache.set(key, z);
  staticBytes += z.length;
  for (const [k, v] of staticCache) {
    if (staticBytes <= MAX_CACHE_BYTES) break;
    staticCache.delete(k);
    staticBytes -= v.length;
  }
  return z;
}
