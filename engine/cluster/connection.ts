/**
 * Redis connections for the cluster: URL checks, a connection test with clear errors, and the `noeviction` check
 * BullMQ needs (an evicting Redis silently drops queued jobs). Every problem a user can cause (bad URL, unreachable
 * server, wrong password, wrong eviction policy) becomes a ClusterError: one line, exit code 2, before any job runs.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** A cluster problem the user can fix (bad URL, Redis unreachable or misconfigured): exit code 2 from the CLI. */
export class ClusterError extends Error {
  override name = 'ClusterError';
}

/** A Redis URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparsable URL>';
  }
}

/**
 * Parse and check a Redis URL: `redis://[user:pass@]host[:port][/db]` or `rediss://` (TLS).
 * @example parseRedisUrl('redis://127.0.0.1:6390/2').port // => 6390
 */
export function parseRedisUrl(url: string): RedisOptions & { tls?: object } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ClusterError(
      `--cluster/--redis: "${url}" is not a URL; write redis://HOST:PORT (or rediss://user:password@HOST:PORT for TLS)`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new ClusterError(
      `--cluster/--redis: ${redactUrl(url)} uses ${u.protocol.replace(/:$/, '')}://; use redis:// or rediss:// (TLS)`,
    );
  if (!u.hostname)
    throw new ClusterError(`--cluster/--redis: ${redactUrl(url)} names no host; write redis://HOST:PORT`);
  const port = u.port ? Number(u.port) : 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ClusterError(`--cluster/--redis: port ${u.port} is not a TCP port (1-65535)`);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15)
    throw new ClusterError(`--cluster/--redis: database "${dbText}" must be a number 0-15 (redis://HOST:PORT/DB)`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A connection for BullMQ (workers need `maxRetriesPerRequest: null`: a blocking command must wait for Redis to
 * come back instead of failing the worker).
 */
export function openRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis({
    ...parseRedisUrl(url),
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
    lazyConnect: false,
    ...extra,
  });
}

/**
 * Connect, authenticate and check the server once, with a short timeout, before any job is queued.
 * Refuses an eviction policy other than `noeviction` (BullMQ's requirement) and says how to fix it; a managed Redis
 * that refuses CONFIG GET is accepted with a warning.
 * @returns warnings to print (empty when all is well).
 */
export async function checkRedis(url: string): Promise<string[]> {
  const opts = parseRedisUrl(url);
  const where = redactUrl(url);
  const client = new Redis({
    ...opts,
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // one try: an unreachable server is reported, not retried forever
    enableOfflineQueue: false,
  });
  // ioredis reports a refused AUTH as an 'error' event and the connect promise only as "Connection is closed".
  let lastError = '';
  client.on('error', (e: Error) => void (lastError = e.message));
  const warnings: string[] = [];
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (e) {
      const msg = /WRONGPASS|NOAUTH|invalid username-password/i.test(lastError) ? lastError : (e as Error).message;
      if (/WRONGPASS|NOAUTH|invalid username-password|AUTH/i.test(msg))
        throw new ClusterError(
          `Redis at ${where} refused the credentials (${msg.split('\n')[0]}); check user and password in the URL (redis://user:password@host:port)`,
        );
      throw new ClusterError(
        `cannot reach Redis at ${where} (${msg.split('\n')[0]}); start it (redis-server --port ${opts.port}) or fix host and port`,
      );
    }
    let policy: string | undefined;
    try {
      const r = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
      policy = r[1];
    } catch {
      warnings.push(
        `Redis at ${where} does not allow CONFIG GET; make sure its maxmemory-policy is noeviction (queued jobs must never be evicted)`,
      );
    }
    if (policy !== undefined && policy !== 'noeviction')
      throw new ClusterError(
        `Redis at ${where} has maxmemory-policy ${policy}; queued jobs could be evicted. Fix: redis-cli -u ${where} CONFIG SET maxmemory-policy noeviction (and set it in redis.conf)`,
      );
    return warnings;
  } finally {
    client.disconnect();
  }
}
