/**
 * Bundle a worker entry (a .ts or .mjs file, or its file: URL) to dist/<name>.mjs; returns the bundle's path.
 * @example const file = await buildWorkerEntry(new URL('./aon-worker.ts', import.meta.url), 'traffic-aon-worker');
 */
export declare function buildWorkerEntry(entry: string | URL, name: string): Promise<string>;
