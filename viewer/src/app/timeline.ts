/**
 * The timeline: the Cesium clock runs over the plan period; the viewer redraws when the month under the cursor
 * changes. Play/pause, jump-to-year buttons, speed.
 */
import { JulianDate } from 'cesium';
import { t } from '../i18n/index.ts';
import { midMonth, monthOf } from '../globe.ts';
import { renderMonth } from './mapview.ts';
import { $, type AppState } from './state.ts';

/** Moves the clock to the middle of a month and redraws. @example setMonth(app, '2019-12') */
export function setMonth(app: AppState, ym: string): void {
  app.viewer.clock.currentTime = midMonth(ym);
  onClockMonth(app, true);
}

/** Called on every clock tick: redraws only when the month changed (or when forced). */
export function onClockMonth(app: AppState, force = false): void {
  const c = app.viewer.clock;
  // At the end of the plan period the clock clamps: stop and show "Play" again.
  if (c.shouldAnimate && JulianDate.greaterThanOrEquals(c.currentTime, c.stopTime)) {
    c.shouldAnimate = false;
    updatePlayLabel(app);
  }
  const m = monthOf(c.currentTime);
  if (m === app.month && !force) return;
  app.month = m;
  renderMonth(app);
}

/** The play button says "Pause" while the clock runs. */
export function updatePlayLabel(app: AppState): void {
  $('play-btn').textContent = app.viewer.clock.shouldAnimate ? t().pause : t().play;
}

/** Starts or pauses the clock (from the start again when it stands at the end). */
export function togglePlay(app: AppState): void {
  const c = app.viewer.clock;
  if (!c.shouldAnimate && JulianDate.greaterThanOrEquals(c.currentTime, c.stopTime))
    c.currentTime = c.startTime.clone();
  c.shouldAnimate = !c.shouldAnimate;
  updatePlayLabel(app);
}

/** One jump-to-December button per year of the clock's range (the plan period). */
export function renderYearButtons(app: AppState): void {
  const c = app.viewer.clock;
  const first = Number(monthOf(c.startTime).slice(0, 4)),
    last = Number(monthOf(c.stopTime).slice(0, 4));
  const yb = $('year-buttons');
  yb.innerHTML = '';
  for (let y = first; y <= last; y++) {
    const b = document.createElement('button');
    b.textContent = String(y);
    b.dataset.year = String(y);
    b.classList.toggle('active', app.month.startsWith(String(y)));
    b.addEventListener('click', () => setMonth(app, `${y}-12`));
    yb.appendChild(b);
  }
}
