/**
 * The three.js drill-downs, loaded on demand: the cloud centre's rack hall (hosts and utilisation of the month) and
 * a greenhouse cross-section replaying the greenhouse model's simulated day (manual vs smart control).
 */
import { entityName, t } from '../i18n/index.ts';
import { readGreenhouseDay } from '../drill/hourly.ts';
import { fmt, periodText } from './format.ts';
import { METRIC_PATTERN } from './metrics.ts';
import { $, type AppState } from './state.ts';

/** Closes the drill-down panel and stops its animation. */
export function closeDrill(app: AppState): void {
  app.drill?.stop();
  app.drill = null;
  $('drill').hidden = true;
  $('drill-canvas').innerHTML = '';
  $('drill-actions').innerHTML = '';
}

function openDrillPanel(app: AppState, title: string): HTMLElement {
  closeDrill(app);
  $('drill').hidden = false;
  $('drill-title').textContent = title;
  $('drill-hud').textContent = t().loading;
  return $('drill-canvas');
}

function cloudMetrics(app: AppState): { hostM?: string; utilM?: string } {
  const ms = app.a!.ix.metrics().filter((m) => METRIC_PATTERN.cloudsCard.test(m));
  return {
    hostM: ms.find((m) => METRIC_PATTERN.cloudHosts.test(m)),
    utilM: ms.find((m) => METRIC_PATTERN.cloudUtilisation.test(m)),
  };
}

/** The rack hall's state for the month (hosts and utilisation per cloud), also written to the HUD. */
export function rackState(app: AppState): {
  hosts: Array<{ cloud: string; hosts: number | null; utilisation: number | null }>;
} {
  const ix = app.a!.ix,
    ym = app.month;
  const { hostM, utilM } = cloudMetrics(app);
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

/** Opens the cloud centre's rack hall, sized for the run's largest P90 host count. */
export async function openRackHall(app: AppState): Promise<void> {
  const host = openDrillPanel(app, `${t().cloudCentre} · ${t().openRackHall}`);
  const { startRackHall } = await import('../drill/rackhall3d.ts');
  const ix = app.a!.ix;
  const { hostM } = cloudMetrics(app);
  const perCloud = hostM ? ix.where(hostM, (e) => e.startsWith('cloud:')) : [];
  const capacity = perCloud.length
    ? Math.max(...perCloud[0].p90.map((_, i) => perCloud.reduce((acc, s) => acc + (s.p90[i] ?? 0), 0)))
    : 240;
  const h = startRackHall(host, app.lean, capacity);
  app.drill = { ...h, update: (s) => h.update(s as Parameters<typeof h.update>[0]), kind: 'rack' };
  h.update(rackState(app));
}

/** Opens the greenhouse cross-section for a site (or the city) with the year's simulated day, smart control first. */
export async function openGreenhouse(app: AppState, entity: string, variant?: string): Promise<void> {
  const host = openDrillPanel(app, `${t().openGreenhouse}${entity !== 'city' ? ` · ${entity}` : ''}`);
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
      b.addEventListener('click', () => void openGreenhouse(app, entity, n));
      actions.appendChild(b);
    }
  const { startGreenhouse } = await import('../drill/greenhouse3d.ts');
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
