/**
 * Where the camera goes for a model or a target's scope: a district, the model's sites, the city centre for traffic.
 */
import { flyHome, flyToPoint } from '../globe.ts';
import { isCloud, isGreenhouse } from '../layers.ts';
import type { AppState } from './state.ts';

/** Zhangdian, the central district: where the traffic view looks (the densest part of the road network). */
const CENTRAL_DISTRICT = '370303';

/** Flies to a target's scope (a district code) or, for the city, to what the model concerns. @example flyToConcern(app, 'clouds', 'city') */
export function flyToConcern(app: AppState, model: string, scope: string): void {
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
    const zd = app.geo.districts.find((x) => x.code === CENTRAL_DISTRICT);
    if (zd) return flyToPoint(app.viewer, zd.label[0], zd.label[1], 35_000);
  }
  flyHome(app.viewer);
}
