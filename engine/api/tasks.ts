/**
 * The server's task queue: what-if runs and sensitivity analyses submitted over HTTP share ONE engine pool and run
 * one at a time (a run already keeps every thread busy; two at once would only interleave). At most `maxQueued`
 * tasks wait; a further submission is refused with HTTP 429 and a Retry-After estimated from the work ahead.
 * Each task streams its state and progress to subscribers (the SSE endpoints).
 */
// @ts-expect-error plain ESM build script without types
import { buildWorker } from '../build-worker.mjs';
import { createPool, defaultThreads, type JobPool } from '../pool.ts';
import type { Progress } from '../run.ts';
import type { JobExecutor } from '../run/dispatch.ts';
import { ApiError } from './http.ts';

export type TaskState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type TaskKind = 'run' | 'sensitivity' | 'study';

export interface TaskProgress {
  done: number;
  total: number;
  elapsedMs: number;
  etaMs: number | null;
}

export interface TaskEvent {
  event: 'state' | 'progress';
  data: Record<string, unknown>;
}

/** An executor opened for one task and closed after it (`twin serve --cluster`: the Redis queue). */
export type TaskExecutor = JobExecutor & { close(): Promise<void> };

export interface TaskContext {
  /** Where the task's jobs run: the shared local pool, or the task's own executor (`executorFor`). */
  pool: JobPool | JobExecutor;
  signal: AbortSignal;
  onProgress: (p: Pick<Progress, 'done' | 'total' | 'elapsedMs' | 'etaMs'>) => void;
}

export interface TaskOutcome {
  status: 'done' | 'failed' | 'cancelled';
  error?: string;
  result?: unknown;
}

export interface Task {
  kind: TaskKind;
  id: number;
  state: TaskState;
  label: string;
  progress: TaskProgress | null;
  error?: string;
  result?: unknown;
  submittedAt: string;
  /** Called when the task is cancelled while still queued (e.g. to mark the stored run). */
  onDropped?: () => void;
  exec: (ctx: TaskContext) => Promise<TaskOutcome>;
}

interface Entry {
  task: Task;
  controller: AbortController;
  listeners: Set<(e: TaskEvent) => void>;
  lastProgressAt: number;
}

export interface TaskQueueOptions {
  threads?: number;
  /** Tasks allowed to wait behind the running one. */
  maxQueued?: number;
  /** A pool to use instead of creating one (tests, or a host process that already has one). */
  pool?: JobPool;
  /**
   * Run each task's jobs elsewhere instead of on a local pool (`twin serve --cluster URL`: the cluster's queue).
   * Called once per task with its owner name (`run12`, `sensitivity3`); the executor is closed when the task ends.
   */
  executorFor?: (owner: string) => Promise<TaskExecutor>;
}

const key = (kind: TaskKind, id: number) => `${kind}:${id}`;

/**
 * @example
 * // The server queues tasks with q.submit({ kind: 'run', id, label, exec, ... }); their exec runs on the pool, which
 * // starts on the first task. Capacity is checked before anything is started:
 * const q = new TaskQueue({ maxQueued: 0, threads: 2 });
 * [q.isFull(), q.threads] // => [true, 2]
 * q.assertCapacity() // throws 'the run queue is full (0 waiting behind the running one); try again in about 10 s'
 * await q.close();
 * q.assertCapacity() // throws 'the server is shutting down'
 */
export class TaskQueue {
  readonly maxQueued: number;
  readonly threads: number;
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private active: Entry | null = null;
  private poolPromise: Promise<JobPool> | null = null;
  private readonly ownPool: boolean;
  private readonly executorFor?: (owner: string) => Promise<TaskExecutor>;
  /** Recent task durations (ms), for the Retry-After estimate. */
  private readonly durations: number[] = [];
  private closed = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(opts: TaskQueueOptions = {}) {
    this.maxQueued = opts.maxQueued ?? 4;
    this.threads = opts.pool?.threads ?? opts.threads ?? defaultThreads();
    this.ownPool = !opts.pool;
    this.executorFor = opts.executorFor;
    if (opts.pool) this.poolPromise = Promise.resolve(opts.pool);
  }

  /** The one shared pool, started on first use (building the worker bundle if needed). */
  pool(): Promise<JobPool> {
    this.poolPromise ??= (async () => {
      await buildWorker();
      return createPool({ threads: this.threads });
    })();
    return this.poolPromise;
  }

  /** Whether a new task would be refused. */
  isFull(): boolean {
    return this.waiting.length >= this.maxQueued;
  }

  /** Seconds until a queue slot is likely free. */
  retryAfterS(): number {
    const avg = this.durations.length ? this.durations.reduce((a, b) => a + b, 0) / this.durations.length : 10_000;
    const activeLeft = this.active?.task.progress?.etaMs ?? avg;
    return Math.max(1, Math.ceil(activeLeft / 1000));
  }

  /** Refuse with 429 when full; call before doing any work for a submission (e.g. creating a stored run). */
  assertCapacity(): void {
    if (this.closed) throw new ApiError(503, 'the server is shutting down; try again in a moment');
    if (this.isFull()) {
      const s = this.retryAfterS();
      throw new ApiError(
        429,
        `the run queue is full (${this.maxQueued} waiting behind the running one); try again in about ${s} s`,
        { queued: this.waiting.length, retryAfterS: s },
        { 'retry-after': String(s) },
      );
    }
  }

  /** Queue a task (position 0 = next). */
  submit(task: Task): { position: number } {
    this.assertCapacity();
    const entry: Entry = { task, controller: new AbortController(), listeners: new Set(), lastProgressAt: 0 };
    this.entries.set(key(task.kind, task.id), entry);
    this.trim();
    this.waiting.push(entry);
    const position = this.waiting.length - 1;
    this.pump();
    return { position };
  }

  get(kind: TaskKind, id: number): Task | undefined {
    return this.entries.get(key(kind, id))?.task;
  }

  /** Position in the queue (0 = next), or null when not waiting. */
  position(kind: TaskKind, id: number): number | null {
    const i = this.waiting.findIndex((e) => e.task.kind === kind && e.task.id === id);
    return i < 0 ? null : i;
  }

  list(): Task[] {
    return [...this.entries.values()].map((e) => e.task);
  }

  /**
   * Cancel a queued or running task.
   * @returns false when the task is unknown or already finished.
   */
  cancel(kind: TaskKind, id: number): boolean {
    const e = this.entries.get(key(kind, id));
    if (!e || !['queued', 'running'].includes(e.task.state)) return false;
    if (e.task.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(e), 1);
      e.task.onDropped?.();
      this.setState(e, 'cancelled');
      return true;
    }
    e.controller.abort(new Error('cancelled'));
    return true;
  }

  /** Follow a task's events; the latest progress and the current state are sent at once. Returns the unsubscribe function. */
  subscribe(kind: TaskKind, id: number, fn: (e: TaskEvent) => void): () => void {
    const e = this.entries.get(key(kind, id));
    if (!e) return () => {};
    // Progress first: a finished task's final state must be the last event of its stream.
    if (e.task.progress) fn({ event: 'progress', data: { ...e.task.progress } });
    fn({ event: 'state', data: this.stateData(e) });
    e.listeners.add(fn);
    return () => e.listeners.delete(fn);
  }

  /** Cancel everything, wait for the running task to stop, close the pool. */
  async close(): Promise<void> {
    this.closed = true;
    for (const e of [...this.waiting]) this.cancel(e.task.kind, e.task.id);
    if (this.active) this.active.controller.abort(new Error('server closing'));
    await this.idle;
    if (this.poolPromise && this.ownPool) await (await this.poolPromise).close().catch(() => {});
  }

  private stateData(e: Entry): Record<string, unknown> {
    const t = e.task;
    return {
      kind: t.kind,
      id: t.id,
      state: t.state,
      position: this.position(t.kind, t.id),
      ...(t.error ? { error: t.error } : {}),
    };
  }

  private emit(e: Entry, ev: TaskEvent): void {
    for (const l of e.listeners) {
      try {
        l(ev);
      } catch {
        e.listeners.delete(l);
      }
    }
  }

  private setState(e: Entry, state: TaskState, error?: string): void {
    e.task.state = state;
    if (error) e.task.error = error;
    this.emit(e, { event: 'state', data: this.stateData(e) });
    // Everyone still waiting moved up one place.
    if (state === 'running' || state === 'cancelled')
      for (const w of this.waiting) this.emit(w, { event: 'state', data: this.stateData(w) });
  }

  /** Keep the last 200 finished tasks in memory; older ones are answered from the store. */
  private trim(): void {
    if (this.entries.size <= 200) return;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= 200) break;
      if (['done', 'failed', 'cancelled'].includes(e.task.state) && e.listeners.size === 0) this.entries.delete(k);
    }
  }

  private pump(): void {
    if (this.active || this.waiting.length === 0) return;
    const e = this.waiting.shift()!;
    this.active = e;
    this.idle = this.execute(e).finally(() => {
      this.active = null;
      this.pump();
    });
  }

  private async execute(e: Entry): Promise<void> {
    const t0 = performance.now();
    this.setState(e, 'running');
    let out: TaskOutcome;
    let own: TaskExecutor | null = null;
    try {
      // With a cluster, a task opens its own executor (the queue job ids and the cleanup of a killed server's
      // leftovers are per run); otherwise all tasks share the one local pool.
      const pool = this.executorFor ? (own = await this.executorFor(`${e.task.kind}${e.task.id}`)) : await this.pool();
      // A cancel that arrived while the pool was starting is honoured by exec itself: the signal is already aborted,
      // so the run is marked cancelled (finished jobs kept) without dispatching a job.
      out = await e.task.exec({
        pool,
        signal: e.controller.signal,
        onProgress: (p) => {
          e.task.progress = {
            done: p.done,
            total: p.total,
            elapsedMs: Math.round(p.elapsedMs),
            etaMs: p.etaMs === null ? null : Math.round(p.etaMs),
          };
          // At most ~10 events a second per task, and always the last one.
          const now = performance.now();
          if (p.done === p.total || now - e.lastProgressAt > 100) {
            e.lastProgressAt = now;
            this.emit(e, { event: 'progress', data: { ...e.task.progress } });
          }
        },
      });
    } catch (err) {
      out = { status: 'failed', error: (err as Error)?.message ?? String(err) };
    } finally {
      await own?.close().catch(() => {});
    }
    this.durations.push(performance.now() - t0);
    if (this.durations.length > 10) this.durations.shift();
    if (out.result !== undefined) e.task.result = out.result;
    this.setState(e, out.status, out.error);
  }
}
