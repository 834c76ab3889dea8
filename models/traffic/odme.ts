/**
 * Origin–destination matrix estimation from link counts (ODME): Spiess' gradient method under user equilibrium.
 *
 * H. Spiess (1990), "A gradient approach for the O-D matrix adjustment problem", Publication 693, Centre de
 * recherche sur les transports, Université de Montréal (the method of EMME's demand adjustment). With counts ĉ_a on
 * the counted links A and weights w_a, minimise
 *   Z(g) = ½ Σ_{a∈A} w_a (v_a(g) − ĉ_a)²,      v(g) = the UE link flows of demand g,
 * by the multiplicative steepest-descent step  g_ij ← g_ij · (1 − λ ∂Z/∂g_ij)  (zero cells stay zero, so the
 * prior's structure is kept; a few iterations move it only as much as the counts need). With the route shares p_ij^a of
 * the current equilibrium taken as locally fixed,
 *   ∂Z/∂g_ij = Σ_a p_ij^a w_a (v_a − ĉ_a)   (the mean "error cost" of the routes of ij),
 *   v'_a    = −Σ_ij g_ij ∂Z/∂g_ij p_ij^a    (the link flow change per unit λ),
 *   λ*      = −Σ_a w_a v'_a (v_a − ĉ_a) / Σ_a w_a v'_a²,   bounded by λ ≤ 0.9 / max_ij ∂Z/∂g_ij (no cell shrinks
 * by more than 90 % in one step). Each step re-assigns UE (`assign`, BFW by default); a step that raises Z is halved.
 *
 * Route shares: the per-origin equilibrium link flows x_o (`trackOrigins`) split back at every node in proportion to
 * the inflow on each incoming link, as `routes.ts` decomposes routes (Bar-Gera's origin-based proportionality). Both
 * sums above are then dynamic programs over each origin's flow, in order of the shortest-path distance from the
 * origin: forward for the mean error cost H_o(v) to every node, backward to load g_od · H_o(d) onto the links. Links
 * whose flow runs against that order (Frank-Wolfe round-off cycles) are ignored. For networks where per-origin flows
 * do not fit in memory, `routeShares: 'shortest-path'` uses the shortest-path tree at the equilibrium costs instead
 * (one route per OD pair), with the same two passes.
 *
 * Fit measures of counted links: GEH = √(2 (v − c)² / (v + c)) (share below 5), RMSE, R² = 1 − Σ(v−c)² / Σ(c − c̄)².
 * Counts file (`parseCounts`): CSV with a header; columns `link` (TNTP: 1-based link number in the _net file; GMNS:
 * link_id) or `from`,`to` (external node ids), `hour`, `count`, optional `weight`.
 */
import path from 'node:path';
import { assign } from './assign.ts';
import type { Algorithm, AssignResult } from './assign-result.ts';
import { buildCsr, ShortestPaths } from './graph.ts';
import { makeDemand, type Demand, type Network } from './network.ts';
import { buildInStar, type InStar } from './routes.ts';
import { REPO_ROOT } from './shared-data.ts';
import { InputFileError } from './tntp.ts';

/** One row of a counts file, with the link resolved to a network link index. */
export interface CountRow {
  link: number;
  hour: number;
  count: number;
  weight: number;
  /** 1-based line in the file, for messages. */
  line: number;
}

/** Counts of one period, one entry per counted link (network link index). */
export interface LinkCounts {
  link: Int32Array;
  count: Float64Array;
  weight: Float64Array;
}

/** Split one CSV line (no quoted commas: counts files are plain numbers). Returns fields with their 1-based columns. */
function splitCsv(line: string): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i === line.length || line[i] === ',') {
      const raw = line.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      out.push({ text: raw.trim().replace(/^"(.*)"$/, '$1'), col: start + lead + 1 });
      start = i + 1;
    }
  }
  return out;
}

/**
 * Parse a counts CSV against a network (pure: text in, rows out). Every error names the file, line, column, the
 * field and the fix. Rules: a header naming `count`, `hour` and either `link` or both `from` and `to`; `weight`
 * optional (default 1, must be > 0); counts finite and ≥ 0; hour an integer 0..23; links must exist (a from/to pair
 * with parallel links is ambiguous: use the link id); one row per link and hour.
 * @example
 * // Links 1 → 3 and 3 → 2 between nodes numbered 1, 2, 3 (the fields read; loadTrafficInputs gives whole Networks):
 * const net = { name: 'three-nodes', numNodes: 3, numLinks: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   from: Int32Array.of(0, 2), to: Int32Array.of(2, 1) };
 * parseCounts('link,hour,count\n1,8,4500\n', 'c.csv', net) // => [{ link: 0, hour: 8, count: 4500, weight: 1, line: 2 }]
 * // By node numbers, with a weight:
 * parseCounts('from,to,hour,count,weight\n3,2,8,900,2\n', 'c.csv', net)[0] // => { link: 1, hour: 8, count: 900, weight: 2, line: 2 }
 * parseCounts('link,hour,count\n7,8,4500\n', 'c.csv', net) // throws 'c.csv:2:1: link 7 is not in network three-nodes'
 */
export function parseCounts(text: string, file: string, net: Network): CountRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let h = 0;
  while (h < lines.length && (lines[h]!.trim() === '' || lines[h]!.trim().startsWith('#'))) h++;
  if (h >= lines.length)
    throw new InputFileError(file, 1, 1, 'empty file: expected a header "link,hour,count[,weight]"');
  const header = splitCsv(lines[h]!).map((f) => ({ ...f, text: f.text.toLowerCase() }));
  const idx = (name: string): number => header.findIndex((f) => f.text === name);
  const iLink = idx('link') >= 0 ? idx('link') : idx('link_id');
  const iFrom = idx('from') >= 0 ? idx('from') : idx('from_node_id');
  const iTo = idx('to') >= 0 ? idx('to') : idx('to_node_id');
  const iHour = idx('hour');
  const iCount = idx('count');
  const iWeight = idx('weight');
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new InputFileError(file, h + 1, 1, `header "${lines[h]!.trim()}": ${what}`);
  };
  need(iCount >= 0, 'no "count" column; expected columns link (or from,to), hour, count, optional weight');
  need(iHour >= 0, 'no "hour" column (the hour of day, 0..23, the count was taken in)');
  need(iLink >= 0 || (iFrom >= 0 && iTo >= 0), 'no "link" column and no "from" and "to" columns: add one or the other');
  const known = new Set(['link', 'link_id', 'from', 'to', 'from_node_id', 'to_node_id', 'hour', 'count', 'weight']);
  for (const f of header)
    if (!known.has(f.text))
      throw new InputFileError(file, h + 1, f.col, `unknown column "${f.text}"; allowed: ${[...known].join(', ')}`);

  // Link lookup: external id → index; node pair → index (−2 when parallel links make it ambiguous).
  const byId = new Map<number, number>();
  for (let a = 0; a < net.numLinks; a++) byId.set(net.linkIds ? net.linkIds[a]! : a + 1, a);
  const nodeIndex = new Map<number, number>();
  for (let v = 0; v < net.numNodes; v++) nodeIndex.set(net.nodeIds[v]!, v);
  const byPair = new Map<string, number>();
  for (let a = 0; a < net.numLinks; a++) {
    const key = `${net.from[a]},${net.to[a]}`;
    byPair.set(key, byPair.has(key) ? -2 : a);
  }
  const idWord = net.linkIds ? 'link_id' : 'link number (1-based row of the _net file)';

  const rows: CountRow[] = [];
  const seen = new Map<string, number>();
  for (let i = h + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const line = i + 1;
    const f = splitCsv(raw);
    if (f.length !== header.length)
      throw new InputFileError(file, line, 1, `${f.length} fields, the header has ${header.length}`);
    const num = (k: number, name: string): number => {
      const t = f[k]!.text;
      const v = t === '' ? NaN : Number(t);
      if (!Number.isFinite(v))
        throw new InputFileError(file, line, f[k]!.col, `${name} "${t}" is not a number; write a plain decimal`);
      return v;
    };
    let link: number;
    if (iLink >= 0 && f[iLink]!.text !== '') {
      const id = num(iLink, 'link');
      const a = byId.get(id);
      if (a === undefined)
        throw new InputFileError(
          file,
          line,
          f[iLink]!.col,
          `link ${id} is not in network ${net.name} (${net.numLinks} links); use a ${idWord}`,
        );
      link = a;
    } else {
      if (iFrom < 0 || iTo < 0)
        throw new InputFileError(file, line, f[iLink]!.col, 'link is empty; give a link id on every row');
      const fromId = num(iFrom, 'from');
      const toId = num(iTo, 'to');
      const u = nodeIndex.get(fromId);
      const v = nodeIndex.get(toId);
      if (u === undefined || v === undefined)
        throw new InputFileError(
          file,
          line,
          f[u === undefined ? iFrom : iTo]!.col,
          `node ${u === undefined ? fromId : toId} is not in network ${net.name}; use the network's node ids`,
        );
      const a = byPair.get(`${u},${v}`);
      if (a === undefined)
        throw new InputFileError(
          file,
          line,
          f[iFrom]!.col,
          `no link from node ${fromId} to node ${toId} in ${net.name}`,
        );
      if (a === -2)
        throw new InputFileError(
          file,
          line,
          f[iFrom]!.col,
          `nodes ${fromId}→${toId} are joined by parallel links; give the link id in a "link" column instead`,
        );
      link = a;
    }
    const hour = num(iHour, 'hour');
    if (!Number.isInteger(hour) || hour < 0 || hour > 23)
      throw new InputFileError(file, line, f[iHour]!.col, `hour ${hour}: must be an integer 0..23 (start of the hour)`);
    const count = num(iCount, 'count');
    if (count < 0)
      throw new InputFileError(file, line, f[iCount]!.col, `count ${count} is negative; counts are vehicles ≥ 0`);
    let weight = 1;
    if (iWeight >= 0 && f[iWeight]!.text !== '') {
      weight = num(iWeight, 'weight');
      if (!(weight > 0))
        throw new InputFileError(file, line, f[iWeight]!.col, `weight ${weight}: must be > 0 (leave empty for 1)`);
    }
    const key = `${link},${hour}`;
    const prev = seen.get(key);
    if (prev !== undefined)
      throw new InputFileError(
        file,
        line,
        1,
        `link ${net.linkIds ? net.linkIds[link] : link + 1} hour ${hour} is already counted on line ${prev}; keep one row`,
      );
    seen.set(key, line);
    rows.push({ link, hour, count, weight, line });
  }
  if (rows.length === 0) throw new InputFileError(file, h + 1, 1, 'no count rows after the header');
  return rows;
}

/**
 * The counts of one hour as arrays. Without `hour`, the file must hold a single hour.
 * @example
 * const rows = [
 *   { link: 0, hour: 8, count: 4500, weight: 1, line: 2 },
 *   { link: 1, hour: 8, count: 900, weight: 2, line: 3 },
 *   { link: 0, hour: 17, count: 5200, weight: 1, line: 4 },
 * ];
 * const c8 = countsForHour(rows, 8); [c8.link, c8.count] // => [Int32Array.of(0, 1), Float64Array.of(4500, 900)]
 * c8.weight // => Float64Array.of(1, 2)
 * countsForHour(rows) // throws 'counts: counts for hours 8, 17; choose one (--hour H)'
 */
export function countsForHour(rows: readonly CountRow[], hour?: number, file = 'counts'): LinkCounts {
  const hours = [...new Set(rows.map((r) => r.hour))].sort((a, b) => a - b);
  const h = hour ?? (hours.length === 1 ? hours[0]! : undefined);
  if (h === undefined) throw new Error(`${file}: counts for hours ${hours.join(', ')}; choose one (--hour H)`);
  const sel = rows.filter((r) => r.hour === h);
  if (sel.length === 0) throw new Error(`${file}: no counts for hour ${h}; hours present: ${hours.join(', ')}`);
  return {
    link: Int32Array.from(sel.map((r) => r.link)),
    count: Float64Array.from(sel.map((r) => r.count)),
    weight: Float64Array.from(sel.map((r) => r.weight)),
  };
}

/** Fit of modelled flows to counts. */
export interface CountFit {
  links: number;
  /** Share (0..1) of counted links with GEH < 5. */
  gehBelow5: number;
  meanGeh: number;
  rmse: number;
  /** RMSE as a percentage of the mean count. */
  rmsePct: number;
  /** Coefficient of determination of the counts by the flows, 1 − SSres/SStot. */
  r2: number;
}

/**
 * GEH statistic of a modelled hourly flow against a count (0 when both are 0).
 * @example
 * geh(1100, 1000).toFixed(3) // => '3.086'
 * geh(0, 0) // => 0
 */
export function geh(flow: number, count: number): number {
  const s = flow + count;
  return s > 0 ? Math.sqrt((2 * (flow - count) ** 2) / s) : 0;
}

/**
 * Fit of link flows (network order) to counts.
 * @example
 * // Two counted links (0 and 2) of a three-link network:
 * const counts = { link: Int32Array.of(0, 2), count: Float64Array.of(1000, 400), weight: Float64Array.of(1, 1) };
 * const fit = countFit(Float64Array.of(1100, 700, 300), counts);
 * [fit.links, fit.gehBelow5, fit.meanGeh.toFixed(3), fit.rmse.toFixed(2)] // => [2, 0.5, '4.216', '100.00']
 */
export function countFit(flow: ArrayLike<number>, counts: LinkCounts): CountFit {
  const n = counts.link.length;
  let below = 0;
  let sg = 0;
  let ss = 0;
  let sc = 0;
  for (let k = 0; k < n; k++) {
    const v = flow[counts.link[k]!]!;
    const c = counts.count[k]!;
    const g = geh(v, c);
    if (g < 5) below++;
    sg += g;
    ss += (v - c) ** 2;
    sc += c;
  }
  const mean = sc / n;
  let st = 0;
  for (let k = 0; k < n; k++) st += (counts.count[k]! - mean) ** 2;
  const rmse = Math.sqrt(ss / n);
  return {
    links: n,
    gehBelow5: below / n,
    meanGeh: sg / n,
    rmse,
    rmsePct: mean > 0 ? (100 * rmse) / mean : NaN,
    r2: st > 0 ? 1 - ss / st : NaN,
  };
}

/** How far an OD matrix moved from the prior (off-diagonal cells). */
export interface OdChange {
  totalPrior: number;
  totalFitted: number;
  /** RMSE of cells, veh. */
  rmseCells: number;
  /** Pearson correlation of cells with the prior. */
  correlation: number;
  /** Mean |g/g0 − 1| over cells with prior > 0. */
  meanAbsRelChange: number;
  /** Largest and smallest factor g/g0 over cells with prior > 0. */
  maxFactor: number;
  minFactor: number;
}

/**
 * Compare a fitted OD with its prior.
 * @example
 * const c = odChange(Float64Array.of(0, 100, 50, 0), Float64Array.of(0, 120, 45, 0), 2);
 * [c.totalPrior, c.totalFitted, c.maxFactor, c.minFactor, c.meanAbsRelChange] // => [150, 165, 1.2, 0.9, 0.15]
 */
export function odChange(prior: Float64Array, fitted: Float64Array, nz: number): OdChange {
  let n = 0;
  let s0 = 0;
  let s1 = 0;
  let ss = 0;
  let rel = 0;
  let nRel = 0;
  let maxF = 0;
  let minF = Infinity;
  for (let o = 0; o < nz; o++)
    for (let d = 0; d < nz; d++) {
      if (o === d) continue;
      const a = prior[o * nz + d]!;
      const b = fitted[o * nz + d]!;
      n++;
      s0 += a;
      s1 += b;
      ss += (a - b) ** 2;
      if (a > 0) {
        const f = b / a;
        rel += Math.abs(f - 1);
        nRel++;
        if (f > maxF) maxF = f;
        if (f < minF) minF = f;
      }
    }
  const m0 = s0 / n;
  const m1 = s1 / n;
  let c01 = 0;
  let c00 = 0;
  let c11 = 0;
  for (let o = 0; o < nz; o++)
    for (let d = 0; d < nz; d++) {
      if (o === d) continue;
      const a = prior[o * nz + d]! - m0;
      const b = fitted[o * nz + d]! - m1;
      c01 += a * b;
      c00 += a * a;
      c11 += b * b;
    }
  return {
    totalPrior: s0,
    totalFitted: s1,
    rmseCells: Math.sqrt(ss / n),
    correlation: c00 > 0 && c11 > 0 ? c01 / Math.sqrt(c00 * c11) : NaN,
    meanAbsRelChange: nRel > 0 ? rel / nRel : 0,
    maxFactor: nRel > 0 ? maxF : 1,
    minFactor: nRel > 0 ? minF : 1,
  };
}

/** Options of `odme`. */
export interface OdmeOptions {
  /** Gradient iterations (each one or more UE assignments). Default 40. */
  maxIterations?: number;
  /** Stop when Z falls by less than this fraction in an iteration. Default 1e-4. */
  tolerance?: number;
  /** Assignment algorithm and relative gap of every re-assignment. Default 'bfw', 1e-5. */
  algorithm?: Exclude<Algorithm, 'b'>;
  targetGap?: number;
  /**
   * 'ls': w_a = the count's weight (plain least squares, Spiess). 'geh': w_a = weight / max(ĉ_a, 1), so relative
   * errors count (closer to minimising GEH², fairer to small counts). Default 'ls'.
   */
  objective?: 'ls' | 'geh';
  /**
   * Route shares p_ij^a: 'origin-flows' (per-origin equilibrium flows split proportionally, all used routes) or
   * 'shortest-path' (the shortest-path tree at the equilibrium costs: one route per OD pair, no per-origin memory).
   * Default 'origin-flows' when 3 × zones × links doubles fit in 512 MB, else 'shortest-path'.
   */
  routeShares?: 'origin-flows' | 'shortest-path';
  /** Called after every iteration. */
  onIteration?: (it: OdmeIteration) => void;
}

/** One line of the ODME log. */
export interface OdmeIteration {
  iteration: number;
  /** Objective Z after the step, and the step size used. */
  objective: number;
  step: number;
  gehBelow5: number;
  rmse: number;
  /** Assignments run in this iteration (more than 1 when the step was halved). */
  assignments: number;
}

/** Result of `odme`. */
export interface OdmeResult {
  demand: Demand;
  /** Equilibrium of the fitted demand. */
  assignment: AssignResult;
  before: CountFit;
  after: CountFit;
  change: OdChange;
  objectiveBefore: number;
  objectiveAfter: number;
  iterations: number;
  assignments: number;
  log: OdmeIteration[];
}

/** Z = ½ Σ w (v − ĉ)² over counted links. */
function objective(flow: Float64Array, counts: LinkCounts, w: Float64Array): number {
  let z = 0;
  for (let k = 0; k < counts.link.length; k++) z += 0.5 * w[k]! * (flow[counts.link[k]!]! - counts.count[k]!) ** 2;
  return z;
}

/**
 * ∂Z/∂g (dense nz × nz, out `grad`) and the link flow change per unit step v' (out `dv`) for the current equilibrium.
 * `e[a]` = w_a (v_a − ĉ_a) on counted links, 0 elsewhere.
 */
function gradient(
  net: Network,
  sp: ShortestPaths,
  ins: InStar,
  res: AssignResult,
  od: Float64Array,
  e: Float64Array,
  grad: Float64Array,
  dv: Float64Array,
): void {
  const nz = net.numZones;
  const m = net.numLinks;
  // Route shares from per-origin flows, or (without them) from the shortest-path tree at the equilibrium costs.
  const xo = res.originFlow ?? null;
  const hNode = new Float64Array(net.numNodes);
  const load = new Float64Array(net.numNodes);
  const seq = new Int32Array(net.numNodes);
  grad.fill(0);
  dv.fill(0);
  sp.setCosts(res.cost);
  for (let o = 0; o < nz; o++) {
    let any = false;
    for (let d = 0; d < nz; d++) if (d !== o && od[o * nz + d]! > 0) any = true;
    if (!any) continue;
    sp.run(net.zoneNode[o]!);
    const dist = sp.dist;
    // Nodes in non-decreasing distance: settled through-nodes, then reached no-through zones (leaves).
    let n = 0;
    for (let k = 0; k < sp.settledCount; k++) seq[n++] = sp.order[k]!;
    for (let k = 0; k < sp.sinkCount; k++) seq[n++] = sp.sinks[k]!;
    const off = o * m;
    const pred = sp.predLink;
    const used = xo
      ? (a: number): boolean => xo[off + a]! > 0 && dist[net.from[a]!]! < dist[net.to[a]!]!
      : (a: number): boolean => pred[net.to[a]!] === a;
    const share = xo ? (a: number): number => xo[off + a]! : (): number => 1;
    hNode.fill(0);
    // Forward: mean error cost of the routes reaching each node.
    for (let k = 1; k < n; k++) {
      const v = seq[k]!;
      let inflow = 0;
      let acc = 0;
      for (let s = ins.firstIn[v]!; s < ins.firstIn[v + 1]!; s++) {
        const a = ins.inLink[s]!;
        if (!used(a)) continue;
        const x = share(a);
        inflow += x;
        acc += x * (hNode[net.from[a]!]! + e[a]!);
      }
      hNode[v] = inflow > 0 ? acc / inflow : 0;
    }
    load.fill(0);
    for (let d = 0; d < nz; d++) {
      if (d === o) continue;
      const q = od[o * nz + d]!;
      const gd = hNode[net.zoneNode[d]!]!;
      grad[o * nz + d] = gd;
      load[net.zoneNode[d]!]! -= q * gd;
    }
    // Backward: push −g·∂Z/∂g from every destination back along the proportional route split.
    for (let k = n - 1; k >= 1; k--) {
      const v = seq[k]!;
      const l = load[v]!;
      if (l === 0) continue;
      let inflow = 0;
      for (let s = ins.firstIn[v]!; s < ins.firstIn[v + 1]!; s++)
        if (used(ins.inLink[s]!)) inflow += share(ins.inLink[s]!);
      if (!(inflow > 0)) continue;
      for (let s = ins.firstIn[v]!; s < ins.firstIn[v + 1]!; s++) {
        const a = ins.inLink[s]!;
        if (!used(a)) continue;
        const part = (l * share(a)) / inflow;
        dv[a]! += part;
        load[net.from[a]!]! += part;
      }
    }
  }
}

/**
 * Fit the OD matrix to link counts (Spiess 1990, see the header). The prior is not modified.
 * @example
 * // Zone 0 → zone 1 (nodes 0 and 1) by a fast route through node 2 (links 0→2, 2→1: 5 min, 1000 veh/h each) or
 * // a slow direct link (12 min, 500 veh/h); parseTntpNet or loadTrafficInputs make such Networks from files.
 * const net = { name: 'two-routes', numNodes: 3, numLinks: 3, numZones: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3), from: Int32Array.of(0, 2, 0),
 *   to: Int32Array.of(2, 1, 1), capacity: Float64Array.of(1000, 1000, 500), length: Float64Array.of(5, 5, 12),
 *   fft: Float64Array.of(5, 5, 12),
 *   b: Float64Array.of(0.15, 0.15, 0.15), power: Float64Array.of(4, 4, 4), toll: new Float64Array(3),
 *   fixedCost: new Float64Array(3), tollFactor: 0, distanceFactor: 0 };
 * const prior = { numZones: 2, od: Float64Array.of(0, 1500, 0, 0), total: 1500, intrazonal: 0 };
 * // 1,300 vehicles counted on link 0 → 2 where the prior's equilibrium puts 1,137:
 * const r = odme(net, prior, countsForHour(parseCounts('link,hour,count\n1,8,1300\n', 'counts.csv', net)));
 * [r.before.meanGeh.toFixed(2), r.after.meanGeh.toFixed(2)] // => ['4.68', '0.00']
 * [r.demand.total.toFixed(0), r.assignment.flow[0].toFixed(0)] // => ['1831', '1300']
 */
export function odme(net: Network, prior: Demand, counts: LinkCounts, opts: OdmeOptions = {}): OdmeResult {
  const nz = net.numZones;
  if (prior.numZones !== nz) throw new Error(`prior OD has ${prior.numZones} zones, network ${net.name} has ${nz}`);
  if (counts.link.length === 0) throw new Error('no counted links: ODME needs at least one count');
  for (let k = 0; k < counts.link.length; k++) {
    const a = counts.link[k]!;
    if (!(a >= 0 && a < net.numLinks)) throw new Error(`count ${k}: link index ${a} outside 0..${net.numLinks - 1}`);
    if (!(counts.count[k]! >= 0)) throw new Error(`count ${k} (link index ${a}) is ${counts.count[k]}; must be ≥ 0`);
    if (!(counts.weight[k]! > 0)) throw new Error(`weight ${k} (link index ${a}) is ${counts.weight[k]}; must be > 0`);
  }
  const maxIt = opts.maxIterations ?? 40;
  // 3 copies of zones × links doubles for per-origin flows: beyond 512 MB fall back to shortest-path shares.
  const shares =
    opts.routeShares ?? (3 * 8 * net.numZones * net.numLinks <= 512 * 2 ** 20 ? 'origin-flows' : 'shortest-path');
  const tol = opts.tolerance ?? 1e-4;
  const aopts = {
    algorithm: opts.algorithm ?? 'bfw',
    targetGap: opts.targetGap ?? 1e-5,
    trackOrigins: shares === 'origin-flows',
    keepLog: false,
  } as const;
  const w = new Float64Array(counts.link.length);
  for (let k = 0; k < w.length; k++)
    w[k] = opts.objective === 'geh' ? counts.weight[k]! / Math.max(counts.count[k]!, 1) : counts.weight[k]!;
  const csr = buildCsr(net);
  const sp = new ShortestPaths(csr);
  const ins = buildInStar(net);
  const m = net.numLinks;
  let od = prior.od.slice();
  let res = assign(net, makeDemand(nz, od), aopts, csr);
  let assignments = 1;
  const before = countFit(res.flow, counts);
  let z = objective(res.flow, counts, w);
  const z0 = z;
  const e = new Float64Array(m);
  const grad = new Float64Array(nz * nz);
  const dv = new Float64Array(m);
  const log: OdmeIteration[] = [];
  let it = 0;
  while (it < maxIt && z > 0) {
    it++;
    e.fill(0);
    for (let k = 0; k < counts.link.length; k++) {
      const a = counts.link[k]!;
      e[a]! += w[k]! * (res.flow[a]! - counts.count[k]!);
    }
    gradient(net, sp, ins, res, od, e, grad, dv);
    let num = 0;
    let den = 0;
    // Σ over counted links (a link counted twice in the input counts twice, as in Z).
    for (let k = 0; k < counts.link.length; k++) {
      const a = counts.link[k]!;
      num -= w[k]! * dv[a]! * (res.flow[a]! - counts.count[k]!);
      den += w[k]! * dv[a]! * dv[a]!;
    }
    if (!(den > 0) || !(num > 0)) break;
    let maxG = 0;
    for (let c = 0; c < grad.length; c++) if (od[c]! > 0 && grad[c]! > maxG) maxG = grad[c]!;
    let step = num / den;
    if (maxG > 0) step = Math.min(step, 0.9 / maxG);
    let tries = 0;
    let accepted = false;
    let nAssign = 0;
    while (tries++ < 4) {
      const next = od.slice();
      for (let c = 0; c < next.length; c++) if (next[c]! > 0) next[c] = next[c]! * (1 - step * grad[c]!);
      const r = assign(net, makeDemand(nz, next), aopts, csr);
      assignments++;
      nAssign++;
      const zNew = objective(r.flow, counts, w);
      if (zNew < z) {
        const drop = (z - zNew) / z;
        od = next;
        res = r;
        z = zNew;
        accepted = true;
        const fit = countFit(res.flow, counts);
        const entry = {
          iteration: it,
          objective: z,
          step,
          gehBelow5: fit.gehBelow5,
          rmse: fit.rmse,
          assignments: nAssign,
        };
        log.push(entry);
        opts.onIteration?.(entry);
        if (drop < tol) tries = 99;
        break;
      }
      step /= 2;
    }
    if (!accepted || tries >= 99) break;
  }
  const demand = makeDemand(nz, od);
  return {
    demand,
    assignment: res,
    before,
    after: countFit(res.flow, counts),
    change: odChange(prior.od, od, nz),
    objectiveBefore: z0,
    objectiveAfter: z,
    iterations: log.length,
    assignments,
    log,
  };
}

/** Format tag of a stored calibrated OD (data/calibrated/NAME.json). */
export const CALIBRATED_OD_FORMAT = 'twin-calibrated-od/1';

/**
 * A calibrated OD as stored by `twin traffic calibrate`: the fitted peak-hour matrix as cell factors over the prior
 * (fitted / prior, 1 where the prior is 0), so a scenario applies them to the gravity matrix of every year (the
 * counts correct the structure; car ownership and population still grow it), with the provenance a reviewer needs.
 */
export interface CalibratedOd {
  format: typeof CALIBRATED_OD_FORMAT;
  name: string;
  /** `zibo` (the shipped network) or an imported network's name. */
  network: string;
  /** Zone ids in matrix order; the model checks them against its network. */
  zoneIds: number[];
  /** Year and hour the counts are for. */
  year: number;
  hour: number;
  /** factors[o * zones + d]. */
  factors: number[];
  provenance: Record<string, unknown>;
}

/**
 * Where calibrated ODs are stored: data/calibrated/NAME.json, or the folder TWIN_CALIBRATED_DIR names (tests; worker
 * threads inherit the environment, so the engine's runs read the same folder).
 */
export function calibratedDir(): string {
  return process.env.TWIN_CALIBRATED_DIR ?? path.join(REPO_ROOT, 'data', 'calibrated');
}

/**
 * The file of a calibrated OD.
 * @example calibratedOdFile('zibo-2019').endsWith('zibo-2019.json') // => true
 */
export function calibratedOdFile(name: string): string {
  if (!CALIBRATED_NAME.test(name))
    throw new Error(`calibrated OD name "${name}": use letters, digits, . _ - (at most 64), e.g. zibo-2019`);
  return path.join(calibratedDir(), `${name}.json`);
}

/** Names a calibrated OD may have (a file name in data/calibrated/). */
export const CALIBRATED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Read and check a stored calibrated OD against the network's zones.
 * @throws Error naming the file and what does not match.
 */
export function readCalibratedOd(text: string, file: string, zoneIds: ArrayLike<number>): CalibratedOd {
  let doc: CalibratedOd;
  try {
    doc = JSON.parse(text) as CalibratedOd;
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message}); recreate it with \`twin traffic calibrate\``, {
      cause: e,
    });
  }
  if (doc?.format !== CALIBRATED_OD_FORMAT)
    throw new Error(`${file}: format is ${JSON.stringify(doc?.format)}, expected "${CALIBRATED_OD_FORMAT}"`);
  const nz = zoneIds.length;
  if (!Array.isArray(doc.zoneIds) || doc.zoneIds.length !== nz || doc.zoneIds.some((z, i) => z !== zoneIds[i]))
    throw new Error(
      `${file}: its zones (${doc.zoneIds?.length ?? 0}) are not the network's ${nz} zones in order; it was calibrated on network "${doc.network}"`,
    );
  if (!Array.isArray(doc.factors) || doc.factors.length !== nz * nz || doc.factors.some((f) => !(f >= 0 && f < 1e6)))
    throw new Error(`${file}: factors must be ${nz}×${nz} finite numbers ≥ 0`);
  return doc;
}

/**
 * Cell factors fitted / prior (1 where the prior cell is 0: those cells stay 0 under Spiess' multiplicative step).
 * @example odFactors(Float64Array.of(0, 2, 4, 0), Float64Array.of(0, 3, 2, 0)) // => [1, 1.5, 0.5, 1]
 */
export function odFactors(prior: Float64Array, fitted: Float64Array): number[] {
  return Array.from(prior, (p, k) => (p > 0 ? +(fitted[k]! / p).toPrecision(8) : 1));
}
