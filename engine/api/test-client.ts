/**
 * A raw HTTP client for the API tests: sends paths exactly as given (fetch would normalise `/../`), reads JSON and
 * Server-Sent Events. Test support only.
 */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/**
 * @example const r = await raw(port, 'GET', '/%2e%2e/package.json'); r.status // → 400
 */
export function raw(
  port: number,
  method: string,
  p: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: p,
        agent: false,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** POST a JSON value. */
export const postJson = (port: number, p: string, v: unknown) => raw(port, 'POST', p, JSON.stringify(v));

export interface SseEvent {
  event: string;
  data: any;
}

/**
 * Read an event stream until it ends (or `timeoutMs`), returning every event.
 * @example const evs = await readSse(port, '/api/runs/3/events'); evs.at(-1).data.state // → 'done'
 */
export function readSse(
  port: number,
  p: string,
  onEvent?: (e: SseEvent) => void,
  timeoutMs = 60_000,
): Promise<SseEvent[]> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = http.get(
      { host: '127.0.0.1', port, path: p, agent: false, headers: { accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`SSE ${p}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (!data) continue;
            const e = { event, data: JSON.parse(data) };
            events.push(e);
            onEvent?.(e);
          }
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve(events);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`SSE ${p} did not end within ${timeoutMs} ms; got ${JSON.stringify(events.slice(-3))}`));
    }, timeoutMs);
    req.on('error', reject);
  });
}
