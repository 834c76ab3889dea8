/**
 * The key equations of each model as LaTeX, for the model cards (rendered server-side with KaTeX, offline). The model
 * READMEs write their equations as inline code in plain Unicode (`c_a(v) = fft_a · (…)`), which KaTeX cannot typeset
 * reliably, so the card shows these transcriptions, each naming the README section it comes from; the README text
 * itself follows in the card. A README that writes `$$…$$` display math gets those blocks rendered too (modelcard.ts).
 */
import katex from 'katex';
import { esc, type Lang } from '../contract/index.ts';

/** One equation: what it says in both languages, the LaTeX, and the README section it transcribes. */
export interface ModelEquation {
  zh: string;
  en: string;
  tex: string;
  /** README section the equation comes from. */
  section: string;
}

/** Equations per model id (transcribed from each model's README "Equations" section). */
export const MODEL_EQUATIONS: Readonly<Record<string, readonly ModelEquation[]>> = {
  rollout: [
    {
      zh: '任务开工时间：前置任务完成加滞后、资金放行、施工队空闲中最晚者',
      en: 'Task start: the latest of release, gate, predecessors plus lag, funding and the first free crew',
      tex: String.raw`s_j = \max\bigl(r_j,\; g_j,\; \max_{i \to j}(f_i + \ell_{ij}),\; \phi_j,\; \min_{c} \mathrm{free}_c\bigr)`,
      section: 'Equations',
    },
    {
      zh: '工期：Beta-PERT 分布，均值与标准差',
      en: 'Durations: Beta-PERT, mean and standard deviation',
      tex: String.raw`\mu = \frac{a + 4m + b}{6}, \qquad \sigma = \frac{b - a}{6}`,
      section: 'Equations',
    },
    {
      zh: '整体工期偏差系数（每次重复抽取一次，均值为 1）',
      en: 'Programme factor (drawn once per replication, mean 1)',
      tex: String.raw`F = \exp\!\left(\sigma Z - \tfrac{\sigma^2}{2}\right), \quad Z \sim \mathcal{N}(0, 1),\ \sigma = 0.15`,
      section: 'Equations',
    },
    {
      zh: '网上办事比率：Bass 扩散曲线',
      en: 'Online service share: Bass diffusion',
      tex: String.raw`F(t) = \frac{1 - e^{-(p+q)t}}{1 + \frac{q}{p} e^{-(p+q)t}}`,
      section: 'Equations',
    },
  ],
  clouds: [
    {
      zh: '云主机数量：按 CPU 与内存取大者，加冗余',
      en: 'Cloud hosts: the larger of the CPU and the RAM need, plus spares',
      tex: String.raw`H_k = \max\!\left(3,\ \left\lceil \max\!\left(\frac{\sum \mathrm{vCPU}_k}{48 \cdot 3 \cdot 0.6},\ \frac{\sum \mathrm{RAM}_k}{384 \cdot 1.0 \cdot 0.8}\right) \right\rceil\right) + 1`,
      section: 'Equations',
    },
    {
      zh: '利用率',
      en: 'Utilisation',
      tex: String.raw`u_k = \frac{\sum \mathrm{vCPU} \cdot b}{48\, H_k}`,
      section: 'Equations',
    },
    {
      zh: '用电量：线性功率模型',
      en: 'Energy: linear power model',
      tex: String.raw`E = \mathrm{PUE} \cdot H \cdot \bigl(P_{\mathrm{idle}} + (P_{\max} - P_{\mathrm{idle}})\, u\bigr) \cdot t`,
      section: 'Equations',
    },
    {
      zh: '割接时内存复制时间',
      en: 'Cut-over memory copy time',
      tex: String.raw`t = \frac{\mathrm{RAM}_{\mathrm{MB}}}{\mathrm{BW}_{\mathrm{Mbit/s}} / (2 \cdot 8)}`,
      section: 'Equations',
    },
  ],
  greenhouse: [
    {
      zh: '积温',
      en: 'Thermal time',
      tex: String.raw`TT_i = TT_0 + \sum_{j<i} \max(T_{\mathrm{mean},j} - T_{\mathrm{base}},\, 0)`,
      section: '1. SIMPLE crop model',
    },
    {
      zh: '日生物量增量',
      en: 'Daily biomass growth',
      tex: String.raw`\Delta B_i = 10 \cdot \mathrm{RUE} \cdot f_{\mathrm{Solar},i} \cdot \mathrm{SRAD}_i \cdot f(\mathrm{CO_2}) \cdot f(T_i) \cdot \min\bigl(f(\mathrm{Heat}_i),\, f(\mathrm{Water}_i)\bigr)`,
      section: '1. SIMPLE crop model',
    },
    {
      zh: '二氧化碳效应',
      en: 'CO₂ effect',
      tex: String.raw`f(\mathrm{CO_2}) = \max\bigl(1,\ 1 + 0.01\, S_{\mathrm{CO_2}} (\mathrm{CO_2} - 350)\bigr)`,
      section: '1. SIMPLE crop model',
    },
    {
      zh: '温室空气节点热平衡',
      en: 'Heat balance of the greenhouse air',
      tex: String.raw`C_a \frac{dT_a}{dt} = f_{\mathrm{air}}(1 - f_w) I_{\mathrm{in}} + h_w (T_w - T_a) + h_s (T_s - T_a) - K_{\mathrm{cov}} (T_a - T_o + \Delta T_{\mathrm{sky}}) - \rho c_p V \frac{\mathrm{ACH}}{3600} (T_a - T_o)`,
      section: '3. Greenhouse climate',
    },
  ],
  traffic: [
    {
      zh: '路段阻抗（BPR 函数）',
      en: 'Link cost (BPR)',
      tex: String.raw`c_a(v_a) = t^0_a \left(1 + B_a \left(\frac{v_a}{C_a}\right)^{p_a}\right) + \tau\, \mathrm{toll}_a + \delta\, L_a`,
      section: 'Equations',
    },
    {
      zh: '用户均衡：Beckmann 目标函数的最小值',
      en: 'User equilibrium: minimiser of the Beckmann objective',
      tex: String.raw`\min_{v}\ Z(v) = \sum_a \int_0^{v_a} c_a(w)\, dw`,
      section: 'Equations',
    },
    {
      zh: '双约束重力模型',
      en: 'Doubly constrained gravity model',
      tex: String.raw`T_{ij} = a_i O_i\, b_j D_j\, e^{-\beta t_{ij}}, \quad i \ne j`,
      section: 'Equations',
    },
    {
      zh: '收敛判据：相对间隙',
      en: 'Stopping rule: relative gap',
      tex: String.raw`\mathrm{gap} = \frac{\sum_a v_a c_a(v) - \sum_a y_a c_a(v)}{\sum_a v_a c_a(v)}`,
      section: 'Equations',
    },
  ],
  'traffic-dynamic': [
    {
      zh: '反向波速（三角形基本图）',
      en: 'Backward wave speed (triangular fundamental diagram)',
      tex: String.raw`w = \frac{Q}{k_j - Q / v_f}`,
      section: 'Equations',
    },
    {
      zh: '路段发送流量',
      en: 'Sending flow of a link',
      tex: String.raw`S_a(t) = \min\bigl(N_{\mathrm{up}}(t + \Delta t - L / v_f) - N_{\mathrm{down}}(t),\ Q \Delta t\bigr)`,
      section: 'Equations',
    },
    {
      zh: '路段接收流量（溢出回堵）',
      en: 'Receiving flow of a link (spill-back)',
      tex: String.raw`R_a(t) = \min\bigl(N_{\mathrm{down}}(t + \Delta t - L / w) + k_j L - N_{\mathrm{up}}(t),\ Q \Delta t\bigr)`,
      section: 'Equations',
    },
    {
      zh: '自适应信号：Webster 等饱和度配时',
      en: 'Adaptive signals: Webster’s equisaturation split',
      tex: String.raw`G_p = G_{\min} + \left(C - \sum \mathrm{amber} - n\, G_{\min}\right) \frac{y_p}{\sum y}`,
      section: 'Equations',
    },
  ],
};

/**
 * LaTeX to HTML with KaTeX (server-side, no scripts in the page; the page links KaTeX's stylesheet and fonts).
 * A formula KaTeX cannot parse is shown as its source in red, not thrown (a README typo must not break a card).
 * @example texHtml('a^2 + b^2').startsWith('<span class="katex-display"><span class="katex">') // => true
 */
export function texHtml(tex: string, display = true): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: false, output: 'html', strict: 'ignore' });
}

/**
 * The equations block of a card: each equation's caption in the language and its KaTeX rendering.
 * @example equationsHtml('traffic', 'zh-CN').includes('<div class="eq-cap">路段阻抗（BPR 函数）</div>') // => true
 */
export function equationsHtml(modelId: string, lang: Lang): string {
  const eqs = MODEL_EQUATIONS[modelId] ?? [];
  return eqs
    .map(
      (e) => `<div class="eq"><div class="eq-cap">${esc(lang === 'zh-CN' ? e.zh : e.en)}</div>${texHtml(e.tex)}</div>`,
    )
    .join('\n');
}
