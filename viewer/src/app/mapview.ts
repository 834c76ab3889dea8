/**
 * What the month under the timeline cursor shows: district and road colours (or A−B differences in compare mode),
 * the sites, the rollout and cloud cards, the legend, the metric selects, and a text list of the districts' values
 * for screen readers (the globe itself is a canvas).
 */
import { entityName, t } from '../i18n/index.ts';
import { isCloud, isGreenhouse } from '../layers.ts';
import {
  css,
  diffColour,
  diffGradient,
  diffScale,
  normalise,
  progressGradient,
  progressScale,
  REACHED,
  scaleColour,
  STATUS_COLOUR,
  vcColour,
  type ProgressScale,
} from '../colours.ts';
import type { TargetDef } from '../data.ts';
import { redrawChart } from './chart.ts';
import { openRackHall, rackState } from './drill.ts';
import {
  comparatorText,
  districtName,
  fmt,
  fmtDiff,
  fmtUnit,
  isShare,
  longTitleOf,
  periodText,
  runLabel,
  siteName,
  targetTitle,
  titleOf,
  unitOf,
  unitText,
} from './format.ts';
import { LEVEL_COUNT, METRIC_PATTERN, METRIC_ROLE, targetOnMetric } from './metrics.ts';
import { $, type AppState } from './state.ts';

/** Series entities that are district codes. */
export const DISTRICT_RE = /^\d{6}$/;

/** Fills the run, compare and metric selects from the runs list and the shown run's series. */
export function fillSelects(app: AppState): void {
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
  const a = app.a;
  const dMetrics = a ? a.ix.metrics().filter((m) => a.ix.entities(m).some((e) => DISTRICT_RE.test(e))) : [];
  const rMetrics = a ? a.ix.metrics().filter((m) => a.ix.entities(m).some((e) => e.startsWith('link:'))) : [];
  const options = (ms: string[]) =>
    ms.map((m) => `<option value="${m}" title="${longTitleOf(app, m)}">${titleOf(app, m)}</option>`).join('') ||
    `<option value="">${t().noData}</option>`;
  dm.innerHTML = options(dMetrics);
  rm.innerHTML = options(rMetrics);
  if (!dMetrics.includes(app.districtMetric))
    app.districtMetric =
      [METRIC_ROLE.districtDefault, METRIC_ROLE.districtFallback].find((m) => dMetrics.includes(m)) ??
      dMetrics[0] ??
      '';
  if (!rMetrics.includes(app.roadMetric))
    app.roadMetric = rMetrics.find((m) => METRIC_PATTERN.roadVc.test(m)) ?? rMetrics[0] ?? '';
  dm.value = app.districtMetric;
  rm.value = app.roadMetric;
}

/** Chooses the district colouring metric (when the shown run has it). */
export function chooseDistrictMetric(app: AppState, m: string): void {
  if (!app.a?.ix.metrics().includes(m)) return;
  app.districtMetric = m;
  $<HTMLSelectElement>('district-metric').value = m;
}

/** A metric that has values for districts in the shown run. */
function hasDistricts(app: AppState, metric: string): boolean {
  return !!metric && !!app.a?.ix.entities(metric).some((e) => DISTRICT_RE.test(e));
}

/**
 * Shows a target on the map: the districts coloured by its metric on a scale from the period's start to its
 * threshold (or, for a city-wide target without district values, the districts left uncoloured and the legend
 * naming the target). Does not redraw: the caller moves the month (setMonth) or calls renderMonth.
 */
export function showTargetOnMap(app: AppState, td: TargetDef | undefined): void {
  if (!td) {
    app.mapTarget = null;
    return;
  }
  if (hasDistricts(app, td.metric)) chooseDistrictMetric(app, td.metric);
  app.mapTarget = { target: td, districtMetric: app.districtMetric };
}

/**
 * What the districts show: the metric (or '' for none), the selected target (null when none), the threshold whose
 * scale colours it (the selected target's, else the plan's first target on the metric, so districts that reach the
 * plan's goal turn "met" green also in the default view), and the unit.
 */
function districtView(app: AppState): {
  metric: string;
  target: TargetDef | null;
  scaleTarget: TargetDef | null;
  unit: string;
} {
  // A metric picked in the select after the target was shown wins over the target.
  if (app.mapTarget && app.mapTarget.districtMetric !== app.districtMetric) app.mapTarget = null;
  const td = app.mapTarget?.target ?? null;
  const metric = td ? (hasDistricts(app, td.metric) ? td.metric : '') : app.districtMetric;
  const scaleTarget = td ?? (metric ? (targetOnMetric(app.a?.bundle, metric) ?? null) : null);
  return { metric, target: td, scaleTarget, unit: unitOf(app, td?.metric ?? metric) };
}

/** District P50 values of a metric over the whole period (both runs in compare mode): the fixed colour scales. */
function districtValues(app: AppState, metric: string): number[] {
  return [app.a, app.b].flatMap((v) => (v ? v.ix.where(metric, (e) => DISTRICT_RE.test(e)).flatMap((s) => s.p50) : []));
}

/** Recolours and relabels everything for the month under the cursor (cheap: runs only when the month changes). */
export function renderMonth(app: AppState): void {
  const ym = app.month,
    year = ym.slice(0, 4);
  const label = $('period-label');
  label.textContent = periodText(ym);
  label.setAttribute('datetime', ym);
  document
    .querySelectorAll<HTMLElement>('#year-buttons button')
    .forEach((b) => b.classList.toggle('active', b.dataset.year === year));
  const a = app.a,
    b = app.b;
  if (!a) return;
  // Districts: the target's metric on a progress scale, or the chosen metric; A − B on a fixed symmetric scale.
  const { metric: dm, target, scaleTarget, unit: dUnit } = districtView(app);
  const share = isShare(dUnit);
  const dValues = dm ? districtValues(app, dm) : [];
  const pScale = progressScale(dValues, share, scaleTarget);
  const dScale = diffScale(dValues, share);
  app.layers.colourDistricts((code) => {
    if (!app.show.rollout || !dm) return null;
    const va = a.ix.at(dm, code, ym);
    if (!va) return null;
    if (b) {
      const vb = b.ix.at(dm, code, ym);
      return vb ? diffColour(va.p50 - vb.p50, dScale.scale, dScale.band) : null;
    }
    return scaleColour(pScale, va.p50);
  });
  // Roads (yearly link metrics): shown outside presentation and on a traffic step; class colours otherwise.
  const rm = app.roadMetric;
  const roadsOn = app.show.traffic && !!rm && (!app.presenting || target?.model === 'traffic');
  const isVc = METRIC_PATTERN.roadVc.test(rm);
  const rAll = roadsOn
    ? [a, b].flatMap((v) => (v ? v.ix.where(rm, (e) => e.startsWith('link:')).flatMap((s) => s.p50) : []))
    : [];
  const rlo = Math.min(...rAll),
    rhi = Math.max(...rAll);
  const rScale = isVc ? { scale: 0.2, band: 0.01 } : diffScale(rAll, false);
  const roadColour = (id: string): [number, number, number] | null => {
    if (!roadsOn) return null;
    const va = a.ix.at(rm, `link:${id}`, ym);
    if (!va) return null;
    if (b) {
      const vb = b.ix.at(rm, `link:${id}`, ym);
      return vb ? diffColour(va.p50 - vb.p50, rScale.scale, rScale.band) : null;
    }
    // v/c: green→red; speeds: high speed = green.
    return isVc ? vcColour(va.p50) : vcColour(1.2 * (1 - normalise(va.p50, '', rlo, rhi)));
  };
  app.layers.colourRoads(roadColour);
  app.network?.colourRoads(roadColour); // an imported network's roads, when the run used one
  // Sites: greenhouses by yield vs expectation; the cloud centre labelled with its migrated share.
  const yieldM = METRIC_ROLE.greenhouseYield;
  const expect = targetOnMetric(a.bundle, yieldM)?.threshold ?? a.ix.at(yieldM, 'city', ym)?.p50;
  for (const s of app.geo.sites) {
    if (isGreenhouse(s)) {
      const v = a.ix.at(yieldM, s.id, ym);
      const ratio = v && expect ? v.p50 / expect : null;
      app.layers.styleSite(
        s.id,
        ratio === null || !app.show.greenhouse ? [155, 225, 93] : yieldRatioColour(ratio),
        `${siteName(s)}${v ? ` ${fmtUnit(v.p50, 'kg/m²')}` : ''}`,
      );
    } else if (isCloud(s)) {
      const v = a.ix.at(METRIC_ROLE.cloudMigrated, 'city', ym);
      app.layers.styleSite(s.id, null, `${t().cloudCentre}${v ? ` · ${t().migrated} ${fmt(v.p50, 'share')}` : ''}`);
    }
  }
  renderCards(app);
  renderLegend(app, { metric: dm, target, unit: dUnit, pScale, dScale, roadsOn, rScale, isVc, rlo, rhi });
  renderDistrictList(app, dm);
  if (app.presenting) renderKpiStrip(app);
  redrawChart(app);
  if (app.drill?.kind === 'rack') app.drill.update?.(rackState(app));
  app.viewer.scene.requestRender();
}

/** Greenhouse yield / expectation: ≥ 1.25 green, 1 yellow, ≤ 0.75 red. */
const yieldRatioColour = (ratio: number) => vcColour(1.2 * Math.min(1, Math.max(0, 1.25 - ratio) * 2));

function renderCards(app: AppState): void {
  const a = app.a!,
    ym = app.month;
  const rows = (metrics: string[], ents: (m: string) => string[]) =>
    metrics
      .flatMap((m) =>
        ents(m).map((e) => {
          const u = unitOf(app, m);
          const v = a.ix.at(m, e, ym),
            vb = app.b?.ix.at(m, e, ym);
          const n = LEVEL_COUNT[e];
          const count = v && n && isShare(u) ? ` (${Math.round(v.p50 * n)}/${n})` : '';
          const diff =
            vb && v
              ? ` <span class="${v.p50 >= vb.p50 ? 'diff-up' : 'diff-down'}">${fmtDiff(v.p50 - vb.p50, u)}</span>`
              : '';
          return `<tr><td title="${longTitleOf(app, m)}">${titleOf(app, m)}</td><td>${entityName(e)}</td><td class="num">${fmtUnit(v?.p50, u)}${count}${diff}</td></tr>`;
        }),
      )
      .join('');
  // Cards show states (shares, counts), not dates: date metrics are in the district colouring and the charts.
  const isState = (m: string) => !/year|decimal year|1\/yr/i.test(unitOf(app, m)) && !METRIC_PATTERN.notState.test(m);
  const rollMetrics = a.ix.metrics().filter((m) => METRIC_PATTERN.rolloutCard.test(m) && isState(m));
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
    .filter((m) => METRIC_PATTERN.cloudsCard.test(m) && isState(m) && !METRIC_PATTERN.cloudsCardExcluded.test(m));
  const cloudEnts = (m: string) =>
    a.ix
      .entities(m)
      .filter((e) => e === 'city' || e.startsWith('cloud:'))
      .sort();
  $('clouds-card').innerHTML =
    app.show.clouds && cloudMetrics.length
      ? `<h3>${t().cloudCentre}</h3><table>${rows(cloudMetrics, cloudEnts)}</table><button id="open-racks">${t().openRackHall}</button>`
      : '';
  document.getElementById('open-racks')?.addEventListener('click', () => void openRackHall(app));
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

interface LegendSpec {
  metric: string;
  target: TargetDef | null;
  unit: string;
  pScale: ProgressScale;
  dScale: { scale: number; band: number };
  roadsOn: boolean;
  rScale: { scale: number; band: number };
  isVc: boolean;
  rlo: number;
  rhi: number;
}

/** Tick labels placed at their position on a legend bar (fractions 0..1 of its width). */
const ticksHtml = (ticks: Array<[number, string]>) =>
  `<div class="legend-ticks">${ticks
    .map(
      ([f, x]) =>
        `<span class="${f >= 0.99 ? 'end' : f <= 0.01 ? 'start' : ''}" style="left:${(f * 100).toFixed(1)}%">${x}</span>`,
    )
    .join('')}</div>`;

/** The unit shown under a legend: "%" for shares, the unit's label otherwise. */
const unitLine = (unit: string) => {
  const u = isShare(unit) ? '%' : unitText(unit);
  return u ? `<div class="legend-unit">${t().legendUnit}: ${u}</div>` : '';
};

/**
 * The legend of what the map shows at the cursor: title (target or metric), unit, the scale with ticks (progress
 * from the period's start to the threshold and the "reached" colour, or A − B with its neutral band), the roads'
 * and the greenhouses' scales when they are coloured.
 */
function renderLegend(app: AppState, L: LegendSpec): void {
  const a = app.a!,
    td = L.target,
    month = periodText(app.month);
  const parts: string[] = [];
  const title = td ? targetTitle(td) : titleOf(app, L.metric);
  const sub = td && L.metric ? `${titleOf(app, L.metric)} · ` : '';
  parts.push(`<h3 class="legend-title">${title}${app.b && L.metric ? ` (A − B)` : ''}</h3>`);
  if (td && !L.metric) {
    // A city-wide target: its value at the cursor instead of a district scale.
    const v = a.ix.at(td.metric, td.entity, app.month),
      vb = app.b?.ix.at(td.metric, td.entity, app.month);
    parts.push(
      `<div class="legend-sub">${titleOf(app, td.metric)} · ${month}</div>`,
      `<div class="legend-value"><b>${fmtUnit(v?.p50, td.unit)}</b>${vb && v ? ` <span>(A − B ${fmtDiff(v.p50 - vb.p50, td.unit)})</span>` : ''} · ${t().targetLine} ${comparatorText(td.comparator)} ${fmtUnit(td.threshold, td.unit)}</div>`,
      `<div class="legend-note">${t().legendCityOnly}</div>`,
    );
  } else if (L.metric && app.b) {
    const { scale, band } = L.dScale;
    parts.push(
      `<div class="legend-sub">${sub}${month}</div>`,
      `<div class="legend-bar" data-scale="diff" style="background: linear-gradient(90deg, ${diffGradient(scale, band)})"></div>`,
      ticksHtml([
        [0, fmtDiff(-scale, L.unit)],
        [0.5, '0'],
        [1, fmtDiff(scale, L.unit)],
      ]),
      `<div class="legend-ends"><span>← ${t().legendBHigher}</span><span>${t().legendAHigher} →</span></div>`,
      `<div class="legend-note">${t().legendNeutralBelow} ${fmtDiff(band, L.unit).replace(/^[+±]/, '')}</div>`,
    );
  } else if (L.metric) {
    const s = L.pScale;
    const hasThr = s.threshold !== null;
    // The ramp takes 80 % of the bar; the last 20 % is the "reached" colour when the scale is a target's.
    const w = hasThr ? 0.8 : 1;
    const stops = progressGradient()
      .split(/,(?![^(]*\))/)
      .map((stop) => stop.replace(/([\d.]+)%$/, (_m, p: string) => `${(Number(p) * w).toFixed(1)}%`));
    if (hasThr) stops.push(`${css(REACHED)} ${w * 100}%`, `${css(REACHED)} 100%`);
    const mid = (s.from + s.to) / 2;
    parts.push(
      `<div class="legend-sub">${sub}${month}${hasThr ? ` · ${t().targetLine} ${comparatorText(s.comparator)} ${fmtUnit(s.threshold, L.unit)}` : ''}</div>`,
      `<div class="legend-bar" data-scale="progress" style="background: linear-gradient(90deg, ${stops.join(',')})"></div>`,
      ticksHtml([
        [0, fmt(s.from, L.unit)],
        [w / 2, fmt(mid, L.unit)],
        [w, fmt(s.to, L.unit)],
      ]),
      hasThr
        ? `<div class="legend-reached"><i style="background:${css(REACHED)}"></i>${t().legendReached} (${comparatorText(s.comparator)} ${fmtUnit(s.threshold, L.unit)})</div>`
        : '',
      unitLine(L.unit),
    );
  }
  if (L.roadsOn) {
    const rm = app.roadMetric,
      ru = unitOf(app, rm);
    parts.push(`<h3 class="legend-title roads">${titleOf(app, rm)}${app.b ? ' (A − B)' : ''}</h3>`);
    if (app.b)
      parts.push(
        `<div class="legend-bar" data-scale="diff" style="background: linear-gradient(90deg, ${diffGradient(L.rScale.scale, L.rScale.band)})"></div>`,
        ticksHtml([
          [0, fmtDiff(-L.rScale.scale, ru)],
          [0.5, '0'],
          [1, fmtDiff(L.rScale.scale, ru)],
        ]),
      );
    else if (L.isVc)
      parts.push(
        `<div class="legend-bar" style="background: linear-gradient(90deg, ${[0, 0.4, 0.8, 1.2].map((v) => css(vcColour(v))).join(',')})"></div>`,
        ticksHtml([
          [0, '0'],
          [1 / 3, '0.4'],
          [2 / 3, '0.8'],
          [1, '≥ 1.2'],
        ]),
      );
    else
      parts.push(
        `<div class="legend-bar" style="background: linear-gradient(90deg, ${[1.2, 0.6, 0].map((v) => css(vcColour(v))).join(',')})"></div>`,
        ticksHtml([
          [0, fmt(L.rlo, ru)],
          [1, fmt(L.rhi, ru)],
        ]),
        unitLine(ru),
      );
  }
  if (td?.model === 'greenhouse' && app.show.greenhouse)
    parts.push(
      `<h3 class="legend-title sites">${t().yieldVsExpected}</h3>`,
      `<div class="legend-bar" style="background: linear-gradient(90deg, ${[0.75, 1, 1.25].map((r) => css(yieldRatioColour(r))).join(',')})"></div>`,
      ticksHtml([
        [0, '≤ 75%'],
        [0.5, '100%'],
        [1, '≥ 125%'],
      ]),
    );
  $('legend-card').innerHTML = parts.join('');
}

/**
 * The districts' values of the month as text (visually hidden, read by screen readers): each item names the
 * district, the value (or A−B difference) and carries the colour it has on the globe in `data-colour`.
 */
function renderDistrictList(app: AppState, dm: string): void {
  const a = app.a!,
    b = app.b,
    u = unitOf(app, dm);
  const items = [...app.layers.districtCss].map(([code, colour]) => {
    const va = dm ? a.ix.at(dm, code, app.month) : undefined;
    const vb = dm && b ? b.ix.at(dm, code, app.month) : undefined;
    const text = b ? (va && vb ? `${fmtDiff(va.p50 - vb.p50, u)} (A−B)` : '—') : fmtUnit(va?.p50, u);
    const li = document.createElement('li');
    li.dataset.code = code;
    li.dataset.colour = colour;
    li.textContent = `${districtName(app, code) ?? code}: ${text}`;
    return li;
  });
  const list = $('district-values');
  list.dataset.metric = dm;
  list.setAttribute('aria-label', `${dm ? titleOf(app, dm) : '—'} · ${periodText(app.month)}`);
  list.replaceChildren(...items);
}

/** Risk order of the statuses in the KPI strip. */
const KPI_STATUSES = ['met', 'at-risk', 'missed'] as const;

/**
 * The headline targets of the KPI strip: per model family, the city-wide target with the latest deadline (the
 * plan's end state of that family), in the order rollout, clouds, traffic, greenhouse.
 */
function headlineTargets(app: AppState): TargetDef[] {
  const ts = app.a?.bundle.targets ?? [];
  return ['rollout', 'clouds', 'traffic', 'greenhouse'].flatMap((model) => {
    const c = ts.filter((x) => x.model === model && x.scope === 'city');
    const best = c.reduce<TargetDef | undefined>((m, x) => (!m || x.deadline > m.deadline ? x : m), undefined);
    return best ? [best] : [];
  });
}

/**
 * The presentation's headline strip across the top: targets met / at risk / missed, and the headline targets'
 * values at the month under the cursor with their thresholds (created on first use; shown only when presenting).
 */
export function renderKpiStrip(app: AppState): void {
  const a = app.a;
  if (!a) return;
  let strip = document.getElementById('kpi-strip');
  if (!strip) {
    strip = document.createElement('section');
    strip.id = 'kpi-strip';
    $('present-bar').after(strip);
  }
  strip.setAttribute('aria-label', t().kpiStrip);
  const statusText: Record<string, string> = {
    met: t().statusMet,
    'at-risk': t().statusAtRisk,
    missed: t().statusMissed,
  };
  const count = (st: string) =>
    a.bundle.targets.filter(
      (td) => (a.bundle.evaluations.find((e) => e.targetId === td.id)?.status ?? 'no-data') === st,
    ).length;
  const counts = KPI_STATUSES.map(
    (st) =>
      `<div class="kpi count" data-status="${st}" style="--status:${STATUS_COLOUR[st]}"><b>${count(st)}</b><span>${statusText[st]}</span></div>`,
  );
  const figures = headlineTargets(app).flatMap((td) => {
    const v = a.ix.at(td.metric, td.entity, app.month);
    if (!v) return [];
    const met = td.comparator === '<=' ? v.p50 <= td.threshold : v.p50 >= td.threshold;
    return [
      `<div class="kpi figure${met ? ' reached' : ''}" data-target-id="${td.id}" title="${targetTitle(td)}"><span class="kpi-label">${targetTitle(td)}</span><span class="kpi-line"><b>${fmtUnit(v.p50, td.unit)}</b><span class="kpi-sub">${t().targetLine} ${comparatorText(td.comparator)} ${fmtUnit(td.threshold, td.unit)} · ${periodText(td.deadline.slice(0, 7))}</span></span></div>`,
    ];
  });
  strip.innerHTML = `${counts.join('')}<span class="kpi-month">${periodText(app.month)}</span>${figures.join('')}`;
}
