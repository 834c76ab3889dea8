import { describe, expect, it } from 'vitest';
import { loadDivisions, loadTowns } from '../index.ts';

const tree = loadDivisions();
const counties = tree.children[0].children;
const towns = counties.flatMap((c) => c.children);
const villages = towns.flatMap((t) => t.children);

/**
 * Outside reference: streets + towns per county on 2017-10-31 (NBS codes as packaged by modood, commit c893e3b),
 * from ../shared/research/zibo-and-rollout.md §1.2. City total 30 streets + 58 towns (also cnzsr.com for 2019).
 */
const REF_2017: Record<string, [number, number]> = {
  '370303': [7, 6],
  '370302': [4, 9],
  '370304': [3, 7],
  '370305': [5, 7],
  '370306': [5, 5],
  '370321': [2, 7],
  '370322': [2, 7],
  '370323': [2, 10],
};

describe('divisions.json', () => {
  it('is the 5-level tree 37 → 3703 → 8 counties → 88 towns → 2,931 villages', () => {
    expect(tree.code).toBe('37');
    expect(tree.children[0].code).toBe('3703');
    expect(counties).toHaveLength(8);
    expect(towns).toHaveLength(88);
    expect(villages).toHaveLength(2931);
  });

  it('2017 classification: 30 streets + 58 towns, per county as in the 2017 code list', () => {
    expect(towns.filter((t) => t.type2017 === 'street')).toHaveLength(30);
    expect(towns.filter((t) => t.type2017 === 'town')).toHaveLength(58);
    for (const c of counties) {
      const s = c.children.filter((t) => t.type2017 === 'street').length;
      const t = c.children.filter((x) => x.type2017 === 'town').length;
      expect([s, t], `${c.code} ${c.nameEn}`).toEqual(REF_2017[c.code]);
    }
  });

  it('2023 classification differs only by 马尚 (town in 2017, street in 2023)', () => {
    const changed = towns.filter((t) => t.type !== t.type2017);
    expect(changed.map((t) => t.name)).toEqual(['马尚街道']);
    expect(towns.filter((t) => t.type === 'street')).toHaveLength(31);
  });

  it('villages per county (NBS 2023 list) and against older published counts where comparable', () => {
    const per = Object.fromEntries(
      counties.map((c) => [c.code, c.children.reduce((a, t) => a + t.children.length, 0)]),
    );
    expect(per).toEqual({
      '370302': 474,
      '370303': 304,
      '370304': 296,
      '370305': 468,
      '370306': 250,
      '370321': 353,
      '370322': 318,
      '370323': 468,
    });
    // Outside references (research note §1.2): Zichuan 379 villages + 89 communities (2015); Boshan 289 (c.2023).
    expect(Math.abs(per['370302']! / 468 - 1)).toBeLessThan(0.05);
    expect(Math.abs(per['370304']! / 289 - 1)).toBeLessThan(0.05);
    // Citywide: historic 3,321 administrative villages before mergers; research estimate 3,000–3,300 村居.
    expect(villages.length).toBeGreaterThan(2700);
    expect(villages.length).toBeLessThan(3321);
  });

  it('codes are unique and nested; streets carry far more communities than towns do', () => {
    const codes = [...towns.map((t) => t.code), ...villages.map((v) => v.code)];
    expect(new Set(codes).size).toBe(codes.length);
    const share = (type: 'street' | 'town') => {
      const vs = towns.filter((t) => t.type === type).flatMap((t) => t.children);
      return vs.filter((v) => v.kind === 'community').length / vs.length;
    };
    expect(share('street')).toBeGreaterThan(0.3); // measured 0.44: suburban streets still hold villages
    expect(share('town')).toBeLessThan(0.2);
    expect(villages.filter((v) => v.kind === 'community').every((v) => /居|社区/.test(v.name))).toBe(true);
  });

  it('loadTowns flattens the tree with village and community counts', () => {
    const flat = loadTowns();
    expect(flat).toHaveLength(88);
    expect(flat.filter((t) => t.countyCode === '370303')).toHaveLength(13);
    expect(flat.reduce((a, t) => a + t.communities + t.villages, 0)).toBe(2931);
    expect(flat.reduce((a, t) => a + t.communities, 0)).toBe(villages.filter((v) => v.kind === 'community').length);
  });
});
