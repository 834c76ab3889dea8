/**
 * The noise band of a compared P(met): ±2 standard errors of the difference A − B, so a planner can tell a real
 * effect of the what-if from Monte Carlo noise. Used by the targets panel in compare mode.
 *
 * P(met) is the share of replications that meet the target, so each run's estimate is binomial. The SE uses the
 * Agresti–Caffo adjustment (one success and one failure added to each run), which keeps the band honest when a run
 * meets a target in all or none of its replications (the plain formula would give 0 there). Runs share their random
 * numbers (common random numbers, seeds independent of the scenario), which makes the two estimates positively
 * correlated; the independent-samples formula therefore overstates the SE of the difference: the band is conservative.
 */
import { lang } from '../i18n/index.ts';

/**
 * Standard error of pA − pB for shares of nA and nB replications (Agresti & Caffo 2000).
 * @example pMetDiffSe(0.5, 50, 0.5, 50) // => Math.sqrt((2 * 0.25) / 52)
 */
export function pMetDiffSe(pA: number, nA: number, pB: number, nB: number): number {
  const adj = (p: number, n: number) => {
    const q = (p * n + 1) / (n + 2);
    return (q * (1 - q)) / (n + 2);
  };
  return Math.sqrt(adj(pA, nA) + adj(pB, nB));
}

const pp = (d: number) => {
  const x = Math.abs(d * 100);
  return `${x.toFixed(x >= 10 ? 0 : 1)} ${lang() === 'zh-CN' ? '百分点' : 'pp'}`;
};

/**
 * The compare text of a target's P(met): `A−B +12 pp ±8 pp`, with the ± part (2 SE) in its own element and the
 * class `diff-noise` on the whole when the difference lies inside the band.
 * @example pMetDiffHtml(0.8, 50, 0.6, 50).includes('A−B +20 百分点 <small class="se-band">±18 百分点</small>') // => true
 */
export function pMetDiffHtml(pA: number, nA: number, pB: number, nB: number): string {
  const d = pA - pB;
  const band = 2 * pMetDiffSe(pA, nA, pB, nB);
  const noise = Math.abs(d) <= band;
  const cls = noise ? 'diff-noise' : d >= 0 ? 'diff-up' : 'diff-down';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const title =
    lang() === 'zh-CN'
      ? `差值的 ±2 倍标准误(每个运行 ${nA} / ${nB} 次重复):差值落在此范围内属于随机噪声`
      : `±2 standard errors of the difference (${nA} / ${nB} replications): a difference inside it is noise`;
  return `<span class="diff-se ${cls}" data-diff="${d}" data-band="${band}" title="${title}">A−B ${sign}${pp(d)} <small class="se-band">±${pp(band)}</small></span>`;
}
