/** `twin serve [--host H] [--port P] [--cluster URL]`: the viewer and the JSON API until SIGINT or SIGTERM. */
import type { Command } from 'commander';
import type { TaskExecutor } from '../api/tasks.ts';
import { serve } from '../server.ts';
import type { Store } from '../store.ts';
import { int, UsageError, withDbOption, withStore } from './common.ts';
import { clusterExecutors } from './cluster-option.ts';

/**
 * Serve the viewer and the API on `host:port` until SIGINT/SIGTERM, then close the server (the caller closes the
 * store). Binding beyond loopback prints a warning: the API has no authentication. `executorFor` runs submitted
 * tasks elsewhere (`--cluster`).
 */
export async function serveUntilSignal(
  store: Store,
  host: string,
  port: number,
  allowedHosts: string[] = [],
  executorFor?: (owner: string) => Promise<TaskExecutor>,
): Promise<void> {
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stderr.write(
      `warning: binding to ${host} exposes the twin beyond this machine; it has no authentication\n`,
    );
  }
  // Listen for the signals before the URL is printed: whoever reads the URL may signal at once.
  let onSignal = () => {};
  const signalled = new Promise<void>((resolve) => (onSignal = resolve));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const s = await serve({ store, host, port, allowedHosts, executorFor }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        throw new UsageError(
          `port ${port} on ${host} is already in use (another twin serve?); choose another with --port N`,
        );
      if (e.code === 'EACCES')
        throw new UsageError(`port ${port} on ${host} needs privileges this user lacks; choose a port above 1023`);
      if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        throw new UsageError(`--host ${host} is not an address of this machine; use 127.0.0.1 (the default)`);
      throw e;
    });
    process.stdout.write(`Zibo twin viewer: ${s.url}\n`);
    await signalled;
    await s.close();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Adds `--host`, `--port` and `--allowed-host` (shared with `twin start`). */
export function withServeOptions(cmd: Command): Command {
  return cmd
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'port', int('--port', 0, 65535), 8080)
    .option('--allowed-host <name>', 'another host name the server answers to (repeatable)', collect, []);
}

/** Commander collector for a repeatable option. */
function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Registers `twin serve`. */
export function registerServe(program: Command): void {
  withDbOption(
    withServeOptions(program.command('serve').description('serve the viewer and the JSON API on 127.0.0.1')).option(
      '--cluster <url>',
      'run submitted runs on `twin worker` processes through Redis (redis://HOST:PORT)',
    ),
  ).action(async (o) => {
    const executorFor = o.cluster === undefined ? undefined : await clusterExecutors(o.cluster);
    await withStore(o.db, (store) => serveUntilSignal(store, o.host, o.port, o.allowedHost, executorFor));
  });
}
