import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENGINE_ROOT } from '../paths.ts';

export const TWIN = path.join(ENGINE_ROOT, 'engine', 'bin', 'twin.mjs');

/** Run the real CLI in a child process. */
export function twin(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [TWIN, ...args], {
    encoding: 'utf8',
    cwd: ENGINE_ROOT,
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  });
}

/** Start the real CLI without waiting. */
export function twinAsync(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [TWIN, ...args], {
    cwd: ENGINE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function tmpDir(prefix = 'twin-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
