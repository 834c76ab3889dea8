/**
 * The static texts in the current language (elements with `data-t`), the layer check boxes, and a full redraw
 * (run at start and on every language change).
 */
import { lang, t } from '../i18n/index.ts';
import { fillSelects, renderMonth } from './mapview.ts';
import { renderTargets } from './targets.ts';
import { renderYearButtons, updatePlayLabel } from './timeline.ts';
import { $, type AppState, type LayerSwitches } from './state.ts';

/** Writes every text in the current language and redraws the panels. */
export function applyTexts(app: AppState): void {
  const s = t() as Record<string, string>;
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) {
    const k = el.dataset.t!;
    el.textContent = s[k] ?? k;
  }
  updatePlayLabel(app);
  $('app-title').textContent = t().appTitle;
  document.title = t().appTitle;
  renderLayerToggles(app);
  $('lean-btn').classList.toggle('active', app.lean);
  app.layers.setDistrictNames((d) => (lang() === 'zh-CN' ? d.name : d.nameEn));
  renderYearButtons(app);
  fillSelects(app);
  if (app.a) {
    renderTargets(app);
    renderMonth(app);
  }
}

function renderLayerToggles(app: AppState): void {
  const lt = $('layer-toggles');
  lt.innerHTML = '';
  const labels: Record<keyof LayerSwitches, string> = {
    rollout: t().layerRollout,
    clouds: t().layerClouds,
    traffic: t().layerTraffic,
    greenhouse: t().layerGreenhouse,
  };
  for (const k of Object.keys(labels) as Array<keyof LayerSwitches>) {
    const l = document.createElement('label');
    l.innerHTML = `<input type="checkbox" data-layer="${k}" ${app.show[k] ? 'checked' : ''}> ${labels[k]}`;
    lt.appendChild(l);
  }
  lt.querySelectorAll<HTMLInputElement>('input').forEach((i) =>
    i.addEventListener('change', () => {
      app.show[i.dataset.layer as keyof LayerSwitches] = i.checked;
      app.layers.setVisible('roads', app.show.traffic);
      app.layers.setVisible('sites', app.show.greenhouse || app.show.clouds);
      renderMonth(app);
    }),
  );
}
