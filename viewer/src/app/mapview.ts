/**
 * What the month under the timeline cursor shows: district and road colours (or A−B differences in compare mode),
 * the sites, the rollout and cloud cards, the legend, the metric selects, and a text list of the districts' values
 * for screen readers (the globe itself is a canvas).
 */
import { entityName, t } from '../i18n/index.ts';
import { isCloud, isGreenhouse } from '../layers.ts';
import { css, diffColour, normalise, shareColour, vcColour } from '../colours.ts';
import { redrawChart } from './chart.ts';
import { openRackHall, rackState } from './drill.ts';
import {
  districtName,
  fmt,
  fmtDiff,
  fmtUnit,
  isShare,
  longTitleOf,
  periodText,
  runLabel,
  siteName,
  titleOf,
  unitOf,
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
    app.districtMetric = dMetrics.includes(METRIC_ROLE.districtDefault)
      ? METRIC_ROLE.districtDefault
      : (dMetrics[0] ?? '');
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
  // Districts.
  const dm = app.districtMetric,
    dUnit = unitOf(app, dm);
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
  const isVc = METRIC_PATTERN.roadVc.test(rm);
  const rAll = rm ? a.ix.where(rm, (e) => e.startsWith('link:')).flatMap((s) => s.p50) : [];
  const rlo = Math.min(...rAll),
    rhi = Math.max(...rAll);
  const roadColour = (id: string): [number, number, number] | null => {
    if (!app.show.traffic || !rm) return null;
    const va = a.ix.at(rm, `link:${id}`, ym);
    if (!va) return null;
    if (b) {
      const vb = b.ix.at(rm, `link:${id}`, ym);
      return vb ? diffColour(isVc ? vb.p50 - va.p50 : va.p50 - vb.p50, (rhi - rlo) / 3 || 1) : null;
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
        ratio === null || !app.show.greenhouse
          ? [155, 225, 93]
          : vcColour(1.2 * Math.min(1, Math.max(0, 1.25 - ratio) * 2)),
        `${siteName(s)}${v ? ` ${v.p50.toFixed(1)} kg/m²` : ''}`,
      );
    } else if (isCloud(s)) {
      const v = a.ix.at(METRIC_ROLE.cloudMigrated, 'city', ym);
      app.layers.styleSite(s.id, null, `${t().cloudCentre}${v ? ` · ${t().migrated} ${fmt(v.p50, 'share')}` : ''}`);
    }
  }
  renderCards(app);
  renderLegend(app);
  renderDistrictList(app);
  redrawChart(app);
  if (app.drill?.kind === 'rack') app.drill.update?.(rackState(app));
  app.viewer.scene.requestRender();
}

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

function renderLegend(app: AppState): void {
  const stops = app.b
    ? [0, 0.5, 1].map((f) => css(diffColour(2 * f - 1, 1)))
    : [0, 0.25, 0.5, 0.75, 1].map((f) => css(shareColour(f)));
  const dUnit = unitOf(app, app.districtMetric);
  const ticks = app.b
    ? [`B > A`, '0', `A > B`]
    : isShare(dUnit)
      ? ['0%', '50%', '100%']
      : [t().legendMin, '', t().legendMax];
  $('legend-card').innerHTML =
    `<h3>${t().legend}: ${titleOf(app, app.districtMetric)}${app.b ? ` (${t().diff})` : ''}</h3>
    <div class="legend-bar" style="background: linear-gradient(90deg, ${stops.join(',')})"></div>
    <div class="legend-ticks">${ticks.map((x) => `<span>${x}</span>`).join('')}</div>
    ${app.roadMetric ? `<h3>${titleOf(app, app.roadMetric)}</h3><div class="legend-bar" style="background: linear-gradient(90deg, ${[0, 0.4, 0.8, 1.2].map((v) => css(vcColour(v))).join(',')})"></div>` : ''}`;
}

/**
 * The districts' values of the month as text (visually hidden, read by screen readers): each item names the
 * district, the value (or A−B difference) and carries the colour it has on the globe in `data-colour`.
 */
function renderDistrictList(app: AppState): void {
  const a = app.a!,
    b = app.b,
    dm = app.districtMetric,
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
  list.setAttribute('aria-label', `${titleOf(app, dm)} · ${periodText(app.month)}`);
  list.replaceChildren(...items);
}
