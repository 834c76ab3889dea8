/**
 * An imported road network on the map (issue 17): when the shown run's traffic models ran on an imported network
 * (the bundle's `networks` provenance), its roads are fetched from the server (`api/networks/NAME/roads`, or
 * `data/network-NAME.json` in a static export), drawn from their shapes instead of the shipped sketch, coloured by
 * the run's link results, and the vehicle replay runs on them.
 *
 * Level of detail by camera height: far away only the major classes with shapes simplified (Douglas–Peucker) to
 * 150 m, in between secondary roads too at 40 m, close up every road at 5 m. Each level is one Cesium Primitive of
 * polyline instances (one draw call; per-instance colours, so recolouring a month touches a batch table, not
 * thousands of materials), built the first time the camera needs it (in Cesium's workers when it is large).
 */
import {
  ArcType,
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  Credit,
  GeometryInstance,
  PolylineColorAppearance,
  PolylineGeometry,
  Primitive,
  type Viewer,
} from 'cesium';
import type { NetworkRoads, RunBundle } from '../../engine/contract/index.ts';
import type { GeoRoad } from '../geo.ts';
import { roadStyle, type PickId } from './layers.ts';

type Rgb = [number, number, number];

/** A road of an imported network: the sketch's road record plus its shape and drawing rank. */
export interface NetRoad extends GeoRoad {
  /** Shape as flat [lon, lat, lon, lat, ...] (WGS-84 degrees). */
  shape: number[];
  /** Zone connectors and centroid links: used by vehicles, never drawn. */
  hidden: boolean;
  /** 0 motorway/trunk, 1 primary, 2 secondary/tertiary/ramps, 3 everything else. */
  rank: number;
}

/** Links the map never draws (zone connectors): the same rule as the sketch's layer. @example isHiddenClass('connector') // => true */
export function isHiddenClass(cls: string): boolean {
  return /connector|centroid/i.test(cls);
}

/**
 * Drawing rank of a road class: 0 motorway/expressway/trunk, 1 primary/arterial, 2 secondary/tertiary/collector and
 * ramps (`*_link`), 3 the rest.
 * @example roadRank('motorway') // => 0
 * @example roadRank('residential') // => 3
 */
export function roadRank(cls: string): number {
  if (/_link|ramp/i.test(cls)) return 2;
  if (/motorway|express|freeway|trunk|高速|国道/i.test(cls)) return 0;
  if (/primary|arterial|major|主干/i.test(cls)) return 1;
  if (/secondary|tertiary|collector|次/i.test(cls)) return 2;
  return 3;
}

/** Levels of detail, from far to near: shown above `minHeightM`, classes up to `maxRank`, shapes simplified to `tolM`. */
export const NETWORK_LODS: ReadonlyArray<{ minHeightM: number; maxRank: number; tolM: number }> = [
  { minHeightM: 80_000, maxRank: 1, tolM: 150 },
  { minHeightM: 20_000, maxRank: 2, tolM: 40 },
  { minHeightM: 0, maxRank: 3, tolM: 5 },
];

/** Where a planar network (metres, no geographic position) is placed: Zibo's centre. */
const PLANAR_ORIGIN = { lon: 118.05, lat: 36.8 };

/**
 * The roads of a network answer (engine/contract/network.ts) as records the layers and the replay use. A planar
 * network (local x/y metres) is placed with its bounding box centred on Zibo, so it can be looked at on the globe.
 * @example netRoads({ crs: 'wgs84', id: ['7'], cls: [0], classes: ['primary'], lanes: [2], lengthM: [900], hidden: [0], offsets: [0, 2], coords: [118, 36.8, 118.01, 36.8] })[0].coords // => [118, 36.8, 118.01, 36.8]
 */
export function netRoads(n: NetworkRoads): NetRoad[] {
  let toLon = (x: number) => x,
    toLat = (y: number) => y;
  if (n.crs === 'planar') {
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity;
    for (let i = 0; i < n.coords.length; i += 2) {
      x0 = Math.min(x0, n.coords[i]!);
      x1 = Math.max(x1, n.coords[i]!);
      y0 = Math.min(y0, n.coords[i + 1]!);
      y1 = Math.max(y1, n.coords[i + 1]!);
    }
    const cx = (x0 + x1) / 2,
      cy = (y0 + y1) / 2;
    const kx = 111_320 * Math.cos((PLANAR_ORIGIN.lat * Math.PI) / 180);
    toLon = (x) => PLANAR_ORIGIN.lon + (x - cx) / kx;
    toLat = (y) => PLANAR_ORIGIN.lat + (y - cy) / 110_540;
  }
  const out: NetRoad[] = [];
  for (let i = 0; i < n.id.length; i++) {
    const shape: number[] = [];
    for (let p = n.offsets[i]!; p < n.offsets[i + 1]!; p++)
      shape.push(toLon(n.coords[2 * p]!), toLat(n.coords[2 * p + 1]!));
    const cls = n.classes[n.cls[i]!] ?? 'road';
    const k = shape.length;
    out.push({
      id: n.id[i]!,
      cls,
      lanes: n.lanes[i]!,
      district: '',
      lengthM: n.lengthM[i]!,
      coords: [shape[0]!, shape[1]!, shape[k - 2]!, shape[k - 1]!],
      shape,
      hidden: n.hidden[i] === 1 || isHiddenClass(cls),
      rank: roadRank(cls),
    });
  }
  return out;
}

/**
 * Douglas–Peucker simplification of a flat lon/lat line to `tolM` metres (local equirectangular metres): keeps the
 * end points and every point farther than the tolerance from the simplified line.
 * @example simplifyLine([0, 0, 0.0001, 0.00001, 0.001, 0], 50) // => [0, 0, 0.001, 0]
 */
export function simplifyLine(flat: number[], tolM: number): number[] {
  const n = flat.length / 2;
  if (n <= 2) return flat.slice();
  const kx = 111_320 * Math.cos((flat[1]! * Math.PI) / 180),
    ky = 110_540;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack: Array<[number, number]> = [[0, n - 1]];
  const tol2 = tolM * tolM;
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const ax = flat[2 * a]! * kx,
      ay = flat[2 * a + 1]! * ky,
      bx = flat[2 * b]! * kx,
      by = flat[2 * b + 1]! * ky;
    const dx = bx - ax,
      dy = by - ay,
      len2 = dx * dx + dy * dy;
    let worst = -1,
      worstD2 = tol2;
    for (let i = a + 1; i < b; i++) {
      const px = flat[2 * i]! * kx - ax,
        py = flat[2 * i + 1]! * ky - ay;
      const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx,
        ey = py - t * dy;
      const d2 = ex * ex + ey * ey;
      if (d2 > worstD2) {
        worstD2 = d2;
        worst = i;
      }
    }
    if (worst > 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(flat[2 * i]!, flat[2 * i + 1]!);
  return out;
}

/**
 * A line shifted `offM` metres to its right (per vertex, along the mean normal of its two segments): the two
 * directions of a road are two links, drawn side by side like the sketch's.
 */
function shiftRight(flat: number[], offM: number): number[] {
  const n = flat.length / 2;
  const kx = 111_320 * Math.cos((flat[1]! * Math.PI) / 180),
    ky = 110_540;
  const out = new Array<number>(flat.length);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1),
      b = Math.min(n - 1, i + 1);
    const dx = (flat[2 * b]! - flat[2 * a]!) * kx,
      dy = (flat[2 * b + 1]! - flat[2 * a + 1]!) * ky;
    const len = Math.hypot(dx, dy) || 1;
    out[2 * i] = flat[2 * i]! + ((dy / len) * offM) / kx;
    out[2 * i + 1] = flat[2 * i + 1]! + ((-dx / len) * offM) / ky;
  }
  return out;
}

/** The imported network a run's traffic models ran on (its provenance), or null for the sketch / no traffic. */
export function runNetworkName(bundle: RunBundle): string | null {
  const nets = bundle.networks ?? {};
  const fromProvenance = nets['traffic']?.name ?? nets['traffic-dynamic']?.name;
  const sc = bundle.scenario as { traffic?: { network?: unknown } };
  const name = fromProvenance ?? (typeof sc.traffic?.network === 'string' ? sc.traffic.network : null);
  return name && name !== 'zibo-sketch' ? name : null;
}

/**
 * The drawn network: one Primitive per level of detail (built when first needed), the level chosen by the camera's
 * height before each frame, per-link colours kept and applied to every level once it is ready.
 */
export class NetworkLayer {
  readonly roads: NetRoad[];
  readonly name: string;
  /** Level shown at the last frame (index into NETWORK_LODS), -1 before the first. */
  level = -1;
  /** Links drawn per level (built levels only). */
  readonly drawn: number[] = [];
  /** JS time (ms) of the layer's own work at the last frame (choosing the level; the bench reads it). */
  lastFrameMs = 0;
  /** Last colour applied per link id (CSS `rgb(...)` or 'class'), for tests and the legend. */
  readonly roadCss = new Map<string, string>();
  private viewer: Viewer;
  private prims: Array<Primitive | null> = NETWORK_LODS.map(() => null);
  /** Each level's instance ids (Cesium finds per-instance attributes by the id object itself) and their roads. */
  private members: Array<Array<{ pick: PickId; road: NetRoad }>> = NETWORK_LODS.map(() => []);
  /** Colour version applied to each level (a level built later gets the current colours). */
  private applied: number[] = NETWORK_LODS.map(() => -1);
  private colourVersion = 0;
  private colourOf: (id: string) => Rgb | null = () => null;
  private credit: Credit | null = null;
  private removeListeners: Array<() => void> = [];

  constructor(
    viewer: Viewer,
    net: { name: string; attribution?: string; roads: NetRoad[] },
    private visible: () => boolean,
  ) {
    this.viewer = viewer;
    this.name = net.name;
    this.roads = net.roads;
    if (net.attribution) {
      // OSM data must carry its attribution on every map drawn from it (ODbL).
      this.credit = new Credit(net.attribution, true);
      viewer.creditDisplay.addStaticCredit(this.credit);
    }
    this.removeListeners.push(
      viewer.scene.preUpdate.addEventListener(() => this.pickLevel()),
      viewer.scene.postRender.addEventListener(() => this.flushColours()),
    );
    this.pickLevel();
    viewer.scene.requestRender();
  }

  /** The level for the camera's height, built on first use; only that level is shown. */
  private pickLevel(): void {
    const t0 = performance.now();
    const h = this.viewer.camera.positionCartographic.height;
    const lvl = NETWORK_LODS.findIndex((l) => h >= l.minHeightM);
    const on = this.visible();
    if (lvl !== this.level) {
      this.level = lvl;
      if (!this.prims[lvl]) this.prims[lvl] = this.build(lvl);
      this.viewer.scene.requestRender();
    }
    this.prims.forEach((p, i) => {
      if (p) p.show = on && i === lvl;
    });
    this.lastFrameMs = performance.now() - t0;
  }

  private build(lvl: number): Primitive {
    const { maxRank, tolM } = NETWORK_LODS[lvl]!;
    const instances: GeometryInstance[] = [];
    const members = this.members[lvl]!;
    for (const r of this.roads) {
      if (r.hidden || r.rank > maxRank) continue;
      const st = roadStyle(r.cls);
      const line = shiftRight(simplifyLine(r.shape, tolM), 40);
      const pos = new Array<number>((line.length / 2) * 3);
      for (let i = 0, j = 0; i < line.length; i += 2, j += 3) {
        pos[j] = line[i]!;
        pos[j + 1] = line[i + 1]!;
        pos[j + 2] = 120;
      }
      const pick: PickId = { kind: 'link', id: r.id };
      members.push({ pick, road: r });
      instances.push(
        new GeometryInstance({
          id: pick,
          geometry: new PolylineGeometry({
            positions: Cartesian3.fromDegreesArrayHeights(pos),
            width: st.widthPx,
            vertexFormat: PolylineColorAppearance.VERTEX_FORMAT,
            arcType: ArcType.NONE,
          }),
          attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.fromCssColorString(st.colour)) },
        }),
      );
    }
    this.drawn[lvl] = instances.length;
    return this.viewer.scene.primitives.add(
      new Primitive({
        geometryInstances: instances,
        appearance: new PolylineColorAppearance({ translucent: false }),
        // A few thousand links are built at once in the next frame (the far level, which the first view shows); more
        // go to Cesium's workers so that the main thread keeps drawing while they are built.
        asynchronous: instances.length > 5000,
        releaseGeometryInstances: true,
      }),
    ) as Primitive;
  }

  /**
   * Centre of the network's drawn roads and a camera height that shows them whole (at least 8 km): where the
   * traffic view looks on an imported network.
   */
  view(): [number, number, number] {
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity;
    for (const r of this.roads) {
      if (r.hidden) continue;
      for (let i = 0; i < r.shape.length; i += 2) {
        x0 = Math.min(x0, r.shape[i]!);
        x1 = Math.max(x1, r.shape[i]!);
        y0 = Math.min(y0, r.shape[i + 1]!);
        y1 = Math.max(y1, r.shape[i + 1]!);
      }
    }
    if (!Number.isFinite(x0)) return [PLANAR_ORIGIN.lon, PLANAR_ORIGIN.lat, 35_000];
    const cy = (y0 + y1) / 2;
    const extentM = Math.max((x1 - x0) * 111_320 * Math.cos((cy * Math.PI) / 180), (y1 - y0) * 110_540);
    return [(x0 + x1) / 2, cy, Math.max(8_000, extentM * 1.1)];
  }

  /** True once the level for the current camera is built and drawable. */
  get ready(): boolean {
    return this.level >= 0 && !!this.prims[this.level]?.ready;
  }

  /** Recolours the links by id (`null` = the class colour); levels built later get the same colours. */
  colourRoads(colourOf: (id: string) => Rgb | null): void {
    this.colourOf = colourOf;
    this.colourVersion++;
    for (const r of this.roads) {
      if (r.hidden) continue;
      const c = colourOf(r.id);
      this.roadCss.set(r.id, c ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : 'class');
    }
    this.viewer.scene.requestRender();
  }

  /** Per-instance attributes exist only once a level's primitive is ready: colours are applied after a render. */
  private flushColours(): void {
    let changed = false;
    this.prims.forEach((p, lvl) => {
      if (!p?.ready || this.applied[lvl] === this.colourVersion) return;
      const scratch = new Color();
      for (const { pick, road: r } of this.members[lvl]!) {
        const attrs = p.getGeometryInstanceAttributes(pick);
        if (!attrs) continue;
        const c = this.colourOf(r.id);
        const col = c
          ? Color.fromBytes(c[0], c[1], c[2], 255, scratch)
          : Color.fromCssColorString(roadStyle(r.cls).colour, scratch);
        attrs.color = ColorGeometryInstanceAttribute.toValue(col, attrs.color as Uint8Array);
      }
      this.applied[lvl] = this.colourVersion;
      changed = true;
    });
    if (changed) this.viewer.scene.requestRender();
  }

  destroy(): void {
    for (const off of this.removeListeners) off();
    for (const p of this.prims) if (p) this.viewer.scene.primitives.remove(p);
    if (this.credit) this.viewer.creditDisplay.removeStaticCredit(this.credit);
    this.viewer.scene.requestRender();
  }
}
