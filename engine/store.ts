/**
 * The results store: SQLite through better-sqlite3, WAL mode.
 *
 * A run's jobs are written up front (status `pending`); each finished job is one transaction (its status and its
 * compressed output), so a killed process loses at most the jobs in flight and `--resume` continues without
 * recomputing or duplicating anything. Aggregated series and target evaluations are written when all jobs are done.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { encodeOutput } from './codec.ts';
import type { ModelOutput } from '../models/types.ts';
import type { RunSummary, SeriesRow, TargetEval } from './contract/index.ts';

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
CREATE TABLE IF NOT EXISTS artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  name TEXT NOT NULL,
  year INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (run_id, model, name, year)
);
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
}

export { encodeOutput, decodeOutput } from './codec.ts';

/**
 * Open (and create or migrate) a store.
 * @example const store = openStore('runs/twin.sqlite'); store.listRuns();
 */
export function openStore(file: string): Store {
  return new Store(file);
}

export class Store {
  readonly db: Database.Database;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    try {
      this.db = new Database(file);
    } catch (e) {
      throw new Error(`cannot open the store ${file}: ${(e as Error).message}; pass another path with --db PATH`);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(DDL);
    const v = this.db.prepare(`SELECT value FROM meta WHERE key='schema_version'`).get() as
      { value: string } | undefined;
    if (!v) this.db.prepare(`INSERT INTO meta(key,value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
    else if (Number(v.value) > SCHEMA_VERSION) {
      throw new Error(
        `the store ${file} was written by a newer version (schema ${v.value} > ${SCHEMA_VERSION}); update the twin or use another --db`,
      );
    }
  }

  close(): void {
    this.db.close();
  }

  /** Create a run and its pending jobs in one transaction; returns the run id. */
  createRun(r: NewRun, jobs: JobRow[]): number {
    const tx = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO runs (scenario_name, scenario_file, scenario_hash, scenario_json, seed, replications, code_version, status, started_at, threads)
           VALUES (?,?,?,?,?,?,?,'running',?,?)`,
        )
        .run(
          r.scenarioName,
          r.scenarioFile,
          r.scenarioHash,
          JSON.stringify(r.scenario),
          r.seed,
          r.replications,
          r.codeVersion,
          new Date().toISOString(),
          r.threads,
        );
      const runId = Number(info.lastInsertRowid);
      const ins = this.db.prepare(
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
      this.db.prepare(`INSERT OR REPLACE INTO job_outputs (run_id, idx, output) VALUES (?,?,?)`).run(runId, idx, blob);
      this.db
        .prepare(`UPDATE jobs SET status='done', attempts=?, ms=?, finished_at=?, error=NULL WHERE run_id=? AND idx=?`)
        .run(attempts, ms, new Date().toISOString(), runId, idx);
      if (artifacts) {
        const ins = this.db.prepare(
          `INSERT OR REPLACE INTO artifacts (run_id, model, name, year, data) VALUES (?,?,?,?,?)`,
        );
        for (const a of artifacts) ins.run(runId, a.model, a.name, a.year, serialize(a.data));
      }
    });
    tx();
  }

  markJobAttempt(runId: number, idx: number, attempts: number, error: string | null, failed = false): void {
    this.db
      .prepare(
        `UPDATE jobs SET attempts=?, error=?, status=?, started_at=COALESCE(started_at, ?) WHERE run_id=? AND idx=?`,
      )
      .run(attempts, error, failed ? 'failed' : 'pending', new Date().toISOString(), runId, idx);
  }

  setRunStatus(runId: number, status: RunSummary['status'], error: string | null = null): void {
    const finished = status === 'running' ? null : new Date().toISOString();
    this.db.prepare(`UPDATE runs SET status=?, finished_at=?, error=? WHERE id=?`).run(status, finished, error, runId);
  }

  setRunThreads(runId: number, threads: number): void {
    this.db.prepare(`UPDATE runs SET threads=? WHERE id=?`).run(threads, runId);
  }

  jobs(runId: number): JobRow[] {
    return this.db
      .prepare(`SELECT idx, model, year, replication, seed, status, attempts FROM jobs WHERE run_id=? ORDER BY idx`)
      .all(runId) as JobRow[];
  }

  jobCounts(runId: number): { total: number; done: number } {
    return this.db
      .prepare(`SELECT COUNT(*) AS total, SUM(status='done') AS done FROM jobs WHERE run_id=?`)
      .get(runId) as { total: number; done: number };
  }

  /** The encoded outputs of a model's finished jobs, in job order, read in one query (decode with `decodeOutput`). */
  jobOutputBlobs(runId: number, model: string): Array<{ idx: number; replication: number; output: Buffer }> {
    return this.db
      .prepare(
        `SELECT j.idx, j.replication, o.output FROM jobs j JOIN job_outputs o ON o.run_id=j.run_id AND o.idx=j.idx
         WHERE j.run_id=? AND j.model=? AND j.status='done' ORDER BY j.idx`,
      )
      .all(runId, model) as Array<{ idx: number; replication: number; output: Buffer }>;
  }

  /** Replace a run's aggregated series and target evaluations in one transaction. */
  writeResults(runId: number, rows: SeriesRow[], evals: TargetEval[]): void {
    const tx = this.db.transaction(() => {
      this.db.prepare(`DELETE FROM series WHERE run_id=?`).run(runId);
      this.db.prepare(`DELETE FROM target_evals WHERE run_id=?`).run(runId);
      const ins = this.db.prepare(
        `INSERT INTO series (run_id, model, metric, entity, period, p10, p50, p90, mean, n) VALUES (?,?,?,?,?,?,?,?,?,?)`,
      );
      for (const r of rows) ins.run(runId, r.model, r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean, r.n);
      const te = this.db.prepare(
        `INSERT INTO target_evals (run_id, target_id, p_met, date_p50, date_p90, value_p10, value_p50, value_p90, status) VALUES (?,?,?,?,?,?,?,?,?)`,
      );
      for (const e of evals)
        te.run(runId, e.targetId, e.pMet, e.dateP50, e.dateP90, e.valueP10, e.valueP50, e.valueP90, e.status);
    });
    tx();
  }

  run(runId: number): (RunSummary & { scenarioFile: string; scenarioJson: string; error: string | null }) | undefined {
    const r = this.db.prepare(`SELECT * FROM runs WHERE id=?`).get(runId) as any;
    return r
      ? { ...toSummary(r), scenarioFile: r.scenario_file, scenarioJson: r.scenario_json, error: r.error }
      : undefined;
  }

  listRuns(): RunSummary[] {
    return (this.db.prepare(`SELECT * FROM runs ORDER BY id DESC`).all() as any[]).map(toSummary);
  }

  latestRun(status?: RunSummary['status']): RunSummary | undefined {
    const r = status
      ? this.db.prepare(`SELECT * FROM runs WHERE status=? ORDER BY id DESC LIMIT 1`).get(status)
      : this.db.prepare(`SELECT * FROM runs ORDER BY id DESC LIMIT 1`).get();
    return r ? toSummary(r) : undefined;
  }

  /** The latest finished run of a scenario content hash with this seed and replication count, if any. */
  findFinishedRun(hash: string, seed: number, replications: number): RunSummary | undefined {
    const r = this.db
      .prepare(
        `SELECT * FROM runs WHERE scenario_hash=? AND seed=? AND replications=? AND status='done' ORDER BY id DESC LIMIT 1`,
      )
      .get(hash, seed, replications);
    return r ? toSummary(r) : undefined;
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
    return this.db
      .prepare(
        `SELECT model, metric, entity, period, p10, p50, p90, mean, n FROM series WHERE ${where.join(' AND ')} ORDER BY model, metric, entity, period`,
      )
      .all(...args) as SeriesRow[];
  }

  targetEvals(runId: number): TargetEval[] {
    return (this.db.prepare(`SELECT * FROM target_evals WHERE run_id=? ORDER BY target_id`).all(runId) as any[]).map(
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
    return this.db
      .prepare(`SELECT model, name, year FROM artifacts WHERE run_id=? ORDER BY model, name, year`)
      .all(runId) as any[];
  }

  artifact(runId: number, model: string, name: string, year: number): unknown {
    const r = this.db
      .prepare(`SELECT data FROM artifacts WHERE run_id=? AND model=? AND name=? AND year=?`)
      .get(runId, model, name, year) as { data: Buffer } | undefined;
    return r ? deserialize(r.data) : undefined;
  }
}

function toSummary(r: any): RunSummary {
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
