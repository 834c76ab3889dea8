/**
 * Vite plugin: serves (dev) and emits (build) `geo/zibo.json`, the viewer's geodata built from `data/zibo/`.
 */
import type { Plugin } from 'vite';
import { buildGeo } from './geo.ts';

/**
 * @example plugins: [zibGeoPlugin('/work/main')]
 */
export function zibGeoPlugin(repoRoot: string): Plugin {
  return {
    name: 'zibo-geo',
    configureServer(server) {
      server.middlewares.use('/geo/zibo.json', (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(buildGeo(repoRoot)));
      });
    },
    generateBundle() {
      const geo = buildGeo(repoRoot);
      if (geo.missing.length) this.warn(`geodata missing (the viewer will not draw them): ${geo.missing.join(', ')}`);
      this.emitFile({ type: 'asset', fileName: 'geo/zibo.json', source: JSON.stringify(geo) });
    },
  };
}
