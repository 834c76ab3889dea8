/**
 * The contract between the engine and the viewer: the run bundle and API shapes, the scenario merge rule, the JSON
 * encoding, and the HTML/SVG helpers both the committee report and the viewer draw with. It imports nothing else of
 * the engine and nothing Node-only, so the browser bundle can use it; everything outside engine/contract/ imports it
 * through this file only (engine/test/architecture.test.ts checks both).
 */
export type { RunBundle, RunSummary, SeriesRow, TargetDef, TargetEval } from './bundle.ts';
export { crpsText, type Hindcast, type HindcastFamily, type HindcastResponse, type HindcastRow } from './hindcast.ts';
export type { ParamInfo, SensitivityResult, TornadoBar } from './api.ts';
export type { NetworkRef, NetworkRoads } from './network.ts';
export { indexBarChart, paretoChart, type IndexBarRow } from './studies-svg.ts';
export {
  fmtStudyCost,
  paramLabel,
  PARAM_LABELS,
  type CuratedLever,
  type OptimiseData,
  type OptimiseSpec,
  type SensitivityData,
  type SensitivitySpec,
  type StudyCandidate,
  type StudyConfirmation,
  type StudyKind,
  type StudyLever,
  type StudyMorrisIndex,
  type StudyOutputIndices,
  type StudyProgress,
  type StudyRecord,
  type StudySobolIndex,
  type StudyStatus,
  type StudySummary,
} from './studies.ts';
export { deepMerge } from './scenario-merge.ts';
export { toJson } from './json.ts';
export { paramName, PARAM_NAMES, type ParamName } from './param-names.ts';
export { ENTITY_NAMES_ZH, METRIC_NAMES_ZH, MODEL_NAMES_ZH, modelName } from './names.ts';
export { esc, renderMarkdown, sections } from './markdown.ts';
export {
  decimalYearMonth,
  fmtCount,
  fmtDiff,
  fmtEnergyKwh,
  fmtMoneyCny,
  fmtMonth,
  fmtNumber,
  fmtPp,
  fmtShare,
  fmtValue,
  groupDigits,
  isShareUnit,
  unitLabel,
  type Lang,
} from './format.ts';
export {
  bandChart,
  districtMap,
  niceTicks,
  periodX,
  ramp,
  tornadoChart,
  type BandChartOptions,
  type BandSeries,
  type MapFeature,
  type TornadoInput,
} from './svg.ts';
