/**
 * The report's words in zh-CN (default) and English. Metric and entity names come from engine/contract/names.ts, the
 * one table the viewer reads too.
 */
import { ENTITY_NAMES_ZH, METRIC_NAMES_ZH, type Lang } from '../contract/index.ts';

export const STRINGS = {
  'zh-CN': {
    title: '淄博市新型智慧城市（2017—2021年）数字孪生评估报告',
    generated: '生成时间',
    run: '运行',
    scenario: '情景',
    replications: '重复次数',
    seed: '主随机种子',
    seedRule: '种子规则',
    codeVersion: '代码版本',
    finished: '完成时间',
    comparedWith: '对比运行',
    summary: '一、摘要',
    byStatus: '目标状态',
    status: { met: '达成', 'at-risk': '有风险', missed: '未达成', 'no-data': '无数据' } as Record<string, string>,
    risks: '三大风险',
    noRisks: '所有有数据的目标均预计达成。',
    riskLine: (p: string, deadline: string, date: string) =>
      `达成概率 ${p}，期限 ${deadline}，预计达成时间（中位）${date}`,
    changes: '与上次报告相比的变化',
    changesAgainst: (id: number, name: string) => `对比运行 ${id}（${name}）：`,
    firstReport: '这是该情景的第一份报告，没有可比较的上一次运行。',
    statusChanges: '目标状态变化',
    noStatusChange: '没有目标的状态发生变化。',
    biggestMoves: 'P(达成) 变化最大的目标',
    paramChanges: (n: number) => `参数变化 ${n} 项`,
    actualsLine: (n: number, ess: string) => `已录入实际进展 ${n} 条；重新预测的有效重复次数 ${ess}。`,
    noActuals: '尚未录入实际进展（twin actuals import）。',
    targets: '二、规划目标一览',
    targetsNote:
      'P(达成)：在期限时满足阈值的重复所占比例；达成 ≥ 80%，有风险 20%—80%，未达成 < 20%。期限时的值：中位数（P10—P90）。预计日期：首次达到并保持阈值的月份，P50 / P90。',
    th: {
      target: '目标',
      source: '来源',
      deadline: '期限',
      threshold: '阈值',
      value: '期限时的值',
      date: '预计日期 P50 / P90',
      pMet: 'P(达成) · 状态',
      delta: '差值',
      parameter: '参数',
      value2: '本次取值',
      default: '默认值',
      meaning: '含义 · 单位 · 来源',
      metric: '指标',
      scope: '范围',
      date2: '日期',
      actual: '实际值',
      from: '来源',
      before: '重新预测前',
      after: '重新预测后',
    },
    source: { plan: '规划', assumption: '假设' } as Record<string, string>,
    notMet: '三、未达成目标的走势',
    notMetNote: '每个未达成或有风险的目标一张图：中位数（实线）与 P10—P90 区间；红线为目标阈值与期限。',
    allMet: '所有有数据的目标均预计达成，无需单独图表。',
    noSeries: '本次运行没有该目标的序列。',
    trafficGreenhouse: '四、交通与温室',
    traffic: '交通（早高峰）',
    greenhouse: '日光温室蔬菜',
    noModel: '本次运行未包含该模型。',
    actuals: '五、实际进展与重新预测',
    actualsNote:
      '以重要性加权对各重复按实际进展重新加权（观测误差见 README「Progress tracking」），目标的 P(达成) 随之更新。',
    ess: (ess: string, n: number) => `有效重复次数 ${ess} / ${n}`,
    noReforecast: '重新预测需要已完成的运行与匹配的实际进展。',
    unchangedReforecast: '实际进展未改变任何目标的 P(达成)。',
    maps: '六、各目标期限时的分区地图',
    mapsNote: '按各目标期限月份的中位数为区县着色；份额类指标使用固定的 0—100% 色标，便于不同日期比较。',
    mapTargets: '对应目标',
    diffOf: (a: number, b: number) => `运行 ${a} − 运行 ${b}`,
    params: '七、参数',
    paramsNote:
      '按模型与参数组分列，改动过的参数（相对默认值或对比运行）排在前面并以黄色标出；其余为标明为假设的参数。',
    otherDefaults: (n: number) => `其余 ${n} 个参数取默认值（见模型卡）。`,
    assumedTargets: '规划未给出数值或日期、由团队假设的目标',
    none: '无。',
    band: '中位数，P10—P90 区间',
    targetWord: '目标',
    deadlineWord: '期限',
    noData: '无数据',
    latestNote: '',
  },
  en: {
    title: 'Zibo New Smart City 2017–2021 — digital twin report',
    generated: 'Generated',
    run: 'Run',
    scenario: 'Scenario',
    replications: 'Replications',
    seed: 'Master seed',
    seedRule: 'Seed rule',
    codeVersion: 'Code version',
    finished: 'Finished',
    comparedWith: 'Compared with run',
    summary: '1. Summary',
    byStatus: 'Targets by status',
    status: { met: 'met', 'at-risk': 'at risk', missed: 'missed', 'no-data': 'no data' } as Record<string, string>,
    risks: 'The three biggest risks',
    noRisks: 'Every target with data is expected to be met.',
    riskLine: (p: string, deadline: string, date: string) =>
      `P(met) ${p}, deadline ${deadline}, projected date (median) ${date}`,
    changes: 'What changed since the last report',
    changesAgainst: (id: number, name: string) => `Against run ${id} (${name}):`,
    firstReport: 'This is the first report of this scenario: there is no earlier run to compare with.',
    statusChanges: 'Targets whose status changed',
    noStatusChange: 'No target changed status.',
    biggestMoves: 'Largest moves in P(met)',
    paramChanges: (n: number) => `${n} parameter change${n === 1 ? '' : 's'}`,
    actualsLine: (n: number, ess: string) => `${n} actuals recorded; effective replications of the re-forecast ${ess}.`,
    noActuals: 'No actuals recorded yet (twin actuals import).',
    targets: '2. Plan targets',
    targetsNote:
      'P(met): share of replications meeting the threshold at the deadline; met ≥ 80%, at risk 20–80%, missed < 20%. Value at the deadline: median (P10–P90). Projected date: month the threshold is first met and then held, P50 / P90.',
    th: {
      target: 'target',
      source: 'source',
      deadline: 'deadline',
      threshold: 'threshold',
      value: 'value at deadline',
      date: 'date P50 / P90',
      pMet: 'P(met) · status',
      delta: 'difference',
      parameter: 'parameter',
      value2: 'value',
      default: 'default',
      meaning: 'meaning · unit · source',
      metric: 'metric',
      scope: 'scope',
      date2: 'date',
      actual: 'actual',
      from: 'source',
      before: 'before re-forecast',
      after: 'after re-forecast',
    },
    source: { plan: 'plan', assumption: 'assumption' } as Record<string, string>,
    notMet: '3. Targets not met',
    notMetNote:
      'One chart per target at risk or missed: median (line) and P10–P90 band; red: the threshold and the deadline.',
    allMet: 'Every target with data is expected to be met; no chart needed.',
    noSeries: 'This run has no series for this target.',
    trafficGreenhouse: '4. Traffic and greenhouses',
    traffic: 'Traffic (morning peak)',
    greenhouse: 'Solar-greenhouse vegetables',
    noModel: 'This run did not include the model.',
    actuals: '5. Actuals and re-forecast',
    actualsNote:
      'Replications are re-weighted by the observed progress (importance weights; observation errors: README "Progress tracking"), and the targets’ P(met) updated.',
    ess: (ess: string, n: number) => `effective replications ${ess} of ${n}`,
    noReforecast: 'The re-forecast needs a finished run and matching actuals.',
    unchangedReforecast: 'The actuals change no target’s P(met).',
    maps: '6. District maps at each target’s deadline',
    mapsNote:
      'Districts coloured by the median in the month of the targets’ deadline; shares on a fixed 0–100% scale so dates compare.',
    mapTargets: 'targets',
    diffOf: (a: number, b: number) => `run ${a} − run ${b}`,
    params: '7. Parameters',
    paramsNote:
      'By model and parameter group; changed values (against the default or the compared run) first, highlighted; then the parameters marked as assumptions.',
    otherDefaults: (n: number) => `The other ${n} parameters keep their defaults (see the model cards).`,
    assumedTargets: 'Targets the plan states without a figure or date (assumed by the team)',
    none: 'None.',
    band: 'median, band P10–P90',
    targetWord: 'target',
    deadlineWord: 'deadline',
    noData: 'no data',
    latestNote: '',
  },
} as const;

export type ReportStrings = (typeof STRINGS)['zh-CN'] | (typeof STRINGS)['en'];

/**
 * A metric's name in a language: the Chinese name when known, else the catalogue's English title, else the id.
 * @example metricLabel('traffic.meanSpeedKmPerH', 'zh-CN') // => '高峰平均车速'
 */
export function metricLabel(id: string, lang: Lang, englishTitle?: string): string {
  return (lang === 'zh-CN' ? METRIC_NAMES_ZH[id] : undefined) ?? englishTitle ?? id;
}

/**
 * An entity's name: a district by its name, the levels and clouds by theirs (Chinese in zh-CN), else the id.
 * @example entityLabel('level:town', 'zh-CN', new Map()) // => '镇(街道)'
 */
export function entityLabel(id: string, lang: Lang, districts: Map<string, { zh: string; en: string }>): string {
  const d = districts.get(id);
  if (d) return lang === 'zh-CN' ? d.zh : d.en;
  if (lang === 'zh-CN') return ENTITY_NAMES_ZH[id] ?? id;
  return id === 'city' ? 'city' : id.replace(/^level:/, '').replace(/^cloud:/, 'cloud ');
}
