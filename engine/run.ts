/**
 * Entry point kept for the CLI, the server and the tests: the run executor lives in engine/run/ (plan, dispatch,
 * aggregate, and the coordinator in execute.ts).
 */
export * from './run/index.ts';
