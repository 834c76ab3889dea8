/** Strings of the progress add-on (actuals, re-forecast, "progress since the last meeting"), per language. */
import { lang } from '../i18n/index.ts';

const en = {
  importActuals: 'Import actuals',
  importTitle:
    'Import a CSV of actual progress (metric,scope,date,value,unit,source,note[,bound]); every row is checked, nothing is stored if one is bad',
  imported: 'Imported {0} actual(s); re-forecast updated',
  importFailed: 'Import refused — nothing was stored',
  line: 'line {0}',
  progressBtn: 'Progress',
  actual: 'actual',
  actualBound: 'actual (stated bound)',
  reforecast: 're-forecast',
  met: 'met',
  behind: 'behind',
  'on-track': 'on track',
  ahead: 'ahead',
  unclear: 'unclear',
  noActuals: 'no actuals yet',
  actualLabel: 'Actual',
  vsBand: 'band',
  pMetAfter: 'P(met) after re-forecast',
  pMetShort: 'P(met)',
  summary: 'Re-forecast on {0} actual(s) up to {1}: {2} effective replications of {3}',
  stepProgress: 'Progress since the last meeting',
  from: 'From',
  to: 'to',
  thMetric: 'Indicator',
  thEntity: 'Where',
  thBefore: 'At the last meeting',
  thAfter: 'Now',
  thChange: 'Change',
  thStatus: 'vs projection',
  thTargets: 'Targets: P(met)',
  nothingMoved: 'No actuals were reported between these dates.',
  staticNote:
    'P(met) between two dates needs the server (npm start); this export shows the re-forecast on all actuals.',
  noActualsAtAll: 'No actuals in the store yet: import a CSV with "Import actuals".',
  close: 'Close',
};
type S = typeof en;
const zh: S = {
  importActuals: '导入实际进度',
  importTitle:
    '导入实际进度 CSV（metric,scope,date,value,unit,source,note[,bound]）；逐行校验，任何一行有误则全部不导入',
  imported: '已导入 {0} 条实际进度；已重新预测',
  importFailed: '导入被拒绝——未保存任何数据',
  line: '第 {0} 行',
  progressBtn: '进度',
  actual: '实际',
  actualBound: '实际（上下限）',
  reforecast: '重新预测',
  met: '已达成',
  behind: '落后',
  'on-track': '正常',
  ahead: '超前',
  unclear: '不确定',
  noActuals: '暂无实际数据',
  actualLabel: '实际',
  vsBand: '预测区间',
  pMetAfter: '重新预测后达标概率',
  pMetShort: '达成概率',
  summary: '基于截至 {1} 的 {0} 条实际数据重新预测：有效样本 {2} / {3}',
  stepProgress: '上次会议以来的进展',
  from: '从',
  to: '到',
  thMetric: '指标',
  thEntity: '范围',
  thBefore: '上次会议时',
  thAfter: '现在',
  thChange: '变化',
  thStatus: '与预测相比',
  thTargets: '目标：达标概率',
  nothingMoved: '这两个日期之间没有新的实际数据。',
  staticNote: '两个日期之间的达标概率变化需要服务器（npm start）；此导出版显示基于全部实际数据的重新预测。',
  noActualsAtAll: '尚无实际数据：请用“导入实际进度”导入 CSV。',
  close: '关闭',
};

/**
 * The current language's strings.
 * @example
 * ps().importActuals // => '导入实际进度'
 */
export function ps(): S {
  return lang() === 'zh-CN' ? zh : en;
}

/**
 * Fill {0}, {1}, …
 * @example
 * fill('{0} of {1}', 3, 4) // => '3 of 4'
 */
export function fill(s: string, ...v: Array<string | number>): string {
  return s.replace(/\{(\d+)\}/g, (_, i: string) => String(v[Number(i)] ?? ''));
}
