// `twin report`: the HTML content (summary, targets by risk, a chart per target not met, traffic and greenhouse,
// actuals, maps at the deadlines, grouped parameters, zh-CN and en) and a PDF whose pages are rendered to pixels
// (pdftoppm) and read back as text (pdftotext -bbox): the summary alone on page 1, and under each non-met target's
// caption a chart region with the band's blue and the target's red.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeFile } from './report/modelcard.ts';
import { findChromium, reportHtml } from './report/report.ts';
import { bandChart, niceTicks, periodX, renderMarkdown, sections } from './contract/index.ts';
import { fixturePMet, fixtureStore } from './report/test-fixture.ts';
import { loadTargets } from './targets.ts';
import { tmpDir, twin } from './test/helpers.ts';

const dir = tmpDir('twin-report-');
const db = path.join(dir, 'fx.sqlite');
const { store, runId, compareId, prevId } = fixtureStore(db);
afterAll(() => store.close());

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const targets = loadTargets();
const titleZh = (id: string) => targets.find((t) => t.id === id)!.titleZh!;
/** The fixture's targets not met in a run with this shift, riskiest (lowest P(met)) first. */
const notMetIds = (shift: number) =>
  Object.entries(fixturePMet(shift))
    .filter(([, p]) => p < 0.8)
    .sort((a, b) => a[1] - b[1])
    .map(([id]) => id);

describe('report content', () => {
  const zh = reportHtml(store, compareId);
  const en = reportHtml(store, runId, { compare: compareId, lang: 'en' });

  it('zh-CN by default: a summary with targets by status, the three biggest risks and the changes since the last run', () => {
    expect(zh).toContain('<html lang="zh-CN">');
    const summary = zh.slice(zh.indexOf('id="summary"'), zh.indexOf('</section>'));
    const p = fixturePMet(0);
    const n = (f: (x: number) => boolean) => Object.values(p).filter(f).length;
    const box = (cls: string) =>
      Number(new RegExp(`<div class="box ${cls}"><div class="n">(\\d+)</div>`).exec(summary)![1]);
    expect(box('met')).toBe(n((x) => x >= 0.8));
    expect(box('at-risk')).toBe(n((x) => x >= 0.2 && x < 0.8));
    expect(box('missed')).toBe(n((x) => x < 0.2));
    expect(box('no-data')).toBe(targets.length - Object.keys(p).length);
    // The three riskiest, in order of P(met).
    const risks = summary.slice(summary.indexOf('<ol class="risks">'), summary.indexOf('</ol>'));
    const at = notMetIds(0)
      .slice(0, 3)
      .map((id) => risks.indexOf(titleZh(id)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    // Changes against the earlier baseline run: a status that moved and the parameter that changed.
    expect(summary).toContain(`对比运行 ${prevId}（baseline）`);
    expect(summary).toContain('<code>testbed.samples</code> 90 → 100');
    expect(summary).toMatch(
      new RegExp(
        `${titleZh('extranet-city')} <span class="tag at-risk">有风险</span> → <span class="tag met">达成</span>`,
      ),
    );
    expect(summary).toContain('+10.0 个百分点');
  });

  it('a chart for every target not met, with its threshold; traffic and greenhouse charts; maps at the deadline', () => {
    for (const id of notMetIds(0)) {
      const fig = zh.slice(zh.indexOf(`data-target="${id}"`));
      expect(fig.slice(0, fig.indexOf('</figure>'))).toContain('<polygon ');
    }
    expect((zh.match(/<figure class="chart"[^>]*data-target=/g) ?? []).length).toBe(notMetIds(0).length);
    expect(zh).toContain('data-metric="traffic.congestionIndex" data-entity="city"');
    expect(zh).toContain('data-metric="greenhouse.productionT" data-entity="city"');
    expect(zh).toContain('data-metric="greenhouse.cropYieldKgPerM2" data-entity="crop:tomato"');
    // extranet targets are due 2018-12-31: the district map is of 2018-12 on a fixed 0–100 % scale, in Chinese.
    expect(zh).toContain('data-metric="extranet.liveShare" data-period="2018-12"');
    expect(zh).toContain('外网节点开通率 · 2018年12月 (P50)');
    expect(zh).toContain('张店区');
    expect(zh).toContain('期限 2018年12月31日');
  });

  it('lists the actuals and the parameters grouped, changed values first', () => {
    expect(zh).toContain('五、实际进展与重新预测');
    expect(zh).toContain('fixture: progress note');
    expect(zh).toContain('<td>2018年6月30日</td><td>60%</td>');
    const params = en.slice(en.indexOf('7. Parameters'));
    expect(params).toContain('<tr class="group"><td colspan="5">samples</td></tr>');
    expect(params).toMatch(/<tr class="chg"><td><code>samples<\/code><\/td><td>105<\/td><td>100<\/td>/);
  });

  it('in English with a comparison: every target, differences in percentage points', () => {
    expect(en).toContain('<html lang="en">');
    for (const t of targets) expect(en).toContain(t.id);
    const table = en.slice(en.indexOf('2. Plan targets'));
    const row = table.slice(table.indexOf('<code class="muted">extranet-3-levels</code>'));
    const cells = row.slice(0, row.indexOf('</tr>'));
    expect(cells).toContain('<b>35%</b> at risk');
    expect(cells).toContain('30% at risk');
    expect(cells).toContain('+5.0 pp');
    expect(en).toContain(`run ${runId} − run ${compareId}`);
    expect(en).toContain('Zhangdian');
  });

  it('renders README markdown safely', () => {
    const h = renderMarkdown(
      '## Eq\n\n| a | b |\n|---|---|\n| `x<y` | **1** |\n\n<script>alert(1)</script>\n\n```\nv = d / t\n```',
    );
    expect(h).toContain('<table>');
    expect(h).toContain('<code>x&lt;y</code>');
    expect(h).toContain('<strong>1</strong>');
    expect(h).not.toContain('<script>');
    expect(h).toContain('<pre><code>v = d / t</code></pre>');
    expect(sections('# T\n## A\nx\n```\n## not a heading\n```\n## B\ny').map((s) => s.title)).toEqual(['', 'A', 'B']);
  });

  it('finds model READMEs, also in nested folders', () => {
    expect(readmeFile('rollout')).toMatch(/models\/rollout\/README\.md$/);
    expect(readmeFile('traffic-dynamic')).toMatch(/models\/traffic\/dynamic\/README\.md$/);
  });

  it('places periods on the time axis and picks round ticks', () => {
    expect(periodX('2019')).toBe(2019.5);
    expect(periodX('2019-01')).toBeCloseTo(2019 + 0.5 / 12, 12);
    expect(periodX('2018-12-31')).toBeCloseTo(2019, 12);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const svg = bandChart({
      title: 'x',
      unit: 'share',
      series: { label: 'r', periods: ['2017', '2018'], p10: [0.1, 0.2], p50: [0.2, 0.3], p90: [0.3, 0.4] },
    });
    expect(svg.startsWith('<svg')).toBe(true);
  });
});

describe('twin report (CLI)', () => {
  it('latest is the latest baseline; the PDF has the summary alone on page 1 and a drawn chart per target not met', () => {
    const chromium = findChromium();
    if (!chromium) {
      if (process.env.CI === 'true')
        throw new Error('CI must have Chromium (/usr/bin/chromium) for the PDF report test');
      return;
    }
    if (!has('pdftoppm') || !has('pdftotext')) {
      if (process.env.CI === 'true')
        throw new Error('CI must have poppler-utils (pdftoppm, pdftotext) for the PDF check');
      return;
    }
    const out = path.join(dir, 'report.pdf');
    const r = twin(['report', 'latest', '--out', out, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('(pdf)');
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    // Word boxes per page, in PDF points (rendering at 72 dpi makes one point one pixel).
    const xml = execFileSync('pdftotext', ['-bbox', out, '-'], { encoding: 'utf8' });
    const pages = xml
      .split('<page ')
      .slice(1)
      .map((pg) =>
        [...pg.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map(
          (m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[5]! }),
        ),
      );
    const pageText = (i: number) => pages[i]!.map((w) => w.text).join('');
    // `latest` reported the latest baseline run, not the newer what-if.
    expect(pageText(0)).toContain(`${compareId}·done`);
    expect(pageText(0)).toContain('baseline');
    expect(pageText(0)).not.toContain('fixture-whatif');
    expect(pageText(0)).toContain('一、摘要');
    expect(pageText(0)).toContain('三大风险');
    expect(pageText(0)).toContain(titleZh(notMetIds(0)[0]!));
    expect(pageText(0)).not.toContain('二、规划目标一览');
    expect(pageText(1)).toContain('二、规划目标一览');

    // The section of the charts of targets not met: from its heading's page to the next section's.
    const from = pages.findIndex((_, i) => pageText(i).includes('三、未达成目标的走势'));
    const to = pages.findIndex((_, i) => pageText(i).includes('四、交通与温室'));
    expect(from).toBeGreaterThan(1);
    expect(to).toBeGreaterThan(from);
    for (const id of notMetIds(0)) {
      const p = pages.findIndex((ws, i) => i >= from && i < to && ws.some((w) => w.text === id));
      expect(p, `caption of ${id}`).toBeGreaterThanOrEqual(from);
      const w = pages[p]!.find((x) => x.text === id)!;
      execFileSync('pdftoppm', [
        '-r',
        '72',
        '-f',
        String(p + 1),
        '-l',
        String(p + 1),
        '-singlefile',
        out,
        path.join(dir, 'pg'),
      ]);
      const buf = readFileSync(path.join(dir, 'pg.ppm'));
      const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 30).toString('latin1'))!;
      const width = Number(m[1]);
      const px = buf.subarray(m[0].length);
      // The chart sits right above its caption: half the text width wide, about 110 pt tall. Measured: 630–760 band
      // and 90–120 red pixels under a chart; 0–250 and 0 in the same box above text elsewhere (heading rules are blue).
      let blue = 0;
      let red = 0;
      for (let y = Math.max(0, Math.round(w.y) - 130); y < Math.round(w.y) - 2; y++)
        for (let x = Math.round(w.x); x < Math.min(width, Math.round(w.x) + 250); x++) {
          const o = 3 * (y * width + x);
          const [R, G, B] = [px[o]!, px[o + 1]!, px[o + 2]!];
          if (B > R + 40 && B > 120) blue++;
          if (R > 150 && G < 110 && B < 110) red++;
        }
      expect(blue, `band pixels of ${id}`).toBeGreaterThan(450);
      expect(red, `target/deadline pixels of ${id}`).toBeGreaterThan(20);
    }
  }, 180_000);

  it('--lang en, bad flags, and without a Chromium: a clear message and the HTML report', () => {
    const out = path.join(dir, 'nochrome.pdf');
    const r = twin([
      'report',
      'latest',
      '--lang',
      'en',
      '--out',
      out,
      '--db',
      db,
      '--chromium',
      path.join(dir, 'no-such-chromium'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('no Chromium found');
    expect(r.stderr).toContain('--chromium PATH');
    expect(existsSync(out)).toBe(false);
    const html = readFileSync(path.join(dir, 'nochrome.html'), 'utf8');
    expect(html).toContain('1. Summary');
    expect(html).toContain(`Run ${compareId}`);
    const bad = twin(['report', '999', '--out', out, '--db', db]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('no run 999');
    const lang = twin(['report', 'latest', '--lang', 'fr', '--out', out, '--db', db]);
    expect(lang.status).toBe(2);
    expect(lang.stderr).toContain('--lang must be zh-CN or en');
  });
});
