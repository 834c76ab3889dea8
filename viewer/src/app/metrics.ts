/**
 * The one place where the viewer names model metrics and targets. Everything else reads metric ids from the run
 * bundle (its series, metric catalogue and target definitions) and picks them through these roles, so a renamed
 * metric is changed here only, and a role whose metric a run lacks simply shows nothing.
 */
import type { RunBundle, TargetDef } from '../data.ts';

/** Metric ids with a fixed role in the viewer. */
export const METRIC_ROLE = {
  /**
   * Default district colouring: the service platform's nodes linked per district, villages included (rollout
   * model), a metric that still moves after 2018 (the extranet is complete by then); the extranet when a run
   * has no district platform series.
   */
  districtDefault: 'platform.liveShare',
  districtFallback: 'extranet.liveShare',
  /** The cloud centre's label and chart: share of systems migrated (clouds model). */
  cloudMigrated: 'clouds.migratedShare',
  /** Greenhouse sites' colour and chart: yield per m² (greenhouse model). */
  greenhouseYield: 'greenhouse.yieldKgPerM2',
} as const;

/** The target the "rollout" presentation step charts (the plan's three-level extranet). */
export const ROLLOUT_STEP_TARGET = 'extranet-3-levels';

/** Metric-id patterns: which metrics go on which card, which road metric is a volume/capacity ratio. */
export const METRIC_PATTERN = {
  /** Rollout card: states of the extranet, service platform, online services, collaborative office, sharing. */
  rolloutCard: /^(extranet|platform|services|collab|sharing)\./,
  cloudsCard: /^clouds\./,
  /** Cloud metrics left off the card (the stand-alone comparison, cut-over dates, system counts). */
  cloudsCardExcluded: /standalone(Energy|Cost)|cutover|systems$/i,
  /** Metrics that are dates or rates, not states: kept off the cards. */
  notState: /Year$|waitDays$|GrowthPerYear$/,
  /** Road metrics that are volume/capacity ratios (green→red); others are speeds (high = green). */
  roadVc: /vc/i,
  cloudHosts: /host/i,
  cloudUtilisation: /util/i,
} as const;

/** Division counts from ../shared/plan/PLAN-FACTS.md and data/zibo/divisions.json (firm): for "towns live: 62 / 88". */
export const LEVEL_COUNT: Readonly<Record<string, number>> = {
  'level:county': 8,
  'level:town': 88,
  'level:village': 2931,
};

/**
 * The first target on a metric, if the run has one.
 * @example
 * const bundle = { targets: [{ id: 'a', metric: 'clouds.migratedShare', model: 'clouds' }, { id: 'b', metric: 'traffic.x', model: 'traffic' }] };
 * targetOnMetric(bundle, METRIC_ROLE.cloudMigrated).id // => 'a'
 * [targetOnMetric(bundle, 'no.such'), targetOnMetric(undefined, 'traffic.x')] // => [undefined, undefined]
 */
export function targetOnMetric(bundle: RunBundle | undefined, metric: string): TargetDef | undefined {
  return bundle?.targets.find((x) => x.metric === metric);
}

/**
 * The first target concerning a model (`traffic`, `greenhouse`, ...).
 * @example
 * const bundle = { targets: [{ id: 'a', metric: 'clouds.migratedShare', model: 'clouds' }, { id: 'b', metric: 'traffic.x', model: 'traffic' }] };
 * targetOfModel(bundle, 'traffic').id // => 'b'
 * targetOfModel(bundle, 'greenhouse') // => undefined
 */
export function targetOfModel(bundle: RunBundle | undefined, model: string): TargetDef | undefined {
  return bundle?.targets.find((x) => x.model === model);
}
