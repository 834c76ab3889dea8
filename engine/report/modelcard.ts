/**
 * Model cards for the expert committee: generated from the model's README (equations, parameters and sources,
 * validation table) and from a stored run (the parameter values it used, its provenance: scenario hash, seed,
 * replications, code version, job timings). Nothing is written by hand here: a card is only as good as its README.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MetricInfo } from '../../models/types.ts';
import { modelParams, getPath } from '../api/params.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { scenarioModels } from '../scenario.ts';
import type { Store } from '../store.ts';
import { esc, renderMarkdown, sections, type ParamInfo } from '../contract/index.ts';

export interface ModelCard {
  model: { id: string; title: string; grain: string; metrics: MetricInfo[] };
  readme: {
    file: string | null;
    markdown: string | null;
    /** README sections picked by title (markdown), when present. */
    equations: string | null;
    parameters: string | null;
    validation: string | null;
    bench: string | null;
  };
  parameters: Array<ParamInfo & { value: unknown; changed: boolean }>;
  provenance: null | {
    runId: number;
    scenarioName: string;
    scenarioFile: string;
    scenarioHash: string;
    seed: number;
    /** How the job seeds were derived (engine/run/plan.ts SEED_RULE; `hash-v1` for runs stored before crn-v2). */
    seedRule: string;
    replications: number;
    codeVersion: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    threads: number;
    jobs: { count: number; meanMs: number | null; maxMs: number | null; retried: number };
  };
  generatedAt: string;
}

/**
 * The README of a model: models/<id>/README.md, or for an id with a dash the nested folder (`traffic-dynamic` →
 * models/traffic/dynamic/README.md).
 * @example
 * readmeFile('rollout').endsWith('/models/rollout/README.md') // => true
 * readmeFile('traffic-dynamic').endsWith('/models/traffic/dynamic/README.md') // => true
 */
export function readmeFile(modelId: string): string {
  const flat = path.join(ENGINE_ROOT, 'models', modelId, 'README.md');
  const nested = path.join(ENGINE_ROOT, 'models', ...modelId.split('-'), 'README.md');
  return existsSync(flat) || !existsSync(nested) ? flat : nested;
}

function pick(secs: Array<{ title: string; body: string }>, re: RegExp): string | null {
  const hit = secs.filter((s) => re.test(s.title));
  return hit.length ? hit.map((s) => `### ${s.title}\n\n${s.body.trim()}`).join('\n\n') : null;
}

/**
 * Build the card of a model, with the provenance of a run when given.
 * @example
 * // without a run: the README sections and the parameters at their defaults, no provenance
 * const card = modelCard('rollout');
 * [card.model.grain, card.readme.file, card.provenance] // => ['run', 'models/rollout/README.md', null]
 * const crews = card.parameters.find((p) => p.path === 'crews.perCounty');
 * [crews.value, crews.changed] // => [2, false]
 * card.readme.validation.startsWith('### Validation') // => true
 * modelCard('no-such-model') // => undefined
 */
export function modelCard(modelId: string, store?: Store, runId?: number): ModelCard | undefined {
  const m = scenarioModels().find((x) => x.id === modelId);
  if (!m) return undefined;
  const file = readmeFile(m.id);
  const markdown = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const secs = markdown ? sections(markdown) : [];
  const run = store && runId !== undefined ? store.run(runId) : undefined;
  const used = run ? (JSON.parse(run.scenarioJson).scenario?.[m.id] as unknown) : undefined;
  const parameters = modelParams(m).map((p) => {
    const value = used === undefined ? p.default : getPath(used, p.path);
    return { ...p, value, changed: JSON.stringify(value) !== JSON.stringify(p.default) };
  });
  let provenance: ModelCard['provenance'] = null;
  if (run && store) {
    const j = store.jobStats(run.id, m.id);
    provenance = {
      runId: run.id,
      scenarioName: run.scenarioName,
      scenarioFile: run.scenarioFile,
      scenarioHash: run.scenarioHash,
      seed: run.seed,
      seedRule: run.seedRule,
      replications: run.replications,
      codeVersion: run.codeVersion,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      threads: run.threads,
      jobs: { count: j.count, meanMs: j.meanMs, maxMs: j.maxMs, retried: j.retried },
    };
  }
  return {
    model: { id: m.id, title: m.title, grain: m.grain, metrics: m.metrics ?? [] },
    readme: {
      file: markdown ? path.relative(ENGINE_ROOT, file) : null,
      markdown,
      equations: pick(secs, /equation|method|how it works|model\b|formul/i),
      parameters: pick(secs, /param/i),
      validation: pick(secs, /validat/i),
      bench: pick(secs, /bench|perform/i),
    },
    parameters,
    provenance,
    generatedAt: new Date().toISOString(),
  };
}

/** Shared print-friendly style of cards and reports. */
export const DOC_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Noto Sans CJK SC","Noto Sans",sans-serif;color:#111;margin:24px auto;max-width:1050px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #1f4e79;padding-bottom:3px;margin-top:28px}
h3{font-size:16px;margin:18px 0 6px}table{border-collapse:collapse;margin:8px 0;font-size:12.5px;width:100%}
th,td{border:1px solid #c9d2dc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eef3f8}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}pre{background:#f4f6f8;padding:8px;overflow-x:auto;white-space:pre-wrap}
.muted{color:#5b6775}.chg{background:#fff4cc}.met{background:#d9f2dd}.at-risk{background:#fff1c2}.missed{background:#f9d6d5}.no-data{background:#eceff2}
.kv td:first-child{width:190px;color:#444;background:#f7f9fb}figure{margin:10px 0;break-inside:avoid}figcaption{font-size:12px;color:#444}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:10px}@media print{body{margin:0;max-width:none}h2{break-after:avoid}.pb{break-before:page}}
`;

const fmt = (v: unknown) =>
  v === undefined ? '—' : typeof v === 'number' ? String(+v.toPrecision(6)) : JSON.stringify(v);

/** A standalone HTML page of a model card. */
export function modelCardHtml(c: ModelCard): string {
  const p = c.provenance;
  const prov = p
    ? `<table class="kv"><tbody>
<tr><td>run</td><td>${p.runId} (${esc(p.status)})</td></tr>
<tr><td>scenario</td><td>${esc(p.scenarioName)} — <code>${esc(p.scenarioFile)}</code></td></tr>
<tr><td>scenario hash</td><td><code>${esc(p.scenarioHash)}</code></td></tr>
<tr><td>master seed · seed rule</td><td>${p.seed} · <code>${esc(p.seedRule)}</code></td></tr>
<tr><td>replications</td><td>${p.replications}</td></tr>
<tr><td>code version</td><td><code>${esc(p.codeVersion)}</code></td></tr>
<tr><td>started / finished</td><td>${esc(p.startedAt)} / ${esc(p.finishedAt ?? '—')}</td></tr>
<tr><td>threads</td><td>${p.threads}</td></tr>
<tr><td>jobs of this model</td><td>${p.jobs.count}${p.jobs.meanMs !== null ? `, mean ${p.jobs.meanMs.toFixed(1)} ms, max ${p.jobs.maxMs!.toFixed(1)} ms` : ''}, ${p.jobs.retried} retried</td></tr>
</tbody></table>`
    : '<p class="muted">No run given: parameter values are the defaults.</p>';
  const params = `<table><thead><tr><th>parameter</th><th>value${p ? ' in this run' : ''}</th><th>default</th><th>range</th><th>unit · source</th></tr></thead><tbody>${c.parameters
    .map(
      (x) =>
        `<tr class="${x.changed ? 'chg' : ''}"><td><code>${esc(x.path)}</code></td><td>${esc(fmt(x.value))}</td><td>${esc(fmt(x.default))}</td><td>${
          x.options
            ? esc(x.options.join(' | '))
            : x.min !== undefined || x.max !== undefined
              ? `${x.min ?? '−∞'} … ${x.max ?? '∞'}`
              : ''
        }</td><td>${esc(x.description)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  const section = (title: string, md: string | null, missing: string) =>
    `<h2>${title}</h2>${md ? renderMarkdown(md, { headingOffset: 1 }) : `<p class="muted">${missing}</p>`}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Model card — ${esc(c.model.title)}</title><link rel="icon" href="data:,">
<style>${DOC_CSS}</style></head><body>
<h1>Model card: ${esc(c.model.title)} <span class="muted">(${esc(c.model.id)})</span></h1>
<p class="muted">Generated ${esc(c.generatedAt.slice(0, 19))}Z from ${c.readme.file ? `<code>${esc(c.readme.file)}</code>` : 'the parameter schema (this model has no README)'}${p ? ` and run ${p.runId}` : ''}. Job grain: ${esc(c.model.grain)}.</p>
<h2>Provenance</h2>${prov}
${section('Equations', c.readme.equations, 'The README has no equations/method section.')}
<h2>Parameters and sources</h2>${params}
${c.readme.parameters ? renderMarkdown(c.readme.parameters, { headingOffset: 1 }) : ''}
${section('Validation', c.readme.validation, 'The README has no validation section: this model is not validated against an outside reference yet.')}
<h2>Metrics</h2><table><thead><tr><th>metric</th><th>unit</th><th>title</th></tr></thead><tbody>${c.model.metrics
    .map((x) => `<tr><td><code>${esc(x.id)}</code></td><td>${esc(x.unit)}</td><td>${esc(x.title)}</td></tr>`)
    .join('')}</tbody></table>
${c.readme.markdown ? `<h2 class="pb">Full README</h2><details open>${renderMarkdown(c.readme.markdown, { headingOffset: 1 })}</details>` : ''}
</body></html>`;
}
