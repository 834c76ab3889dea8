// `twin report`: the HTML content (targets, charts with bands, maps, assumptions, compare) and a PDF whose pages
// render (pdftoppm to pixels when poppler-utils is installed; page count and text otherwise).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeFile } from './report/modelcard.ts';
import { findChromium, reportHtml } from './report/report.ts';
import { bandChart, niceTicks, periodX, renderMarkdown, sections } from './contract/index.ts';
import { fixtureStore } from './report/test-fixture.ts';
import { loadTargets } from './targets.ts';
import { tmpDir, twin } from './test/helpers.ts';

const dir = tmpDir('twin-report-');
const db = path.join(dir, 'fx.sqlite');
const { store, runId, compareId } = fixtureStore(db);
afterAll(() => store.close());

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('report content', () => {
  const html = reportHtml(store, runId, { compare: compareId });

  it('lists every target with status and the comparison', () => {
    for (const t of loadTargets()) expect(html).toContain(t.id);
    const row = html.slice(html.indexOf('<code class="muted">extranet-3-levels</code>'));
    const cells = row.slice(0, row.indexOf('</tr>'));
    expect(cells).toContain('<b>35%</b> at-risk');
    expect(cells).toContain('30% at-risk');
    expect(cells).toContain('+5 pt');
  });

  it('draws band charts with target line and deadline, maps of districts and their difference', () => {
    expect(html).toContain('deadline 2018-12-31');
    expect(html).toContain('target 1');
    expect((html.match(/<polygon /g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('by district, 2021-12');
    expect(html).toContain(`run ${runId} − run ${compareId}`);
    expect(html).toContain('Zhangdian');
  });

  it('lists assumptions and the parameters that differ between the runs', () => {
    expect(html).toContain('Targets the plan states without a figure or date');
    for (const t of loadTargets()
      .filter((x) => x.source === 'assumption')
      .slice(0, 3))
      expect(html).toContain(t.id);
    const diff = html.slice(html.indexOf('Parameters that differ'));
    expect(diff).toContain('testbed.samples');
    expect(diff).toMatch(/<td>105<\/td><td>100<\/td>/);
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
  it('writes a PDF whose pages render, with the targets text', () => {
    const chromium = findChromium();
    if (!chromium) {
      if (process.env.CI === 'true')
        throw new Error('CI must have Chromium (/usr/bin/chromium) for the PDF report test');
      return;
    }
    const out = path.join(dir, 'report.pdf');
    const r = twin(['report', String(runId), '--compare', String(compareId), '--out', out, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('(pdf)');
    const pdf = readFileSync(out);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (has('pdftoppm') && has('pdfinfo') && has('pdftotext')) {
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [out], { encoding: 'utf8' }))![1]);
      expect(pages).toBeGreaterThanOrEqual(3);
      const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
      expect(text).toContain('Plan targets');
      expect(text).toContain('extranet-3-levels');
      // Render every page to grey pixels; each must have ink (not blank), the first page a good amount.
      execFileSync('pdftoppm', ['-r', '30', '-gray', out, path.join(dir, 'pg')]);
      const pgms = readdirSync(dir)
        .filter((f) => /^pg-\d+\.pgm$/.test(f))
        .sort();
      expect(pgms).toHaveLength(pages);
      for (const f of pgms) {
        const buf = readFileSync(path.join(dir, f));
        const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 40).toString('latin1'))!;
        const px = buf.subarray(buf.length - Number(m[1]) * Number(m[2]));
        let ink = 0;
        for (const v of px) if (v < 200) ink++;
        expect(ink / px.length, f).toBeGreaterThan(f === pgms[0] ? 0.02 : 0.002);
      }
    } else {
      if (process.env.CI === 'true')
        throw new Error('CI must have poppler-utils (pdftoppm, pdfinfo, pdftotext) for the PDF check');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(3);
    }
  }, 120_000);

  it('without a Chromium: a clear message and the HTML report', () => {
    const out = path.join(dir, 'nochrome.pdf');
    const r = twin(['report', 'latest', '--out', out, '--db', db, '--chromium', path.join(dir, 'no-such-chromium')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('no Chromium found');
    expect(r.stderr).toContain('--chromium PATH');
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(path.join(dir, 'nochrome.html'), 'utf8')).toContain('Plan targets');
    const bad = twin(['report', '999', '--out', out, '--db', db]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('no run 999');
  });
});
