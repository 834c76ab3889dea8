/**
 * OpenStreetMap tag rules for the road network: which ways are roads, their class, direction, lanes per direction,
 * free speed and capacity per lane. Pure functions of a way's tags (no I/O), documented as a table in README.md.
 *
 * Capacity per lane comes from the project's class table (data/build/roads.ts `CLASS_DEFAULTS`, sources in
 * data/README.md); lanes and speeds default per OSM highway value, because OSM's classes are finer than the
 * sketch's five.
 */
import { CLASS_DEFAULTS, type LinkType } from '../../data/build/roads.ts';

/** The OSM highway values kept as roads (their `_link` variants included). */
export const ROAD_HIGHWAYS = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
] as const;
export type RoadHighway = (typeof ROAD_HIGHWAYS)[number];

/** Per OSM highway value: the class of the capacity table, default lanes per direction and free speed (km/h). */
export const OSM_CLASS_DEFAULTS: Readonly<
  Record<RoadHighway, { capacityClass: Exclude<LinkType, 'connector'>; lanes: number; speedKmPerH: number }>
> = {
  motorway: { capacityClass: 'expressway', lanes: 2, speedKmPerH: 110 },
  motorway_link: { capacityClass: 'expressway', lanes: 1, speedKmPerH: 60 },
  trunk: { capacityClass: 'national', lanes: 2, speedKmPerH: 80 },
  trunk_link: { capacityClass: 'national', lanes: 1, speedKmPerH: 50 },
  primary: { capacityClass: 'arterial', lanes: 2, speedKmPerH: 60 },
  primary_link: { capacityClass: 'arterial', lanes: 1, speedKmPerH: 40 },
  secondary: { capacityClass: 'arterial', lanes: 2, speedKmPerH: 50 },
  secondary_link: { capacityClass: 'arterial', lanes: 1, speedKmPerH: 40 },
  tertiary: { capacityClass: 'collector', lanes: 1, speedKmPerH: 40 },
  tertiary_link: { capacityClass: 'collector', lanes: 1, speedKmPerH: 30 },
  unclassified: { capacityClass: 'collector', lanes: 1, speedKmPerH: 40 },
  residential: { capacityClass: 'collector', lanes: 1, speedKmPerH: 30 },
};

/**
 * Chinese zone speed limits (`maxspeed=CN:*`), km/h: Road Traffic Safety Law implementing regulations art. 45
 * (roads with one lane per direction: urban 50, rural 70; expressways 120 at most, art. 78 of the law).
 */
export const CN_ZONE_SPEEDS_KM_PER_H: Readonly<Record<string, number>> = {
  'CN:urban': 50,
  'CN:rural': 70,
  'CN:motorway': 120,
  'CN:expressway': 120,
  'CN:trunk': 100,
  'CN:living_street': 20,
};

/** Connectors (zone centroid to road) use the class table's connector row. */
export const CONNECTOR = CLASS_DEFAULTS.connector;

/** What a way's tags say about the road; `null` from `roadOf` when the way is not a road we keep. */
export interface RoadAttrs {
  highway: RoadHighway;
  /** 1: only along the way's node order; 0: both directions (oneway=-1 ways are reversed by the caller). */
  oneway: 0 | 1;
  /** The way must be reversed (oneway=-1). */
  reverse: boolean;
  /** Lanes in the way's direction after any reversal, and against it (0 for one-way roads). */
  lanesForward: number;
  lanesBackward: number;
  speedKmPerH: number;
  capacityVehPerHPerLane: number;
  name: string;
  /** Which of lanes/speed came from class defaults (counted in the import summary). */
  defaulted: { lanes: boolean; speed: boolean };
  /** Tag values not understood (e.g. `maxspeed=fast`), reported as defaults used. */
  unparsed: string[];
}

const TRUE_ONEWAY = new Set(['yes', '1', 'true']);
const FALSE_ONEWAY = new Set(['no', '0', 'false']);

/**
 * Parse an OSM `maxspeed` value to km/h: plain numbers are km/h, `mph` converted, `CN:*` zone values from the table;
 * `a;b` takes the lower. Returns null for values without a speed (`none`, `signals`, unknown zones).
 * @example
 * parseMaxspeed('30 mph') // => 48.28032
 * [parseMaxspeed('60;50'), parseMaxspeed('CN:urban'), parseMaxspeed('none')] // => [50, 50, null]
 */
export function parseMaxspeed(raw: string): number | null {
  const values = raw
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  let best: number | null = null;
  for (const v of values) {
    let kmh: number | null = null;
    const zone = CN_ZONE_SPEEDS_KM_PER_H[v];
    if (zone !== undefined) kmh = zone;
    else {
      const m = /^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/i.exec(v);
      if (m) {
        const x = Number(m[1]);
        const unit = (m[2] ?? 'km/h').toLowerCase();
        kmh = unit === 'mph' ? x * 1.609344 : unit === 'knots' ? x * 1.852 : x;
      }
    }
    if (kmh !== null && kmh > 0) best = best === null ? kmh : Math.min(best, kmh);
  }
  return best;
}

function positiveInt(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  // `lanes=2;3` happens; take the first value.
  const x = Number(raw.split(';')[0]!.trim());
  return Number.isFinite(x) && x > 0 ? Math.floor(x) : null;
}

/**
 * The road a way describes, or null when the way is not a kept road (`highway` missing or outside the kept
 * classes: service, track, footway, cycleway, construction, ... are excluded; `area=yes` too).
 * @example
 * const road = roadOf({ highway: 'primary', oneway: 'yes', lanes: '3' });
 * [road.oneway, road.lanesForward, road.lanesBackward] // => [1, 3, 0]
 * // no maxspeed tag: the class default, flagged as defaulted
 * [road.speedKmPerH, road.capacityVehPerHPerLane, road.defaulted] // => [60, 1600, { lanes: false, speed: true }]
 * roadOf({ highway: 'footway' }) // => null
 */
export function roadOf(tags: Readonly<Record<string, string>>): RoadAttrs | null {
  const hw = tags.highway;
  if (hw === undefined || !(ROAD_HIGHWAYS as readonly string[]).includes(hw)) return null;
  if (tags.area === 'yes') return null;
  const highway = hw as RoadHighway;
  const def = OSM_CLASS_DEFAULTS[highway];
  const unparsed: string[] = [];
  // Direction.
  const ow = tags.oneway?.toLowerCase();
  let oneway: 0 | 1 = 0;
  let reverse = false;
  if (ow === undefined) {
    const junction = tags.junction;
    if (junction === 'roundabout' || junction === 'circular' || highway === 'motorway' || highway === 'motorway_link')
      oneway = 1;
  } else if (TRUE_ONEWAY.has(ow)) oneway = 1;
  else if (ow === '-1' || ow === 'reverse') {
    oneway = 1;
    reverse = true;
  } else if (!FALSE_ONEWAY.has(ow)) unparsed.push(`oneway=${tags.oneway}`);
  // Lanes per direction (after reversal "forward" means along the stored order).
  let fwd = positiveInt(reverse ? tags['lanes:backward'] : tags['lanes:forward']);
  let bwd = positiveInt(reverse ? tags['lanes:forward'] : tags['lanes:backward']);
  const total = positiveInt(tags.lanes);
  if (tags.lanes !== undefined && total === null) unparsed.push(`lanes=${tags.lanes}`);
  let lanesDefaulted = false;
  if (oneway) {
    fwd ??= total ?? null;
    if (fwd === null) {
      fwd = def.lanes;
      lanesDefaulted = true;
    }
    bwd = 0;
  } else {
    if (fwd === null && bwd !== null && total !== null) fwd = Math.max(1, total - bwd);
    if (bwd === null && fwd !== null && total !== null) bwd = Math.max(1, total - fwd);
    if (fwd === null || bwd === null) {
      if (total !== null) {
        const half = Math.max(1, Math.floor(total / 2));
        fwd ??= half;
        bwd ??= half;
      } else {
        lanesDefaulted = true;
        fwd ??= def.lanes;
        bwd ??= def.lanes;
      }
    }
  }
  // Speed.
  let speed: number | null = null;
  if (tags.maxspeed !== undefined) {
    speed = parseMaxspeed(tags.maxspeed);
    if (speed === null && !['none', 'signals', 'variable'].includes(tags.maxspeed))
      unparsed.push(`maxspeed=${tags.maxspeed}`);
  }
  const speedDefaulted = speed === null;
  return {
    highway,
    oneway,
    reverse,
    lanesForward: fwd,
    lanesBackward: bwd,
    speedKmPerH: speed ?? def.speedKmPerH,
    capacityVehPerHPerLane: CLASS_DEFAULTS[def.capacityClass].capacityVehPerHPerLane,
    name: tags.name ?? tags.ref ?? '',
    defaulted: { lanes: lanesDefaulted, speed: speedDefaulted },
    unparsed,
  };
}

/** A node tag that makes the links ending at the node signalised. */
export function isSignalNode(tags: Readonly<Record<string, string>> | undefined): boolean {
  return tags?.highway === 'traffic_signals';
}
