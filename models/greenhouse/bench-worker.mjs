// Worker entry for bench.ts: Node 20 cannot start a worker on a .ts file, so register tsx here first.
import { register } from 'tsx/esm/api';

register();
await import('./bench.ts');
