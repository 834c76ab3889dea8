/**
 * Vehicle replay with the interpolation on the GPU (the deck.gl TripsLayer idea, in Cesium's public Primitive /
 * Appearance / Material API): one point vertex per link traversal carries its start position, the vector to the
 * link's end, and its enter / queue / exit times; the vertex shader places it for the current time uniform and
 * hides it outside its traversal. Traversals are grouped in time slices by entry time (one Primitive each, shown
 * only while it can hold a vehicle on the road), so a frame shades the traversals near now rather than the whole
 * peak. JavaScript per frame: one uniform write and a show flag per slice — independent of the vehicle count.
 * Same inputs and semantics as VehicleReplay (replay.ts); positions are the same straight-line interpolation.
 */
import {
  BoundingSphere,
  Cartesian3,
  ComponentDatatype,
  Geometry,
  GeometryAttribute,
  GeometryInstance,
  Material,
  Primitive,
  PrimitiveType,
  Appearance,
  BlendingState,
  type Viewer,
} from 'cesium';
import type { GeoRoad } from '../geo.ts';
import type { Trajectories } from './replay.ts';

const VS = `
in vec3 position3DHigh;
in vec3 position3DLow;
in vec3 delta;
in vec4 timing;
in float batchId;
uniform float simTime_0;
void main() {
  vec4 p = czm_computePosition();
  float t = simTime_0;
  if (t < timing.x || t > timing.y) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0); // outside the clip volume: not drawn
    gl_PointSize = 0.0;
    return;
  }
  float f;
  if (timing.z >= 0.0) {
    f = t < timing.z ? (t - timing.x) / max(timing.z - timing.x, 1e-3) * timing.w
                     : timing.w + (t - timing.z) / max(timing.y - timing.z, 1e-3) * (1.0 - timing.w);
  } else {
    f = (t - timing.x) / max(timing.y - timing.x, 1e-3);
  }
  p.xyz += f * delta;
  gl_Position = czm_modelViewProjectionRelativeToEye * p;
  gl_PointSize = 4.0 * czm_pixelRatio;
}
`;

const FS = `
void main() {
  vec2 c = gl_PointCoord - vec2(0.5);
  if (dot(c, c) > 0.25) discard;
  czm_materialInput m;
  czm_material mat = czm_getMaterial(m);
  out_FragColor = vec4(mat.diffuse, 1.0);
}
`;

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * @example const r = new GpuVehicleReplay(viewer, roads, traj); r.update(7.5 * 3600);
 */
export class GpuVehicleReplay {
  readonly traj: Trajectories;
  readonly count: number;
  lastUpdateMs = 0;
  active = 0;
  /** Points written by JavaScript at the last update: none (the GPU places them). */
  written = 0;
  minMoveM = 0;
  /** Time slices (one Primitive each) and how many were drawn at the last update. */
  readonly slices: number;
  slicesShown = 0;
  private viewer: Viewer;
  private chunks: Array<{ primitive: Primitive; fromSec: number; toSec: number }> = [];
  private material: Material;
  private t0: number;
  private enterSorted: Float64Array;
  private exitSorted: Float64Array;

  /**
   * Traversals are grouped by entry time into slices of `sliceS` seconds, one Primitive each, shown only while the
   * current time lies between the slice's first entry and last exit: a frame shades the traversals near now, not
   * the whole peak (100,000 vehicles are over a million traversals; software GL shades every vertex it is given).
   */
  constructor(viewer: Viewer, roads: GeoRoad[], traj: Trajectories, colour = '#ffe27a', sliceS = 120) {
    this.viewer = viewer;
    this.traj = traj;
    this.count = traj.offsets.length - 1;
    const n = traj.link.length;
    this.t0 = traj.startSec;
    // Counting sort of the traversals by slice of entry time (stable, O(n)).
    const sliceOf = (i: number) => Math.max(0, Math.floor((traj.enterSec[i]! - this.t0) / sliceS));
    let k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, sliceOf(i) + 1);
    const counts = new Uint32Array(k + 1);
    for (let i = 0; i < n; i++) counts[sliceOf(i) + 1]!++;
    for (let j = 0; j < k; j++) counts[j + 1]! += counts[j]!;
    const order = new Uint32Array(n);
    const fill = counts.slice(0, k);
    for (let i = 0; i < n; i++) order[fill[sliceOf(i)]!++] = i;
    this.material = new Material({
      fabric: {
        uniforms: { simTime: 0, colour: Cartesian3.fromElements(0, 0, 0) },
        source:
          'czm_material czm_getMaterial(czm_materialInput m) { czm_material mat = czm_getDefaultMaterial(m); mat.diffuse = colour; mat.alpha = 1.0 + 0.0 * simTime; return mat; }',
      },
    });
    const c = /^#?([0-9a-f]{6})$/i.exec(colour)?.[1] ?? 'ffe27a';
    this.material.uniforms.colour = new Cartesian3(
      parseInt(c.slice(0, 2), 16) / 255,
      parseInt(c.slice(2, 4), 16) / 255,
      parseInt(c.slice(4, 6), 16) / 255,
    );
    const ends = roads.map((r) => [
      Cartesian3.fromDegrees(r.coords[0], r.coords[1], 150),
      Cartesian3.fromDegrees(r.coords[2], r.coords[3], 150),
    ]);
    for (let j = 0; j < k; j++) {
      const lo = counts[j]!,
        hi = counts[j + 1]!;
      if (hi > lo) this.chunks.push(this.buildChunk(order.subarray(lo, hi), ends, traj));
    }
    this.slices = this.chunks.length;
    this.enterSorted = Float64Array.from(traj.enterSec).sort();
    this.exitSorted = Float64Array.from(traj.exitSec).sort();
  }

  private buildChunk(
    rows: Uint32Array,
    ends: Cartesian3[][],
    traj: Trajectories,
  ): { primitive: Primitive; fromSec: number; toSec: number } {
    const m = rows.length;
    const start = new Float64Array(m * 3),
      delta = new Float32Array(m * 3),
      timing = new Float32Array(m * 4);
    const b = new Cartesian3();
    let fromSec = Infinity,
      toSec = -Infinity;
    for (let r = 0; r < m; r++) {
      const i = rows[r]!;
      const [p0, p1] = ends[traj.link[i]!]!;
      Cartesian3.subtract(p1!, p0!, b);
      start[r * 3] = p0!.x;
      start[r * 3 + 1] = p0!.y;
      start[r * 3 + 2] = p0!.z;
      delta[r * 3] = b.x;
      delta[r * 3 + 1] = b.y;
      delta[r * 3 + 2] = b.z;
      // Times relative to the window start keep float32 precision (ms over a 3-hour peak).
      const q = traj.queueSec[i]!;
      timing[r * 4] = traj.enterSec[i]! - this.t0;
      timing[r * 4 + 1] = traj.exitSec[i]! - this.t0;
      timing[r * 4 + 2] = q === q ? q - this.t0 : -1;
      timing[r * 4 + 3] = q === q ? traj.queueFrac[i]! : 0;
      fromSec = Math.min(fromSec, traj.enterSec[i]!);
      toSec = Math.max(toSec, traj.exitSec[i]!);
    }
    const geometry = new Geometry({
      attributes: {
        position: new GeometryAttribute({
          componentDatatype: ComponentDatatype.DOUBLE,
          componentsPerAttribute: 3,
          values: start,
        }),
        delta: new GeometryAttribute({
          componentDatatype: ComponentDatatype.FLOAT,
          componentsPerAttribute: 3,
          values: delta,
        }),
        timing: new GeometryAttribute({
          componentDatatype: ComponentDatatype.FLOAT,
          componentsPerAttribute: 4,
          values: timing,
        }),
      } as never,
      primitiveType: PrimitiveType.POINTS,
      // fromVertices only indexes its argument: the typed array avoids a JS array copy of every coordinate.
      boundingSphere: BoundingSphere.fromVertices(start as unknown as number[]),
    });
    const primitive = this.viewer.scene.primitives.add(
      new Primitive({
        geometryInstances: new GeometryInstance({ geometry }),
        appearance: new Appearance({
          material: this.material,
          vertexShaderSource: VS,
          fragmentShaderSource: FS,
          // Drawn in the translucent pass, like Cesium's own point collections, so district fills do not tint them.
          renderState: { depthTest: { enabled: true }, depthMask: false, blending: BlendingState.ALPHA_BLEND },
          translucent: true,
        }),
        asynchronous: false,
        compressVertices: false,
        vertexCacheOptimize: false,
        interleave: false,
        allowPicking: false,
        releaseGeometryInstances: true,
        show: false,
      }),
    ) as Primitive;
    return { primitive, fromSec, toSec };
  }

  update(tSec: number): void {
    const t0 = performance.now();
    this.material.uniforms.simTime = tSec - this.t0;
    let shown = 0;
    for (const ch of this.chunks) {
      const on = this.visible && tSec >= ch.fromSec && tSec <= ch.toSec;
      ch.primitive.show = on;
      if (on) shown++;
    }
    this.slicesShown = shown;
    // Vehicles on the network = traversals entered minus traversals left (a vehicle's traversals never overlap).
    this.active = lowerBound(this.enterSorted, tSec + 1e-9) - lowerBound(this.exitSorted, tSec);
    this.lastUpdateMs = performance.now() - t0;
    this.viewer.scene.requestRender();
  }

  private visible = true;

  setVisible(on: boolean): void {
    this.visible = on;
    if (!on) for (const ch of this.chunks) ch.primitive.show = false;
    this.viewer.scene.requestRender();
  }

  destroy(): void {
    for (const ch of this.chunks) this.viewer.scene.primitives.remove(ch.primitive);
  }
}
