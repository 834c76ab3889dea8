/**
 * three.js drill-down: a Shandong-type solar greenhouse (日光温室) in cross-section — north wall, back roof,
 * curved film roof, insulation blanket, tomato canopy — animated over one simulated day from the greenhouse
 * model's hourly artifact: blanket position, sun angle and light, inside air coloured by temperature.
 * Geometry follows the standard design in ../shared/research/greenhouse.md (span ~8 m, ridge ~3.8 m, wall ~2.8 m).
 */
import * as THREE from 'three';
import type { HourlyDay } from './hourly.ts';

export interface DrillHandle {
  stop(): void;
}

const SPAN_M = 8,
  RIDGE_M = 3.8,
  WALL_M = 2.8,
  WALL_THICK_M = 1.0,
  LENGTH_M = 24,
  RIDGE_X = -SPAN_M / 2 + 1.6;

/** Front-roof arc from the ridge (north) to the sill (south), as (x, y) points. */
function frontRoof(n: number): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i <= n; i++) {
    const f = i / n;
    const x = RIDGE_X + f * (SPAN_M / 2 - RIDGE_X);
    const y = 0.4 + (RIDGE_M - 0.4) * Math.sqrt(1 - f * f); // an elliptic arc, steep at the south sill
    pts.push([x, y]);
  }
  return pts;
}

function ribbon(pts: Array<[number, number]>, lift: number, material: THREE.Material): THREE.Mesh {
  const pos: number[] = [];
  const idx: number[] = [];
  pts.forEach(([x, y], i) => {
    pos.push(x, y + lift, -LENGTH_M / 2, x, y + lift, LENGTH_M / 2);
    if (i > 0) {
      const a = (i - 1) * 2;
      idx.push(a, a + 1, a + 2, a + 1, a + 3, a + 2);
    }
  });
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.Float32BufferAttribute(pos, 3));
  g.setIndex(idx);
  g.computeVertexNormals();
  return new THREE.Mesh(g, material);
}

/** Maps °C to a colour: blue (≤ 0) → green (18) → red (≥ 35). */
function tempColour(c: number): THREE.Color {
  const f = Math.min(1, Math.max(0, c / 35));
  return new THREE.Color().setHSL(0.66 * (1 - f), 0.8, 0.5);
}

/**
 * Starts the scene in `host`; `onHour` receives the interpolated state each frame for the HUD.
 * @example const h = startGreenhouse(div, day, (s) => hud.textContent = s.hour.toFixed(1)); ... h.stop();
 */
export function startGreenhouse(
  host: HTMLElement,
  day: HourlyDay | null,
  onHour: (s: {
    hour: number;
    insideTempC?: number;
    outsideTempC?: number;
    light?: number;
    blanketClosed?: number;
  }) => void,
  lean: boolean,
): DrillHandle {
  const renderer = new THREE.WebGLRenderer({ antialias: !lean, preserveDrawingBuffer: true });
  renderer.setPixelRatio(lean ? 0.75 : Math.min(2, devicePixelRatio));
  renderer.setSize(host.clientWidth, host.clientHeight);
  host.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color('#0b1320');
  const camera = new THREE.PerspectiveCamera(40, host.clientWidth / host.clientHeight, 0.1, 500);
  camera.position.set(3, 5.5, 30);
  camera.lookAt(0, 1.4, 0);

  scene.add(new THREE.HemisphereLight('#9fb7ff', '#3b2a1a', 0.6));
  const sun = new THREE.DirectionalLight('#fff4d6', 1.5);
  scene.add(sun);

  const ground = new THREE.Mesh(
    new THREE.BoxGeometry(40, 0.4, LENGTH_M + 8),
    new THREE.MeshLambertMaterial({ color: '#5a4030' }),
  );
  ground.position.y = -0.2;
  scene.add(ground);
  const wall = new THREE.Mesh(
    new THREE.BoxGeometry(WALL_THICK_M, WALL_M, LENGTH_M),
    new THREE.MeshLambertMaterial({ color: '#b0603a' }),
  );
  wall.position.set(-SPAN_M / 2 - WALL_THICK_M / 2, WALL_M / 2, 0);
  scene.add(wall);
  scene.add(
    ribbon(
      [
        [-SPAN_M / 2 - WALL_THICK_M, WALL_M],
        [RIDGE_X, RIDGE_M],
      ],
      0,
      new THREE.MeshLambertMaterial({ color: '#4a4f5a', side: THREE.DoubleSide }),
    ),
  );
  const arc = frontRoof(24);
  const film = ribbon(
    arc,
    0,
    new THREE.MeshPhongMaterial({
      color: '#bfe6ff',
      transparent: true,
      opacity: 0.28,
      side: THREE.DoubleSide,
      shininess: 80,
    }),
  );
  scene.add(film);
  // Inside air: the cross-section polygon extruded, tinted by temperature.
  const shape = new THREE.Shape();
  shape.moveTo(-SPAN_M / 2, 0);
  shape.lineTo(-SPAN_M / 2, WALL_M);
  shape.lineTo(RIDGE_X, RIDGE_M);
  for (const [x, y] of arc) shape.lineTo(x, y - 0.02);
  shape.lineTo(SPAN_M / 2, 0);
  const airMat = new THREE.MeshBasicMaterial({ color: '#44aa66', transparent: true, opacity: 0.18, depthWrite: false });
  const air = new THREE.Mesh(new THREE.ExtrudeGeometry(shape, { depth: LENGTH_M - 0.2, bevelEnabled: false }), airMat);
  air.position.z = -LENGTH_M / 2 + 0.1;
  scene.add(air);
  // Canopy: tomato rows (north–south rows along x, repeated along the length).
  const plantGeo = new THREE.CylinderGeometry(0.18, 0.12, 1.6, 6);
  const plantMat = new THREE.MeshLambertMaterial({ color: '#3f9d3f' });
  const plants = new THREE.InstancedMesh(plantGeo, plantMat, 10 * 14);
  let k = 0;
  const m = new THREE.Matrix4();
  for (let r = 0; r < 14; r++)
    for (let c = 0; c < 10; c++) {
      const x = -SPAN_M / 2 + 1.2 + c * 0.62;
      const h = Math.min(1.6, 0.3 + (x < SPAN_M / 2 - 1.5 ? 1.3 : 0.7));
      m.makeScale(1, h / 1.6, 1).setPosition(x, h / 2, -LENGTH_M / 2 + 1 + r * 1.6);
      plants.setMatrixAt(k++, m);
    }
  scene.add(plants);
  // Blanket: drawn over the film from the ridge down to the current coverage.
  const blanketMat = new THREE.MeshLambertMaterial({ color: '#2d2f36', side: THREE.DoubleSide });
  let blanket: THREE.Mesh | null = null;
  const roll = new THREE.Mesh(new THREE.CylinderGeometry(0.35, 0.35, LENGTH_M, 16), blanketMat);
  roll.rotation.x = Math.PI / 2;
  scene.add(roll);

  const n = day?.hours.length ?? 0;
  const interp = (arr: number[] | undefined, h: number): number | undefined => {
    if (!arr || !arr.length || !day) return undefined;
    const hs = day.hours;
    let i = 0;
    while (i < hs.length - 2 && hs[i + 1] <= h) i++;
    const f = Math.min(1, Math.max(0, (h - hs[i]) / ((hs[i + 1] ?? hs[i] + 1) - hs[i] || 1)));
    return arr[i] + f * ((arr[i + 1] ?? arr[i]) - arr[i]);
  };
  const lightMax = day?.light.length ? Math.max(...day.light, 1e-9) : 1;
  let raf = 0;
  let lastCover = -1;
  const t0 = performance.now();
  const frame = () => {
    const hour = (((performance.now() - t0) / 1000) * 1.5) % 24; // one day in 16 s
    const inside = interp(day?.insideTempC, hour);
    const outside = interp(day?.outsideTempC, hour);
    const light = interp(day?.light, hour);
    const closedRaw = day?.blanketClosed.length ? interp(day.blanketClosed, hour) : undefined;
    // Without a blanket series: closed at night (before 8:30, after 16:30), the usual winter practice.
    const cover = closedRaw !== undefined ? Math.min(1, Math.max(0, closedRaw)) : hour < 8.5 || hour > 16.5 ? 1 : 0;
    const elev = Math.max(-0.2, Math.sin(((hour - 6) / 12) * Math.PI)) * 0.62; // winter noon elevation ≈ 30°–35°
    sun.position.set(0, Math.sin(elev) * 30, Math.cos(elev) * 30);
    sun.intensity = light !== undefined ? 0.2 + 2.2 * (light / lightMax) : Math.max(0.15, Math.sin(elev) * 2.5);
    if (inside !== undefined) airMat.color.copy(tempColour(inside));
    if (Math.abs(cover - lastCover) > 0.01) {
      if (blanket) {
        scene.remove(blanket);
        blanket.geometry.dispose();
      }
      const upto = Math.max(1, Math.round(cover * (arc.length - 1)));
      blanket = cover > 0.02 ? ribbon(arc.slice(0, upto + 1), 0.06, blanketMat) : null;
      if (blanket) scene.add(blanket);
      const [rx, ry] = arc[Math.min(arc.length - 1, cover > 0.02 ? upto : 0)];
      roll.position.set(rx, ry + 0.35, 0);
      lastCover = cover;
    }
    renderer.render(scene, camera);
    onHour({ hour, insideTempC: inside, outsideTempC: outside, light, blanketClosed: n ? cover : undefined });
    raf = requestAnimationFrame(frame);
  };
  frame();
  return {
    stop() {
      cancelAnimationFrame(raf);
      renderer.dispose();
      renderer.domElement.remove();
    },
  };
}
