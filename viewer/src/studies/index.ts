/**
 * "What would it take?" (「需要做什么？」): a panel that starts an optimise study on the twin server (POST
 * /api/studies), shows it live (the candidates table filling in, cost vs P(met) with the Pareto front) and its result
 * (the recommended setting and its cost; download its YAML, save it as a what-if, open its run in compare mode).
 * Also the global-sensitivity box of Expert review (`showStudyIndices`): the latest Sobol'/Morris study of a target,
 * S1 and ST bars with interval whiskers, parameter names in the viewer's language. Talks only to the server's API;
 * in a static export (no API) nothing appears.
 */
import {
  esc,
  fmtShare,
  fmtStudyCost,
  indexBarChart,
  paramLabel,
  paretoChart,
  type CuratedLever,
  type OptimiseData,
  type OptimiseSpec,
  type SensitivityData,
  type StudyCandidate,
  type StudyProgress,
  type StudyRecord,
  type StudySummary,
  type TargetDef,
} from '../../../engine/contract/index.ts';
import { lang, onLangChange } from '../i18n/index.ts';
import { fill, s } from './strings.ts';
import { STUDIES_CSS } from './styles.ts';

interface ApiFailure {
  status: number;
  error: string;
}

async function api<T>(p: string, init?: RequestInit): Promise<T> {
  const res = await fetch(p, {
    ...init,
    headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw { status: res.status, error: String(body.error ?? res.statusText) } as ApiFailure;
  return body as T;
}
const errText = (e: unknown) => (e as ApiFailure)?.error ?? String(e);

type Lever = CuratedLever & { model: string; base: number };
interface LeversInfo {
  scenario: string;
  modelIds: string[];
  levers: Lever[];
  targets: TargetDef[];
}
type OptStudy = StudyRecord<OptimiseSpec, OptimiseData> & {
  live: { state: string; position: number | null; progress: StudyProgress | null; error?: string } | null;
};

const st = {
  scenarios: [] as string[],
  info: null as LeversInfo | null,
  studyId: null as number | null,
  es: null as EventSource | null,
  /** The last study drawn, to redraw on a language change. */
  last: null as OptStudy | null,
};
let panel: HTMLElement;

const num = (v: number) => String(+v.toPrecision(4));
const costOf = (v: number, unit: string) => fmtStudyCost(v, unit, lang());
const leverName = (l: { path: string }) => paramLabel(l.path, lang());
/** A lever's value with its unit (crews, lanes; shares in %). */
function leverValue(l: Pick<Lever, 'unit'> | undefined, v: number): string {
  if (!l) return num(v);
  if (l.unit === 'share') return fmtShare(v);
  const u = lang() === 'zh-CN' ? ({ crews: '支', lanes: '路', count: '个' } as Record<string, string>)[l.unit] : l.unit;
  return u && u !== '1' ? `${num(v)} ${u}` : num(v);
}

function renderForm(): string {
  const info = st.info;
  const targets = info?.targets ?? [];
  const levers = info?.levers ?? [];
  const tTitle = (t: TargetDef) => (lang() === 'zh-CN' && t.titleZh ? t.titleZh : t.title);
  return `<p class="muted">${esc(s().intro)}</p>
<div class="st-row"><label>${esc(s().scenario)} <select id="st-scenario">${st.scenarios
    .map((n) => `<option${n === info?.scenario ? ' selected' : ''}>${esc(n)}</option>`)
    .join('')}</select></label>
<label>${esc(s().p)} <input id="st-p" type="number" min="1" max="99" step="1" value="80"> %</label></div>
<h3>${esc(s().targets)}</h3><div id="st-targets">${targets
    .map(
      (t, i) =>
        `<label class="st-target"><input type="checkbox" value="${esc(t.id)}"${i === 0 ? ' checked' : ''}> ${esc(tTitle(t))} <code class="muted">${esc(t.id)}</code></label>`,
    )
    .join('')}</div>
<h3>${esc(s().levers)}</h3><div id="st-levers">${levers
    .map(
      (l) =>
        `<div class="st-lever" data-path="${esc(l.path)}"><label><input type="checkbox" class="st-use" value="${esc(l.path)}" checked> ${esc(leverName(l))} <span class="muted">(${esc(fill(s().now, leverValue(l, l.base)))})</span></label>
<div class="st-lrange">${esc(s().min)} <input type="number" class="st-min" step="any" value="${l.min}"> ${esc(s().max)} <input type="number" class="st-max" step="any" value="${l.max}"> ${esc(s().step)} <input type="number" class="st-step" step="any" value="${l.step ?? ''}"> ${esc(s().costPerUnit)} <input type="number" class="st-cost" step="any" value="${l.costPerUnit}" title="${esc(l.costNote)}"> <span class="muted">${esc(l.path.startsWith('leverstest.') ? '' : s().yuanPerUnit)}</span></div></div>`,
    )
    .join('')}</div>
<div class="st-row"><label>${esc(s().replications)} <input id="st-reps" type="number" min="4" max="1000" value="16"></label>
<label>${esc(s().confirm)} <input id="st-confirm" type="number" min="4" max="10000" value="100"></label>
<label>${esc(s().maxCandidates)} <input id="st-max" type="number" min="1" max="500" value="60"></label></div>
<div class="st-row"><button id="st-start" class="accent">${esc(s().start)}</button><button id="st-cancel" disabled>${esc(s().cancel)}</button></div>
<div id="st-progress" hidden><progress id="st-bar" max="1" value="0"></progress><div id="st-status"></div></div>
<div id="st-msg"></div><div id="st-live"></div>`;
}

function msg(html: string, kind: 'ok' | 'err' = 'ok'): void {
  const el = document.getElementById('st-msg');
  if (el) el.innerHTML = html ? `<div class="st-${kind}">${html}</div>` : '';
}

/** The non-dominated candidates by (cost ↓, lowest P̂ ↑): what the server marks `pareto` once the study is done. */
function front(cs: StudyCandidate[]): Set<number> {
  const out = new Set<number>();
  let bestP = -Infinity;
  for (const c of [...cs].sort((a, b) => a.cost - b.cost || b.minP - a.minP))
    if (c.minP > bestP) {
      out.add(c.order);
      bestP = c.minP;
    }
  return out;
}

/** The candidates table and the chart, for a running or finished study. */
function drawCandidates(spec: OptimiseSpec, cs: StudyCandidate[], bestOrder: number | null): string {
  const onFront = front(cs);
  const lev = (p: string) => st.info?.levers.find((l) => l.path === p);
  const chart = paretoChart({
    title: s().chart,
    p: spec.p,
    xLabel: spec.costUnit === 'CNY' ? s().costAxis : s().costAxisUnits,
    requiredLabel: s().requiredP,
    fmtCost: (v) => costOf(v, spec.costUnit),
    width: 560,
    height: 260,
    points: cs.map((c) => ({
      cost: c.cost,
      minP: c.minP,
      front: onFront.has(c.order),
      best: c.order === bestOrder,
      label: c.values.map(num).join(', '),
    })),
  });
  const rows = cs
    .map(
      (c) =>
        `<tr class="${c.feasible ? 'feasible' : ''}${c.order === bestOrder ? ' best' : ''}" data-order="${c.order}"><td>${c.order}</td>${c.values
          .map((v, i) => `<td>${esc(leverValue(lev(spec.levers[i]!.path), v))}</td>`)
          .join(
            '',
          )}<td>${esc(costOf(c.cost, spec.costUnit))}</td><td>${c.n}</td><td>${esc(fmtShare(c.minP))}</td><td>${c.feasible ? s().yes : s().no}</td><td>${onFront.has(c.order) ? '◆' : ''}</td></tr>`,
    )
    .join('');
  return `<div class="st-chart">${chart}</div><table id="st-table"><thead><tr><th>${esc(s().th.n)}</th>${spec.levers
    .map((l) => `<th>${esc(leverName(l))}</th>`)
    .join(
      '',
    )}<th>${esc(s().th.cost)}</th><th>${esc(s().th.reps)}</th><th>${esc(s().th.minP)}</th><th>${esc(s().th.feasible)}</th><th>${esc(s().th.front)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The viewer's URL query showing a run, compared with the base run when there is one (other parameters kept). */
function openQuery(run: number, base: number | null): string {
  const q = new URLSearchParams(location.search);
  q.set('run', String(run));
  if (base !== null) q.set('compare', String(base));
  else q.delete('compare');
  return q.toString();
}

function drawStudy(x: OptStudy): void {
  st.last = x;
  const box = document.getElementById('st-live');
  if (!box) return;
  const spec = x.spec;
  if (x.result) {
    const r = x.result;
    const best = r.candidates.find((c) => c.order === r.bestOrder) ?? null;
    const conf = r.confirmations.find((c) => c.passed);
    let head: string;
    if (best) {
      const what = spec.levers
        .map((l, i) => {
          const cl = st.info?.levers.find((q) => q.path === l.path);
          return `${leverName(l)} ${leverValue(cl, l.base)} → ${leverValue(cl, best.values[i]!)}`;
        })
        .join(lang() === 'zh-CN' ? '；' : '; ');
      const blob = URL.createObjectURL(new Blob([r.whatIfYaml ?? ''], { type: 'application/yaml' }));
      head = `<div class="st-result" id="st-result"><b>${esc(fill(s().recommended, what, costOf(best.cost, spec.costUnit)))}</b>${
        conf
          ? `<div class="muted">${esc(fill(s().confirmed, conf.n, spec.targets.map((t, i) => `${t} ${fmtShare(conf.pHat[i])}`).join(', ')))}</div>`
          : ''
      }<div class="st-row"><a id="st-download" download="${esc(r.whatIfName ?? 'optimised')}.yaml" href="${blob}">${esc(s().download)}</a>
<input id="st-name" value="${esc(r.whatIfName ?? '')}" maxlength="64"><button id="st-save">${esc(s().saveWhatIf)}</button>${
        best.run !== null
          ? ` <a id="st-open" href="?${esc(openQuery(best.run, x.baseRunId))}">${esc(s().openRun)}</a>`
          : ''
      }</div></div>`;
    } else head = `<div class="st-result st-err">${esc(fill(s().notFound, fmtShare(spec.p), r.stop))}</div>`;
    const bar = document.getElementById('st-bar') as HTMLProgressElement | null;
    if (bar) bar.value = bar.max; // finished: the search stopped before its candidate budget
    box.innerHTML = head + drawCandidates(spec, r.candidates, r.bestOrder);
    return;
  }
  const pr = x.live?.progress;
  const status = document.getElementById('st-status');
  if (status && pr)
    status.textContent = fill(
      s().progress,
      pr.evaluated,
      pr.engineRuns,
      pr.best ? costOf(pr.best.cost, spec.costUnit) : s().noneYet,
    );
  if (x.live?.state === 'queued' && status) status.textContent = fill(s().queued, (x.live.position ?? 0) + 1);
  const bar = document.getElementById('st-bar') as HTMLProgressElement | null;
  if (bar && pr) {
    bar.max = spec.maxCandidates;
    bar.value = pr.evaluated;
  }
  box.innerHTML = pr ? drawCandidates(spec, pr.candidates, null) : '';
}

async function refresh(id: number): Promise<OptStudy> {
  const x = await api<OptStudy>(`api/studies/${id}`);
  if (id === st.studyId) drawStudy(x);
  return x;
}

function follow(id: number): void {
  st.es?.close();
  const es = new EventSource(`api/studies/${id}/events`);
  st.es = es;
  (document.getElementById('st-progress') as HTMLElement).hidden = false;
  let pending = false;
  let finished = false;
  const update = () => {
    if (pending) return;
    pending = true;
    void refresh(id)
      .catch((e) => msg(esc(errText(e)), 'err'))
      .finally(() => (pending = false));
  };
  es.addEventListener('progress', update);
  es.addEventListener('state', (ev) => {
    const d = JSON.parse((ev as MessageEvent).data) as { state: string; error?: string };
    if (!['done', 'failed', 'cancelled'].includes(d.state)) return update();
    // The server ends the stream after the final state; it is closed on that end (the 'error' event), not here:
    // closing a stream mid-response aborts its request.
    finished = true;
    (document.getElementById('st-start') as HTMLButtonElement | null)?.removeAttribute('disabled');
    (document.getElementById('st-cancel') as HTMLButtonElement | null)?.setAttribute('disabled', '');
    if (d.state === 'failed') msg(esc(fill(s().failed, d.error ?? '')), 'err');
    if (d.state === 'cancelled') msg(esc(s().cancelled), 'err');
    void refresh(id).catch((e) => msg(esc(errText(e)), 'err'));
  });
  es.addEventListener('error', () => {
    if (!finished) return;
    es.close();
    if (st.es === es) st.es = null;
  });
}

async function onStart(): Promise<void> {
  msg('');
  const targets = [...panel.querySelectorAll<HTMLInputElement>('#st-targets input:checked')].map((i) => i.value);
  if (!targets.length) return msg(esc(s().needTarget), 'err');
  const levers = [...panel.querySelectorAll<HTMLElement>('.st-lever')]
    .filter((d) => d.querySelector<HTMLInputElement>('.st-use')!.checked)
    .map((d) => {
      const v = (c: string) => d.querySelector<HTMLInputElement>(c)!.value;
      return {
        path: d.dataset.path!,
        min: Number(v('.st-min')),
        max: Number(v('.st-max')),
        ...(v('.st-step') !== '' ? { step: Number(v('.st-step')) } : {}),
        costPerUnit: Number(v('.st-cost')),
      };
    });
  if (!levers.length) return msg(esc(s().needLever), 'err');
  const n = (id: string) => Number((document.getElementById(id) as HTMLInputElement).value);
  const body = {
    scenario: (document.getElementById('st-scenario') as HTMLSelectElement).value,
    targets,
    p: n('st-p') / 100,
    levers,
    replications: n('st-reps'),
    confirm: n('st-confirm'),
    maxCandidates: n('st-max'),
  };
  const start = document.getElementById('st-start') as HTMLButtonElement;
  start.disabled = true;
  try {
    const r = await api<{ id: number }>('api/studies', { method: 'POST', body: JSON.stringify(body) });
    st.studyId = r.id;
    (document.getElementById('st-cancel') as HTMLButtonElement).disabled = false;
    follow(r.id);
  } catch (e) {
    start.disabled = false;
    msg(esc(errText(e)), 'err');
  }
}

async function onSave(): Promise<void> {
  const r = st.last?.result;
  if (!r?.whatIfYaml) return;
  const name = (document.getElementById('st-name') as HTMLInputElement).value.trim();
  try {
    const saved = await api<{ file: string }>('api/scenarios', {
      method: 'POST',
      body: JSON.stringify({ name, yaml: r.whatIfYaml.replace(/^name: .*$/m, `name: ${name}`) }),
    });
    msg(esc(fill(s().saved, saved.file)));
  } catch (e) {
    msg(esc(errText(e)), 'err');
  }
}

async function loadScenario(name: string): Promise<void> {
  st.info = await api<LeversInfo>(`api/studies/levers?scenario=${encodeURIComponent(name)}`);
  render();
}

function render(): void {
  panel.querySelector('.st-head b')!.textContent = s().title;
  panel.querySelector('.st-close')!.textContent = s().close;
  panel.querySelector('.st-body')!.innerHTML = renderForm();
  if (st.last && st.last.id === st.studyId) {
    (document.getElementById('st-progress') as HTMLElement).hidden = !!st.last.result;
    drawStudy(st.last);
  }
}

/**
 * The latest sensitivity study of a target as S1/ST bars with whiskers (or Morris μ*), into `box`; a line saying how
 * to make one when there is none.
 * @example await showStudyIndices('extranet-3-levels', document.getElementById('tn-gs')!)
 */
export async function showStudyIndices(target: string, box: HTMLElement): Promise<void> {
  box.classList.add('gs-box');
  const list = await api<StudySummary[]>(`api/studies?kind=sensitivity&target=${encodeURIComponent(target)}`);
  const last = list.find((x) => x.status === 'done');
  const head = `<h3>${esc(s().gsTitle)}</h3>`;
  if (!last) {
    box.innerHTML = `${head}<p class="muted">${esc(fill(s().gsNone, target))}</p>`;
    return;
  }
  const x = await api<StudyRecord<unknown, SensitivityData>>(`api/studies/${last.id}`);
  const r = x.result!;
  const parts = [
    head,
    `<p class="muted">${esc(fill(s().gsMeta, x.id, r.method === 'sobol' ? 'Sobol’' : 'Morris', x.scenarioName, r.runs, r.replications))}</p>`,
  ];
  for (const o of r.outputs) {
    const what = o.output === 'value' ? s().gsValue : s().gsPMet;
    if (o.note) {
      parts.push(
        `<h4>${esc(what)}</h4><p class="muted">${esc(o.note.startsWith('constant') ? s().gsConstant : s().gsNoData)}</p>`,
      );
      continue;
    }
    const chart = o.sobol
      ? indexBarChart({
          title: what,
          width: 420,
          series: [
            { name: 'S1', colour: '#1f6fb2' },
            { name: 'ST', colour: '#e08a1e' },
          ],
          rows: [...o.sobol.indices]
            .sort((a, b) => b.st - a.st)
            .map((i) => ({
              label: paramLabel(i.name, lang()),
              bars: [
                { value: i.s1, ci: i.s1Ci },
                { value: i.st, ci: i.stCi },
              ],
            })),
        })
      : indexBarChart({
          title: `${what}: μ*`,
          width: 420,
          series: [{ name: 'μ*', colour: '#1f6fb2' }],
          rows: [...(o.morris ?? [])]
            .sort((a, b) => b.muStar - a.muStar)
            .map((i) => ({ label: paramLabel(i.name, lang()), bars: [{ value: i.muStar }] })),
          format: num,
        });
    parts.push(`<div class="gs-chart" data-output="${o.output}">${chart}</div>`);
  }
  parts.push(`<p class="muted">${esc(r.method === 'sobol' ? s().gsNote : s().gsMorrisNote)}</p>`);
  box.innerHTML = parts.join('');
}

async function mount(): Promise<void> {
  if (document.querySelector('meta[name="twin-source"]')?.getAttribute('content') === 'static') return;
  if (new URLSearchParams(location.search).get('source') === 'static') return;
  try {
    await api('api/health');
  } catch {
    return; // a static host: no API, no panel
  }
  const style = document.createElement('style');
  style.textContent = STUDIES_CSS;
  document.head.appendChild(style);
  panel = document.createElement('aside');
  panel.id = 'studies-panel';
  panel.hidden = true;
  panel.innerHTML = `<div class="st-head"><b></b><button class="st-close"></button></div><div class="st-body"></div>`;
  document.body.appendChild(panel);
  const btn = document.createElement('button');
  btn.id = 'studies-btn';
  btn.textContent = s().title;
  document.getElementById('topbar')?.insertBefore(btn, document.getElementById('present-btn'));
  btn.addEventListener('click', () => {
    if (!panel.hidden) {
      panel.hidden = true;
      return;
    }
    panel.hidden = false;
    // Below the top bar, however tall it wraps at this width (its buttons stay clickable).
    const top = document.getElementById('topbar')?.getBoundingClientRect().bottom;
    if (top) panel.style.top = `${Math.ceil(top) + 4}px`;
    document.getElementById('whatif-panel')?.setAttribute('hidden', '');
    void (async () => {
      st.scenarios = (await api<Array<{ name: string }>>('api/scenarios')).map((x) => x.name);
      await loadScenario(st.info?.scenario ?? (st.scenarios.includes('baseline') ? 'baseline' : st.scenarios[0]!));
    })().catch((e) => {
      panel.querySelector('.st-body')!.innerHTML = `<div class="st-err">${esc(errText(e))}</div>`;
    });
  });
  // One side panel at a time: opening What-if or Expert review closes this one.
  document.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest?.('#whatif-btn, #review-btn')) panel.hidden = true;
  });
  onLangChange(() => {
    btn.textContent = s().title;
    if (!panel.hidden && st.info) render();
  });
  panel.addEventListener('click', (e) => {
    const el = e.target as HTMLElement;
    if (el.matches('.st-close')) panel.hidden = true;
    else if (el.id === 'st-start') void onStart();
    else if (el.id === 'st-save') void onSave();
    else if (el.id === 'st-cancel' && st.studyId !== null)
      void api(`api/studies/${st.studyId}/cancel`, { method: 'POST', body: '{}' }).catch((x) =>
        msg(esc(errText(x)), 'err'),
      );
  });
  panel.addEventListener('change', (e) => {
    const el = e.target as HTMLElement;
    if (el.id === 'st-scenario')
      void loadScenario((el as HTMLSelectElement).value).catch((x) => msg(esc(errText(x)), 'err'));
  });
}

void mount().catch((e: unknown) => console.warn('studies panel unavailable:', e));
