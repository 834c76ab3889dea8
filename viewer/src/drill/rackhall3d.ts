/**
 * three.js drill-down: the cloud centre's rack hall, filled by the clouds model — lit servers = hosts in service,
 * their colour = utilisation (green low, amber target, red hot), racks grouped by cloud (public | admin).
 */
import * as THREE from 'three';
import type { DrillHandle } from './greenhouse3d.ts';

export interface RackState {
  /** Hosts in service per cloud (null when the run has no host metric). */
  hosts: Array<{ cloud: string; hosts: number | null; utilisation: number | null }>;
}

const RACKS_PER_ROW = 10,
  SLOTS = 12;

/** Utilisation 0..1 → colour. */
function utilColour(u: number): THREE.Color {
  const f = Math.min(1, Math.max(0, u));
  return new THREE.Color().setHSL(0.33 * (1 - f), 0.85, 0.5);
}

/**
 * Starts the scene sized for `capacityHosts` (the run's largest host count, so the hall fills up as the clouds
 * grow); call `update(state)` when the timeline month changes.
 * @example const h = startRackHall(div, false, 120); h.update({ hosts: [{ cloud: 'public', hosts: 80, utilisation: 0.55 }] });
 */
export function startRackHall(
  host: HTMLElement,
  lean: boolean,
  capacityHosts = 240,
): DrillHandle & { update(s: RackState): void } {
  const ROWS = Math.max(1, Math.ceil(Math.max(24, capacityHosts) / SLOTS / RACKS_PER_ROW));
  const renderer = new THREE.WebGLRenderer({ antialias: !lean, preserveDrawingBuffer: true });
  renderer.setPixelRatio(lean ? 0.75 : Math.min(2, devicePixelRatio));
  renderer.setSize(host.clientWidth, host.clientHeight);
  host.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color('#070b14');
  const camera = new THREE.PerspectiveCamera(45, host.clientWidth / host.clientHeight, 0.1, 300);
  scene.add(new THREE.AmbientLight('#a0b0d0', 1.1));
  const key = new THREE.DirectionalLight('#ffffff', 1.2);
  key.position.set(10, 20, 10);
  scene.add(key);
  const floor = new THREE.Mesh(new THREE.PlaneGeometry(60, 40), new THREE.MeshLambertMaterial({ color: '#1a2233' }));
  floor.rotation.x = -Math.PI / 2;
  scene.add(floor);
  const grid = new THREE.GridHelper(60, 60, '#2b3a55', '#1f2a40');
  grid.position.y = 0.01;
  scene.add(grid);

  const rackGeo = new THREE.BoxGeometry(0.8, 2.2, 1.1);
  const rackMat = new THREE.MeshLambertMaterial({ color: '#3a4560' });
  const racks = new THREE.InstancedMesh(rackGeo, rackMat, ROWS * RACKS_PER_ROW);
  const slotGeo = new THREE.BoxGeometry(0.7, 0.13, 0.05);
  const slotMat = new THREE.MeshBasicMaterial({ color: '#ffffff' });
  const total = ROWS * RACKS_PER_ROW * SLOTS;
  const slots = new THREE.InstancedMesh(slotGeo, slotMat, total);
  const m = new THREE.Matrix4();
  let r = 0,
    s = 0;
  for (let row = 0; row < ROWS; row++)
    for (let k = 0; k < RACKS_PER_ROW; k++) {
      const x = -RACKS_PER_ROW / 2 + k * 1.0 + 0.5,
        z = -ROWS * 1.4 + row * 2.8;
      m.makeTranslation(x, 1.1, z);
      racks.setMatrixAt(r++, m);
      for (let q = 0; q < SLOTS; q++) {
        m.makeTranslation(x, 0.25 + q * 0.16, z + 0.56);
        slots.setMatrixAt(s++, m);
      }
    }
  scene.add(racks, slots);
  const off = new THREE.Color('#1c2433');
  for (let i = 0; i < total; i++) slots.setColorAt(i, off);

  let raf = 0;
  const t0 = performance.now();
  const frame = () => {
    // A slow swing in front of the racks (the lit faces look south, +z).
    const a = Math.sin(((performance.now() - t0) / 1000) * 0.25) * 0.6;
    const r = 9 + ROWS * 2.2;
    camera.position.set(Math.sin(a) * r, 4 + ROWS, Math.cos(a) * r);
    camera.lookAt(0, 1, 0);
    renderer.render(scene, camera);
    raf = requestAnimationFrame(frame);
  };
  frame();
  return {
    update(st: RackState) {
      // Rows are split between the clouds in proportion to their hosts; each lit slot is one host (scaled when
      // a cloud has more hosts than the hall drawing has slots).
      const clouds = st.hosts.filter((h) => h.hosts !== null);
      const sum = clouds.reduce((acc, h) => acc + (h.hosts ?? 0), 0);
      const scale = sum > total ? total / sum : 1;
      let i = 0;
      for (const h of clouds) {
        const lit = Math.round((h.hosts ?? 0) * scale);
        const col = utilColour(h.utilisation ?? 0.5);
        for (let j = 0; j < lit && i < total; j++) slots.setColorAt(i++, col);
      }
      for (; i < total; i++) slots.setColorAt(i, off);
      if (slots.instanceColor) slots.instanceColor.needsUpdate = true;
    },
    stop() {
      cancelAnimationFrame(raf);
      renderer.dispose();
      renderer.domElement.remove();
    },
  };
}
