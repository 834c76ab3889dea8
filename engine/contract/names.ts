/**
 * Chinese names of metrics, entities and model families: one table that the viewer (viewer/src/i18n/zh-CN.ts), the
 * committee report (engine/report/i18n.ts) and the model cards all read, so a metric is called the same everywhere.
 * Plain data, no imports (the browser bundle uses it too).
 */

/** Short Chinese name of each metric id (selects, cards, chart titles, report tables). */
export const METRIC_NAMES_ZH: Readonly<Record<string, string>> = {
  'extranet.liveShare': '外网节点开通率',
  'extranet.departmentsMergedShare': '部门专网整合率',
  'extranet.finishYear': '外网完成时间',
  'extranet.waitDays': '外网任务等待',
  'platform.liveShare': '政务服务平台联通率',
  'platform.finishYear': '平台联通完成时间',
  'services.onlineShare': 'A、B级事项比率',
  'services.reach90Year': 'A、B级达90%时间',
  'services.reach100Year': 'A、B级达100%时间',
  'collab.liveShare': '协同办公上线率',
  'collab.finishYear': '协同办公完成时间',
  'sharing.connectedShare': '共享平台接入率',
  'sharing.finishYear': '共享接入完成时间',
  'clouds.migratedShare': '系统上云率',
  'clouds.systemsMigrated': '已迁移系统',
  'clouds.systems': '系统数',
  'clouds.hosts': '云主机数',
  'clouds.utilisation': 'CPU利用率',
  'clouds.energyKwh': '用电量',
  'clouds.costCny': '支出',
  'clouds.standaloneCostCny': '独立机房支出',
  'clouds.standaloneEnergyKwh': '独立机房用电量',
  'clouds.savingShare': '较分散机房节省',
  'clouds.legacyServers': '剩余独立服务器',
  'clouds.frontendServers': '前端服务实例',
  'clouds.frontendPWait': '前端排队概率',
  'clouds.frontendGrowthPerYear': '前端年增长',
  'clouds.cutoverDowntimeH': '割接停机时长',
  'clouds.finishYear': '迁移完成时间',
  'greenhouse.yieldKgPerM2': '单位面积产量',
  'greenhouse.cropYieldKgPerM2': '作物单产',
  'greenhouse.productionT': '温室蔬菜总产量',
  'greenhouse.smartShare': '智能控制温室比例',
  'greenhouse.smartGainPct': '智能控制增产',
  'greenhouse.coldDamageDays': '冷害天数',
  'greenhouse.frostLossShare': '冻害减产比例',
  'greenhouse.janInsideMinC': '一月室内最低气温',
  'greenhouse.irrigationMm': '灌溉量',
  'greenhouse.waterSavingPct': '节水率',
  'greenhouse.firstHarvestDays': '首次采收天数',
  'greenhouse.lastHarvestDays': '末次采收天数',
  'traffic.meanSpeedKmPerH': '高峰平均车速',
  'traffic.congestionIndex': '拥堵指数',
  'traffic.vhtVehH': '车辆小时',
  'traffic.vktVehKm': '车公里',
  'traffic.congestedLengthShare': '拥堵路段里程比例',
  'traffic.smartSignalShare': '自适应信号覆盖率',
  'traffic.capacityGainShare': '通行能力提升',
  'traffic.demandVehPerH': '高峰小汽车出行需求',
  'traffic.longestPathMin': '最长路径行程时间',
  'traffic.linkVc': '路段饱和度',
  'traffic.linkSpeedKmPerH': '路段车速',
  'traffic.linkFlowVehPerH': '路段流量',
  'traffic.linkQueueVehMin': '路段排队',
  'traffic.relativeGap': '均衡相对间隙',
  'traffic.peakDelayVehH': '高峰延误',
  'traffic.peakGridlock': '高峰锁死',
  'traffic.peakHourOdVehPerH': '高峰小时出行需求',
  'traffic.peakMeanSpeedKmPerH': '高峰平均车速（动态）',
  'traffic.peakMeanTravelTimeMin': '高峰平均行程时间',
  'traffic.peakTrips': '高峰出行量',
  'traffic.peakUnfinished': '高峰未完成出行',
  'traffic.peakVhtVehH': '高峰车辆小时',
  'traffic.peakVktVehKm': '高峰车公里',
  'traffic.queueMinutesTop10': '前十瓶颈排队',
};

/** Chinese names of the non-geographic entities (levels, clouds, domains, crops). */
export const ENTITY_NAMES_ZH: Readonly<Record<string, string>> = {
  city: '全市',
  'level:province': '省级',
  'level:city': '市级',
  'level:county': '区县',
  'level:town': '镇(街道)',
  'level:village': '村(居)',
  'cloud:public': '公共服务云',
  'cloud:admin': '行政服务云',
  'domain:public': '公共服务域',
  'domain:admin': '行政服务域',
  standalone: '独立机房',
  service: '云服务',
  'crop:tomato': '番茄',
  'crop:cucumber': '黄瓜',
};

/** Chinese names of the model families (model ids of the scenario sections). */
export const MODEL_NAMES_ZH: Readonly<Record<string, string>> = {
  rollout: '电子政务建设进度',
  clouds: '政务“两朵云”',
  greenhouse: '日光温室蔬菜',
  traffic: '早高峰交通（静态均衡）',
  'traffic-dynamic': '早高峰交通（动态加载）',
  testbed: '测试模型',
};

/**
 * A model family's name in a language: the Chinese name in zh-CN when known, else the English title, else the id.
 * @example modelName('greenhouse', 'zh-CN') // => '日光温室蔬菜'
 */
export function modelName(id: string, lang: 'zh-CN' | 'en', englishTitle?: string): string {
  return (lang === 'zh-CN' ? MODEL_NAMES_ZH[id] : undefined) ?? englishTitle ?? id;
}
