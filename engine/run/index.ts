/**
 * The run executor's public API: plan (jobs from a scenario), dispatch (jobs to an executor: the local pool, or
 * later a queue across machines), aggregate (replications to P10/P50/P90/mean and target evaluations), and the
 * coordinator that ties them to the store (startRun, resumeRun).
 */
export {
  aggregateModel,
  aggregateRun,
  replicationMatrix,
  replicationMatrixAsync,
  RunAggregator,
  trajectories,
  type ModelAggregate,
  type ReplicationMatrix,
} from './aggregate.ts';
export {
  BATCH_MAX_JOBS,
  BATCH_MS,
  dispatchJobs,
  MAX_ATTEMPTS,
  poolExecutor,
  type DispatchHooks,
  type JobBatch,
  type JobExecutor,
  type JobResult,
} from './dispatch.ts';
export { resumeRun, startRun, type Progress, type RunOptions, type RunOutcome, type Runner } from './execute.ts';
export {
  codeVersion,
  createRunRecord,
  crnSeed,
  describeJob,
  jobSeed,
  jobSpec,
  planJobs,
  SEED_RULE,
  type StoredScenario,
} from './plan.ts';
