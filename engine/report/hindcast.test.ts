// The hindcast in the report and over the API (issue #21 item 5), the model cards in zh-CN with KaTeX equations and
// the route that serves KaTeX's assets (issue #18 item 4). One real rollout run with the shipped seed facts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '../api/test-client.ts';
import { esc, fmtShare, paramName, type HindcastResponse } from '../contract/index.ts';
import { hindcast, hindcastRun, type HindcastInput } from '../hindcast.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { serve } from '../server.ts';
import { openStore, type Store } from '../store.ts';
import { tmpDir, twin } from '../test/helpers.ts';
import { crpsText, hindcastHtml, type HindcastContext } from './hindcast.ts';
import { modelCard, modelCardHtml } from './modelcard.ts';
import { reportHtml } from './report.ts';

const ctx = (lang: 'zh-CN' | 'en'): HindcastContext => ({
  lang,
  metricName: (m) => `name:${m}`,
  entityName: (e) => `place:${e}`,
  unitOf: () => 'share',
});
const act = (metric: string, value: number, bound: '=' | '>=' | '<=' = '='): HindcastInput['actual'] => ({
  metric,
  scope: 'city',
  date: '2019-12-31',
  value,
  unit: 'share',
  source: 'synthetic',
  note: '',
  bound,
});
const rowsOf = (html: string) => [...html.matchAll(/<tr class="hc-row" data-inside="(\w+)">/g)].map((m) => m[1]);

describe('hindcast section (pure layout)', () => {
  // Replications 0.1, 0.2, …, 1.0: P10 = 0.19, P90 = 0.91 (type 7).
  const values = Array.from({ length: 10 }, (_, i) => (i + 1) / 10);
  const inputs: HindcastInput[] = [
    { actual: act('a.share', 0.5), model: 'rollout', values },
    { actual: act('a.share', 0.95), model: 'rollout', values },
    { actual: act('a.share', 0.7, '>='), model: 'rollout', values },
    { actual: act('c.share', 0.3), model: 'clouds', values },
    { actual: act('x.share', 0.3), model: null, values: null },
  ];
  const h = hindcast(inputs);

  it('one row per actual with inside/outside, the band in %, CRPS in percentage points; families with counts', () => {
    const zh = hindcastHtml({ ...h, replications: 10 }, ctx('zh-CN'));
    expect(rowsOf(zh)).toEqual(['true', 'false', 'true', 'true', 'na']);
    expect(zh).toContain('19% — 91% (55%)');
    expect(zh).toContain(`≥ 70%`);
    expect(zh).toContain(crpsText(h.rows[0]!.crps, 'share', 'zh-CN'));
    expect(crpsText(h.rows[0]!.crps, 'share', 'zh-CN')).toMatch(/^\d+\.\d 个百分点$/);
    const fam = /<tr class="hc-family" data-model="rollout">(.*?)<\/tr>/.exec(zh)![1]!;
    // 3 matched (2 values, 1 bound); coverage 1 of 2 values = 50 %; the bound is reached.
    expect(fam).toContain('<td>3</td>');
    expect(fam).toContain(`${fmtShare(0.5)}（2 条）`);
    expect(fam).toContain('1 / 1');
    expect(zh).toContain('电子政务建设进度');
    expect(zh).toContain('1 条实际值在本次运行中没有对应的序列');
    expect(zh).toContain('每个区间基于 10 次重复');
  });

  it('in English, and a line instead of tables when there are no actuals', () => {
    const en = hindcastHtml(h, ctx('en'));
    expect(en).toContain('Hindcast: projection bands against the actuals');
    expect(en).toMatch(/50% \(n = 2\)/);
    expect(en).toMatch(/\d+\.\d pp \(n = 2\)/);
    expect(hindcastHtml({ rows: [], families: [], unmatched: 0 }, ctx('en'))).toContain('No actuals recorded yet');
    expect(crpsText(0.25, 'decimal year', 'en')).toBe('3 months');
  });
});

describe('hindcast of a real run: report section, API route; model cards and KaTeX assets', () => {
  const dir = tmpDir('twin-hindcast-report-');
  const db = path.join(dir, 'hc.sqlite');
  let store: Store;
  let srv: Awaited<ReturnType<typeof serve>>;
  let runId = 0;

  beforeAll(async () => {
    const sc = path.join(dir, 'hc.yaml');
    writeFileSync(sc, 'name: hc\nmodels: [rollout]\nreplications: 20\n');
    expect(twin(['run', sc, '--db', db, '--threads', '1']).status).toBe(0);
    const seed = path.join(ENGINE_ROOT, 'data', 'actuals', 'seed-facts.csv');
    expect(twin(['actuals', 'import', seed, '--db', db]).status).toBe(0);
    store = openStore(db);
    runId = store.latestRun('done')!.id;
    srv = await serve({ store, port: 0, viewerDir: dir, threads: 1 });
  });
  afterAll(async () => {
    await srv?.close();
    store?.close();
  });

  it('the report (zh-CN and en) has the hindcast section: a row per seed fact and the family line of the run', () => {
    const h = hindcastRun(store, runId);
    for (const lang of ['zh-CN', 'en'] as const) {
      const html = reportHtml(store, runId, { lang });
      const section = html.slice(html.indexOf('id="hindcast"'));
      expect(rowsOf(section)).toEqual(h.rows.map((r) => String(r.inside)));
      const f = h.families[0]!;
      const fam = /<tr class="hc-family" data-model="rollout">(.*?)<\/tr>/.exec(section)![1]!;
      expect(fam).toContain(`<td>${f.matched}</td>`);
      expect(fam).toContain(fmtShare(f.coverage));
    }
    expect(reportHtml(store, runId)).toContain('回测：预测区间与实际值');
  });

  it('the zh-CN report names each listed parameter in Chinese before its id', () => {
    const zh = reportHtml(store, runId);
    const params = zh.slice(zh.indexOf('七、参数'));
    const rows = [...params.matchAll(/<td>([^<]*)<br><code>([^<]+)<\/code><\/td>/g)];
    expect(rows.length).toBeGreaterThan(0);
    for (const [, name, p] of rows) expect(name, p).toBe(esc(paramName('rollout', p!)!.zh));
  });

  it('GET /api/runs/:id/hindcast answers the hindcast; unknown run 404, bad id 400', async () => {
    const r = await raw(srv.port, 'GET', `/api/runs/${runId}/hindcast`);
    expect(r.status).toBe(200);
    const body = r.json as HindcastResponse;
    const h = hindcastRun(store, runId);
    expect(body.runId).toBe(runId);
    expect(body.rows.length).toBe(9);
    expect(body.families).toEqual(JSON.parse(JSON.stringify(h.families)));
    expect((await raw(srv.port, 'GET', '/api/runs/999/hindcast')).status).toBe(404);
    expect((await raw(srv.port, 'GET', '/api/runs/x/hindcast')).status).toBe(400);
  });

  it('serves KaTeX stylesheet and fonts only from its dist folder', async () => {
    const css = await raw(srv.port, 'GET', '/api/assets/katex/katex.min.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    const font = /url\(fonts\/(KaTeX_Main-Regular\.woff2)\)/.exec(css.text)![1]!;
    const f = await raw(srv.port, 'GET', `/api/assets/katex/fonts/${font}`);
    expect(f.status).toBe(200);
    expect(f.headers['content-type']).toBe('font/woff2');
    for (const bad of ['katex.min.js', 'fonts/..%2F..%2Fpackage.json', '..%2Fpackage.json', 'README.md', 'fonts'])
      expect((await raw(srv.port, 'GET', `/api/assets/katex/${bad}`)).status, bad).toBeGreaterThanOrEqual(400);
  });

  it('model cards: zh-CN by default with Chinese headings, parameter and metric names, KaTeX equations; ?lang=en', async () => {
    const zh = await raw(srv.port, 'GET', `/api/models/traffic/card?run=${runId}`);
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('模型卡：早高峰交通（静态均衡）');
    expect(zh.text).toContain('参数与来源');
    expect(zh.text).toContain('class="katex"');
    expect(zh.text).toContain('href="/api/assets/katex/katex.min.css"');
    expect(zh.text).not.toContain('class="katex-error"');
    const en = await raw(srv.port, 'GET', '/api/models/traffic/card?lang=en');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Parameters and sources');
    expect((await raw(srv.port, 'GET', '/api/models/traffic/card?lang=fr')).status).toBe(400);
    // Every model's equations typeset without a KaTeX error.
    for (const m of ['rollout', 'clouds', 'greenhouse', 'traffic', 'traffic-dynamic'])
      expect(modelCardHtml(modelCard(m)!, { lang: 'zh-CN' }), m).not.toContain('katex-error');
  });
});
