/**
 * The results store: SQLite through better-sqlite3, WAL mode.
 *
 * A run's jobs are written up front (status `pending`); each finished job is one transaction (its status and its
 * compressed output), so a killed process loses at most the jobs in flight and `--resume` continues without
 * recomputing or duplicating anything. Aggregated series and target evaluations are written when all jobs are done.
 */
import Database from 'better-sqlite3';
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { encodeOutput } from './codec.ts';
import type { ModelOutput } from '../models/types.ts';
import type {
  RunSummary,
  SeriesRow,
  StudyKind,
  StudyRecord,
  StudyStatus,
  StudySummary,
  TargetEval,
} from './contract/index.ts';

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  scenario_name TEXT NOT NULL,
  scenario_file TEXT NOT NULL,
  scenario_hash TEXT NOT NULL,
  scenario_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  replications INTEGER NOT NULL,
  code_version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running','done','failed','cancelled')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  threads INTEGER NOT NULL,
  error TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  model TEXT NOT NULL,
  year INTEGER,
  replication INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','done','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  finished_at TEXT,
  ms REAL,
  error TEXT,
  PRIMARY KEY (run_id, idx)
);
CREATE TABLE IF NOT EXISTS job_outputs (
  run_id INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  output BLOB NOT NULL,
  PRIMARY KEY (run_id, idx),
  FOREIGN KEY (run_id, idx) REFERENCES jobs(run_id, idx) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS series (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  metric TEXT NOT NULL,
  entity TEXT NOT NULL,
  period TEXT NOT NULL,
  p10 REAL, p50 REAL, p90 REAL, mean REAL,
  n INTEGER NOT NULL,
  PRIMARY KEY (run_id, model, metric, entity, period)
);
CREATE TABLE IF NOT EXISTS target_evals (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  target_id TEXT NOT NULL,
  p_met REAL, date_p50 TEXT, date_p90 TEXT, value_p10 REAL, value_p50 REAL, value_p90 REAL,
  status TEXT NOT NULL,
  PRIMARY KEY (run_id, target_id)
);
CREATE TABLE IF NOT EXISTS actuals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  metric TEXT NOT NULL,
  scope TEXT NOT NULL,
  date TEXT NOT NULL,
  value REAL NOT NULL,
  unit TEXT NOT NULL,
  source TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  bound TEXT NOT NULL DEFAULT '=' CHECK (bound IN ('=','>=','<=')),
  file TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  UNIQUE (metric, scope, date, bound)
);
CREATE TABLE IF NOT EXISTS run_locks (
  run_id INTEGER PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  name TEXT NOT NULL,
  year INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (run_id, model, name, year)
);
CREATE TABLE IF NOT EXISTS studies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('optimise','sensitivity')),
  scenario_name TEXT NOT NULL,
  base_run_id INTEGER,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running','done','failed','cancelled')),
  targets TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  result_json TEXT,
  error TEXT
);
CREATE INDEX IF NOT EXISTS studies_scenario ON studies (scenario_name, kind, status, id);
`;

/** A job row as the engine plans it. */
export interface JobRow {
  idx: number;
  model: string;
  /** First year of the job (the only year for grain `year`; null for whole-period jobs). */
  year: number | null;
  replication: number;
  seed: number;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
}

export interface NewRun {
  scenarioName: string;
  scenarioFile: string;
  scenarioHash: string;
  scenario: unknown;
  seed: number;
  replications: number;
  codeVersion: string;
  threads: number;
  /** How the job seeds were derived (engine/run/plan.ts SEED_RULE), the run's provenance; rows not planned by the engine (test fixtures) may omit it and read back as `unspecified`. */
  seedRule?: string;
}

export { encodeOutput, decodeOutput } from './codec.ts';

/**
 * A store that cannot be used as asked: a directory, a damaged file, a read-only file for a command that writes, a
 * run locked by another process. The message names the file and the fix; the CLI prints it as one line (exit 2).
 */
export class StoreError extends Error {}

/**
 * How a command uses the store: `write` (default) needs a writable file; `read` opens read-only when the file (or
 * its folder, where SQLite keeps the WAL) cannot be written, so listing and exporting work on a read-only copy;
 * `readonly` always opens read-only.
 */
export type StoreAccess = 'write' | 'read' | 'readonly';

/** Files checked with `PRAGMA quick_check` by this process (the first open of a file is when its state is unknown). */
const checkedFiles = new Set<string>();

/** A path short enough for a message (ENAMETOOLONG paths are thousands of characters). */
function shortPath(file: string): string {
  return file.length > 120 ? `${file.slice(0, 60)}…${file.slice(-40)} (${file.length} characters)` : file;
}

/** Whether this process may write `file` and create the WAL files beside it. */
function canWrite(file: string): boolean {
  try {
    if (existsSync(file)) accessSync(file, fsConstants.W_OK);
    let dir = path.dirname(file);
    while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    accessSync(dir, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only connection. SQLite reads a WAL-mode file only if it can create the `-shm` file beside it, so in a folder
 * this user cannot write, the file (closed cleanly: no `-wal` with content) is read into memory, its header switched
 * from WAL to rollback mode (bytes 18-19), and opened from there, read-only.
 */
function openReadOnly(file: string, name: string): Database.Database {
  if (canWriteFolder(file) || existsSync(`${file}-shm`))
    return new Database(file, { readonly: true, fileMustExist: true });
  if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0)
    throw new StoreError(
      `the store ${name} was not closed cleanly (${name}-wal) and its folder is not writable, so it cannot be read consistently; open it once where it can be written, or copy the folder somewhere writable`,
    );
  const bytes = readFileSync(file);
  if (bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
  return new Database(bytes, { readonly: true });
}

/** Whether this process may create files (the WAL's `-wal` and `-shm`) in the folder of `file`. */
function canWriteFolder(file: string): boolean {
  try {
    accessSync(path.dirname(path.resolve(file)), fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Open (and create or migrate) a store. The first open of a file by a process runs `PRAGMA quick_check` (a damaged
 * file is refused before anything is written into it); see `StoreAccess` for read-only opens.
 * @throws StoreError for a directory, an unusable path, a damaged file, or a read-only file opened for writing.
 * @example
 * const store = openStore(':memory:'); // or a file: openStore('runs/twin.sqlite')
 * store.listRuns() // => []
 * store.close();
 * openStore('engine') // throws 'the store engine is a directory; pass a file with --db PATH'
 */
export function openStore(file: string, opts: { access?: StoreAccess } = {}): Store {
  return new Store(file, opts.access ?? 'write');
}

/** A stored actual (observed progress), as `engine/actuals.ts` validates and imports it. */
export interface ActualRecord {
  metric: string;
  scope: string;
  date: string;
  value: number;
  unit: string;
  source: string;
  note: string;
  bound: '=' | '>=' | '<=';
}

/** Job timing of one model in a run (model cards, the baseline bench). */
export interface ModelJobStats {
  model: string;
  count: number;
  sumMs: number | null;
  meanMs: number | null;
  maxMs: number | null;
  /** Jobs that needed more than one attempt. */
  retried: number;
}

/**
 * The only place that writes SQL: every statement is a method here, prepared once per store on first use and kept
 * (better-sqlite3 statements are reusable; preparing costs a parse per call on hot paths such as finishJob).
 */
export class Store {
  readonly db: Database.Database;
  readonly file: string;
  private readonly statements = new Map<string, Database.Statement>();
  /** True when opened read-only (a write throws SQLITE_READONLY, which the CLI reports as one line). */
  readonly readonly: boolean;
  /** Whether the store has the `studies` table (false only for an older store opened read-only). */
  private hasStudies = false;
  constructor(file: string, access: StoreAccess = 'write') {
    this.file = file;
    const name = shortPath(file);
    const memory = file === ':memory:';
    let readonly = access === 'readonly';
    try {
      if (!memory && existsSync(file) && statSync(file).isDirectory())
        throw new StoreError(`the store ${name} is a directory; pass a file with --db PATH (e.g. ${name}/twin.sqlite)`);
      if (!memory && !readonly && !canWrite(file)) {
        if (access === 'write')
          throw new StoreError(
            `the store ${name} is read-only for this user and this command writes to it; make it writable (chmod u+w on the file and its folder) or pass another --db PATH`,
          );
        readonly = true;
      }
      if (readonly && !existsSync(file))
        throw new StoreError(`there is no store at ${name} (and it cannot be created here); check --db PATH`);
      if (!memory && !readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.db = readonly && !memory ? openReadOnly(file, name) : new Database(file);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError(`cannot open the store ${name}: ${(e as Error).message}; pass another path with --db PATH`, {
        cause: e,
      });
    }
    this.readonly = readonly;
    try {
      this.db.pragma('busy_timeout = 5000');
      // The first open of a file by this process: its state is unknown (another process may have died while
      // writing, or the file was copied or damaged). quick_check reads every page once (O(N): 2.1-2.5 s for 103 MB
      // on this shared VM, about 20 ms/MB) and stops at the first problem; later opens in this process trust it.
      const key = memory ? '' : path.resolve(file);
      if (!memory && !checkedFiles.has(key)) {
        const res = this.db.pragma('quick_check(1)', { simple: true });
        if (res !== 'ok') throw Object.assign(new Error(String(res)), { code: 'SQLITE_CORRUPT' });
        checkedFiles.add(key);
      }
      if (!readonly) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
      }
      this.db.pragma('foreign_keys = ON');
      if (!readonly) this.db.exec(DDL);
      // Seed rule column (added with common random numbers): runs stored before it used the hash rule, `hash-v1`.
      if (
        !readonly &&
        !(this.db.pragma('table_info(runs)') as Array<{ name: string }>).some((c) => c.name === 'seed_rule')
      )
        this.db.exec(`ALTER TABLE runs ADD COLUMN seed_rule TEXT NOT NULL DEFAULT 'hash-v1'`);
      // Studies (added with `twin optimise`/`sensitivity` in the store): CREATE TABLE IF NOT EXISTS above adds the table to
      // an older writable store; an older store opened read-only has none, and reads as having no studies.
      this.hasStudies =
        this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='studies'`).get() !== undefined;
      const v = this.q(`SELECT value FROM meta WHERE key='schema_version'`).get() as { value: string } | undefined;
      if (!v && !readonly)
        this.q(`INSERT INTO meta(key,value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
      else if (!v) throw new StoreError(`${name} is not a twin store (no schema version); check --db PATH`);
      else if (Number(v.value) > SCHEMA_VERSION) {
        throw new StoreError(
          `the store ${name} was written by a newer version (schema ${v.value} > ${SCHEMA_VERSION}); update the twin or use another --db`,
        );
      }
    } catch (e) {
      this.db.close();
      if (e instanceof StoreError) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || /malformed|not a database/i.test(String(e)))
        throw new StoreError(
          `the store ${name} is damaged (${(e as Error).message.replace(/\s+/g, ' ').trim()}); nothing was written to it. Move it aside (mv ${name} ${name}.damaged) and restore a backup, or start a new store with --db PATH`,
          { cause: e },
        );
      throw new StoreError(`cannot use the store ${name}: ${(e as Error).message}; pass another path with --db PATH`, {
        cause: e,
      });
    }
  }

  /** The prepared statement of `sql`, prepared on first use and cached for the life of the store. */
  private q(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  /**
   * Run `fn` in one transaction (nested calls become savepoints): all its writes are stored or none.
   * @example
   * const store = openStore(':memory:');
   * const row = { metric: 'extranet.liveShare', scope: 'city', date: '2018-12-31', value: 0.6, unit: 'share',
   *   source: 'report', note: '', bound: '=' };
   * const now = '2026-01-01T00:00:00Z';
   * // an upload is imported from a temporary file, then labelled: both or neither
   * const importUpload = () => {
   *   store.insertActuals([row], '/tmp/upload-1.csv', now);
   *   return store.relabelActualsFile('/tmp/upload-1.csv', 'upload');
   * };
   * store.transaction(importUpload) // => 1
   * const failing = () => {
   *   store.insertActuals([{ ...row, date: '2019-12-31' }], 'b.csv', now);
   *   throw new Error('bad row 2');
   * };
   * store.transaction(failing) // throws 'bad row 2'
   * // the failed transaction left nothing behind
   * store.actuals().map((a) => a.date) // => ['2018-12-31']
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Create a run and its pending jobs in one transaction; returns the run id. */
  createRun(r: NewRun, jobs: JobRow[]): number {
    const tx = this.db.transaction(() => {
      const info = this.q(
        `INSERT INTO runs (scenario_name, scenario_file, scenario_hash, scenario_json, seed, replications, code_version, status, started_at, threads, seed_rule)
           VALUES (?,?,?,?,?,?,?,'running',?,?,?)`,
      ).run(
        r.scenarioName,
        r.scenarioFile,
        r.scenarioHash,
        JSON.stringify(r.scenario),
        r.seed,
        r.replications,
        r.codeVersion,
        new Date().toISOString(),
        r.threads,
        r.seedRule ?? 'unspecified',
      );
      const runId = Number(info.lastInsertRowid);
      const ins = this.q(
        `INSERT INTO jobs (run_id, idx, model, year, replication, seed, status, attempts) VALUES (?,?,?,?,?,?,'pending',0)`,
      );
      for (const j of jobs) ins.run(runId, j.idx, j.model, j.year, j.replication, j.seed);
      return runId;
    });
    return tx();
  }

  /** Record a finished job and its output atomically; `output` is the model output or its bytes from `encodeOutput` (as the worker sends them). */
  finishJob(
    runId: number,
    idx: number,
    attempts: number,
    ms: number,
    output: ModelOutput | Uint8Array,
    artifacts?: Array<{ model: string; name: string; year: number; data: unknown }>,
  ): void {
    const blob =
      output instanceof Uint8Array
        ? Buffer.from(output.buffer, output.byteOffset, output.byteLength)
        : encodeOutput(output);
    const tx = this.db.transaction(() => {
      this.q(`INSERT OR REPLACE INTO job_outputs (run_id, idx, output) VALUES (?,?,?)`).run(runId, idx, blob);
      this.q(`UPDATE jobs SET status='done', attempts=?, ms=?, finished_at=?, error=NULL WHERE run_id=? AND idx=?`).run(
        attempts,
        ms,
        new Date().toISOString(),
        runId,
        idx,
      );
      if (artifacts) {
        const ins = this.q(`INSERT OR REPLACE INTO artifacts (run_id, model, name, year, data) VALUES (?,?,?,?,?)`);
        for (const a of artifacts) ins.run(runId, a.model, a.name, a.year, serialize(a.data));
      }
    });
    tx();
  }

  markJobAttempt(runId: number, idx: number, attempts: number, error: string | null, failed = false): void {
    this.q(
      `UPDATE jobs SET attempts=?, error=?, status=?, started_at=COALESCE(started_at, ?) WHERE run_id=? AND idx=?`,
    ).run(attempts, error, failed ? 'failed' : 'pending', new Date().toISOString(), runId, idx);
  }

  setRunStatus(runId: number, status: RunSummary['status'], error: string | null = null): void {
    const finished = status === 'running' ? null : new Date().toISOString();
    this.q(`UPDATE runs SET status=?, finished_at=?, error=? WHERE id=?`).run(status, finished, error, runId);
  }

  setRunThreads(runId: number, threads: number): void {
    this.q(`UPDATE runs SET threads=? WHERE id=?`).run(threads, runId);
  }

  jobs(runId: number): JobRow[] {
    return this.q(
      `SELECT idx, model, year, replication, seed, status, attempts FROM jobs WHERE run_id=? ORDER BY idx`,
    ).all(runId) as JobRow[];
  }

  jobCounts(runId: number): { total: number; done: number } {
    return this.q(`SELECT COUNT(*) AS total, SUM(status='done') AS done FROM jobs WHERE run_id=?`).get(runId) as {
      total: number;
      done: number;
    };
  }

  /** The encoded outputs of a model's finished jobs, in job order, read in one query (decode with `decodeOutput`). */
  jobOutputBlobs(runId: number, model: string): Array<{ idx: number; replication: number; output: Buffer }> {
    return this.q(
      `SELECT j.idx, j.replication, o.output FROM jobs j JOIN job_outputs o ON o.run_id=j.run_id AND o.idx=j.idx
         WHERE j.run_id=? AND j.model=? AND j.status='done' ORDER BY j.idx`,
    ).all(runId, model) as Array<{ idx: number; replication: number; output: Buffer }>;
  }

  /** Replace a run's aggregated series and target evaluations in one transaction. */
  writeResults(runId: number, rows: SeriesRow[], evals: TargetEval[]): void {
    const tx = this.db.transaction(() => {
      this.q(`DELETE FROM series WHERE run_id=?`).run(runId);
      this.q(`DELETE FROM target_evals WHERE run_id=?`).run(runId);
      const ins = this.q(
        `INSERT INTO series (run_id, model, metric, entity, period, p10, p50, p90, mean, n) VALUES (?,?,?,?,?,?,?,?,?,?)`,
      );
      for (const r of rows) ins.run(runId, r.model, r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean, r.n);
      const te = this.q(
        `INSERT INTO target_evals (run_id, target_id, p_met, date_p50, date_p90, value_p10, value_p50, value_p90, status) VALUES (?,?,?,?,?,?,?,?,?)`,
      );
      for (const e of evals)
        te.run(runId, e.targetId, e.pMet, e.dateP50, e.dateP90, e.valueP10, e.valueP50, e.valueP90, e.status);
    });
    tx();
  }

  run(
    runId: number,
  ): (RunSummary & { scenarioFile: string; scenarioJson: string; error: string | null; seedRule: string }) | undefined {
    const r = this.q(`SELECT * FROM runs WHERE id=?`).get(runId) as RunDbRow | undefined;
    return r
      ? {
          ...toSummary(r),
          scenarioFile: r.scenario_file,
          scenarioJson: r.scenario_json,
          error: r.error,
          seedRule: r.seed_rule ?? 'hash-v1', // a read-only store from before the column
        }
      : undefined;
  }

  listRuns(): RunSummary[] {
    return (this.q(`SELECT * FROM runs ORDER BY id DESC`).all() as RunDbRow[]).map(toSummary);
  }

  latestRun(status?: RunSummary['status']): RunSummary | undefined {
    const r = status
      ? this.q(`SELECT * FROM runs WHERE status=? ORDER BY id DESC LIMIT 1`).get(status)
      : this.q(`SELECT * FROM runs ORDER BY id DESC LIMIT 1`).get();
    return r ? toSummary(r as RunDbRow) : undefined;
  }

  /** The latest finished run of a scenario content hash with this seed and replication count, if any. */
  findFinishedRun(hash: string, seed: number, replications: number): RunSummary | undefined {
    const r = this.q(
      `SELECT * FROM runs WHERE scenario_hash=? AND seed=? AND replications=? AND status='done' ORDER BY id DESC LIMIT 1`,
    ).get(hash, seed, replications);
    return r ? toSummary(r as RunDbRow) : undefined;
  }

  series(runId: number, filter: { model?: string; metric?: string; entity?: string } = {}): SeriesRow[] {
    const where = ['run_id=?'];
    const args: unknown[] = [runId];
    for (const k of ['model', 'metric', 'entity'] as const) {
      if (filter[k]) {
        where.push(`${k}=?`);
        args.push(filter[k]);
      }
    }
    return this.q(
      `SELECT model, metric, entity, period, p10, p50, p90, mean, n FROM series WHERE ${where.join(' AND ')} ORDER BY model, metric, entity, period`,
    ).all(...args) as SeriesRow[];
  }

  targetEvals(runId: number): TargetEval[] {
    return (this.q(`SELECT * FROM target_evals WHERE run_id=? ORDER BY target_id`).all(runId) as TargetEvalDbRow[]).map(
      (r) => ({
        targetId: r.target_id,
        pMet: r.p_met,
        dateP50: r.date_p50,
        dateP90: r.date_p90,
        valueP10: r.value_p10,
        valueP50: r.value_p50,
        valueP90: r.value_p90,
        status: r.status,
      }),
    );
  }

  artifactList(runId: number): Array<{ model: string; name: string; year: number }> {
    return this.q(`SELECT model, name, year FROM artifacts WHERE run_id=? ORDER BY model, name, year`).all(
      runId,
    ) as Array<{ model: string; name: string; year: number }>;
  }

  artifact(runId: number, model: string, name: string, year: number): unknown {
    const r = this.q(`SELECT data FROM artifacts WHERE run_id=? AND model=? AND name=? AND year=?`).get(
      runId,
      model,
      name,
      year,
    ) as { data: Buffer } | undefined;
    return r ? deserialize(r.data) : undefined;
  }

  /** Per-model job count and timing of a run (ms summed over jobs), slowest model first. */
  modelJobStats(runId: number): ModelJobStats[] {
    return (
      this.q(
        `SELECT model, COUNT(*) AS count, SUM(ms) AS sumMs, AVG(ms) AS meanMs, MAX(ms) AS maxMs, SUM(attempts > 1) AS retried
         FROM jobs WHERE run_id=? GROUP BY model ORDER BY sumMs DESC`,
      ).all(runId) as ModelJobStats[]
    ).map((r) => ({ ...r, retried: r.retried ?? 0 }));
  }

  /** Job count and timing of one model in a run (count 0 and null times when it ran no job). */
  jobStats(runId: number, model: string): ModelJobStats {
    const r = this.q(
      `SELECT COUNT(*) AS count, SUM(ms) AS sumMs, AVG(ms) AS meanMs, MAX(ms) AS maxMs, SUM(attempts > 1) AS retried
       FROM jobs WHERE run_id=? AND model=?`,
    ).get(runId, model) as Omit<ModelJobStats, 'model'>;
    return { model, ...r, retried: r.retried ?? 0 };
  }

  /** Number of aggregated series rows of a run. */
  seriesCount(runId: number): number {
    return (this.q(`SELECT COUNT(*) AS n FROM series WHERE run_id=?`).get(runId) as { n: number }).n;
  }

  /** Size of the database file in bytes (pages × page size; the WAL not included). */
  sizeBytes(): number {
    return (
      this.q(`SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()`).get() as { b: number }
    ).b;
  }

  /** All stored actuals, oldest first. */
  actuals(): ActualRecord[] {
    return this.q(
      `SELECT metric, scope, date, value, unit, source, note, bound FROM actuals ORDER BY date, metric, scope`,
    ).all() as ActualRecord[];
  }

  /** Insert validated actuals in one transaction with their file and import time (ISO) as provenance. */
  insertActuals(rows: readonly ActualRecord[], file: string, importedAt: string): void {
    const ins = this.q(
      `INSERT INTO actuals (metric, scope, date, value, unit, source, note, bound, file, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
    );
    this.transaction(() => {
      for (const r of rows)
        ins.run(r.metric, r.scope, r.date, r.value, r.unit, r.source, r.note, r.bound, file, importedAt);
    });
  }

  /**
   * Take the run's lock for this process (one executor per run: two `--resume` of one run would both compute it).
   * A lock is stale, and taken over, when its owner is a dead process on this host or its heartbeat is older than
   * RUN_LOCK_STALE_MS (an owner on another host, or a hung one).
   * @throws StoreError naming the owner when another live process holds the lock.
   */
  acquireRunLock(runId: number): void {
    const host = os.hostname();
    this.db
      .transaction(() => {
        const held = this.q(`SELECT pid, host, acquired_at, heartbeat_ms FROM run_locks WHERE run_id = ?`).get(
          runId,
        ) as { pid: number; host: string; acquired_at: string; heartbeat_ms: number } | undefined;
        if (held && !(held.host === host && held.pid === process.pid) && !lockIsStale(held, host))
          throw new StoreError(
            `run ${runId} is already being run by process ${held.pid} on ${held.host} (since ${held.acquired_at}); wait for it or stop it (kill ${held.pid}), then resume again`,
          );
        this.q(
          `INSERT OR REPLACE INTO run_locks (run_id, pid, host, acquired_at, heartbeat_ms) VALUES (?,?,?,?,?)`,
        ).run(runId, process.pid, host, new Date().toISOString(), Date.now());
      })
      .immediate();
  }

  /** Refresh this process's lock on a run (called every RUN_LOCK_HEARTBEAT_MS while it runs). */
  heartbeatRunLock(runId: number): void {
    this.q(`UPDATE run_locks SET heartbeat_ms = ? WHERE run_id = ? AND pid = ? AND host = ?`).run(
      Date.now(),
      runId,
      process.pid,
      os.hostname(),
    );
  }

  /** Release this process's lock on a run (another process's lock is left alone). */
  releaseRunLock(runId: number): void {
    this.q(`DELETE FROM run_locks WHERE run_id = ? AND pid = ? AND host = ?`).run(runId, process.pid, os.hostname());
  }

  /** The process holding a run's lock, if any (stale or not). */
  runLock(runId: number): { pid: number; host: string; heartbeatMs: number } | undefined {
    const r = this.q(`SELECT pid, host, heartbeat_ms FROM run_locks WHERE run_id = ?`).get(runId) as
      { pid: number; host: string; heartbeat_ms: number } | undefined;
    return r && { pid: r.pid, host: r.host, heartbeatMs: r.heartbeat_ms };
  }

  /**
   * Record a study as running; returns its id. The spec is stored as JSON; `targets` lets lists filter without
   * parsing it.
   * @example
   * const store = openStore(':memory:');
   * const id = store.createStudy({ kind: 'optimise', scenarioName: 'baseline', baseRunId: null, targets: ['t'], spec: { p: 0.8 } });
   * [store.study(id).status, store.study(id).spec] // => ['running', { p: 0.8 }]
   */
  createStudy(s: {
    kind: StudyKind;
    scenarioName: string;
    baseRunId: number | null;
    targets: readonly string[];
    spec: unknown;
  }): number {
    const info = this.q(
      `INSERT INTO studies (kind, scenario_name, base_run_id, created_at, status, targets, spec_json) VALUES (?,?,?,?,'running',?,?)`,
    ).run(
      s.kind,
      s.scenarioName,
      s.baseRunId,
      new Date().toISOString(),
      JSON.stringify(s.targets),
      JSON.stringify(s.spec),
    );
    return Number(info.lastInsertRowid);
  }

  /** Finish a study: its status, its result (done) or error (failed, cancelled), and the finish time. */
  finishStudy(id: number, status: Exclude<StudyStatus, 'running'>, result: unknown, error: string | null = null): void {
    this.q(`UPDATE studies SET status=?, result_json=?, error=?, finished_at=? WHERE id=?`).run(
      status,
      result === null || result === undefined ? null : JSON.stringify(result),
      error,
      new Date().toISOString(),
      id,
    );
  }

  /** Studies, newest first, optionally of one kind, scenario or target (without spec and result). */
  listStudies(
    filter: { kind?: StudyKind; scenarioName?: string; status?: StudyStatus; target?: string } = {},
  ): StudySummary[] {
    if (!this.hasStudies) return [];
    return (
      this.q(
        `SELECT id, kind, scenario_name, base_run_id, created_at, finished_at, status, error, targets FROM studies
           WHERE (@kind IS NULL OR kind=@kind) AND (@scenario IS NULL OR scenario_name=@scenario)
             AND (@status IS NULL OR status=@status)
             AND (@target IS NULL OR EXISTS (SELECT 1 FROM json_each(studies.targets) WHERE value=@target))
           ORDER BY id DESC`,
      ).all({
        kind: filter.kind ?? null,
        scenario: filter.scenarioName ?? null,
        status: filter.status ?? null,
        target: filter.target ?? null,
      }) as StudyDbRow[]
    ).map(toStudySummary);
  }

  /** One study with its spec and result, or undefined. */
  study(id: number): StudyRecord<unknown, unknown> | undefined {
    if (!this.hasStudies) return undefined;
    const r = this.q(`SELECT * FROM studies WHERE id=?`).get(id) as
      (StudyDbRow & { spec_json: string; result_json: string | null }) | undefined;
    return r
      ? {
          ...toStudySummary(r),
          spec: JSON.parse(r.spec_json),
          result: r.result_json === null ? null : JSON.parse(r.result_json),
        }
      : undefined;
  }

  /** The latest finished study of a kind (and scenario, and target when given), with spec and result. */
  latestStudy(
    kind: StudyKind,
    filter: { scenarioName?: string; target?: string } = {},
  ): StudyRecord<unknown, unknown> | undefined {
    const [s] = this.listStudies({ kind, status: 'done', ...filter });
    return s && this.study(s.id);
  }

  /** Rewrite the provenance file of actuals imported from `from` (an upload's temporary file) to `to`; returns rows changed. */
  relabelActualsFile(from: string, to: string): number {
    return this.q(`UPDATE actuals SET file = ? WHERE file = ?`).run(to, from).changes;
  }
}

/** How often a running executor refreshes its run lock. */
export const RUN_LOCK_HEARTBEAT_MS = 10_000;
/** A lock whose heartbeat is older than this is taken over (the owner hung, or lives on a host we cannot check). */
export const RUN_LOCK_STALE_MS = 60_000;

/** Whether a lock's owner is gone: a dead pid on this host, or no heartbeat for RUN_LOCK_STALE_MS. */
function lockIsStale(held: { pid: number; host: string; heartbeat_ms: number }, host: string): boolean {
  if (Date.now() - held.heartbeat_ms > RUN_LOCK_STALE_MS) return true;
  if (held.host !== host) return false;
  try {
    process.kill(held.pid, 0);
    return false;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A row of the `runs` table as SQLite returns it. */
interface RunDbRow {
  id: number;
  scenario_name: string;
  scenario_file: string;
  scenario_hash: string;
  scenario_json: string;
  seed: number;
  replications: number;
  code_version: string;
  status: RunSummary['status'];
  started_at: string;
  finished_at: string | null;
  threads: number;
  error: string | null;
  seed_rule?: string;
}

/** A row of the `studies` table as SQLite returns it (spec and result left out). */
interface StudyDbRow {
  id: number;
  kind: StudyKind;
  scenario_name: string;
  base_run_id: number | null;
  created_at: string;
  finished_at: string | null;
  status: StudyStatus;
  error: string | null;
  targets: string;
}

function toStudySummary(r: StudyDbRow): StudySummary {
  return {
    id: r.id,
    kind: r.kind,
    scenarioName: r.scenario_name,
    baseRunId: r.base_run_id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    status: r.status,
    error: r.error,
    targets: JSON.parse(r.targets) as string[],
  };
}

/** A row of the `target_evals` table as SQLite returns it. */
interface TargetEvalDbRow {
  target_id: string;
  /** NaN (a target without data) is stored as NULL and read back as null, typed as TargetEval has it. */
  p_met: number;
  date_p50: string | null;
  date_p90: string | null;
  value_p10: number | null;
  value_p50: number | null;
  value_p90: number | null;
  status: TargetEval['status'];
}

function toSummary(r: RunDbRow): RunSummary {
  return {
    id: r.id,
    scenarioName: r.scenario_name,
    scenarioHash: r.scenario_hash,
    seed: r.seed,
    replications: r.replications,
    codeVersion: r.code_version,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    threads: r.threads,
  };
}
