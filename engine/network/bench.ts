/**
 * `npm run bench:city`: import time and peak memory of the synthetic Zibo-size city (≈ 50,000 directed links,
 * `.osm.pbf`, data/.cache/synthetic-zibo.osm.pbf, generated on first use), with ≈ 1,000 grid zones (grid:2.5km). Each round imports in a fresh Node
 * process (so peak RSS is that import's own), into a temporary folder; medians of the rounds are printed with the
 * machine state. Goal (issue 17): ≤ 30 s and ≤ 1 GB peak.
 *
 * Then the traffic figures on a 28k-link city (bench-traffic.ts: Algorithm B on one thread and on the pool, warm start,
 * dynamic loading), each with its goal.
 *
 * Usage: npm run bench:city [-- --rounds 3] [--no-import] [--no-traffic] [--spacing 950 --zones grid:2.75km
 *   --budget-s 180 --demand-factor 1]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ENGINE_ROOT } from '../paths.ts';
import { generateCity } from './generate-city.ts';
import { importNetwork } from './import.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    child: { type: 'string' },
    out: { type: 'string' },
    'no-import': { type: 'boolean' },
    'no-traffic': { type: 'boolean' },
  },
  // Anything else (--spacing, --zones, --budget-s, --threads, --demand-factor) goes to the traffic part.
  strict: false,
});

if (values.child) {
  // One measured import.
  const t0 = performance.now();
  const r = await importNetwork(String(values.child), { name: 'bench', root: String(values.out), zones: 'grid:2.5km' });
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(
    JSON.stringify({
      s,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      links: r.meta.counts.links,
      nodes: r.meta.counts.nodes,
      zones: r.meta.counts.zones,
    }) + '\n',
  );
} else if (!values['no-import']) {
  const file = path.join(ENGINE_ROOT, 'data', '.cache', 'synthetic-zibo.osm.pbf');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const st = generateCity(file);
    process.stdout.write(`generated ${file}: ${st.nodes} nodes, ${st.ways} ways\n`);
  }
  const rounds = Number(values.rounds ?? 3);
  const res: { s: number; maxRssMB: number; links: number; nodes: number; zones: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    const out = mkdtempSync(path.join(os.tmpdir(), 'bench-city-'));
    try {
      const txt = execFileSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, '--out', out],
        {
          encoding: 'utf8',
        },
      );
      res.push(JSON.parse(txt.trim().split('\n').pop()!));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const med = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const r0 = res[0]!;
  process.stdout.write(
    `machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, Node ${process.version}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n` +
      `network: ${r0.nodes} nodes, ${r0.links} directed links (incl. connectors), ${r0.zones} zones\n` +
      `import of the .osm.pbf: median ${med(res.map((r) => r.s)).toFixed(1)} s over ${rounds} rounds (${res.map((r) => r.s.toFixed(1)).join(', ')}); goal ≤ 30 s\n` +
      `peak RSS: median ${med(res.map((r) => r.maxRssMB)).toFixed(0)} MB (${res.map((r) => r.maxRssMB.toFixed(0)).join(', ')}); goal ≤ 1024 MB\n`,
  );
}
if (!values.child && !values['no-traffic']) {
  // The traffic figures on the 28k-link city (bench-traffic.ts), in their own process so the import's heap is gone.
  const own = new Set(['--rounds', '--no-import', '--no-traffic']);
  const rest: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (own.has(argv[i]!)) {
      if (argv[i] === '--rounds') i++;
      continue;
    }
    rest.push(argv[i]!);
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'bench-traffic.ts'), ...rest], {
    stdio: 'inherit',
  });
}
