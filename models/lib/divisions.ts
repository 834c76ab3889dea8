/**
 * The division tree the rollout runs on: city → 8 districts/counties → 88 towns/streets → 2,931 villages/communities.
 * The model needs counts, codes and names only, so the tree is reduced to a `Hierarchy` (no per-village objects).
 */
import { loadDivisions } from '../../data/index.ts';

/** One town/street with its number of villages/communities. */
export interface TownInfo {
  code: string;
  name: string;
  villages: number;
}

/** One district/county. */
export interface CountyInfo {
  code: string;
  name: string;
  nameEn: string;
  towns: TownInfo[];
}

/** The reduced division tree of Zibo. */
export interface Hierarchy {
  source: string;
  counties: CountyInfo[];
}

/**
 * Reduce a division tree (province → city → county → town → village, as written by the data build and returned by
 * `loadDivisions`) to a Hierarchy of counts. A city-rooted tree is accepted too. Throws naming `file` and the field
 * when the shape is wrong.
 * @example
 * // A city-rooted tree with one county, one town and two villages:
 * const tree = { code: '3703', name: '淄博市', children: [{ code: '370302', name: '淄川区', children: [
 *   { code: '370302001', name: '般阳路街道', children: [{ code: '370302001001' }, { code: '370302001002' }] }] }] };
 * hierarchyFromTree(tree, 'tree.json').counties[0].towns // => [{ code: '370302001', name: '般阳路街道', villages: 2 }]
 * hierarchyFromTree({ code: '3702' }, 'tree.json') // throws 'tree.json: children: no city node with code "3703"'
 */
export function hierarchyFromTree(doc: unknown, file: string): Hierarchy {
  function fail(where: string, what: string): never {
    throw new Error(
      `${file}: ${where}: ${what} (expected the division tree written by the data build: province → city → county → town → village, each with code, name and children)`,
    );
  }
  const root = asNode(doc) ?? fail('root', 'not a JSON object');
  const city =
    String(root.code) === '3703'
      ? root
      : childrenOf(root)
          ?.map(asNode)
          .find((c) => String(c?.code) === '3703');
  if (!city) fail('children', 'no city node with code "3703" (Zibo)');
  const countyNodes = childrenOf(city);
  if (!countyNodes || countyNodes.length === 0) fail('3703.children', 'no districts/counties');
  const counties: CountyInfo[] = countyNodes.map((raw, ci) => {
    const c = asNode(raw);
    const code = c?.code;
    if (typeof code !== 'string' || !/^3703\d{2}$/.test(code))
      fail(`3703.children[${ci}].code`, `"${code}" is not a 6-digit Zibo county code`);
    const townNodes = childrenOf(c);
    if (!townNodes) fail(`${code}.children`, 'missing towns list');
    const towns: TownInfo[] = townNodes.map((rawTown, ti) => {
      const t = asNode(rawTown);
      const townCode = t?.code;
      if (typeof townCode !== 'string' || !townCode.startsWith(code))
        fail(`${code}.children[${ti}].code`, `"${townCode}" is not a town code under ${code}`);
      const villages = childrenOf(t)?.length ?? 0;
      return { code: townCode, name: String(t?.name ?? townCode), villages };
    });
    return { code, name: String(c?.name ?? code), nameEn: String(c?.nameEn ?? code), towns };
  });
  return { source: String(root.source ?? file), counties };
}

/** A node of the division tree as parsed from JSON: every field is checked before use. */
interface RawNode {
  code?: unknown;
  name?: unknown;
  nameEn?: unknown;
  source?: unknown;
  children?: unknown;
}

function asNode(x: unknown): RawNode | undefined {
  return x && typeof x === 'object' ? (x as RawNode) : undefined;
}

function childrenOf(n: RawNode | undefined): unknown[] | undefined {
  return Array.isArray(n?.children) ? n.children : undefined;
}

/**
 * Read the division tree through the data layer (`data/index.ts` → `loadDivisions`, which validates
 * data/zibo/divisions.json and names file and field on errors) and reduce it to counts.
 * `dir` reads `divisions.json` from another folder (tests use models/rollout/fixtures/small/).
 * @example loadHierarchy().counties.reduce((s, c) => s + c.towns.length, 0) // => 88
 */
export function loadHierarchy(dir?: string): Hierarchy {
  const tree = loadDivisions(dir ? { dir } : {});
  return hierarchyFromTree(tree, dir ? `${dir}/divisions.json` : 'data/zibo/divisions.json');
}

/**
 * Totals of a hierarchy, for conservation checks and reports.
 * @example hierarchyTotals(loadHierarchy()) // => { counties: 8, towns: 88, villages: 2931 }
 */
export function hierarchyTotals(h: Hierarchy): { counties: number; towns: number; villages: number } {
  let towns = 0;
  let villages = 0;
  for (const c of h.counties) {
    towns += c.towns.length;
    for (const t of c.towns) villages += t.villages;
  }
  return { counties: h.counties.length, towns, villages };
}
