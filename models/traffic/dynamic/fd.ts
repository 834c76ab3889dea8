/**
 * Triangular fundamental diagram (FD) per link class: free speed v_f, capacity Q, jam density k_j and backward wave
 * speed w. A triangular FD is consistent only when Q = v_f·w·k_j / (v_f + w); we take v_f, Q and k_j from data or
 * class defaults and derive w = Q / (k_j − Q/v_f) so that the three always agree (Daganzo 1994, TR-B 28(4) 269–287;
 * Newell 1993, TR-B 27(4) 281–287).
 */

/** Parameters of one link class, per lane where it says so. */
export interface LinkClassFd {
  /** Class name as used in GMNS `link_type` (lower-case), e.g. `arterial`. */
  name: string;
  /** Free speed, km/h (used when the link file gives none). */
  freeSpeedKmPerH: number;
  /** Capacity = saturation flow at a stop line, veh/h/lane (used when the link file gives none). */
  capacityVehPerHPerLane: number;
  /** Jam density, veh/km/lane. */
  jamDensityVehPerKmPerLane: number;
}

/**
 * Default classes. Capacities: CJJ 37-2012 (China urban road design code) basic lane capacity by design speed, as
 * usually cited: 100/80/60 km/h expressway 2,200/2,100/1,800 pcu/h; other roads at 60/50/40/30 km/h
 * 1,800/1,700/1,650/1,600 pcu/h. Jam density 143 veh/km/lane = 1000 m / (5 m vehicle + 2 m standstill gap), the
 * IDM/SUMO passenger-car spacing (research/traffic.md §3.4). Resulting w ≈ 15–20 km/h, inside the 15–20 km/h range
 * reported for urban streets (research/traffic.md §3.5: v_f 50, w 18 km/h).
 */
export const DEFAULT_LINK_CLASSES: readonly LinkClassFd[] = [
  { name: 'motorway', freeSpeedKmPerH: 100, capacityVehPerHPerLane: 2200, jamDensityVehPerKmPerLane: 143 },
  { name: 'expressway', freeSpeedKmPerH: 80, capacityVehPerHPerLane: 2100, jamDensityVehPerKmPerLane: 143 },
  { name: 'arterial', freeSpeedKmPerH: 60, capacityVehPerHPerLane: 1800, jamDensityVehPerKmPerLane: 143 },
  { name: 'collector', freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1700, jamDensityVehPerKmPerLane: 143 },
  { name: 'local', freeSpeedKmPerH: 40, capacityVehPerHPerLane: 1650, jamDensityVehPerKmPerLane: 143 },
  { name: 'connector', freeSpeedKmPerH: 30, capacityVehPerHPerLane: 1600, jamDensityVehPerKmPerLane: 143 },
];

/** Derived triangular FD of one link, SI units. */
export interface TriangularFd {
  freeSpeedMPerS: number;
  /** Capacity of the whole link (all lanes), veh/s. */
  capacityVehPerS: number;
  /** Jam density of the whole link (all lanes), veh/m. */
  jamDensityVehPerM: number;
  /** Backward (congestion) wave speed, m/s, positive number (waves travel upstream). */
  waveSpeedMPerS: number;
  /** Critical density Q/v_f, veh/m. */
  criticalDensityVehPerM: number;
}

/**
 * Derive a consistent triangular FD from free speed, lane capacity, jam density and lane count.
 * Throws when the three cannot form a triangle (capacity at or above v_f·k_j), naming what to change.
 *
 * @example
 * const fd = triangularFd(50, 1800, 143, 2);
 * fd.capacityVehPerS // => 1
 * (fd.waveSpeedMPerS * 3.6).toFixed(1) // => '16.8'
 * triangularFd(50, 9000, 143, 2) // throws 'capacity'
 */
export function triangularFd(
  freeSpeedKmPerH: number,
  capacityVehPerHPerLane: number,
  jamDensityVehPerKmPerLane: number,
  lanes: number,
  what = 'link',
): TriangularFd {
  if (!(freeSpeedKmPerH > 0) || !(capacityVehPerHPerLane > 0) || !(jamDensityVehPerKmPerLane > 0) || !(lanes > 0)) {
    throw new Error(
      `${what}: free speed (${freeSpeedKmPerH} km/h), capacity (${capacityVehPerHPerLane} veh/h/lane), jam density (${jamDensityVehPerKmPerLane} veh/km/lane) and lanes (${lanes}) must all be > 0`,
    );
  }
  const kcPerKm = capacityVehPerHPerLane / freeSpeedKmPerH;
  if (kcPerKm >= 0.95 * jamDensityVehPerKmPerLane) {
    throw new Error(
      `${what}: capacity ${capacityVehPerHPerLane} veh/h/lane at free speed ${freeSpeedKmPerH} km/h needs a critical density of ` +
        `${kcPerKm.toFixed(0)} veh/km/lane, too close to the jam density ${jamDensityVehPerKmPerLane}; lower the capacity or raise the free speed`,
    );
  }
  const wKmPerH = capacityVehPerHPerLane / (jamDensityVehPerKmPerLane - kcPerKm);
  return {
    freeSpeedMPerS: freeSpeedKmPerH / 3.6,
    capacityVehPerS: (capacityVehPerHPerLane * lanes) / 3600,
    jamDensityVehPerM: (jamDensityVehPerKmPerLane * lanes) / 1000,
    waveSpeedMPerS: wKmPerH / 3.6,
    criticalDensityVehPerM: (kcPerKm * lanes) / 1000,
  };
}

/**
 * Find a class by GMNS link_type (case-insensitive); unknown types fall back to `collector`.
 * @example classByName('Arterial').capacityVehPerHPerLane // => 1800
 */
export function classByName(
  name: string | undefined,
  classes: readonly LinkClassFd[] = DEFAULT_LINK_CLASSES,
): LinkClassFd {
  const key = (name ?? '').toLowerCase();
  return classes.find((c) => c.name === key) ?? classes.find((c) => c.name === 'collector') ?? classes[0]!;
}
