// The report's study sections (engine/report/studies.ts) on the report fixture's store with studies written through
// the store's own API: omitted when the scenario has none; the latest finished optimise study (recommended change and
// cost, Pareto chart, candidates) and sensitivity study (S1/ST with intervals, bars with whiskers), zh-CN and en.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OptimiseData, OptimiseSpec, SensitivityData, StudyCandidate } from '../contract/index.ts';
import { loadTargets } from '../targets.ts';
import { tmpDir } from '../test/helpers.ts';
import { reportHtml } from './report.ts';
import { optimiseSection, sensitivitySection } from './studies.ts';
import { fixtureStore } from './test-fixture.ts';

const dir = tmpDir('twin-report-studies-');
const { store, runId, compareId } = fixtureStore(path.join(dir, 'fx.sqlite'));
afterAll(() => store.close());
const targets = loadTargets();

const spec: OptimiseSpec = {
  targets: ['extranet-3-levels', 'extranet-city'],
  p: 0.8,
  levers: [
    { path: 'rollout.crews.perCounty', min: 2, max: 6, step: 1, costPerUnit: 800_000, base: 2, integer: true },
    { path: 'rollout.crews.city', min: 6, max: 12, step: 1, costPerUnit: 800_000, base: 6, integer: true },
  ],
  n0: 32,
  nMax: 256,
  confirm: 400,
  maxCandidates: 200,
  costUnit: 'CNY',
};
const cand = (order: number, values: number[], minP: number, pareto: boolean): StudyCandidate => ({
  order,
  values,
  cost: (values[0]! - 2) * 800_000 + (values[1]! - 6) * 800_000,
  n: 32,
  pHat: [minP, 0.9],
  lower: [minP - 0.1, 0.8],
  upper: [minP + 0.1, 0.97],
  minP,
  feasible: minP >= 0.8,
  pareto,
  run: null,
});
const candidates = [
  cand(0, [2, 6], 0.3, true),
  cand(1, [3, 6], 0.62, true),
  cand(2, [3, 7], 0.55, false),
  cand(3, [4, 6], 0.86, true),
];
const data: OptimiseData = {
  candidates,
  bestOrder: 3,
  confirmations: [
    {
      values: [4, 6],
      cost: 1_600_000,
      n: 400,
      pHat: [0.84, 0.91],
      lower: [0.8, 0.88],
      upper: [0.87, 0.93],
      passed: true,
    },
  ],
  stop: 'local-optimum',
  replications: 528,
  engineRuns: 5,
  wallMs: 12_345,
  whatIfYaml: 'name: baseline-optimised\nextends: baseline\n',
  whatIfName: 'baseline-optimised',
  whatIfFile: null,
};
const sens: SensitivityData = {
  method: 'sobol',
  target: 'extranet-3-levels',
  params: [
    { path: 'rollout.crews.perCounty', min: 1, max: 3, base: 2 },
    { path: 'rollout.collab.pPerMonth', min: 0.48, max: 0.72, base: 0.6 },
  ],
  replications: 4,
  runs: 256,
  wallMs: 60_000,
  outputs: [
    {
      output: 'value',
      sobol: {
        indices: [
          { name: 'rollout.crews.perCounty', s1: 0.71, s1Ci: [0.6, 0.8], st: 0.78, stCi: [0.7, 0.86] },
          { name: 'rollout.collab.pPerMonth', s1: 0.02, s1Ci: [-0.01, 0.05], st: 0.05, stCi: [0.03, 0.08] },
        ],
        n: 64,
        variance: 0.01,
        confidence: 0.95,
      },
    },
    { output: 'pMet', note: 'constant (1) over the design: no parameter moves it in these ranges' },
  ],
};

describe('report study sections', () => {
  it('are omitted when the scenario has no finished study (a failed one or another scenario’s does not count)', () => {
    const failed = store.createStudy({
      kind: 'optimise',
      scenarioName: 'baseline',
      baseRunId: compareId,
      targets: spec.targets,
      spec,
    });
    store.finishStudy(failed, 'failed', null, 'run 9 failed');
    const other = store.createStudy({
      kind: 'sensitivity',
      scenarioName: 'fixture-whatif',
      baseRunId: runId,
      targets: [sens.target],
      spec: {},
    });
    store.finishStudy(other, 'done', sens);
    expect(optimiseSection(store, 'baseline', targets, 'zh-CN')).toBe('');
    expect(sensitivitySection(store, 'baseline', targets, 'en')).toBe('');
    const html = reportHtml(store, compareId);
    expect(html).not.toContain('study-optimise');
    expect(html).not.toContain('study-sensitivity');
  });

  it('show the latest optimise study: recommended change with its cost in 万元 / CNY m, chart and candidates, zh-CN and en', () => {
    const older = store.createStudy({
      kind: 'optimise',
      scenarioName: 'baseline',
      baseRunId: compareId,
      targets: spec.targets,
      spec,
    });
    store.finishStudy(older, 'done', { ...data, candidates: candidates.slice(0, 1), bestOrder: null });
    const id = store.createStudy({
      kind: 'optimise',
      scenarioName: 'baseline',
      baseRunId: compareId,
      targets: spec.targets,
      spec,
    });
    store.finishStudy(id, 'done', data);
    const zh = reportHtml(store, compareId);
    const sec = zh.slice(zh.indexOf('study-optimise'), zh.indexOf('</section>', zh.indexOf('study-optimise')));
    expect(sec).toContain(`data-study="${id}"`);
    expect(sec).toContain('需要做什么？');
    const rec = /<p class="recommended">([\s\S]*?)<\/p>/.exec(sec)![1]!;
    expect(rec).toContain('每个区县的施工队数');
    expect(rec).toMatch(/每个区县的施工队数 <code class="muted">rollout\.crews\.perCounty<\/code> 4 \(现值 2\)/);
    expect(rec).toContain('<b>160.0 万元</b>');
    expect(rec).toContain('在 400 次新的重复中确认');
    // The chart: one point per candidate plus the ring of the recommended one; the front as a step line.
    const svg = /<svg[\s\S]*?<\/svg>/.exec(sec)![0];
    expect((svg.match(/<circle/g) ?? []).length).toBe(candidates.length + 1);
    expect(svg).toContain('<path d="M');
    // The table: one row per candidate (fewer than the cut), the best marked, front rows with ◆.
    const rows = sec.slice(sec.indexOf('<table class="candidates">')).match(/<tr[ >]/g)!.length - 1;
    expect(rows).toBe(candidates.length);
    expect(sec).toMatch(/<tr class="best"><td>3<\/td><td>4<\/td><td>6<\/td><td>160\.0 万元<\/td>/);
    expect((sec.match(/◆/g) ?? []).length).toBe(candidates.filter((c) => c.pareto).length);
    const en = reportHtml(store, compareId, { lang: 'en' });
    const secEn = en.slice(en.indexOf('study-optimise'));
    expect(secEn).toContain('What would it take?');
    expect(secEn).toContain('Crews per county');
    expect(secEn).toContain('<b>CNY 1.60 m</b>');
  });

  it('show the latest sensitivity study: S1 and ST with intervals, bars with whiskers, Chinese parameter names', () => {
    const id = store.createStudy({
      kind: 'sensitivity',
      scenarioName: 'baseline',
      baseRunId: compareId,
      targets: [sens.target],
      spec: {},
    });
    store.finishStudy(id, 'done', sens);
    const zh = sensitivitySection(store, 'baseline', targets, 'zh-CN');
    expect(zh).toContain(`data-study="${id}"`);
    expect(zh).toContain('Sobol 全局敏感性指数');
    // Rows by ST, largest first, with both intervals.
    const body = zh.slice(zh.indexOf('<table class="sobol">'));
    expect(body.indexOf('rollout.crews.perCounty')).toBeLessThan(body.indexOf('rollout.collab.pPerMonth'));
    expect(body).toContain('<td>0.710</td><td>[0.600, 0.800]</td><td>0.780</td><td>[0.700, 0.860]</td>');
    expect(body).toContain('<td>1–3</td>');
    const svg = /<svg[\s\S]*?<\/svg>/.exec(zh)![0];
    expect((svg.match(/class="ix-bar"/g) ?? []).length).toBe(4);
    expect((svg.match(/class="ix-ci"/g) ?? []).length).toBe(4);
    expect(svg).toContain('每个区县的施工队数');
    expect(svg).toContain('协同办公创新系数 p');
    // The output that did not vary says so instead of a table.
    expect(zh).toContain('在这些范围内该输出保持不变');
    const en = sensitivitySection(store, 'baseline', targets, 'en');
    expect(en).toContain('Sobol&#39; global sensitivity indices');
    expect(en).toContain('Constant over the design');
    expect(en).toContain('Crews per county');
    // In the report, after the optimise section and before the parameters.
    const html = reportHtml(store, compareId, { lang: 'en' });
    expect(html.indexOf('study-optimise')).toBeLessThan(html.indexOf('study-sensitivity'));
    expect(html.indexOf('study-sensitivity')).toBeGreaterThan(0);
  });
});
