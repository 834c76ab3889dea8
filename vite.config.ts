/**
 * Vite build of the viewer (viewer/ → viewer/dist), fully offline.
 *
 * - Cesium is bundled as ESM; its static folders (Workers, ThirdParty, Assets, Widgets) are copied to
 *   `dist/cesium/` by vite-plugin-static-copy and `CESIUM_BASE_URL` is defined as the relative `./cesium/`, so the
 *   build is relocatable (`base: './'`): it works at `/`, under any sub-path, and from a static export folder.
 * - uPlot's stylesheet is copied to `dist/vendor/`.
 * - `geo/zibo.json` (districts, roads, sites) is generated from `data/zibo/` at build time by viewer/geo-plugin.ts.
 * - `--mode bench` (viewer/bench.ts only, into a folder of its own) swaps the page's entry for the benchmark's
 *   (viewer/src/bench/entry.ts), so the production build carries no benchmark code.
 * Recipe and measurements: ../shared/research/viewer.md.
 */
import { defineConfig, normalizePath, type Plugin } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import path from 'node:path';
import { REPO_ROOT as repoRoot } from './models/lib/paths.mjs';
import { zibGeoPlugin } from './viewer/geo-plugin.ts';

const cesiumBuild = normalizePath(path.join(repoRoot, 'node_modules/cesium/Build/Cesium'));

export default defineConfig(({ mode }) => ({
  root: path.join(repoRoot, 'viewer'),
  base: './',
  publicDir: path.join(repoRoot, 'viewer/public'),
  define: {
    // Cesium's buildModuleUrl reads this free identifier; relative so the build can be moved anywhere.
    CESIUM_BASE_URL: JSON.stringify('./cesium/'),
  },
  build: {
    outDir: path.join(repoRoot, 'viewer/dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    target: 'es2022',
  },
  // Development: `npx vite` with `npx twin serve` running; the API is proxied (TWIN_API overrides the address).
  server: { host: '127.0.0.1', proxy: { '/api': process.env.TWIN_API ?? 'http://127.0.0.1:8080' } },
  preview: { host: '127.0.0.1' },
  plugins: [
    viteStaticCopy({
      targets: [
        { src: `${cesiumBuild}/Workers`, dest: 'cesium' },
        { src: `${cesiumBuild}/ThirdParty`, dest: 'cesium' },
        { src: `${cesiumBuild}/Assets`, dest: 'cesium' },
        { src: `${cesiumBuild}/Widgets`, dest: 'cesium' },
        { src: normalizePath(path.join(repoRoot, 'node_modules/uplot/dist/uPlot.min.css')), dest: 'vendor' },
      ],
    }),
    zibGeoPlugin(repoRoot),
    ...(mode === 'bench' ? [benchEntry()] : []),
  ],
}));

/** The benchmark build's page: the viewer's index.html with the benchmark entry instead of the app's. */
function benchEntry(): Plugin {
  return {
    name: 'twin-bench-entry',
    // 'pre': before Vite resolves the page's scripts into the bundle.
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => {
        if (!html.includes('./src/main.ts')) throw new Error('viewer/index.html no longer loads ./src/main.ts');
        return html.replace('./src/main.ts', './src/bench/entry.ts');
      },
    },
  };
}
