/**
 * Peak-hour vehicle replay: thousands of vehicles as one PointPrimitiveCollection, moved every frame from typed
 * arrays (no per-vehicle objects, no allocation in the loop).
 *
 * Trajectory format (what the dynamic traffic model's `replay` artifact is read as; see viewer/README.md):
 * a vehicle is a sequence of link traversals (link, enter time, exit time, and optionally the time and position
 * where it joined the queue); inside a link it moves linearly between those space–time points (the mesoscopic
 * model knows entry, queue and exit, not lanes), drawn along the straight line between the link's end nodes.
 */
import { Cartesian3, Color, PointPrimitiveCollection, type PointPrimitive, type Viewer } from 'cesium';
import { numArray } from './data.ts';
import { isHiddenClass } from './network.ts';
import type { GeoRoad } from '../geo.ts';

/** Columnar trajectories: vehicle v's traversals are rows offsets[v] .. offsets[v+1]-1. */
export interface Trajectories {
  /** Seconds after midnight of the replay window. */
  startSec: number;
  endSec: number;
  offsets: Uint32Array;
  /** Index into the road list given to VehicleReplay. */
  link: Uint32Array;
  enterSec: Float64Array;
  exitSec: Float64Array;
  /** Time the vehicle joined the link's queue (NaN: never queued) and that point as a fraction of the link. */
  queueSec: Float64Array;
  queueFrac: Float64Array;
}

/**
 * Reads a `replay` artifact into columnar trajectories. Accepted shapes (typed arrays that crossed JSON as
 * index-keyed objects are accepted too):
 * 1. columnar (models/traffic/dynamic/ltm.ts `Trajectories`): `{ vehicle: number[], link: (string|number)[],
 *    enterSec: number[], exitSec?: number[], queueSec?: number[], queuePosM?: number[], linkIds?: string[] }` (rows
 *    grouped by vehicle, in time order; `t`/`time`/`enter` also accepted for enterSec) — exit defaults to the next
 *    row's enter; when `linkIds` is given, `link` holds indices into it; NaN/null queue values = never queued;
 * 2. per vehicle: `{ vehicles: [{ links: (string|number)[], times|enterSec: number[], exitSec?: number[] }] }`.
 * Link ids may carry the `link:` prefix. Rows on links not in `roads` are skipped, and so are rows on links the map
 * hides (zone connectors, `isHiddenClass`): a vehicle is not drawn while it is on one (issue 18 §9).
 * @example
 * const road = (id) => ({ id, cls: 'arterial', lanes: 2, district: '370303', lengthM: 1000, coords: [118, 36.8, 118.01, 36.8] });
 * const roads = [road('1'), road('2')]; // geo.roads in the viewer
 * // vehicle 0 drives link 1 then 2, vehicle 1 link 2 then 1; link 9 is not on the map and is skipped
 * const artifact = { vehicle: [0, 0, 1, 1, 1], link: ['link:1', 'link:2', '2', '1', '9'], enterSec: [27000, 27060, 27030, 27100, 27150] };
 * const t = readReplayArtifact(artifact, roads);
 * [t.offsets, t.link] // => [Uint32Array.of(0, 2, 4), Uint32Array.of(0, 1, 1, 0)]
 * // a row ends where the vehicle's next row begins
 * [t.enterSec, t.exitSec.subarray(0, 3)] // => [Float64Array.of(27000, 27060, 27030, 27100), Float64Array.of(27060, 27090, 27100)]
 * readReplayArtifact({ vehicle: [0], link: ['9'], enterSec: [0] }, roads) // throws 'replay artifact: no rows on known links'
 */
export function readReplayArtifact(a: unknown, roads: GeoRoad[]): Trajectories {
  const linkIndex = new Map<string, number>();
  roads.forEach((r, i) => {
    if (!isHiddenClass(r.cls) && !(r as { hidden?: boolean }).hidden) linkIndex.set(r.id, i);
  });
  const o = (a ?? {}) as Record<string, unknown>;
  const linkIds = Array.isArray(o.linkIds) ? (o.linkIds as unknown[]).map(String) : null;
  const lk = (x: unknown) => linkIndex.get((linkIds ? (linkIds[Number(x)] ?? '') : String(x)).replace(/^link:/, ''));
  const rows: Row[] = []; // vehicle, link idx, enter, exit, queue time, queue fraction
  if (Array.isArray(o.vehicles)) {
    (o.vehicles as Array<Record<string, unknown>>).forEach((v, vi) => {
      const links = Array.isArray(v.links) ? v.links : numArray(v.links);
      const enter = numArray(v.enterSec ?? v.times ?? v.t);
      const exit = numArray(v.exitSec ?? []);
      for (let i = 0; i < links.length; i++) {
        const li = lk(links[i]);
        const ex = exit[i] ?? enter[i + 1] ?? enter[i] + 30;
        if (li !== undefined) rows.push([vi, li, enter[i], ex, NaN, NaN]);
      }
    });
  } else {
    const veh = numArray(o.vehicle ?? o.veh ?? o.vehicleId);
    const links = Array.isArray(o.link) ? (o.link as unknown[]) : numArray(o.link ?? o.linkId);
    const enter = numArray(o.enterSec ?? o.enter ?? o.t ?? o.time);
    const exit = numArray(o.exitSec ?? o.exit ?? []);
    const qSec = numArray(o.queueSec ?? []),
      qPos = numArray(o.queuePosM ?? []);
    for (let i = 0; i < veh.length; i++) {
      const li = lk(links[i]);
      if (li === undefined) continue;
      const ex = exit[i] ?? (veh[i + 1] === veh[i] ? enter[i + 1] : enter[i] + 30);
      const qs = qSec[i],
        qp = qPos[i];
      const queued =
        qs !== null && qp !== null && Number.isFinite(qs) && Number.isFinite(qp) && qs > enter[i] && qs < ex;
      rows.push([
        veh[i],
        li,
        enter[i],
        ex,
        queued ? qs : NaN,
        queued ? Math.min(1, Math.max(0, qp / (roads[li].lengthM || 1))) : NaN,
      ]);
    }
  }
  if (!rows.length)
    throw new Error(
      'replay artifact: no rows on known links (expected columns vehicle/link/enterSec or vehicles[].links/times)',
    );
  rows.sort((x, y) => x[0] - y[0] || x[2] - y[2]);
  return packRows(rows, numArray([o.startSec])[0], numArray([o.endSec])[0]);
}

type Row = [vehicle: number, link: number, enter: number, exit: number, queueSec: number, queueFrac: number];

function packRows(rows: Row[], start?: number, end?: number): Trajectories {
  const vehicles: number[] = [];
  let prev = NaN;
  rows.forEach((r, i) => {
    if (r[0] !== prev) {
      vehicles.push(i);
      prev = r[0];
    }
  });
  const offsets = new Uint32Array(vehicles.length + 1);
  vehicles.forEach((v, i) => {
    offsets[i] = v;
  });
  offsets[vehicles.length] = rows.length;
  const t: Trajectories = {
    startSec: 0,
    endSec: 0,
    offsets,
    link: Uint32Array.from(rows, (r) => r[1]),
    enterSec: Float64Array.from(rows, (r) => r[2]),
    exitSec: Float64Array.from(rows, (r) => Math.max(r[3], r[2] + 1e-3)),
    queueSec: Float64Array.from(rows, (r) => r[4]),
    queueFrac: Float64Array.from(rows, (r) => r[5]),
  };
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    lo = Math.min(lo, t.enterSec[i]);
    hi = Math.max(hi, t.exitSec[i]);
  }
  t.startSec = Number.isFinite(start) ? start! : lo;
  t.endSec = Number.isFinite(end) ? end! : hi;
  return t;
}

/**
 * Synthetic trajectories for the benchmark only (never shown as results): `n` vehicles driving random chains of
 * links from a seeded generator over a one-hour window.
 * @example
 * const road = (id) => ({ id, cls: 'arterial', lanes: 2, district: '370303', lengthM: 1000, coords: [118, 36.8, 118.01, 36.8] });
 * const roads = [road('1'), road('2')]; // geo.roads in the viewer
 * const t = syntheticTrajectories(roads, 3, 1); // the bench uses 20000 vehicles
 * t.offsets.length - 1 // => 3
 * // inside the 7:00–8:00 window, on the given roads only
 * [t.startSec >= 7 * 3600, t.endSec <= 8 * 3600, t.link.every((i) => i < roads.length)] // => [true, true, true]
 * syntheticTrajectories(roads, 3, 1).enterSec // => t.enterSec
 */
export function syntheticTrajectories(roads: GeoRoad[], n: number, seed: number): Trajectories {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  // Written straight into the columns (rows come in vehicle and time order): 100,000 vehicles are 1.2 million rows.
  const per = 12,
    rows = n * per;
  const t: Trajectories = {
    startSec: Infinity,
    endSec: -Infinity,
    offsets: new Uint32Array(n + 1),
    link: new Uint32Array(rows),
    enterSec: new Float64Array(rows),
    exitSec: new Float64Array(rows),
    queueSec: new Float64Array(rows),
    queueFrac: new Float64Array(rows),
  };
  let i = 0;
  for (let v = 0; v < n; v++) {
    t.offsets[v] = i;
    let time = 7 * 3600 + rnd() * 600;
    for (let k = 0; k < per; k++, i++) {
      const li = Math.floor(rnd() * roads.length);
      const dur = 30 + rnd() * 150;
      t.link[i] = li;
      t.enterSec[i] = time;
      t.exitSec[i] = time + dur;
      // Every third traversal ends in a queue over its last 30% (exercises the queue branch of the update).
      t.queueSec[i] = k % 3 === 2 ? time + dur * 0.4 : NaN;
      t.queueFrac[i] = k % 3 === 2 ? 0.7 : NaN;
      if (time < t.startSec) t.startSec = time;
      if (time + dur > t.endSec) t.endSec = time + dur;
      time += dur;
    }
  }
  t.offsets[n] = rows;
  return t;
}

/**
 * The time (s) with the most vehicles on the network, sampled at `samples` points of the window: where a replay
 * should start so that the first view shows the peak.
 * @example
 * const road = (id) => ({ id, cls: 'arterial', lanes: 2, district: '370303', lengthM: 1000, coords: [118, 36.8, 118.01, 36.8] });
 * const roads = [road('1'), road('2')]; // geo.roads in the viewer
 * const t = readReplayArtifact({ vehicle: [0, 0, 1, 1], link: ['1', '2', '2', '1'], enterSec: [27000, 27060, 27030, 27100] }, roads);
 * // of the sample times 27000, 27032.5, 27065 and 27097.5, the second sees both vehicles on the road
 * busiestSec(t, 4) // => 27032.5
 */
export function busiestSec(t: Trajectories, samples = 24): number {
  let best = t.startSec,
    bestN = -1;
  for (let k = 0; k < samples; k++) {
    const s = t.startSec + ((t.endSec - t.startSec) * k) / samples;
    let n = 0;
    for (let i = 0; i < t.enterSec.length; i++) if (t.enterSec[i] <= s && t.exitSec[i] >= s) n++;
    if (n > bestN) {
      bestN = n;
      best = s;
    }
  }
  return best;
}

/**
 * Moves one point per vehicle along its trajectory at simulated time `tSec` (seconds after midnight).
 * JS cost is measured per update in `lastUpdateMs` (the bench reads it).
 * @example const r = new VehicleReplay(viewer, roads, traj); r.update(7.5 * 3600);
 */
export class VehicleReplay {
  readonly traj: Trajectories;
  readonly count: number;
  lastUpdateMs = 0;
  private viewer: Viewer;
  private points = new PointPrimitiveCollection();
  private prims: PointPrimitive[] = [];
  /** Link end points in ECEF metres: x0,y0,z0,x1,y1,z1 per link (a chord: under 0.1 m off the ellipsoid for 2 km links). */
  private ends: Float64Array;
  private cursor: Uint32Array;
  /** 1 while a vehicle's point is shown (a typed array read is cheaper than the PointPrimitive's show getter). */
  private shown: Uint8Array;
  /** Position last written to each point (ECEF m), to skip moves too small to see. */
  private last: Float64Array;
  /**
   * Moves shorter than this (m) are not written to the point: set it to about half a screen pixel's ground size so
   * that invisible sub-pixel moves cost no Cesium work (0 = write every vehicle every frame).
   */
  minMoveM = 0;
  /** Points written at the last update. */
  written = 0;
  private lastT = -Infinity;
  private scratch = new Cartesian3();

  constructor(viewer: Viewer, roads: GeoRoad[], traj: Trajectories, colour = '#ffe27a') {
    this.viewer = viewer;
    this.traj = traj;
    this.count = traj.offsets.length - 1;
    this.ends = new Float64Array(roads.length * 6);
    const c = new Cartesian3();
    roads.forEach((r, i) => {
      Cartesian3.fromDegrees(r.coords[0], r.coords[1], 150, undefined, c);
      this.ends[i * 6] = c.x;
      this.ends[i * 6 + 1] = c.y;
      this.ends[i * 6 + 2] = c.z;
      Cartesian3.fromDegrees(r.coords[2], r.coords[3], 150, undefined, c);
      this.ends[i * 6 + 3] = c.x;
      this.ends[i * 6 + 4] = c.y;
      this.ends[i * 6 + 5] = c.z;
    });
    const col = Color.fromCssColorString(colour);
    for (let v = 0; v < this.count; v++) {
      this.prims.push(this.points.add({ position: Cartesian3.ZERO, pixelSize: 4, color: col, show: false }));
    }
    this.cursor = new Uint32Array(this.count);
    this.shown = new Uint8Array(this.count);
    this.last = new Float64Array(this.count * 3);
    this.cursor.set(traj.offsets.subarray(0, this.count));
    viewer.scene.primitives.add(this.points);
  }

  /** Number of vehicles on the network at the last update. */
  active = 0;

  update(tSec: number): void {
    const t0 = performance.now();
    const { offsets, link, enterSec, exitSec, queueSec, queueFrac } = this.traj;
    const ends = this.ends,
      cur = this.cursor,
      sc = this.scratch,
      prims = this.prims,
      shown = this.shown,
      last = this.last;
    const min2 = this.minMoveM * this.minMoveM;
    let written = 0;
    if (tSec < this.lastT) cur.set(offsets.subarray(0, this.count)); // time went back: restart the cursors
    this.lastT = tSec;
    let active = 0;
    for (let v = 0; v < this.count; v++) {
      const end = offsets[v + 1];
      let i = cur[v];
      while (i < end && exitSec[i] < tSec) i++;
      cur[v] = i;
      if (i >= end || enterSec[i] > tSec) {
        if (shown[v]) {
          prims[v].show = false;
          shown[v] = 0;
        }
        continue;
      }
      // Free run to the queue's tail, then the queue's slow crawl to the stop line (or one straight run).
      const qs = queueSec[i];
      const f =
        qs === qs
          ? tSec < qs
            ? ((tSec - enterSec[i]) / (qs - enterSec[i])) * queueFrac[i]
            : queueFrac[i] + ((tSec - qs) / (exitSec[i] - qs)) * (1 - queueFrac[i])
          : (tSec - enterSec[i]) / (exitSec[i] - enterSec[i]);
      const k = link[i] * 6;
      const x = ends[k] + f * (ends[k + 3] - ends[k]);
      const y = ends[k + 1] + f * (ends[k + 4] - ends[k + 1]);
      const z = ends[k + 2] + f * (ends[k + 5] - ends[k + 2]);
      active++;
      const j = v * 3;
      const dx = x - last[j],
        dy = y - last[j + 1],
        dz = z - last[j + 2];
      if (shown[v] && dx * dx + dy * dy + dz * dz < min2) continue;
      last[j] = x;
      last[j + 1] = y;
      last[j + 2] = z;
      sc.x = x;
      sc.y = y;
      sc.z = z;
      written++;
      const p = prims[v];
      p.position = sc; // copies into the primitive's own Cartesian3
      if (!shown[v]) {
        p.show = true;
        shown[v] = 1;
      }
    }
    this.active = active;
    this.written = written;
    this.lastUpdateMs = performance.now() - t0;
    this.viewer.scene.requestRender();
  }

  setVisible(on: boolean): void {
    this.points.show = on;
    this.viewer.scene.requestRender();
  }

  destroy(): void {
    this.viewer.scene.primitives.remove(this.points);
  }
}
