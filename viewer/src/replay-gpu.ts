/**
 * Vehicle replay with the interpolation on the GPU (the deck.gl TripsLayer idea, in Cesium's public Primitive /
 * Appearance / Material API): one point vertex per link traversal carries its start position, the vector to the
 * link's end, and its enter / queue / exit times; the vertex shader places it for the current time uniform and
 * hides it outside its traversal. JavaScript per frame: one uniform write — independent of the vehicle count.
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
  private viewer: Viewer;
  private primitive: Primitive;
  private material: Material;
  private t0: number;
  private enterSorted: Float64Array;
  private exitSorted: Float64Array;

  constructor(viewer: Viewer, roads: GeoRoad[], traj: Trajectories, colour = '#ffe27a') {
    this.viewer = viewer;
    this.traj = traj;
    this.count = traj.offsets.length - 1;
    const n = traj.link.length;
    this.t0 = traj.startSec;
    const start = new Float64Array(n * 3),
      delta = new Float32Array(n * 3),
      timing = new Float32Array(n * 4);
    const a = new Cartesian3(),
      b = new Cartesian3();
    const ends = roads.map((r) => [
      Cartesian3.fromDegrees(r.coords[0], r.coords[1], 150),
      Cartesian3.fromDegrees(r.coords[2], r.coords[3], 150),
    ]);
    for (let i = 0; i < n; i++) {
      const [p0, p1] = ends[traj.link[i]];
      Cartesian3.clone(p0, a);
      Cartesian3.subtract(p1, p0, b);
      start[i * 3] = a.x;
      start[i * 3 + 1] = a.y;
      start[i * 3 + 2] = a.z;
      delta[i * 3] = b.x;
      delta[i * 3 + 1] = b.y;
      delta[i * 3 + 2] = b.z;
      // Times relative to the window start keep float32 precision (ms over a 3-hour peak).
      const q = traj.queueSec[i];
      timing[i * 4] = traj.enterSec[i] - this.t0;
      timing[i * 4 + 1] = traj.exitSec[i] - this.t0;
      timing[i * 4 + 2] = q === q ? q - this.t0 : -1;
      timing[i * 4 + 3] = q === q ? traj.queueFrac[i] : 0;
    }
    this.enterSorted = Float64Array.from(traj.enterSec).sort();
    this.exitSorted = Float64Array.from(traj.exitSec).sort();
    const positions = start;
    const geometry = new Geometry({
      attributes: {
        position: new GeometryAttribute({
          componentDatatype: ComponentDatatype.DOUBLE,
          componentsPerAttribute: 3,
          values: positions,
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
      // fromVertices only indexes its argument: the typed array avoids a 3-values-per-traversal JS array copy.
      boundingSphere: BoundingSphere.fromVertices(positions as unknown as number[]),
    });
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
    this.primitive = viewer.scene.primitives.add(
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
      }),
    ) as Primitive;
  }

  update(tSec: number): void {
    const t0 = performance.now();
    this.material.uniforms.simTime = tSec - this.t0;
    // Vehicles on the network = traversals entered minus traversals left (a vehicle's traversals never overlap).
    this.active = lowerBound(this.enterSorted, tSec + 1e-9) - lowerBound(this.exitSorted, tSec);
    this.lastUpdateMs = performance.now() - t0;
    this.viewer.scene.requestRender();
  }

  setVisible(on: boolean): void {
    this.primitive.show = on;
    this.viewer.scene.requestRender();
  }

  destroy(): void {
    this.viewer.scene.primitives.remove(this.primitive);
  }
}
