#!/usr/bin/env node
// The `twin` command. Registers the TypeScript loader (tsx) for the main thread, then runs the CLI.
// Worker threads do not use it: they load the esbuild bundle dist/worker.mjs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv);
