/**
 * Hand-digitised road alignments, all in GCJ-02 (the coordinate system of the Amap anchors and of the DataV seat
 * points), converted to WGS-84 by the network build.
 *
 * Grades: D = Zhangdian arterials whose alignment is inferred from Amap POI anchors listed in
 * ../shared/research/zibo-and-rollout.md §1.4 (extents beyond the anchors are E); E = inter-city corridors whose
 * waypoints are approximate (the research found no OSM extract; expect 1–3 km lateral error), joined at the county
 * seats (`seat:` = the `cp` label point of the echarts/DataV outline) and at the interchanges named here.
 */
import type { LonLat } from './common.ts';

export type LinkType = 'expressway' | 'national' | 'arterial' | 'collector' | 'connector';

export interface RoadDef {
  id: string;
  name: string;
  nameZh: string;
  type: Exclude<LinkType, 'connector'>;
  /** Lanes per direction; default from the class table. */
  lanes?: number;
  /** Free-flow speed km/h; default from the class table. */
  freeSpeedKmPerH?: number;
  grade: 'D' | 'E';
  note: string;
  /** GCJ-02 waypoints, or anchor names (`seat:370302`, `ix:g20-s29`, `road:renmin:w` ...). */
  points: (LonLat | string)[];
}

/** Class table (per direction). Sources in data/README.md. */
export const CLASS_DEFAULTS: Readonly<
  Record<LinkType, { lanes: number; capacityVehPerHPerLane: number; freeSpeedKmPerH: number }>
> = {
  expressway: { lanes: 2, capacityVehPerHPerLane: 2000, freeSpeedKmPerH: 110 },
  national: { lanes: 2, capacityVehPerHPerLane: 1800, freeSpeedKmPerH: 80 },
  arterial: { lanes: 3, capacityVehPerHPerLane: 1600, freeSpeedKmPerH: 60 },
  collector: { lanes: 2, capacityVehPerHPerLane: 1400, freeSpeedKmPerH: 50 },
  connector: { lanes: 2, capacityVehPerHPerLane: 3000, freeSpeedKmPerH: 40 },
};

/** Named anchors (GCJ-02). County seats are added by the build from districts.geojson (`seat:<code>`). */
export const ANCHORS: Readonly<Record<string, LonLat>> = {
  'ix:g20-s29': [117.975, 36.857],
  'ix:g20-g205': [118.075, 36.868],
  'ix:g20-zhoucun': [117.88, 36.849],
  'ix:g20-linzi': [118.3, 36.873],
  'ix:s29-zichuan': [117.99, 36.66],
  'ix:s29-boshan': [117.895, 36.475],
  'ix:s29-zhangdian': [117.975, 36.8175],
  'road:renmin:w': [117.985, 36.817],
  'road:renmin:e': [118.066, 36.8145],
  'road:liuquan:n': [118.061, 36.854],
  'road:liuquan:s': [118.046, 36.79],
  'road:zhangnan:s': [118.047, 36.75],
};

/** Zhangdian arterial grid (research note §1.4, Amap anchors). */
const ZHANGDIAN: RoadDef[] = [
  {
    id: 'lutai',
    name: 'Lutai Ave',
    nameZh: '鲁泰大道',
    type: 'arterial',
    grade: 'D',
    note: 'anchors Lutai 51/99 at lat 36.848; west end at Shiji Rd E',
    points: [
      [118.026, 36.848],
      [118.07, 36.848],
    ],
  },
  {
    id: 'zhengtong',
    name: 'Zhengtong Rd',
    nameZh: '政通路',
    type: 'arterial',
    grade: 'D',
    note: 'anchor Liuquan/Zhengtong corner; extent E',
    points: [
      [118.026, 36.841],
      [118.066, 36.841],
    ],
  },
  {
    id: 'zhongrun',
    name: 'Zhongrun Ave',
    nameZh: '中润大道',
    type: 'arterial',
    grade: 'D',
    note: 'anchors Zhongrun 1/33/39, Zhongrun×Xiwu; west end at Shiji Rd E',
    points: [
      [118.026, 36.8385],
      [118.03, 36.838],
      [118.037, 36.8355],
      [118.063, 36.8355],
    ],
  },
  {
    id: 'liantong',
    name: 'Liantong Rd',
    nameZh: '联通路',
    type: 'arterial',
    grade: 'D',
    note: 'anchors Nos.190/266/290; east extension (2018) E',
    points: [
      [117.99, 36.83],
      [118.015, 36.83],
      [118.06, 36.83],
    ],
  },
  {
    id: 'huaguang',
    name: 'Huaguang Rd',
    nameZh: '华光路',
    type: 'arterial',
    grade: 'D',
    note: 'anchor Huaguang 60, Huaguang×Xiliu; west extension (2018) E',
    points: [
      [117.99, 36.822],
      [118.032, 36.822],
      [118.05, 36.821],
      [118.062, 36.821],
    ],
  },
  {
    id: 'renmin',
    name: 'Renmin Rd',
    nameZh: '人民路',
    type: 'arterial',
    grade: 'D',
    note: 'historic central artery; anchors Renmin W 12/32/43/222',
    points: ['road:renmin:w', [118.026, 36.8165], [118.05, 36.815], 'road:renmin:e'],
  },
  {
    id: 'gongqingtuan',
    name: 'Gongqingtuan Rd',
    nameZh: '共青团路',
    type: 'arterial',
    grade: 'D',
    note: 'anchors No.95, E-6',
    points: [
      [118.026, 36.808],
      [118.048, 36.8065],
      [118.063, 36.8045],
    ],
  },
  {
    id: 'xincun',
    name: 'Xincun Rd',
    nameZh: '新村路',
    type: 'arterial',
    grade: 'D',
    note: 'anchors W-99, E-2; district government on Xincun W Rd',
    points: [
      [117.996, 36.803],
      [118.041, 36.801],
      [118.063, 36.798],
    ],
  },
  {
    id: 'wangshe',
    name: 'Wangshe Rd',
    nameZh: '王舍路',
    type: 'collector',
    grade: 'D',
    note: 'anchor No.235; extent E',
    points: [
      [118.012, 36.79],
      [118.062, 36.79],
    ],
  },
  {
    id: 'beijing',
    name: 'Beijing Rd',
    nameZh: '北京路',
    type: 'arterial',
    grade: 'D',
    note: 'anchors Nos.29/33/77; south extent E',
    points: [
      [117.9955, 36.8],
      [117.9955, 36.845],
    ],
  },
  {
    id: 'nanjing',
    name: 'Nanjing Rd',
    nameZh: '南京路',
    type: 'arterial',
    grade: 'D',
    note: 'anchors No.11, Liantong corner',
    points: [
      [118.0125, 36.79],
      [118.012, 36.81],
      [118.015, 36.83],
      [118.015, 36.845],
    ],
  },
  {
    id: 'shiji',
    name: 'Shiji Rd',
    nameZh: '世纪路',
    type: 'arterial',
    grade: 'D',
    note: 'anchors No.106, No.218; south extent E',
    points: [
      [118.026, 36.79],
      [118.026, 36.813],
      [118.028, 36.849],
    ],
  },
  {
    id: 'xiliu',
    name: 'Xiliu Rd',
    nameZh: '西六路',
    type: 'collector',
    grade: 'D',
    note: 'anchor Huaguang×Xiliu; extent E',
    points: [
      [118.032, 36.799],
      [118.032, 36.849],
    ],
  },
  {
    id: 'xiwu',
    name: 'Xiwu Rd',
    nameZh: '西五路',
    type: 'collector',
    grade: 'D',
    note: 'anchor Zhongrun×Xiwu; extent E',
    points: [
      [118.037, 36.799],
      [118.037, 36.849],
    ],
  },
  {
    id: 'liuquan',
    name: 'Liuquan Rd',
    nameZh: '柳泉路',
    type: 'arterial',
    grade: 'D',
    note: 'main N–S axis; anchors Liuquan 17/45/49/168/230/256/268',
    points: ['road:liuquan:s', [118.047, 36.796], [118.052, 36.813], [118.057, 36.833], 'road:liuquan:n'],
  },
  {
    id: 'jinjing',
    name: 'Jinjing Ave',
    nameZh: '金晶大道',
    type: 'arterial',
    grade: 'D',
    note: 'anchors Nos.100/130/146/158; north extent E',
    points: [
      [118.0615, 36.79],
      [118.0615, 36.813],
      [118.064, 36.849],
    ],
  },
  {
    id: 'zhangnan',
    name: 'Zhangnan Rd',
    nameZh: '张南路',
    type: 'arterial',
    grade: 'D',
    note: 'southern radial; anchor Zhangnan 13 @118.047,36.750',
    points: ['road:liuquan:s', 'road:zhangnan:s'],
  },
];

/** Expressways, national roads and the corridors joining the county seats (E). */
const INTERCITY: RoadDef[] = [
  {
    id: 'g20',
    name: 'G20 Qingdao–Yinchuan (Jinan–Qingdao north line)',
    nameZh: '青银高速(济青高速)',
    type: 'expressway',
    grade: 'E',
    note: 'opened 1993, E–W north of Zhoucun/Zhangdian/Linzi; widened to 4 lanes per direction in 2019 (lanes kept at 2 for 2017 baseline)',
    points: [
      [117.745, 36.843],
      'ix:g20-zhoucun',
      'ix:g20-s29',
      'ix:g20-g205',
      [118.19, 36.874],
      'ix:g20-linzi',
      [118.4, 36.845],
      [118.47, 36.81],
    ],
  },
  {
    id: 's29',
    name: 'S29 Binzhou–Laiwu (Binzhou–Boshan and Boshan–Laiwu sections)',
    nameZh: '滨莱高速(滨博高速/博莱高速)',
    type: 'expressway',
    grade: 'E',
    note: 'N–S from Binzhou, crosses G20 west of Zhangdian, through Zichuan and Boshan toward Laiwu; cut at the city boundary',
    points: [
      [118.05, 37.4],
      [118.035, 37.16],
      [118.02, 37.05],
      [117.99, 36.93],
      'ix:g20-s29',
      'ix:s29-zhangdian',
      [117.985, 36.74],
      'ix:s29-zichuan',
      [117.935, 36.56],
      'ix:s29-boshan',
      [117.83, 36.4],
      [117.77, 36.34],
    ],
  },
  {
    id: 'g309w',
    name: 'G309 (Zhoucun–Zhangdian)',
    nameZh: '309国道',
    type: 'national',
    grade: 'E',
    note: 'E–W national road; joins the Zhangdian grid at the west end of Renmin Rd',
    points: [[117.745, 36.775], [117.81, 36.79], 'seat:370306', [117.93, 36.812], 'road:renmin:w'],
  },
  {
    id: 'g309e',
    name: 'G309 (Zhangdian–Linzi)',
    nameZh: '309国道',
    type: 'national',
    grade: 'E',
    note: 'E–W national road; joins the Zhangdian grid at the east end of Renmin Rd',
    points: ['road:renmin:e', [118.15, 36.821], [118.24, 36.825], 'seat:370305', [118.4, 36.8], [118.47, 36.775]],
  },
  {
    id: 'g205n',
    name: 'G205 (Huantai–Zhangdian)',
    nameZh: '205国道',
    type: 'national',
    grade: 'E',
    note: 'N–S national road from Binzhou through Huantai, joins Liuquan Rd at its north end; cut at the city boundary',
    points: [[118.13, 37.2], [118.125, 37.07], 'seat:370321', [118.08, 36.91], 'ix:g20-g205', 'road:liuquan:n'],
  },
  {
    id: 'g205s',
    name: 'G205 (Zhangdian–Zichuan–Boshan–Yiyuan)',
    nameZh: '205国道',
    type: 'national',
    grade: 'E',
    note: 'N–S national road south from Zhangnan Rd through Zichuan, Boshan and Yiyuan',
    points: [
      'road:zhangnan:s',
      [118.01, 36.7],
      'seat:370302',
      [117.92, 36.575],
      'seat:370304',
      [117.96, 36.4],
      [118.06, 36.29],
      'seat:370323',
      [118.2, 36.06],
      [118.23, 35.97],
    ],
  },
  {
    id: 'huantai-gaoqing',
    name: 'Huantai–Gaoqing corridor',
    nameZh: '桓台—高青公路',
    type: 'collector',
    grade: 'E',
    freeSpeedKmPerH: 70,
    note: 'provincial-road corridor joining the Gaoqing seat to Huantai and G205',
    points: ['seat:370322', [117.93, 37.1], [118.02, 37.02], 'seat:370321'],
  },
  {
    id: 'gaoqing-s29',
    name: 'Gaoqing–S29 link',
    nameZh: '高青—滨莱高速连接线',
    type: 'collector',
    grade: 'E',
    freeSpeedKmPerH: 70,
    note: 'joins the Gaoqing seat to the expressway',
    points: ['seat:370322', [117.94, 37.16], [118.035, 37.16]],
  },
  {
    id: 'ix-zhoucun',
    name: 'Zhoucun interchange road',
    nameZh: '周村互通连接线',
    type: 'collector',
    grade: 'E',
    freeSpeedKmPerH: 60,
    note: 'G20 ↔ Zhoucun seat',
    points: ['ix:g20-zhoucun', 'seat:370306'],
  },
  {
    id: 'ix-linzi',
    name: 'Linzi interchange road',
    nameZh: '临淄互通连接线',
    type: 'collector',
    grade: 'E',
    freeSpeedKmPerH: 60,
    note: 'G20 ↔ Linzi seat',
    points: ['ix:g20-linzi', 'seat:370305'],
  },
  {
    id: 'ix-zhangdian',
    name: 'Zhangdian west interchange road',
    nameZh: '张店西互通连接线',
    type: 'collector',
    grade: 'E',
    freeSpeedKmPerH: 60,
    note: 'S29 ↔ Renmin Rd west end',
    points: ['ix:s29-zhangdian', 'road:renmin:w'],
  },
  {
    id: 'ix-zichuan',
    name: 'Zichuan interchange road',
    nameZh: '淄川互通连接线',
    type: 'collector',
    grade: 'E',
    freeSpeedKmPerH: 60,
    note: 'S29 ↔ Zichuan seat',
    points: ['ix:s29-zichuan', 'seat:370302'],
  },
  {
    id: 'ix-boshan',
    name: 'Boshan interchange road',
    nameZh: '博山互通连接线',
    type: 'collector',
    grade: 'E',
    freeSpeedKmPerH: 60,
    note: 'S29 ↔ Boshan seat',
    points: ['ix:s29-boshan', 'seat:370304'],
  },
];

export const ROADS: readonly RoadDef[] = [...ZHANGDIAN, ...INTERCITY];
