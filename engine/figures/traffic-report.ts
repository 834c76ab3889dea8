/**
 * `npm run figures:traffic -- [--replications 10] [--scenario baseline] [--compare fast-signals]`
 *
 * Runs the Zibo peak-hour model directly (no engine, no store) for 2017–2021 and prints P10/P50/P90 over
 * replications of mean speed, congestion index and VHT per district, the link v/c distribution, and, with
 * `--compare`, the paired VHT change of a what-if (same replication worlds). The README's Zibo tables come from this.
 */
import path from 'node:path';
import { quantileSorted } from '../../models/lib/quantile.ts';
import { createRng } from '../../models/lib/rng.ts';
import { loadTrafficInputs, runTraffic } from '../../models/traffic/model.ts';
import { trafficParamsSchema, type TrafficParams } from '../../models/traffic/params.ts';
import type { ModelOutput } from '../../models/types.ts';
import { loadScenario, SCENARIOS_DIR } from '../scenario.ts';

const args = process.argv.slice(2);
const opt = (name: string, d: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : d;
};
const reps = Number(opt('replications', '10'));
const scenario = opt('scenario', 'baseline');
const compare = opt('compare', '');
const years = [2017, 2018, 2019, 2020, 2021];
const params = (name: string): TrafficParams =>
  trafficParamsSchema.parse(
    (loadScenario(path.join(SCENARIOS_DIR, `${name}.yaml`)).scenario as unknown as { traffic: unknown }).traffic,
  );
const p = params(scenario);
const inputs = loadTrafficInputs(p);
const names: Record<string, string> = {
  city: 'Zibo (city)',
  '370302': 'Zichuan',
  '370303': 'Zhangdian',
  '370304': 'Boshan',
  '370305': 'Linzi',
  '370306': 'Zhoucun',
  '370321': 'Huantai',
  '370322': 'Gaoqing',
  '370323': 'Yiyuan',
};
const val = (o: ModelOutput, m: string, e: string): number =>
  o.series.find((s) => s.metric === m && s.entity === e)?.values[0] ?? NaN;
const q = (xs: number[], digits: number): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${quantileSorted(s, 0.5).toFixed(digits)} (${quantileSorted(s, 0.1).toFixed(digits)}–${quantileSorted(s, 0.9).toFixed(digits)})`;
};
const run = (pp: TrafficParams, year: number, r: number): ModelOutput =>
  runTraffic(pp, inputs, { model: 'traffic', years: [year], replication: r, attempt: 1, seed: r }, createRng(r));

const outs = new Map<number, ModelOutput[]>();
for (const y of years)
  outs.set(
    y,
    Array.from({ length: reps }, (_, r) => run(p, y, r)),
  );
console.log(`Scenario ${scenario}, ${reps} replications: P50 (P10–P90)\n`);
for (const [metric, digits, title] of [
  ['traffic.meanSpeedKmPerH', 1, 'Mean peak-hour speed, km/h'],
  ['traffic.congestionIndex', 2, 'Congestion index (VHT / free-flow VHT)'],
] as const) {
  console.log(`${title}\n\n| entity | ${years.join(' | ')} |\n| --- | ${years.map(() => '---').join(' | ')} |`);
  for (const e of ['city', ...inputs.districts]) {
    console.log(
      `| ${names[e] ?? e} | ${years
        .map((y) =>
          q(
            outs.get(y)!.map((o) => val(o, metric, e)),
            digits,
          ),
        )
        .join(' | ')} |`,
    );
  }
  console.log('');
}
console.log(
  `City totals\n\n| year | demand veh/h | VKT veh·km | VHT veh·h | link v/c P50 / P90 / max (replication 0) | links v/c > 1 |\n| --- | --- | --- | --- | --- | --- |`,
);
for (const y of years) {
  const o = outs.get(y)!;
  const vc = o[0]!.series
    .filter((s) => s.metric === 'traffic.linkVc')
    .map((s) => s.values[0]!)
    .sort((a, b) => a - b);
  console.log(
    `| ${y} | ${q(
      o.map((x) => val(x, 'traffic.demandVehPerH', 'city')),
      0,
    )} | ${q(
      o.map((x) => val(x, 'traffic.vktVehKm', 'city')),
      0,
    )} | ${q(
      o.map((x) => val(x, 'traffic.vhtVehH', 'city')),
      0,
    )} | ` +
      `${quantileSorted(vc, 0.5).toFixed(2)} / ${quantileSorted(vc, 0.9).toFixed(2)} / ${vc.at(-1)!.toFixed(2)} | ${vc.filter((v) => v > 1).length} of ${vc.length} |`,
  );
}
if (compare) {
  const pc = params(compare);
  console.log(
    `\nWhat-if ${compare} vs ${scenario}: paired VHT change per replication, P50 (P10–P90), %\n\n| entity | ${years.join(' | ')} |\n| --- | ${years.map(() => '---').join(' | ')} |`,
  );
  const co = new Map<number, ModelOutput[]>();
  for (const y of years)
    co.set(
      y,
      Array.from({ length: reps }, (_, r) => run(pc, y, r)),
    );
  for (const e of ['city', '370303']) {
    const cells = years.map((y) =>
      q(
        outs
          .get(y)!
          .map(
            (o, r) =>
              (100 * (val(co.get(y)![r]!, 'traffic.vhtVehH', e) - val(o, 'traffic.vhtVehH', e))) /
              val(o, 'traffic.vhtVehH', e),
          ),
        2,
      ),
    );
    console.log(`| ${names[e]} VHT | ${cells.join(' | ')} |`);
  }
}
