/**
 * The viewer application: wires the data layer, the globe and its layers, the timeline, the targets panel,
 * charts, compare mode, the three.js drill-downs, the vehicle replay and presentation mode.
 * URL parameters: run=<id>, compare=<id>, lang=en|zh-CN, lean=1, month=YYYY-MM, source=static, bench=<vehicles>.
 */
import { JulianDate, ScreenSpaceEventHandler, ScreenSpaceEventType, type Viewer } from 'cesium';
import type uPlot from 'uplot';
import {
  openDataSource,
  SeriesIndex,
  type ArtifactRef,
  type DataSource,
  type RunBundle,
  type RunSummary,
  type TargetDef,
} from './data.ts';
import { createGlobe, enableFullEffects, flyHome, flyToPoint, midMonth, monthOf } from './globe.ts';
import { MapLayers, isCloud, isGreenhouse, type PickId } from './layers.ts';
import { css, diffColour, normalise, shareColour, STATUS_COLOUR, vcColour } from './colours.ts';
import { renderChart } from './charts.ts';
import {
  mountProgress,
  onProgressRun,
  progressChart,
  progressMonth,
  progressStepTitle,
  renderProgressSummary,
  showProgressPanel,
  targetProgressHtml,
} from './progress/index.ts';
import { entityName, lang, metricName, onLangChange, setLang, t, type Lang } from './i18n/index.ts';
import { loadSettings, type SiteSettings } from './settings.ts';
import { busiestSec, readReplayArtifact, syntheticTrajectories, VehicleReplay } from './replay.ts';
import { GpuVehicleReplay } from './replay-gpu.ts';

type Replay = VehicleReplay | GpuVehicleReplay;
/** GPU interpolation (default: no per-vehicle JavaScript per frame) or JS-moved points (`gpu=0`). */
const newReplay = (viewer: Viewer, roads: ZiboGeo['roads'], traj: ReturnType<typeof syntheticTrajectories>): Replay =>
  params.get('gpu') === '0' ? new VehicleReplay(viewer, roads, traj) : new GpuVehicleReplay(viewer, roads, traj);
import { readGreenhouseDay } from './drill/hourly.ts';
import type { ZiboGeo, GeoSite } from '../geo.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const YEARS = [2017, 2018, 2019, 2020, 2021];
const DISTRICT_RE = /^\d{6}$/;
/** Division counts from ../shared/plan/PLAN-FACTS.md and data/zibo/divisions.json (firm): for "towns live: 62 / 88". */
const LEVEL_COUNT: Record<string, number> = { 'level:county': 8, 'level:town': 88, 'level:village': 2931 };

interface RunView {
  bundle: RunBundle;
  ix: SeriesIndex;
}

/** Test/bench hooks (read by viewer/test/e2e.test.ts and viewer/bench.ts). */
interface TwinHooks {
  ready: boolean;
  firstFrameMs: number | null;
  /** Milestones in ms since navigation start: module start, globe created. */
  marks: Record<string, number>;
  month: string;
  error: string | null;
  districtCss(): Record<string, string>;
  targetIds(): string[];
  presentStep: number;
  pngCount: number;
  /** Renders now and summarises the globe canvas on a 160×90 grid: distinct colours and mean RGB. */
  canvasStats(): { distinctColours: number; mean: [number, number, number]; grid: number[] };
  bench?: {
    frameMs: number[];
    jsMs: number[];
    renderMs: number[];
    written: number[];
    vehicles: number;
    active: number;
  };
  /** Bench only: runs the vehicle update `n` times back to back (no rendering), returns each call's ms. */
  benchUpdateOnly?(n: number): number[];
}
declare global {
  interface Window {
    __twin: TwinHooks;
  }
}

const app = {
  settings: null as unknown as SiteSettings,
  lean: false,
  viewer: null as unknown as Viewer,
  geo: null as unknown as ZiboGeo,
  layers: null as unknown as MapLayers,
  source: null as DataSource | null,
  runs: [] as RunSummary[],
  a: null as RunView | null,
  b: null as RunView | null,
  month: '2017-01',
  districtMetric: '',
  roadMetric: '',
  show: { rollout: true, clouds: true, traffic: true, greenhouse: true },
  chart: null as uPlot | null,
  chartSpec: null as null | { metric: string; entity: string; target?: TargetDef; title: string },
  drill: null as null | { stop(): void; update?(s: unknown): void; kind: 'rack' | 'greenhouse' },
  replay: null as null | { r: Replay; tSec: number; speed: number; lastWall: number; remove: () => void },
  presenting: false,
  step: 0,
};

window.__twin = {
  ready: false,
  firstFrameMs: null,
  marks: { moduleStart: performance.now() },
  month: app.month,
  error: null,
  presentStep: -1,
  pngCount: 0,
  districtCss: () => Object.fromEntries(app.layers?.districtCss ?? []),
  canvasStats: () => {
    app.viewer.render();
    const c = document.createElement('canvas');
    c.width = 160;
    c.height = 90;
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(app.viewer.scene.canvas, 0, 0, 160, 90);
    const d = ctx.getImageData(0, 0, 160, 90).data;
    const seen = new Set<number>();
    const grid: number[] = [];
    const mean: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) {
      const rgb = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      seen.add(rgb);
      grid.push(rgb);
      mean[0] += d[i];
      mean[1] += d[i + 1];
      mean[2] += d[i + 2];
    }
    const n = d.length / 4;
    return { distinctColours: seen.size, mean: [mean[0] / n, mean[1] / n, mean[2] / n], grid };
  },
  targetIds: () =>
    [...document.querySelectorAll<HTMLElement>('#targets-list .target')].map((e) => e.dataset.targetId ?? ''),
};

function toast(msg: string, ms = 2500): void {
  const el = $('toast');
  el.textContent = msg;
  el.hidden = false;
  setTimeout(() => {
    el.hidden = true;
  }, ms);
}

// ---------- formatting ----------
const isShare = (unit: string) => /^share|0\.\.1|fraction/i.test(unit);
function fmt(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (isShare(unit)) return `${(v * 100).toFixed(v > 0.995 && v < 1 ? 1 : 0)}%`;
  const a = Math.abs(v);
  return a >= 1000 ? Math.round(v).toLocaleString() : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}
const unitOf = (metric: string) => app.a?.bundle.metrics[metric]?.unit ?? '';
const longTitleOf = (metric: string) => app.a?.bundle.metrics[metric]?.title ?? metric;
const titleOf = (metric: string) => metricName(metric, longTitleOf(metric));
function periodText(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  return lang() === 'zh-CN'
    ? `${y}年${m}月`
    : new Date(Date.UTC(y, m - 1, 15)).toLocaleDateString('en-GB', {
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      });
}
const targetTitle = (td: TargetDef) => (lang() === 'zh-CN' && td.titleZh ? td.titleZh : td.title);
const siteName = (s: GeoSite) => (lang() === 'zh-CN' ? s.name : s.nameEn);

// ---------- static texts (language) ----------
function applyTexts(): void {
  const s = t() as Record<string, string>;
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) {
    const k = el.dataset.t!;
    if (k === 'play') el.textContent = app.viewer?.clock.shouldAnimate ? s.pause : s.play;
    else el.textContent = s[k] ?? k;
  }
  $('app-title').textContent = t().appTitle;
  document.title = t().appTitle;
  const lt = $('layer-toggles');
  lt.innerHTML = '';
  for (const [k, label] of [
    ['rollout', t().layerRollout],
    ['clouds', t().layerClouds],
    ['traffic', t().layerTraffic],
    ['greenhouse', t().layerGreenhouse],
  ] as const) {
    const l = document.createElement('label');
    l.innerHTML = `<input type="checkbox" data-layer="${k}" ${app.show[k] ? 'checked' : ''}> ${label}`;
    lt.appendChild(l);
  }
  lt.querySelectorAll<HTMLInputElement>('input').forEach((i) =>
    i.addEventListener('change', () => {
      app.show[i.dataset.layer as keyof typeof app.show] = i.checked;
      app.layers.setVisible('roads', app.show.traffic);
      app.layers.setVisible('sites', app.show.greenhouse || app.show.clouds);
      updateMonth(true);
    }),
  );
  $('lean-btn').classList.toggle('active', app.lean);
  if (app.layers) app.layers.setDistrictNames((d) => (lang() === 'zh-CN' ? d.name : d.nameEn));
  const yb = $('year-buttons');
  yb.innerHTML = '';
  for (const y of YEARS) {
    const b = document.createElement('button');
    b.textContent = String(y);
    b.dataset.year = String(y);
    b.addEventListener('click', () => setMonth(`${y}-12`));
    yb.appendChild(b);
  }
  fillSelects();
  if (app.a) {
    renderTargets();
    updateMonth(true);
  }
}

// ---------- selects ----------
function runLabel(r: RunSummary): string {
  return `#${r.id} ${r.scenarioName} (${r.startedAt.slice(0, 16).replace('T', ' ')})`;
}
function fillSelects(): void {
  const rs = $<HTMLSelectElement>('run-select'),
    cs = $<HTMLSelectElement>('compare-select');
  rs.innerHTML = app.runs.map((r) => `<option value="${r.id}">${runLabel(r)}</option>`).join('');
  if (app.a) rs.value = String(app.a.bundle.run.id);
  cs.innerHTML =
    `<option value="">${t().none}</option>` +
    app.runs.map((r) => `<option value="${r.id}">${runLabel(r)}</option>`).join('');
  cs.value = app.b ? String(app.b.bundle.run.id) : '';
  const dm = $<HTMLSelectElement>('district-metric'),
    rm = $<HTMLSelectElement>('road-metric');
  const dMetrics = app.a
    ? app.a.ix.metrics().filter((m) => app.a!.ix.entities(m).some((e) => DISTRICT_RE.test(e)))
    : [];
  const rMetrics = app.a
    ? app.a.ix.metrics().filter((m) => app.a!.ix.entities(m).some((e) => e.startsWith('link:')))
    : [];
  dm.innerHTML =
    dMetrics.map((m) => `<option value="${m}" title="${longTitleOf(m)}">${titleOf(m)}</option>`).join('') ||
    `<option value="">${t().noData}</option>`;
  rm.innerHTML =
    rMetrics.map((m) => `<option value="${m}" title="${longTitleOf(m)}">${titleOf(m)}</option>`).join('') ||
    `<option value="">${t().noData}</option>`;
  if (!dMetrics.includes(app.districtMetric))
    app.districtMetric = dMetrics.includes('extranet.liveShare') ? 'extranet.liveShare' : (dMetrics[0] ?? '');
  if (!rMetrics.includes(app.roadMetric)) app.roadMetric = rMetrics.find((m) => /vc/i.test(m)) ?? rMetrics[0] ?? '';
  dm.value = app.districtMetric;
  rm.value = app.roadMetric;
}

// ---------- time ----------
function setMonth(ym: string): void {
  app.viewer.clock.currentTime = midMonth(ym);
  onClockMonth(true);
}
function onClockMonth(force = false): void {
  const c = app.viewer.clock;
  // At the end of the plan period the clock clamps: stop and show "Play" again.
  if (c.shouldAnimate && JulianDate.greaterThanOrEquals(c.currentTime, c.stopTime)) {
    c.shouldAnimate = false;
    applyTexts();
  }
  const m = monthOf(c.currentTime);
  if (m === app.month && !force) return;
  app.month = m;
  window.__twin.month = m;
  updateMonth();
}

/** Recolours and relabels everything for the month under the cursor (cheap: runs only when the month changes). */
function updateMonth(_force = false): void {
  const ym = app.month,
    year = ym.slice(0, 4);
  $('period-label').textContent = periodText(ym);
  document
    .querySelectorAll<HTMLElement>('#year-buttons button')
    .forEach((b) => b.classList.toggle('active', b.dataset.year === year));
  const a = app.a,
    b = app.b;
  if (!a) return;
  // Districts.
  const dm = app.districtMetric,
    dUnit = unitOf(dm);
  const dAll = a.ix.where(dm, (e) => DISTRICT_RE.test(e)).flatMap((s) => s.p50);
  const lo = Math.min(...dAll),
    hi = Math.max(...dAll);
  app.layers.colourDistricts((code) => {
    if (!app.show.rollout || !dm) return null;
    const va = a.ix.at(dm, code, ym);
    if (!va) return null;
    if (b) {
      const vb = b.ix.at(dm, code, ym);
      if (!vb) return null;
      return diffColour(va.p50 - vb.p50, isShare(dUnit) ? 0.25 : (hi - lo) / 2);
    }
    return shareColour(normalise(va.p50, dUnit, lo, hi));
  });
  // Roads (yearly link metrics).
  const rm = app.roadMetric;
  const isVc = /vc/i.test(rm);
  const rAll = rm ? a.ix.where(rm, (e) => e.startsWith('link:')).flatMap((s) => s.p50) : [];
  const rlo = Math.min(...rAll),
    rhi = Math.max(...rAll);
  app.layers.colourRoads((id) => {
    if (!app.show.traffic || !rm) return null;
    const va = a.ix.at(rm, `link:${id}`, ym);
    if (!va) return null;
    if (b) {
      const vb = b.ix.at(rm, `link:${id}`, ym);
      return vb ? diffColour(isVc ? vb.p50 - va.p50 : va.p50 - vb.p50, (rhi - rlo) / 3 || 1) : null;
    }
    // v/c: green→red; speeds: high speed = green.
    return isVc ? vcColour(va.p50) : vcColour(1.2 * (1 - normalise(va.p50, '', rlo, rhi)));
  });
  // Sites: greenhouses by yield vs expectation; the cloud centre labelled with its migrated share.
  const ghTarget = a.bundle.targets.find((x) => x.metric === 'greenhouse.yieldKgPerM2');
  const expect = ghTarget?.threshold ?? a.ix.at('greenhouse.yieldKgPerM2', 'city', ym)?.p50;
  for (const s of app.geo.sites) {
    if (isGreenhouse(s)) {
      const v = a.ix.at('greenhouse.yieldKgPerM2', s.id, ym);
      const ratio = v && expect ? v.p50 / expect : null;
      app.layers.styleSite(
        s.id,
        ratio === null || !app.show.greenhouse
          ? [155, 225, 93]
          : vcColour(1.2 * Math.min(1, Math.max(0, 1.25 - ratio) * 2)),
        `${siteName(s)}${v ? ` ${v.p50.toFixed(1)} kg/m²` : ''}`,
      );
    } else if (isCloud(s)) {
      const v = a.ix.at('clouds.migratedShare', 'city', ym);
      app.layers.styleSite(s.id, null, `${t().cloudCentre}${v ? ` · ${t().migrated} ${fmt(v.p50, 'share')}` : ''}`);
    }
  }
  renderCards();
  renderLegend();
  if (app.chartSpec) openChart(app.chartSpec.metric, app.chartSpec.entity, app.chartSpec.target, app.chartSpec.title);
  if (app.drill?.kind === 'rack') app.drill.update?.(rackState());
  app.viewer.scene.requestRender();
}

function renderCards(): void {
  const a = app.a!,
    ym = app.month;
  const rows = (metrics: string[], ents: (m: string) => string[]) =>
    metrics
      .flatMap((m) =>
        ents(m).map((e) => {
          const v = a.ix.at(m, e, ym),
            vb = app.b?.ix.at(m, e, ym);
          const n = LEVEL_COUNT[e];
          const count = v && n && isShare(unitOf(m)) ? ` (${Math.round(v.p50 * n)}/${n})` : '';
          const diff =
            vb && v
              ? ` <span class="${v.p50 >= vb.p50 ? 'diff-up' : 'diff-down'}">${v.p50 >= vb.p50 ? '+' : ''}${fmt(v.p50 - vb.p50, unitOf(m))}</span>`
              : '';
          return `<tr><td title="${longTitleOf(m)}">${titleOf(m)}</td><td>${entityName(e)}</td><td class="num">${fmt(v?.p50, unitOf(m))}${count}${diff}</td></tr>`;
        }),
      )
      .join('');
  // Cards show states (shares, counts), not dates: date metrics are in the district colouring and the charts.
  const isState = (m: string) =>
    !/year|decimal year|1\/yr/i.test(unitOf(m)) && !/Year$|waitDays$|GrowthPerYear$/.test(m);
  const rollMetrics = a.ix
    .metrics()
    .filter((m) => /^(extranet|platform|services|collab|sharing)\./.test(m) && isState(m));
  const levelEnts = (m: string) =>
    a.ix
      .entities(m)
      .filter((e) => e === 'city' || e.startsWith('level:'))
      .sort();
  $('rollout-card').innerHTML =
    app.show.rollout && rollMetrics.length
      ? `<h3>${t().layerRollout}</h3><table>${rows(rollMetrics, levelEnts)}</table>`
      : '';
  const cloudMetrics = a.ix
    .metrics()
    .filter((m) => m.startsWith('clouds.') && isState(m) && !/standalone(Energy|Cost)|cutover|systems$/i.test(m));
  const cloudEnts = (m: string) =>
    a.ix
      .entities(m)
      .filter((e) => e === 'city' || e.startsWith('cloud:'))
      .sort();
  $('clouds-card').innerHTML =
    app.show.clouds && cloudMetrics.length
      ? `<h3>${t().cloudCentre}</h3><table>${rows(cloudMetrics, cloudEnts)}</table><button id="open-racks">${t().openRackHall}</button>`
      : '';
  document.getElementById('open-racks')?.addEventListener('click', () => void openRackHall());
  const fx = /fixture/i.test(a.bundle.run.scenarioName);
  $('run-label').textContent = `${runLabel(a.bundle.run)}${app.b ? ` vs #${app.b.bundle.run.id}` : ''}`;
  const banner = $('banner');
  banner.hidden = !fx && !app.geo.missing.length;
  banner.textContent = [
    fx ? t().fixtureWarning : '',
    app.geo.missing.length ? `${t().missingGeo}: ${app.geo.missing.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function renderLegend(): void {
  const stops = app.b
    ? [0, 0.5, 1].map((f) => css(diffColour(2 * f - 1, 1)))
    : [0, 0.25, 0.5, 0.75, 1].map((f) => css(shareColour(f)));
  const dUnit = unitOf(app.districtMetric);
  const ticks = app.b
    ? [`B > A`, '0', `A > B`]
    : isShare(dUnit)
      ? ['0%', '50%', '100%']
      : [t().legendMin, '', t().legendMax];
  $('legend-card').innerHTML = `<h3>${t().legend}: ${titleOf(app.districtMetric)}${app.b ? ` (${t().diff})` : ''}</h3>
    <div class="legend-bar" style="background: linear-gradient(90deg, ${stops.join(',')})"></div>
    <div class="legend-ticks">${ticks.map((x) => `<span>${x}</span>`).join('')}</div>
    ${app.roadMetric ? `<h3>${titleOf(app.roadMetric)}</h3><div class="legend-bar" style="background: linear-gradient(90deg, ${[0, 0.4, 0.8, 1.2].map((v) => css(vcColour(v))).join(',')})"></div>` : ''}`;
}

// ---------- targets ----------
function renderTargets(): void {
  const a = app.a!;
  const evalOf = (v: RunView | null, id: string) => v?.bundle.evaluations.find((e) => e.targetId === id);
  const statusText: Record<string, string> = {
    met: t().statusMet,
    'at-risk': t().statusAtRisk,
    missed: t().statusMissed,
    'no-data': t().statusNoData,
  };
  $('targets-list').innerHTML = a.bundle.targets
    .map((td) => {
      const ev = evalOf(a, td.id),
        evb = evalOf(app.b, td.id);
      const st = ev?.status ?? 'no-data';
      const u = td.unit;
      const thr = `${td.comparator} ${fmt(td.threshold, u)}${isShare(u) ? '' : ` ${u}`}`;
      const bNums = evb
        ? `<span>B: ${fmt(evb.pMet, 'share')} <span class="${(ev?.pMet ?? 0) >= evb.pMet ? 'diff-up' : 'diff-down'}">(${(ev?.pMet ?? 0) >= evb.pMet ? '+' : ''}${Math.round(((ev?.pMet ?? 0) - evb.pMet) * 100)} ${t().percentPoints})</span></span>`
        : '';
      return `<div class="target" data-target-id="${td.id}" style="--status:${STATUS_COLOUR[st]}">
      <div class="title">${targetTitle(td)}</div>
      <div class="meta"><span class="badge ${td.source}" title="${td.sourceText.replace(/"/g, '&quot;')}">${td.source === 'plan' ? t().sourcePlan : t().sourceAssumption}</span>
        <span>${t().deadline} ${td.deadline}</span><span>${thr}</span></div>
      <div class="nums"><span title="${t().projection}">${fmt(ev?.valueP50, u)} [${fmt(ev?.valueP10, u)}–${fmt(ev?.valueP90, u)}]</span>
        <span>${t().pMet} <b>${fmt(ev?.pMet, 'share')}</b></span><span class="status">${statusText[st]}</span>${bNums}</div>
      ${targetProgressHtml(a.bundle, a.ix, td)}
    </div>`;
    })
    .join('');
  renderProgressSummary(a.bundle);
  $('targets-list')
    .querySelectorAll<HTMLElement>('.target')
    .forEach((el) =>
      el.addEventListener('click', () => {
        const td = a.bundle.targets.find((x) => x.id === el.dataset.targetId)!;
        focusTarget(td);
      }),
    );
}

function focusTarget(td: TargetDef): void {
  document.querySelectorAll('.target.selected').forEach((e) => e.classList.remove('selected'));
  document.querySelector(`.target[data-target-id="${td.id}"]`)?.classList.add('selected');
  flyToConcern(td.model, td.scope);
  setMonth(td.deadline.slice(0, 7));
  openChart(td.metric, td.entity, td, targetTitle(td));
}

function flyToConcern(model: string, scope: string): void {
  const d = app.geo.districts.find((x) => x.code === scope);
  if (d) return flyToPoint(app.viewer, d.label[0], d.label[1], 45_000);
  const sites = app.geo.sites.filter(
    model === 'greenhouse' ? isGreenhouse : model === 'clouds' ? isCloud : () => false,
  );
  if (sites.length) {
    const lon = sites.reduce((s, x) => s + x.lon, 0) / sites.length,
      lat = sites.reduce((s, x) => s + x.lat, 0) / sites.length;
    return flyToPoint(app.viewer, lon, lat, sites.length > 1 ? 70_000 : 12_000);
  }
  if (model === 'traffic') {
    const zd = app.geo.districts.find((x) => x.code === '370303');
    if (zd) return flyToPoint(app.viewer, zd.label[0], zd.label[1], 35_000);
  }
  flyHome(app.viewer);
}

// ---------- charts ----------
function openChart(metric: string, entity: string, target?: TargetDef, title?: string): void {
  if (!app.a || !metric) return;
  app.chartSpec = { metric, entity, target, title: title ?? `${titleOf(metric)} · ${entity}` };
  const panel = $('chart-panel');
  panel.hidden = false;
  $('chart-title').textContent = app.chartSpec.title;
  app.chart?.destroy();
  const runs = [{ label: `A #${app.a.bundle.run.id}`, series: app.a.ix.get(metric, entity), colour: '#4fd1ff' }];
  if (app.b) runs.push({ label: `B #${app.b.bundle.run.id}`, series: app.b.ix.get(metric, entity), colour: '#ff9f43' });
  const pg = progressChart(app.a.bundle, metric, entity); // actual points and the re-forecast band (issue 10)
  runs.push(...pg.runs);
  const body = $('chart-body');
  app.chart = renderChart(
    body,
    {
      title: titleOf(metric),
      unit: unitOf(metric),
      runs,
      target: target
        ? {
            threshold: target.threshold,
            deadline: target.deadline,
            comparator: target.comparator,
            label: t().targetLine,
            deadlineLabel: `${t().deadlineMarker} ${target.deadline}`,
          }
        : undefined,
      cursor: app.month,
      bandLabel: t().band,
      medianLabel: t().median,
      extend: pg.extend,
    },
    { width: body.clientWidth || 540, height: Math.max(180, (body.clientHeight || 280) - 50) },
  );
  const actions = $('chart-actions');
  actions.innerHTML = '';
  const site = app.geo.sites.find((s) => s.id === entity);
  if (metric.startsWith('greenhouse.') || (site && isGreenhouse(site))) {
    const bt = document.createElement('button');
    bt.textContent = t().openGreenhouse;
    bt.addEventListener('click', () => void openGreenhouse(entity));
    actions.appendChild(bt);
  }
  if (metric.startsWith('clouds.')) {
    const bt = document.createElement('button');
    bt.textContent = t().openRackHall;
    bt.addEventListener('click', () => void openRackHall());
    actions.appendChild(bt);
  }
}
function closeChart(): void {
  app.chart?.destroy();
  app.chart = null;
  app.chartSpec = null;
  $('chart-panel').hidden = true;
}

// ---------- drill-downs (three.js, loaded on demand) ----------
function closeDrill(): void {
  app.drill?.stop();
  app.drill = null;
  $('drill').hidden = true;
  $('drill-canvas').innerHTML = '';
  $('drill-actions').innerHTML = '';
}
function openDrillPanel(title: string): HTMLElement {
  closeDrill();
  $('drill').hidden = false;
  $('drill-title').textContent = title;
  $('drill-hud').textContent = t().loading;
  return $('drill-canvas');
}
function rackState(): { hosts: Array<{ cloud: string; hosts: number | null; utilisation: number | null }> } {
  const ix = app.a!.ix,
    ym = app.month;
  const hostM = ix.metrics().find((m) => m.startsWith('clouds.') && /host/i.test(m));
  const utilM = ix.metrics().find((m) => m.startsWith('clouds.') && /util/i.test(m));
  const ents = hostM ? ix.entities(hostM).filter((e) => e.startsWith('cloud:')) : [];
  const list = (ents.length ? ents : ['city']).map((e) => ({
    cloud: e,
    hosts: hostM ? (ix.at(hostM, e, ym)?.p50 ?? null) : null,
    utilisation: utilM ? (ix.at(utilM, e, ym)?.p50 ?? ix.at(utilM, 'city', ym)?.p50 ?? null) : null,
  }));
  const hud = list
    .map(
      (h) =>
        `${entityName(h.cloud)}: ${t().hosts} ${fmt(h.hosts, '')}, ${t().utilisation} ${fmt(h.utilisation, 'share')}`,
    )
    .join(' · ');
  $('drill-hud').textContent = `${periodText(ym)} · ${hud}${hostM ? '' : ` · ${t().noData}`}`;
  return { hosts: list };
}
async function openRackHall(): Promise<void> {
  const host = openDrillPanel(`${t().cloudCentre} · ${t().openRackHall}`);
  const { startRackHall } = await import('./drill/rackhall3d.ts');
  const ix = app.a!.ix;
  const hostM = ix.metrics().find((m) => m.startsWith('clouds.') && /host/i.test(m));
  const perCloud = hostM ? ix.where(hostM, (e) => e.startsWith('cloud:')) : [];
  const capacity = perCloud.length
    ? Math.max(...perCloud[0].p90.map((_, i) => perCloud.reduce((acc, s) => acc + (s.p90[i] ?? 0), 0)))
    : 240;
  const h = startRackHall(host, app.lean, capacity);
  app.drill = { ...h, update: (s) => h.update(s as Parameters<typeof h.update>[0]), kind: 'rack' };
  h.update(rackState());
}
async function openGreenhouse(entity: string, variant?: string): Promise<void> {
  const host = openDrillPanel(`${t().openGreenhouse}${entity !== 'city' ? ` · ${entity}` : ''}`);
  const refs = (app.a?.bundle.artifacts ?? []).filter((r) => r.model === 'greenhouse');
  const year = Number(app.month.slice(0, 4));
  const ref = refs.find((r) => r.year === year) ?? refs[0];
  let parsed: ReturnType<typeof readGreenhouseDay> = null;
  if (ref && app.source) {
    try {
      parsed = readGreenhouseDay(await app.source.artifact(app.a!.bundle.run.id, ref), entity);
    } catch (e) {
      console.warn(`greenhouse artifact: ${String(e)}`);
    }
  }
  const names = parsed ? Object.keys(parsed.variants) : [];
  const chosen = variant && names.includes(variant) ? variant : names.includes('smart') ? 'smart' : names[0];
  const day = chosen !== undefined ? parsed!.variants[chosen] : null;
  // Manual practice vs smart control: one button per variant the artifact has.
  const actions = $('drill-actions');
  actions.innerHTML = '';
  if (names.length > 1)
    for (const n of names) {
      const b = document.createElement('button');
      b.textContent = n === 'smart' ? t().smartControl : n === 'manual' ? t().manualControl : n;
      b.classList.toggle('active', n === chosen);
      b.addEventListener('click', () => void openGreenhouse(entity, n));
      actions.appendChild(b);
    }
  const { startGreenhouse } = await import('./drill/greenhouse3d.ts');
  const note = day ? `${t().greenhouseDay}: ${day.label}` : t().noArtifact;
  const h = startGreenhouse(
    host,
    day,
    (s) => {
      const hh = Math.floor(s.hour),
        mm = Math.floor((s.hour - hh) * 60);
      $('drill-hud').textContent =
        `${note} · ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}` +
        (s.insideTempC !== undefined ? ` · ${t().insideTemp} ${s.insideTempC.toFixed(1)} °C` : '') +
        (s.outsideTempC !== undefined ? ` · ${t().outsideTemp} ${s.outsideTempC.toFixed(1)} °C` : '') +
        (s.light !== undefined
          ? ` · ${t().light} ${s.light.toFixed(0)} ${/umol|par/i.test(day?.lightUnit ?? '') ? 'µmol/m²/s' : ''}`
          : '') +
        (s.blanketClosed !== undefined
          ? ` · ${t().blanket} ${s.blanketClosed > 0.5 ? t().blanketClosed : t().blanketOpen}`
          : '');
    },
    app.lean,
  );
  app.drill = { ...h, kind: 'greenhouse' };
}

// ---------- vehicle replay ----------
function replayRef(): ArtifactRef | undefined {
  const refs = (app.a?.bundle.artifacts ?? []).filter((r) => r.name === 'replay');
  const year = Number(app.month.slice(0, 4));
  return refs.find((r) => r.year === year) ?? refs.sort((x, y) => Math.abs(x.year - year) - Math.abs(y.year - year))[0];
}
function startReplay(r: Replay, speed: number, fromSec = r.traj.startSec): void {
  stopReplay();
  app.viewer.clock.shouldAnimate = false;
  applyTexts();
  const state = { r, tSec: fromSec, speed, lastWall: performance.now(), remove: () => {} };
  const clockEl = $('replay-clock');
  clockEl.hidden = false;
  const subpixel = params.get('subpixel') !== '0';
  state.remove = app.viewer.scene.preUpdate.addEventListener(() => {
    const now = performance.now();
    // Half a pixel's ground size at the camera's height (conservative: farther ground has bigger pixels).
    const cam = app.viewer.camera,
      fovy = (cam.frustum as { fovy?: number }).fovy ?? 1;
    r.minMoveM = subpixel
      ? (cam.positionCartographic.height * Math.tan(fovy / 2)) / Math.max(1, app.viewer.canvas.clientHeight)
      : 0;
    state.tSec += ((now - state.lastWall) / 1000) * state.speed;
    state.lastWall = now;
    if (state.tSec > r.traj.endSec) state.tSec = r.traj.startSec; // loop the peak
    r.update(state.tSec);
    const h = Math.floor(state.tSec / 3600),
      m = Math.floor((state.tSec % 3600) / 60);
    clockEl.textContent = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')} · ${r.active} ${t().vehicles}`;
  });
  app.replay = state;
  $('replay-btn').textContent = t().replayExit;
}
function stopReplay(): void {
  if (!app.replay) return;
  app.replay.remove();
  app.replay.r.destroy();
  app.replay = null;
  $('replay-clock').hidden = true;
  $('replay-btn').textContent = t().replay;
  app.viewer.scene.requestRender();
}
async function toggleReplay(): Promise<void> {
  if (app.replay) return stopReplay();
  const ref = replayRef();
  if (!ref || !app.source || !app.a) return toast(t().replayNone);
  const traj = readReplayArtifact(await app.source.artifact(app.a.bundle.run.id, ref), app.geo.roads);
  flyToConcern('traffic', 'city');
  startReplay(newReplay(app.viewer, app.geo.roads, traj), 60, busiestSec(traj));
}

// ---------- presentation ----------
interface Step {
  title: () => string;
  run: () => void;
}
const steps: Step[] = [
  {
    title: () => t().stepOverview,
    run: () => {
      flyHome(app.viewer);
      closeChart();
      closeDrill();
      setMonth('2021-12');
    },
  },
  {
    title: () => t().stepRollout,
    run: () => {
      flyHome(app.viewer);
      chooseDistrictMetric('extranet.liveShare');
      const td = app.a?.bundle.targets.find((x) => x.id === 'extranet-3-levels');
      setMonth('2018-12');
      if (td) openChart(td.metric, td.entity, td, targetTitle(td));
    },
  },
  {
    title: () => t().stepClouds,
    run: () => {
      flyToConcern('clouds', 'city');
      const td = app.a?.bundle.targets.find((x) => x.metric === 'clouds.migratedShare');
      setMonth('2020-12');
      if (td) openChart(td.metric, td.entity, td, targetTitle(td));
    },
  },
  {
    title: () => t().stepTraffic,
    run: () => {
      flyToConcern('traffic', 'city');
      const td = app.a?.bundle.targets.find((x) => x.model === 'traffic');
      setMonth('2021-12');
      if (td) openChart(td.metric, td.entity, td, targetTitle(td));
      else closeChart();
    },
  },
  {
    title: () => t().stepGreenhouse,
    run: () => {
      flyToConcern('greenhouse', 'city');
      const td = app.a?.bundle.targets.find((x) => x.model === 'greenhouse');
      setMonth('2021-12');
      if (td) openChart(td.metric, td.entity, td, targetTitle(td));
      else closeChart();
    },
  },
  {
    title: progressStepTitle,
    run: () => {
      flyHome(app.viewer);
      closeChart();
      closeDrill();
      setMonth(progressMonth());
      showProgressPanel(true);
    },
  },
  {
    title: () => t().stepTargets,
    run: () => {
      flyHome(app.viewer);
      closeChart();
      closeDrill();
      setMonth('2021-12');
    },
  },
];
function chooseDistrictMetric(m: string): void {
  if (!app.a?.ix.metrics().includes(m)) return;
  app.districtMetric = m;
  $<HTMLSelectElement>('district-metric').value = m;
}
function showStep(i: number): void {
  app.step = Math.max(0, Math.min(steps.length - 1, i));
  window.__twin.presentStep = app.step;
  document.body.classList.toggle('focus-targets', app.step === steps.length - 1);
  showProgressPanel(false);
  steps[app.step].run();
  $('present-title').textContent = steps[app.step].title();
  $('present-count').textContent = `${app.step + 1} / ${steps.length}`;
}
function enterPresentation(): void {
  app.presenting = true;
  document.body.classList.add('presenting');
  $('present-bar').hidden = false;
  document.documentElement.requestFullscreen?.().catch(() => {
    /* not allowed without a user gesture: stay windowed */
  });
  showStep(0);
  setTimeout(() => app.viewer.resize(), 50);
}
function exitPresentation(): void {
  app.presenting = false;
  window.__twin.presentStep = -1;
  showProgressPanel(false);
  document.body.classList.remove('presenting', 'focus-targets');
  $('present-bar').hidden = true;
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  setTimeout(() => app.viewer.resize(), 50);
}

// ---------- PNG export ----------
function exportPng(): void {
  const viewer = app.viewer;
  viewer.render(); // draw now, so the WebGL buffer is valid in this task (no preserveDrawingBuffer needed)
  const g = viewer.scene.canvas;
  const head = 56;
  const out = document.createElement('canvas');
  out.width = g.width;
  out.height = g.height + head;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#05080f';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(g, 0, head);
  const drillCanvas = document.querySelector<HTMLCanvasElement>('#drill-canvas canvas');
  if (drillCanvas)
    ctx.drawImage(
      drillCanvas,
      out.width - drillCanvas.width * 0.5 - 10,
      head + 10,
      drillCanvas.width * 0.5,
      drillCanvas.height * 0.5,
    );
  const chartCanvas = document.querySelector<HTMLCanvasElement>('#chart-body canvas');
  if (chartCanvas) {
    const w = Math.min(chartCanvas.width, out.width * 0.45),
      h = chartCanvas.height * (w / chartCanvas.width);
    ctx.fillStyle = 'rgba(12,20,34,0.9)';
    ctx.fillRect(out.width - w - 20, out.height - h - 20, w + 10, h + 10);
    ctx.drawImage(chartCanvas, out.width - w - 15, out.height - h - 15, w, h);
  }
  ctx.fillStyle = '#4fd1ff';
  ctx.font = '600 22px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  const title = app.presenting ? steps[app.step].title() : t().appTitle;
  ctx.fillText(title, 16, 34);
  ctx.fillStyle = '#e6ecf7';
  ctx.font = '16px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  const right = `${periodText(app.month)} · ${app.a ? runLabel(app.a.bundle.run) : ''}${app.b ? ` vs #${app.b.bundle.run.id}` : ''}`;
  ctx.fillText(right, Math.max(16, out.width - ctx.measureText(right).width - 16), 34);
  out.toBlob((blob) => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `zibo-twin-run${app.a?.bundle.run.id ?? ''}-${app.month}.png`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    window.__twin.pngCount++;
    toast(t().exported);
  }, 'image/png');
}

// ---------- runs ----------
async function loadRun(id: number): Promise<RunView> {
  const bundle = await app.source!.bundle(id);
  return { bundle, ix: new SeriesIndex(bundle.series) };
}
async function selectRun(id: number): Promise<void> {
  app.a = await loadRun(id);
  onProgressRun();
  if (app.b?.bundle.run.id === id) app.b = null;
  fillSelects();
  renderTargets();
  updateMonth(true);
  $<HTMLButtonElement>('replay-btn').disabled = !app.a.bundle.artifacts.some((r) => r.name === 'replay');
}
async function selectCompare(id: number | null): Promise<void> {
  app.b = id === null ? null : await loadRun(id);
  fillSelects();
  renderTargets();
  updateMonth(true);
}

// ---------- picking ----------
function onPick(id: PickId): void {
  if (id.kind === 'district')
    openChart(
      app.districtMetric,
      id.code,
      undefined,
      `${titleOf(app.districtMetric)} · ${app.geo.districts.find((d) => d.code === id.code)?.[lang() === 'zh-CN' ? 'name' : 'nameEn'] ?? id.code}`,
    );
  else if (id.kind === 'link') openChart(app.roadMetric, `link:${id.id}`);
  else if (id.kind === 'site') {
    const s = app.geo.sites.find((x) => x.id === id.id);
    if (s && isCloud(s)) {
      openChart(
        'clouds.migratedShare',
        'city',
        app.a?.bundle.targets.find((x) => x.metric === 'clouds.migratedShare'),
      );
      void openRackHall();
    } else if (s && isGreenhouse(s)) {
      openChart('greenhouse.yieldKgPerM2', s.id, undefined, `${siteName(s)} · ${titleOf('greenhouse.yieldKgPerM2')}`);
      void openGreenhouse(s.id);
    }
  }
}

// ---------- boot ----------
async function main(): Promise<void> {
  const geoP = fetch('geo/zibo.json')
    .then(async (r) => (r.ok ? ((await r.json()) as ZiboGeo) : null))
    .catch(() => null);
  app.settings = await loadSettings();
  app.lean = params.has('lean') ? params.get('lean') === '1' : app.settings.lean;
  const l = (params.get('lang') ?? app.settings.language) as Lang;
  setLang(l === 'en' ? 'en' : 'zh-CN');
  window.__twin.marks.settings = performance.now();
  app.viewer = createGlobe($('globe'), app.settings, app.lean);
  window.__twin.marks.globeCreated = performance.now();
  app.geo = (await geoP) ?? { sources: [], missing: ['geo/zibo.json'], districts: [], roads: [], sites: [] };
  const removeFirst = app.viewer.scene.postRender.addEventListener(() => {
    window.__twin.firstFrameMs = performance.now();
    removeFirst();
    if (!app.lean) {
      // Progressive start: effects on after the first frame; the next rendered frame is the full-quality one.
      setTimeout(() => {
        enableFullEffects(app.viewer);
        const removeFull = app.viewer.scene.postRender.addEventListener(() => {
          window.__twin.marks.fullQuality = performance.now();
          removeFull();
        });
      }, 0);
    }
  });
  app.layers = new MapLayers(app.viewer, app.geo);
  app.viewer.clock.onTick.addEventListener(() => onClockMonth());
  onLangChange(applyTexts);

  // Controls.
  $('play-btn').addEventListener('click', () => {
    const c = app.viewer.clock;
    if (!c.shouldAnimate && JulianDate.greaterThanOrEquals(c.currentTime, c.stopTime))
      c.currentTime = c.startTime.clone();
    c.shouldAnimate = !c.shouldAnimate;
    applyTexts();
  });
  $<HTMLSelectElement>('speed-select').addEventListener('change', (e) => {
    app.viewer.clock.multiplier = Number((e.target as HTMLSelectElement).value);
  });
  $('lang-btn').addEventListener('click', () => setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN'));
  $('lean-btn').addEventListener('click', () => {
    // MSAA and order-independent translucency are fixed when the scene is created: reload with the switch.
    const p = new URLSearchParams(location.search);
    p.set('lean', app.lean ? '0' : '1');
    p.set('lang', lang());
    p.set('month', app.month);
    if (app.a) p.set('run', String(app.a.bundle.run.id));
    location.search = p.toString();
  });
  $('present-btn').addEventListener('click', enterPresentation);
  $('present-next').addEventListener('click', () => showStep(app.step + 1));
  $('present-prev').addEventListener('click', () => showStep(app.step - 1));
  $('png-btn').addEventListener('click', exportPng);
  $('chart-close').addEventListener('click', closeChart);
  $('drill-close').addEventListener('click', closeDrill);
  $('replay-btn').addEventListener('click', () => void toggleReplay().catch((e: unknown) => toast(String(e), 5000)));
  $<HTMLSelectElement>('run-select').addEventListener(
    'change',
    (e) => void selectRun(Number((e.target as HTMLSelectElement).value)),
  );
  $<HTMLSelectElement>('compare-select').addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    void selectCompare(v ? Number(v) : null);
  });
  $<HTMLSelectElement>('district-metric').addEventListener('change', (e) => {
    app.districtMetric = (e.target as HTMLSelectElement).value;
    updateMonth(true);
  });
  $<HTMLSelectElement>('road-metric').addEventListener('change', (e) => {
    app.roadMetric = (e.target as HTMLSelectElement).value;
    updateMonth(true);
  });
  document.addEventListener('keydown', (e) => {
    if (!app.presenting) return;
    if (['ArrowRight', 'PageDown', ' ', 'Enter'].includes(e.key)) {
      e.preventDefault();
      showStep(app.step + 1);
    } else if (['ArrowLeft', 'PageUp', 'Backspace'].includes(e.key)) {
      e.preventDefault();
      showStep(app.step - 1);
    } else if (e.key === 'Escape') exitPresentation();
    else if (e.key === 'p' || e.key === 'P') exportPng();
  });
  const handler = new ScreenSpaceEventHandler(app.viewer.scene.canvas);
  handler.setInputAction((ev: { position: { x: number; y: number } }) => {
    const picked = app.viewer.scene.pick(ev.position as never) as { id?: unknown } | undefined;
    const id = picked?.id as PickId | undefined;
    if (id && typeof id === 'object' && 'kind' in id) onPick(id);
  }, ScreenSpaceEventType.LEFT_CLICK);
  applyTexts();

  const bench = Number(params.get('bench') ?? 0);
  if (bench > 0) return startBench(bench);

  try {
    const { source, runs } = await openDataSource();
    app.source = source;
    mountProgress({
      kind: source.kind,
      view: () => app.a,
      toast,
      targetTitle,
      reload: async () => {
        if (app.a) await selectRun(app.a.bundle.run.id);
      },
      entityLabel: (e) =>
        app.geo.districts.find((d) => d.code === e)?.[lang() === 'zh-CN' ? 'name' : 'nameEn'] ?? entityName(e),
    });
    app.runs = [...runs].sort((x, y) => y.id - x.id);
    const done = app.runs.filter((r) => r.status === 'done');
    const wanted = Number(params.get('run') ?? NaN);
    const first =
      app.runs.find((r) => r.id === wanted) ??
      done.find((r) => r.scenarioName === 'baseline') ??
      done[0] ??
      app.runs[0];
    if (!first) {
      $('targets-list').textContent = t().noRuns;
    } else {
      await selectRun(first.id);
      const cmp = Number(params.get('compare') ?? NaN);
      if (app.runs.some((r) => r.id === cmp)) await selectCompare(cmp);
    }
  } catch (e) {
    window.__twin.error = String(e);
    $('targets-list').textContent = `${t().loadFailed}: ${String(e)}`;
  }
  setMonth(/^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : '2017-01');
  window.__twin.ready = true;
}

/** Benchmark mode (`?bench=N`): N synthetic vehicles (not results) on the road network, frame and JS time recorded. */
function startBench(n: number): void {
  const roads = app.geo.roads;
  if (!roads.length) {
    window.__twin.error = 'bench needs roads (data/zibo/network)';
    return;
  }
  const r = newReplay(app.viewer, roads, syntheticTrajectories(roads, n, 42));
  startReplay(r, 60);
  const b = {
    frameMs: [] as number[],
    jsMs: [] as number[],
    renderMs: [] as number[],
    written: [] as number[],
    vehicles: n,
    active: 0,
  };
  window.__twin.bench = b;
  window.__twin.benchUpdateOnly = (k: number) => {
    const out: number[] = [];
    const t0 = app.replay?.tSec ?? r.traj.startSec;
    for (let i = 0; i < k; i++) {
      r.update(t0 + i * 0.5);
      out.push(r.lastUpdateMs);
    }
    return out;
  };
  let last = performance.now();
  let frameStart = 0;
  app.viewer.scene.preUpdate.addEventListener(() => {
    frameStart = performance.now();
  });
  app.viewer.scene.postRender.addEventListener(() => {
    const now = performance.now();
    b.frameMs.push(now - last);
    b.renderMs.push(now - frameStart);
    b.jsMs.push(r.lastUpdateMs);
    b.written.push(r.written);
    b.active = r.active;
    last = now;
  });
  window.__twin.ready = true;
}

main().catch((e: unknown) => {
  window.__twin.error = String(e);
  console.error(e);
});
