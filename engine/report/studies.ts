/**
 * The report's study sections (zh-CN and English): the latest finished optimise study of the run's scenario ("what
 * would it take": the recommended change and its cost, the cost vs P(met) chart with its Pareto front, the table of
 * candidates) and the latest finished sensitivity study (Sobol' S1/ST with intervals, or Morris μ* and σ, as a table and a
 * bar chart). Each section is omitted when the store holds no such study. Read from the `studies` table, which
 * `twin optimise`, `twin sensitivity` and the viewer's panel write.
 */
import {
  esc,
  fmtShare,
  fmtStudyCost,
  indexBarChart,
  paramLabel,
  paretoChart,
  type Lang,
  type OptimiseData,
  type OptimiseSpec,
  type SensitivityData,
  type StudyRecord,
  type TargetDef,
} from '../contract/index.ts';
import type { Store } from '../store.ts';

/** Most candidate rows printed (a study may evaluate hundreds; the Pareto front and the best are always kept). */
export const MAX_CANDIDATE_ROWS = 40;

const STR = {
  'zh-CN': {
    optTitle: '需要做什么？—— 达成目标的最低成本方案',
    optIntro: (id: number, date: string, p: string, n: number, runs: number, secs: string) =>
      `优化研究 ${id}（${date}）：寻找使下列所有目标的达成概率均不低于 ${p} 的最低成本杠杆组合。共评估 ${n} 个候选方案，${runs} 次引擎运行，用时 ${secs} 秒；候选方案之间使用共同随机数（配对比较）。`,
    targets: '目标',
    levers: '杠杆（范围、步长、单位成本）',
    recommended: '推荐方案',
    none: (stop: string) => `未找到满足要求的方案（停止原因：${stop}）。`,
    now: '现值',
    cost: '成本',
    confirmed: (n: number) => `在 ${n} 次新的重复中确认：`,
    chartTitle: '成本与最低达成概率（帕累托前沿）',
    xLabel: '成本',
    required: '要求的达成概率',
    candidates: '候选方案',
    th: { n: '序号', cost: '成本', reps: '重复次数', feasible: '可行', pareto: '前沿' },
    yes: '是',
    no: '否',
    moreRows: (k: number) => `另有 ${k} 个候选方案未列出（完整表格见研究结果）。`,
    sensTitle: (m: string) => `哪些假设最重要？—— ${m}`,
    sobol: 'Sobol 全局敏感性指数',
    morris: 'Morris 筛选',
    sensIntro: (id: number, date: string, runs: number, reps: number) =>
      `敏感性研究 ${id}（${date}）：${runs} 个设计点，每点 ${reps} 次重复。`,
    output: { value: (t: string) => `${t} 在期限时的值`, pMet: (t: string) => `${t} 的达成概率` },
    param: '参数',
    range: '范围',
    s1Note:
      'S1：该参数单独解释的输出方差比例；ST：连同其与其他参数的交互作用一起解释的比例；方括号内为自助法置信区间。',
    constant: '在这些范围内该输出保持不变：没有参数能改变它。',
    noData: '部分设计点上该目标没有数据，无法计算指数。',
    morrisNote: 'μ*：参数在其整个范围内变化时输出的平均绝对变化；σ：该变化的离散程度（大表示非线性或交互作用）。',
  },
  en: {
    optTitle: 'What would it take? The cheapest setting that meets the targets',
    optIntro: (id: number, date: string, p: string, n: number, runs: number, secs: string) =>
      `Optimise study ${id} (${date}): the cheapest lever setting that makes every target below at least ${p} likely. ${n} candidates evaluated in ${runs} engine runs, ${secs} s; candidates share their random numbers (paired comparisons).`,
    targets: 'Targets',
    levers: 'Levers (range, step, cost per unit)',
    recommended: 'Recommended',
    none: (stop: string) => `No setting found that meets the requirement (stopped: ${stop}).`,
    now: 'now',
    cost: 'cost',
    confirmed: (n: number) => `confirmed on ${n} fresh replications:`,
    chartTitle: 'Cost vs lowest P(met) (Pareto front)',
    xLabel: 'cost',
    required: 'required P(met)',
    candidates: 'Candidates',
    th: { n: '#', cost: 'cost', reps: 'replications', feasible: 'feasible', pareto: 'front' },
    yes: 'yes',
    no: 'no',
    moreRows: (k: number) => `${k} more candidates not listed (the study's result has them all).`,
    sensTitle: (m: string) => `Which assumptions matter most? ${m}`,
    sobol: "Sobol' global sensitivity indices",
    morris: 'Morris screening',
    sensIntro: (id: number, date: string, runs: number, reps: number) =>
      `Sensitivity study ${id} (${date}): ${runs} design points, ${reps} replications each.`,
    output: { value: (t: string) => `value of ${t} at its deadline`, pMet: (t: string) => `P(met) of ${t}` },
    param: 'parameter',
    range: 'range',
    s1Note:
      'S1: the share of the output variance the parameter explains alone; ST: with its interactions; bootstrap intervals in brackets.',
    constant: 'Constant over the design: no parameter moves it in these ranges.',
    noData: 'The target has no data at some design points; no indices.',
    morrisNote:
      'μ*: mean absolute change of the output when the parameter moves over its whole range; σ: the spread of that change (large: non-linear or interacting).',
  },
};

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const num = (v: number) => String(+v.toPrecision(4));

/** The scenario parameter's name in the language with its path, for tables. */
function pname(path: string, lang: Lang): string {
  const l = paramLabel(path, lang);
  return l === path ? `<code>${esc(path)}</code>` : `${esc(l)} <code class="muted">${esc(path)}</code>`;
}

/**
 * The section of the latest finished optimise study of a scenario, or '' when there is none.
 * @example
 * import { openStore } from '../store.ts';
 * optimiseSection(openStore(':memory:'), 'baseline', [], 'en') // => ''
 */
export function optimiseSection(store: Store, scenarioName: string, targets: readonly TargetDef[], lang: Lang): string {
  const st = store.latestStudy('optimise', { scenarioName }) as StudyRecord<OptimiseSpec, OptimiseData> | undefined;
  if (!st?.result) return '';
  const S = STR[lang];
  const { spec, result: r } = st;
  const tTitle = (id: string) => {
    const t = targets.find((x) => x.id === id);
    return t ? (lang === 'zh-CN' && t.titleZh ? t.titleZh : t.title) : id;
  };
  const cost = (v: number) => fmtStudyCost(v, spec.costUnit, lang);
  const best = r.candidates.find((c) => c.order === r.bestOrder) ?? null;
  const conf = r.confirmations.find((c) => c.passed);
  const date = (st.finishedAt ?? st.createdAt).slice(0, 10);
  const out: string[] = [];
  out.push(
    `<section class="page study-optimise" data-study="${st.id}"><h2>${esc(S.optTitle)}</h2>`,
    `<p>${esc(S.optIntro(st.id, date, fmtShare(spec.p), r.candidates.length, r.engineRuns, (r.wallMs / 1000).toFixed(1)))}</p>`,
    `<p><b>${esc(S.targets)}</b>: ${spec.targets.map((id) => `${esc(tTitle(id))} (<code>${esc(id)}</code>)`).join('; ')}</p>`,
    `<p><b>${esc(S.levers)}</b>: ${spec.levers
      .map(
        (l) =>
          `${pname(l.path, lang)} ${num(l.min)}–${num(l.max)}${l.step !== undefined ? `, ${num(l.step)}` : ''}, ${esc(cost(l.costPerUnit))}`,
      )
      .join('; ')}</p>`,
  );
  if (best) {
    out.push(
      `<p class="recommended"><b>${esc(S.recommended)}</b>: ${spec.levers
        .map((l, i) => `${pname(l.path, lang)} ${num(best.values[i]!)} (${esc(S.now)} ${num(l.base)})`)
        .join('; ')}; ${esc(S.cost)} <b>${esc(cost(best.cost))}</b>${
        conf
          ? `; ${esc(S.confirmed(conf.n))} ${spec.targets.map((id, i) => `${esc(id)} ${esc(fmtShare(conf.pHat[i]))} [${esc(fmtShare(conf.lower[i]))}, ${esc(fmtShare(conf.upper[i]))}]`).join(', ')}`
          : ''
      }</p>`,
    );
  } else out.push(`<p class="recommended">${esc(S.none(r.stop))}</p>`);
  out.push(
    `<figure>${paretoChart({
      title: S.chartTitle,
      p: spec.p,
      xLabel: `${S.xLabel} (${spec.costUnit === 'CNY' ? (lang === 'zh-CN' ? '元' : 'CNY') : lang === 'zh-CN' ? '成本单位' : 'cost units'})`,
      requiredLabel: S.required,
      fmtCost: spec.costUnit === 'CNY' ? (v) => fmtStudyCost(v, 'CNY', lang) : undefined,
      points: r.candidates.map((c) => ({
        cost: c.cost,
        minP: c.minP,
        front: c.pareto,
        best: c.order === r.bestOrder,
        label: c.values.map(num).join(', '),
      })),
    })}</figure>`,
  );
  // The rows kept when the table is cut: the front and the best first, then the cheapest others.
  const keep = [...r.candidates]
    .sort(
      (a, b) =>
        Number(b.pareto || b.order === r.bestOrder) - Number(a.pareto || a.order === r.bestOrder) || a.cost - b.cost,
    )
    .slice(0, MAX_CANDIDATE_ROWS)
    .sort((a, b) => a.order - b.order);
  out.push(
    `<h3>${esc(S.candidates)}</h3><table class="candidates"><thead><tr><th>${esc(S.th.n)}</th>${spec.levers
      .map((l) => `<th>${pname(l.path, lang)}</th>`)
      .join('')}<th>${esc(S.th.cost)}</th><th>${esc(S.th.reps)}</th>${spec.targets
      .map((id) => `<th>P(met) <code>${esc(id)}</code></th>`)
      .join('')}<th>${esc(S.th.feasible)}</th><th>${esc(S.th.pareto)}</th></tr></thead><tbody>${keep
      .map(
        (c) =>
          `<tr${c.order === r.bestOrder ? ' class="best"' : ''}><td>${c.order}</td>${c.values.map((v) => `<td>${num(v)}</td>`).join('')}<td>${esc(cost(c.cost))}</td><td>${c.n}</td>${spec.targets
            .map(
              (_, i) =>
                `<td>${esc(fmtShare(c.pHat[i]))} [${esc(fmtShare(c.lower[i]))}, ${esc(fmtShare(c.upper[i]))}]</td>`,
            )
            .join('')}<td>${c.feasible ? S.yes : S.no}</td><td>${c.pareto ? '◆' : ''}</td></tr>`,
      )
      .join('')}</tbody></table>`,
  );
  if (r.candidates.length > keep.length)
    out.push(`<p class="muted">${esc(S.moreRows(r.candidates.length - keep.length))}</p>`);
  out.push('</section>');
  return out.join('\n');
}

/**
 * The section of the latest finished sensitivity study of a scenario, or '' when there is none.
 * @example
 * import { openStore } from '../store.ts';
 * sensitivitySection(openStore(':memory:'), 'baseline', [], 'zh-CN') // => ''
 */
export function sensitivitySection(
  store: Store,
  scenarioName: string,
  targets: readonly TargetDef[],
  lang: Lang,
): string {
  const st = store.latestStudy('sensitivity', { scenarioName }) as StudyRecord<unknown, SensitivityData> | undefined;
  if (!st?.result) return '';
  const S = STR[lang];
  const r = st.result;
  const t = targets.find((x) => x.id === r.target);
  const tName = t ? (lang === 'zh-CN' && t.titleZh ? t.titleZh : t.title) : r.target;
  const date = (st.finishedAt ?? st.createdAt).slice(0, 10);
  const range = (p: string) => {
    const q = r.params.find((x) => x.path === p);
    return q ? `${num(q.min)}–${num(q.max)}` : '';
  };
  const out: string[] = [
    `<section class="page study-sensitivity" data-study="${st.id}"><h2>${esc(S.sensTitle(r.method === 'sobol' ? S.sobol : S.morris))}</h2>`,
    `<p>${esc(S.sensIntro(st.id, date, r.runs, r.replications))}</p>`,
  ];
  for (const o of r.outputs) {
    const what = S.output[o.output](tName);
    out.push(`<h3>${esc(what)}</h3>`);
    if (o.note) {
      // The engine's note is English; the two cases it has are said in the report's language.
      out.push(`<p class="muted">${esc(o.note.startsWith('constant') ? S.constant : S.noData)}</p>`);
      continue;
    }
    if (o.sobol) {
      const rows = [...o.sobol.indices].sort((a, b) => b.st - a.st);
      const c = Math.round(o.sobol.confidence * 100);
      out.push(
        `<figure>${indexBarChart({
          title: what,
          series: [
            { name: 'S1', colour: '#1f6fb2' },
            { name: 'ST', colour: '#e08a1e' },
          ],
          rows: rows.map((x) => ({
            label: paramLabel(x.name, lang),
            bars: [
              { value: x.s1, ci: x.s1Ci },
              { value: x.st, ci: x.stCi },
            ],
          })),
        })}</figure>`,
        `<table class="sobol"><thead><tr><th>${esc(S.param)}</th><th>${esc(S.range)}</th><th>S1</th><th>${c}%</th><th>ST</th><th>${c}%</th></tr></thead><tbody>${rows
          .map(
            (x) =>
              `<tr><td>${pname(x.name, lang)}</td><td>${range(x.name)}</td><td>${f3(x.s1)}</td><td>[${f3(x.s1Ci[0])}, ${f3(x.s1Ci[1])}]</td><td>${f3(x.st)}</td><td>[${f3(x.stCi[0])}, ${f3(x.stCi[1])}]</td></tr>`,
          )
          .join('')}</tbody></table><p class="muted">${esc(S.s1Note)}</p>`,
      );
    } else if (o.morris) {
      const rows = [...o.morris].sort((a, b) => b.muStar - a.muStar);
      const unit = o.output === 'pMet' ? '' : t?.unit && t.unit !== '1' ? ` (${t.unit})` : '';
      out.push(
        `<figure>${indexBarChart({
          title: `${what}: μ*${unit}`,
          series: [{ name: 'μ*', colour: '#1f6fb2' }],
          rows: rows.map((x) => ({ label: paramLabel(x.name, lang), bars: [{ value: x.muStar }] })),
          format: (v) => num(v),
        })}</figure>`,
        `<table class="morris"><thead><tr><th>${esc(S.param)}</th><th>${esc(S.range)}</th><th>μ*${esc(unit)}</th><th>μ</th><th>σ</th></tr></thead><tbody>${rows
          .map(
            (x) =>
              `<tr><td>${pname(x.name, lang)}</td><td>${range(x.name)}</td><td>${num(x.muStar)}</td><td>${num(x.mu)}</td><td>${num(x.sigma)}</td></tr>`,
          )
          .join('')}</tbody></table><p class="muted">${esc(S.morrisNote)}</p>`,
      );
    }
  }
  out.push('</section>');
  return out.join('\n');
}

/**
 * Both study sections of a scenario ('' when it has no finished study).
 * @example
 * import { openStore } from '../store.ts';
 * studySections(openStore(':memory:'), 'baseline', [], 'en') // => ''
 */
export function studySections(store: Store, scenarioName: string, targets: readonly TargetDef[], lang: Lang): string {
  return [optimiseSection(store, scenarioName, targets, lang), sensitivitySection(store, scenarioName, targets, lang)]
    .filter(Boolean)
    .join('\n');
}
