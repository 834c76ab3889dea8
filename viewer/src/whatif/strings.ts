/** Strings of the what-if and expert-review panel, per language (the viewer's own strings stay in ../i18n). */
import { lang } from '../i18n/index.ts';

const en = {
  whatIf: 'What-if',
  review: 'Expert review',
  close: 'Close',
  intro: 'Change the parameters of the baseline; a what-if extends the baseline and only stores what you change.',
  name: 'Name',
  replications: 'Replications',
  run: 'Run',
  cancel: 'Cancel',
  save: 'Save as YAML',
  reset: 'Reset',
  changed: 'changed',
  default: 'default',
  range: 'range',
  queued: 'Queued (position {0})',
  running: 'Running: {0} / {1} jobs, ETA {2}',
  done: 'Done — opening the comparison with the baseline…',
  failed: 'Failed: {0}',
  cancelled: 'Cancelled',
  invalid: 'The scenario is not valid:',
  busy: 'The server is busy: {0}',
  saved: 'Saved {0}',
  noBaseline: 'No finished baseline run to compare with: the result opens on its own.',
  modelCards: 'Model cards (equations, parameters and sources, validation, provenance of the shown run)',
  openCard: 'Open the model card',
  tornado: 'Sensitivity (tornado) of a target’s P(met)',
  target: 'Target',
  params: 'Parameters to vary',
  delta: 'Change ±',
  runTornado: 'Run sensitivity',
  tornadoNote:
    'Each parameter is set low and high (±change), everything else unchanged; {0} runs of {1} replications on the server’s pool. Grey band: ±2 standard errors of P(met) — differences inside it are noise.',
  report: 'Report (HTML, printable)',
  levers: 'Main levers',
  leversIntro: 'The levers planners change most; every other parameter is under “Advanced”.',
  advanced: 'Advanced: all parameters ({0})',
  baseline: 'baseline',
  now: 'now',
  citywide: 'all districts',
  factor: '× factor',
  factorHint: 'multiplies the baseline’s year-by-year values',
  capped: 'capped at the maximum {0} in: {1}',
  cellEmpty: '{0}: enter a value',
  cellNotNumber: '{0}: “{1}” is not a number',
  cellNotInteger: '{0}: “{1}” must be a whole number',
  cellBelow: '{0}: {1} is below the minimum {2}',
  cellAbove: '{0}: {1} is above the maximum {2}',
  cellsInvalid: 'Correct the refused year-table values first ({0}):',
  year: 'year',
};
type S = typeof en;
const zh: S = {
  whatIf: '假设分析',
  review: '专家评审',
  close: '关闭',
  intro: '修改基准情景的参数;假设情景继承基准,只保存改动的部分。',
  name: '名称',
  replications: '重复次数',
  run: '运行',
  cancel: '取消',
  save: '另存为 YAML',
  reset: '重置',
  changed: '已修改',
  default: '默认',
  range: '范围',
  queued: '排队中(第 {0} 位)',
  running: '运行中:{0} / {1} 个任务,预计剩余 {2}',
  done: '完成 — 正在打开与基准的对比…',
  failed: '失败:{0}',
  cancelled: '已取消',
  invalid: '情景无效:',
  busy: '服务器繁忙:{0}',
  saved: '已保存 {0}',
  noBaseline: '没有已完成的基准运行可对比:单独打开结果。',
  modelCards: '模型卡(公式、参数与来源、验证、当前运行的出处)',
  openCard: '打开模型卡',
  tornado: '目标达成概率的敏感性(龙卷风图)',
  target: '目标',
  params: '要变动的参数',
  delta: '变动 ±',
  runTornado: '运行敏感性分析',
  tornadoNote:
    '每个参数分别取低值和高值(±变动),其余不变;在服务器的计算池上运行 {0} 次,每次 {1} 次重复。灰带:P(达成) 的 ±2 倍标准误,其内的差异属于随机噪声。',
  report: '报告(HTML,可打印)',
  levers: '主要调节手段',
  leversIntro: '规划人员最常调整的参数;其余全部参数见“高级”。',
  advanced: '高级:全部参数({0} 项)',
  baseline: '基准',
  now: '当前',
  citywide: '全市通用',
  factor: '× 倍数',
  factorHint: '按基准逐年数值乘以该倍数',
  capped: '以下年份超过上限 {0},按上限计:{1}',
  cellEmpty: '{0}:请填写数值',
  cellNotNumber: '{0}:“{1}”不是数字',
  cellNotInteger: '{0}:“{1}”须为整数',
  cellBelow: '{0}:{1} 低于下限 {2}',
  cellAbove: '{0}:{1} 超过上限 {2}',
  cellsInvalid: '请先改正被拒绝的逐年数值({0} 处):',
  year: '年份',
};

/**
 * The panel's strings in the viewer's current language.
 * @example
 * s().run // => '运行'
 */
export function s(): S {
  return lang() === 'zh-CN' ? zh : en;
}

/**
 * Fill `{0}`, `{1}`… placeholders.
 * @example
 * fill('{0} of {1}', 2, 5) // => '2 of 5'
 */
export function fill(text: string, ...args: unknown[]): string {
  return text.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
}
