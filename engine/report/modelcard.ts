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
import {
  esc,
  METRIC_NAMES_ZH,
  modelName,
  paramName,
  renderMarkdown,
  sections,
  unitLabel,
  type Lang,
  type ParamInfo,
} from '../contract/index.ts';
import { equationsHtml, texHtml } from './equations.ts';

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

/** The card's own words in both languages (README text stays in its language, marked `lang="en"`). */
const CARD = {
  'zh-CN': {
    title: '模型卡',
    generated: (when: string, from: string, run: string, grain: string) =>
      `生成时间 ${when}（UTC），依据 ${from}${run}。计算任务粒度：${grain}。`,
    fromReadme: (f: string) => `<code>${esc(f)}</code>`,
    fromSchema: '参数模式（该模型没有 README）',
    andRun: (id: number) => `及运行 ${id}`,
    provenance: '出处',
    noRun: '未指定运行：参数取默认值。',
    prov: {
      run: '运行',
      scenario: '情景',
      hash: '情景哈希',
      seed: '主随机种子 · 种子规则',
      replications: '重复次数',
      code: '代码版本',
      time: '开始 / 完成',
      threads: '线程数',
      jobs: '该模型的计算任务',
    },
    jobs: (n: number, mean: string, retried: number) => `${n} 个${mean}，重试 ${retried} 个`,
    jobMean: (mean: string, max: string) => `，平均 ${mean} 毫秒，最长 ${max} 毫秒`,
    equations: '公式',
    eqNote: '主要公式转录自模型 README 的公式一节，由 KaTeX 在服务器端排版（离线）。',
    noEquations: '该模型没有整理好的公式。',
    params: '参数与来源',
    th: ['参数', '本次取值', '默认值', '范围', '含义 · 单位 · 来源'],
    thNoRun: '取值',
    origNote: '英文原注',
    validation: '验证',
    noValidation: 'README 没有验证一节：该模型尚未与外部参照数据比对。',
    metrics: '输出指标',
    mth: ['指标', '单位', '名称'],
    readme: '模型说明文档（英文原文）',
    readmeNote: '以下为模型 README 的英文原文（公式推导、参数来源、验证表与基准测试），供专家核对。',
    grain: { year: '年 × 重复', run: '整个规划期 × 重复' } as Record<string, string>,
  },
  en: {
    title: 'Model card',
    generated: (when: string, from: string, run: string, grain: string) =>
      `Generated ${when}Z from ${from}${run}. Job grain: ${grain}.`,
    fromReadme: (f: string) => `<code>${esc(f)}</code>`,
    fromSchema: 'the parameter schema (this model has no README)',
    andRun: (id: number) => ` and run ${id}`,
    provenance: 'Provenance',
    noRun: 'No run given: parameter values are the defaults.',
    prov: {
      run: 'run',
      scenario: 'scenario',
      hash: 'scenario hash',
      seed: 'master seed · seed rule',
      replications: 'replications',
      code: 'code version',
      time: 'started / finished',
      threads: 'threads',
      jobs: 'jobs of this model',
    },
    jobs: (n: number, mean: string, retried: number) => `${n}${mean}, ${retried} retried`,
    jobMean: (mean: string, max: string) => `, mean ${mean} ms, max ${max} ms`,
    equations: 'Equations',
    eqNote:
      'The main equations, transcribed from the README’s equations section, typeset server-side by KaTeX (offline).',
    noEquations: 'No transcribed equations for this model.',
    params: 'Parameters and sources',
    th: ['parameter', 'value in this run', 'default', 'range', 'unit · source'],
    thNoRun: 'value',
    origNote: 'source note',
    validation: 'Validation',
    noValidation: 'The README has no validation section: this model is not validated against an outside reference yet.',
    metrics: 'Metrics',
    mth: ['metric', 'unit', 'title'],
    readme: 'Full README',
    readmeNote: '',
    grain: {} as Record<string, string>,
  },
} as const;

/** Metric units the shared unit labels leave in English, in Chinese for the zh-CN card. */
const UNIT_CARD_ZH: Record<string, string> = {
  share: '比例（%）',
  probability: '概率',
  'kWh/month': 'kWh/月',
  'CNY/month': '元/月',
  'h/month': '小时/月',
  '1/yr': '每年',
  'veh·min': '车·分钟',
  '0/1': '是/否',
};

/** Where the card's page finds KaTeX's stylesheet (served by engine/api/hindcast-routes.ts from node_modules/katex). */
export const KATEX_CSS_HREF = '/api/assets/katex/katex.min.css';

const TEX_TOKEN = (i: number) => `KATEXBLOCK${i}KATEXBLOCK`;

/**
 * README markdown to HTML, with `$$…$$` display-math blocks typeset by KaTeX (the rest through the contract's
 * escaping renderer, so README text cannot inject markup).
 * @example readmeHtml('Cost:\n\n$$c = a + b$$').startsWith('<p>Cost:</p>\n<span class="katex-display">') // => true
 */
export function readmeHtml(md: string): string {
  const blocks: string[] = [];
  const text = md.replace(/\$\$([\s\S]+?)\$\$/g, (_m, tex: string) => `\n\n${TEX_TOKEN(blocks.push(tex) - 1)}\n\n`);
  return renderMarkdown(text, { headingOffset: 1 }).replace(/(?:<p>)?KATEXBLOCK(\d+)KATEXBLOCK(?:<\/p>)?/g, (_m, i) =>
    texHtml(blocks[Number(i)]!),
  );
}

/**
 * A standalone HTML page of a model card in zh-CN (default) or English: the card's headings, provenance, parameter
 * names and metric names in the language, equations typeset by KaTeX; README excerpts stay in their own language,
 * marked `lang="en"`.
 * @example modelCardHtml(modelCard('traffic'), { lang: 'zh-CN' }).includes('<h1>模型卡：早高峰交通（静态均衡）') // => true
 */
export function modelCardHtml(c: ModelCard, o: { lang?: Lang; katexCss?: string } = {}): string {
  const lang: Lang = o.lang ?? 'zh-CN';
  const L = CARD[lang];
  const zh = lang === 'zh-CN';
  const p = c.provenance;
  const P = L.prov;
  const kv = (k: string, v: string) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`;
  const prov = p
    ? `<table class="kv"><tbody>
${kv(P.run, `${p.runId} (<code>${esc(p.status)}</code>)`)}
${kv(P.scenario, `<code>${esc(p.scenarioName)}</code> — <code>${esc(p.scenarioFile)}</code>`)}
${kv(P.hash, `<code>${esc(p.scenarioHash)}</code>`)}
${kv(P.seed, `${p.seed} · <code>${esc(p.seedRule)}</code>`)}
${kv(P.replications, String(p.replications))}
${kv(P.code, `<code>${esc(p.codeVersion)}</code>`)}
${kv(P.time, `${esc(p.startedAt.slice(0, 19).replace('T', ' '))} / ${esc(p.finishedAt?.slice(0, 19).replace('T', ' ') ?? '—')}`)}
${kv(P.threads, String(p.threads))}
${kv(P.jobs, esc(L.jobs(p.jobs.count, p.jobs.meanMs !== null ? L.jobMean(p.jobs.meanMs.toFixed(1), p.jobs.maxMs!.toFixed(1)) : '', p.jobs.retried)))}
</tbody></table>`
    : `<p class="muted">${esc(L.noRun)}</p>`;
  const name = (x: ParamInfo) => paramName(c.model.id, x.path);
  const params = `<table class="params"><thead><tr><th>${esc(L.th[0])}</th><th>${esc(p ? L.th[1] : L.thNoRun)}</th><th>${esc(L.th[2])}</th><th>${esc(L.th[3])}</th><th>${esc(L.th[4])}</th></tr></thead><tbody>${c.parameters
    .map((x) => {
      const n = name(x);
      const label = n ? esc(zh ? n.zh : n.en) : '';
      const range = x.options
        ? `<code>${esc(x.options.join(' | '))}</code>`
        : x.min !== undefined || x.max !== undefined
          ? `${x.min ?? '−∞'} … ${x.max ?? '∞'}`
          : '';
      // In zh-CN the schema's English source note (unit, citation) is kept verbatim, marked as such.
      const note = zh
        ? x.description
          ? `<div class="muted src">${esc(L.origNote)}：<span lang="en">${esc(x.description)}</span></div>`
          : ''
        : esc(x.description);
      return `<tr class="${x.changed ? 'chg' : ''}"><td>${label ? `${label}<br>` : ''}<code class="muted">${esc(x.path)}</code></td><td><code>${esc(fmt(x.value))}</code></td><td><code>${esc(fmt(x.default))}</code></td><td>${range}</td><td>${note}</td></tr>`;
    })
    .join('')}</tbody></table>`;
  const eq = equationsHtml(c.model.id, lang);
  const readmeEq = c.readme.equations && /\$\$/.test(c.readme.equations) ? readmeHtml(c.readme.equations) : '';
  const en = (html: string) => (zh ? `<div lang="en">${html}</div>` : html);
  const title = zh ? modelName(c.model.id, lang, c.model.title) : c.model.title;
  const from = c.readme.file ? L.fromReadme(c.readme.file) : esc(L.fromSchema);
  const grain = zh ? (L.grain[c.model.grain] ?? c.model.grain) : c.model.grain;
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(L.title)} — ${esc(title)}</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${esc(o.katexCss ?? KATEX_CSS_HREF)}">
<style>${DOC_CSS}.eq{margin:8px 0 12px}.eq-cap{font-size:13px;color:#333}.src{font-size:11.5px}</style></head><body>
<h1>${esc(L.title)}：${esc(title)} <span class="muted">(<code>${esc(c.model.id)}</code>)</span></h1>
<p class="muted">${L.generated(esc(c.generatedAt.slice(0, 19).replace('T', ' ')), from, p ? esc(L.andRun(p.runId)) : '', esc(grain))}</p>
<h2>${esc(L.provenance)}</h2>${prov}
<h2>${esc(L.equations)}</h2><p class="muted">${esc(L.eqNote)}</p>${eq || `<p class="muted">${esc(L.noEquations)}</p>`}${readmeEq ? en(readmeEq) : ''}
<h2>${esc(L.params)}</h2>${params}
<h2>${esc(L.validation)}</h2>${c.readme.validation ? en(readmeHtml(c.readme.validation)) : `<p class="muted">${esc(L.noValidation)}</p>`}
<h2>${esc(L.metrics)}</h2><table><thead><tr><th>${esc(L.mth[0])}</th><th>${esc(L.mth[1])}</th><th>${esc(L.mth[2])}</th></tr></thead><tbody>${c.model.metrics
    .map(
      (x) =>
        `<tr><td><code>${esc(x.id)}</code></td><td>${esc((zh ? UNIT_CARD_ZH[x.unit] : undefined) ?? unitLabel(x.unit, lang))}</td><td>${zh ? esc(METRIC_NAMES_ZH[x.id] ?? '') : esc(x.title)}</td></tr>`,
    )
    .join('')}</tbody></table>
${c.readme.markdown ? `<h2 class="pb">${esc(L.readme)}</h2>${L.readmeNote ? `<p class="muted">${esc(L.readmeNote)}</p>` : ''}<details open>${en(readmeHtml(c.readme.markdown))}</details>` : ''}
</body></html>`;
}
