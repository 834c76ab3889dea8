/**
 * Short names of every scenario parameter in Chinese and English, for the what-if panel, the tornado labels and the
 * report's parameter tables (the schema's `.describe()` texts stay the long English source notes).
 *
 * Keys are `<model>.<dotted path>` exactly as the parameter catalogue (`GET /api/params`) names them, plus the model
 * ids themselves and the first path segment of each group (`rollout.crews`) for headings. The dynamic traffic model
 * embeds the static model's section under `traffic`; `paramName` falls back to the static names for those, so they
 * are written once. engine/api/params.test.ts checks that every parameter of every model has a name here.
 */

/** A parameter's short name in both languages. */
export interface ParamName {
  zh: string;
  en: string;
}

const n = (zh: string, en: string): ParamName => ({ zh, en });

/** The three greenhouse designs of the schema: id → [zh, en]. */
const DESIGNS: Record<string, [string, string]> = {
  'shouguang-earth-wall': ['寿光式土墙温室', 'Shouguang earth-wall design'],
  'insulated-brick': ['保温砖墙温室', 'insulated brick design'],
  'simple-earth': ['简易土墙温室', 'simple earth-wall design'],
};

/** The greenhouse clusters of data/zibo/sites.json: id → [zh, en]. */
const SITES: Record<string, [string, string]> = {
  'site:linzi-huangcheng': ['临淄皇城', 'Linzi Huangcheng'],
  'site:gaoqing': ['高青', 'Gaoqing'],
  'site:zichuan-zhaili': ['淄川寨里', 'Zichuan Zhaili'],
};

function designNames(): Record<string, ParamName> {
  const fields: Record<string, [string, string]> = {
    title: ['名称', 'title'],
    spanM: ['跨度(米)', 'span (m)'],
    ridgeHeightM: ['脊高(米)', 'ridge height (m)'],
    northWallHeightM: ['北墙高度(米)', 'north wall height (m)'],
    northWallThicknessM: ['北墙厚度(米)', 'north wall thickness (m)'],
    northWallConductivityWPerMK: ['北墙导热系数', 'north wall conductivity'],
    northWallHeatCapacityJPerM3K: ['北墙体积热容', 'north wall heat capacity'],
    filmTransmittance: ['棚膜透光率', 'film transmittance'],
    filmUDayWPerM2K: ['白天棚膜传热系数', 'film U-value by day'],
    blanketUWPerM2K: ['夜间保温被传热系数', 'film + blanket U-value at night'],
    leakAch: ['密闭时换气次数', 'air leakage (closed)'],
    maxVentAch: ['最大通风换气次数', 'maximum ventilation'],
  };
  const out: Record<string, ParamName> = {};
  for (const [d, [dz, de]] of Object.entries(DESIGNS)) {
    out[`greenhouse.designs.${d}`] = n(dz, de);
    for (const [f, [fz, fe]] of Object.entries(fields))
      out[`greenhouse.designs.${d}.${f}`] = n(`${dz}:${fz}`, `${de}: ${fe}`);
  }
  return out;
}

function siteNames(): Record<string, ParamName> {
  const out: Record<string, ParamName> = {};
  for (const [s, [sz, se]] of Object.entries(SITES)) {
    const k = `greenhouse.sites.${s}`;
    out[k] = n(`${sz}温室片区`, `${se} cluster`);
    out[`${k}.greenhouses`] = n(`${sz}:温室数量`, `${se}: greenhouses`);
    out[`${k}.areaPerGreenhouseM2`] = n(`${sz}:单栋面积(平方米)`, `${se}: floor area per greenhouse (m²)`);
    for (const [d, [dz, de]] of Object.entries(DESIGNS))
      out[`${k}.typeMix.${d}`] = n(`${sz}:${dz}占比`, `${se}: share of ${de}`);
    out[`${k}.cropMix.tomato`] = n(`${sz}:番茄面积占比`, `${se}: tomato area share`);
    out[`${k}.cropMix.cucumber`] = n(`${sz}:黄瓜面积占比`, `${se}: cucumber area share`);
    out[`${k}.tempOffsetC`] = n(`${sz}:气温修正(°C)`, `${se}: temperature offset (°C)`);
  }
  return out;
}

/** Every parameter's name: `<model>.<path>` → { zh, en }. */
export const PARAM_NAMES: Record<string, ParamName> = {
  // ── models ──
  rollout: n('电子政务外网与政务服务平台推广', 'Extranet and service platform rollout'),
  clouds: n('两朵政务云', 'Two government clouds'),
  greenhouse: n('智慧农业日光温室', 'Smart solar greenhouses'),
  traffic: n('早高峰交通(静态)', 'Morning peak traffic (static)'),
  'traffic-dynamic': n('早高峰交通(动态加载)', 'Morning peak traffic (dynamic loading)'),

  // ── rollout ──
  'rollout.startDate': n('外网工程开工日期', 'Extranet works start'),
  'rollout.durationShape': n('工期分布形式', 'Duration distribution'),
  'rollout.durationCommonSigma': n('全项目工期共同偏差', 'Programme-wide duration bias (SD)'),
  'rollout.durationsDays': n('各级任务工期', 'Task durations per level'),
  'rollout.durationsDays.coreDomain': n('市级核心网工期(天)', 'City core duration (days)'),
  'rollout.durationsDays.department': n('部门专网并网工期(天)', 'Department merge duration (days)'),
  'rollout.durationsDays.countyDomain': n('区县节点工期(天)', 'County node duration (days)'),
  'rollout.durationsDays.townDomain': n('镇街节点工期(天)', 'Town node duration (days)'),
  'rollout.durationsDays.village': n('村居接入点工期(天)', 'Village access duration (days)'),
  'rollout.lagsDays': n('前后工序间隔', 'Lags after predecessors'),
  'rollout.lagsDays.county': n('区县节点滞后(天)', 'County node lag (days)'),
  'rollout.lagsDays.town': n('镇街节点滞后(天)', 'Town node lag (days)'),
  'rollout.lagsDays.village': n('村居接入滞后(天)', 'Village access lag (days)'),
  'rollout.lagsDays.department': n('部门并网滞后(天)', 'Department merge lag (days)'),
  'rollout.lagsDays.adminAfterPublic': n('政务域晚于公共域(天)', 'Administrative after public domain (days)'),
  'rollout.lagsDays.platform': n('服务平台联通滞后(天)', 'Service platform link lag (days)'),
  'rollout.crews': n('施工队伍', 'Installation crews'),
  'rollout.crews.city': n('市级施工队数', 'City crews'),
  'rollout.crews.perCounty': n('每个区县的施工队数', 'Crews per county'),
  'rollout.crews.villagePerCounty': n('每个区县的村级施工队数', 'Village crews per county'),
  'rollout.crews.countyOverrides': n('区县施工队数单独设定', 'Per-county crew numbers'),
  'rollout.departments': n('部门专网并网', 'Departmental network merges'),
  'rollout.departments.count': n('需并网的市直部门数', 'Departments to merge'),
  'rollout.departments.waves': n('并网批次数', 'Merge waves'),
  'rollout.departments.firstWaveDate': n('首批并网日期', 'First merge wave'),
  'rollout.departments.waveIntervalMonths': n('并网批次间隔(月)', 'Months between merge waves'),
  'rollout.villages': n('村级(平台第五级)', 'Village level (5th platform level)'),
  'rollout.villages.startDate': n('村居接入开工日期', 'Village access works start'),
  'rollout.funding': n('资金拨付', 'Funding gates'),
  'rollout.funding.delayMonths': n('资金拨付推迟(月)', 'Funding delay (months)'),
  'rollout.funding.tranches': n('年度资金批次', 'Budget tranches'),
  'rollout.funding.repeatEveryMonths': n('资金批次重复间隔(月)', 'Tranche repeat interval (months)'),
  'rollout.funding.unitCostCny': n('单项工程造价', 'Unit costs'),
  'rollout.funding.unitCostCny.coreDomain': n('市级核心网造价(元)', 'City core cost (CNY)'),
  'rollout.funding.unitCostCny.department': n('部门并网造价(元)', 'Department merge cost (CNY)'),
  'rollout.funding.unitCostCny.countyDomain': n('区县节点造价(元)', 'County node cost (CNY)'),
  'rollout.funding.unitCostCny.townDomain': n('镇街节点造价(元)', 'Town node cost (CNY)'),
  'rollout.funding.unitCostCny.village': n('村居接入点造价(元)', 'Village access cost (CNY)'),
  'rollout.sharing': n('信息资源共享', 'Information-resource sharing'),
  'rollout.sharing.rule': n('"不共享不审批不拨款"规则', '"No sharing, no approval, no funding" rule'),
  'rollout.sharing.startDate': n('共享方案印发日期', 'Sharing plan issued'),
  'rollout.sharing.countyDepartments': n('每个区县需接入的部门数', 'Departments per county to connect'),
  'rollout.sharing.connectMonths': n('部门接入共享平台用时(月)', 'Time to connect to sharing (months)'),
  'rollout.sharing.speedFactor': n('规则对接入速度的系数', 'Rule speed factors'),
  'rollout.sharing.speedFactor.off': n('无规则时的工期系数', 'Duration factor without the rule'),
  'rollout.sharing.speedFactor.departments': n('规则作用于部门时的工期系数', 'Duration factor, rule on departments'),
  'rollout.sharing.speedFactor.strict': n('严格规则时的工期系数', 'Duration factor, strict rule'),
  'rollout.sharing.strictCountyShare': n('严格规则:区县部门接入比例', 'Strict rule: county departments connected'),
  'rollout.platform': n('五级政务服务平台', 'Five-level service platform'),
  'rollout.platform.linkedAtStart': n('2017 年已联通的层级', 'Levels linked in 2017'),
  'rollout.platform.provinceLinkDate': n('与省级平台联通日期', 'Province link date'),
  'rollout.platform.itemWeights': n('各级办理事项比重', 'Service items by level'),
  'rollout.platform.itemWeights.county': n('区县大厅办理比重', 'Share handled at county halls'),
  'rollout.platform.itemWeights.town': n('镇街中心办理比重', 'Share handled at town centres'),
  'rollout.platform.itemWeights.village': n('村居服务点办理比重', 'Share handled at village points'),
  'rollout.services': n('网上办理(零跑腿/跑一次)', 'Online services (zero or one trip)'),
  'rollout.services.curve': n('网办推广曲线', 'Uptake curve'),
  'rollout.services.cityShareJan2017': n('2017 年 1 月市级网办比例', 'City online share, Jan 2017'),
  'rollout.services.districtShareJan2017': n('2017 年 1 月区县网办比例', 'District online share, Jan 2017'),
  'rollout.services.districtShareEnd2017': n('2017 年底区县网办比例', 'District online share, end 2017'),
  'rollout.services.districtShareEnd2017.min': n('2017 年底区县网办比例下限', 'District share end 2017, lower bound'),
  'rollout.services.districtShareEnd2017.max': n('2017 年底区县网办比例上限', 'District share end 2017, upper bound'),
  'rollout.services.bassPPerYear': n('创新系数 p(每年)', 'Innovation p per year'),
  'rollout.services.bassQPerYear': n('模仿系数 q(每年)', 'Imitation q per year'),
  'rollout.services.linearRatePerYear': n('线性推广速度(每年)', 'Linear ramp per year'),
  'rollout.services.districtSigma': n('区县推广速度差异', 'Spread of district speeds'),
  'rollout.services.itemsPerDistrict': n('每个区县的服务事项数', 'Service items per district'),
  'rollout.services.mandate': n('限期上网要求', 'Online mandate'),
  'rollout.services.mandate.date': n('全部事项上网期限', 'Mandate deadline'),
  'rollout.services.mandate.slipMeanMonths': n('区县平均拖延(月)', 'Mean district slip (months)'),
  'rollout.collab': n('协同办公系统', 'Collaborative office'),
  'rollout.collab.trialStartDate': n('协同办公试运行日期', 'Collaborative office trial start'),
  'rollout.collab.pPerMonth': n('协同办公创新系数 p(每月)', 'Innovation p per month'),
  'rollout.collab.qPerMonth': n('协同办公模仿系数 q(每月)', 'Imitation q per month'),

  // ── clouds ──
  'clouds.inventory': n('部门信息系统清单', 'System inventory'),
  'clouds.inventory.cityDepartments': n('有信息系统的市直部门数', 'City departments with systems'),
  'clouds.inventory.systemsPerDepartment': n('每个部门的系统数', 'Systems per department'),
  'clouds.inventory.systemsPerCounty': n('每个区县的系统数', 'Systems per county'),
  'clouds.inventory.publicShare': n('面向公众的系统比例', 'Share of public-facing systems'),
  'clouds.inventory.retireShare': n('整合中关停的系统比例', 'Share of systems retired'),
  'clouds.inventory.retireDate': n('系统关停日期', 'Retirement date'),
  'clouds.inventory.vcpuPublic': n('公共服务系统虚拟 CPU 数', 'vCPU per public system'),
  'clouds.inventory.vcpuAdmin': n('政务系统虚拟 CPU 数', 'vCPU per administrative system'),
  'clouds.inventory.ramGbPerVcpu': n('每个虚拟 CPU 的内存(GB)', 'RAM per vCPU (GB)'),
  'clouds.inventory.vcpuBusyShare': n('虚拟 CPU 平均忙碌比例', 'Average vCPU busy share'),
  'clouds.liveDates': n('云平台上线日期', 'Cloud service start'),
  'clouds.liveDates.public': n('公共服务云上线日期', 'Public service cloud start'),
  'clouds.liveDates.admin': n('政务服务云上线日期', 'Administrative cloud start'),
  'clouds.migration': n('系统迁移批次', 'Migration waves'),
  'clouds.migration.lanesPublic': n('公共服务云并行迁移通道', 'Parallel migrations, public cloud'),
  'clouds.migration.lanesAdmin': n('政务服务云并行迁移通道', 'Parallel migrations, administrative cloud'),
  'clouds.migration.testWindowDays': n('迁移测试窗口(天)', 'Test window per system (days)'),
  'clouds.migration.freezeMonths': n('禁止割接的月份', 'Months without cut-overs'),
  'clouds.migration.cutoverWeekday': n('割接日(星期几)', 'Cut-over weekday'),
  'clouds.migration.bandwidthMbps': n('迁移链路带宽(Mbit/s)', 'Migration bandwidth (Mbit/s)'),
  'clouds.migration.cityFirst': n('市级系统优先迁移', 'City systems first'),
  'clouds.hosts': n('云主机容量', 'Cloud host capacity'),
  'clouds.hosts.coresPerHost': n('每台主机物理核数', 'Cores per host'),
  'clouds.hosts.ramGbPerHost': n('每台主机内存(GB)', 'RAM per host (GB)'),
  'clouds.hosts.cpuOvercommit': n('CPU 超分比', 'CPU overcommit'),
  'clouds.hosts.ramOvercommit': n('内存超分比', 'RAM overcommit'),
  'clouds.hosts.targetUtilisation': n('规划 CPU 利用率', 'Planned CPU utilisation'),
  'clouds.hosts.ramTarget': n('规划内存利用率', 'Planned RAM utilisation'),
  'clouds.hosts.minHosts': n('起步主机数', 'Initial hosts'),
  'clouds.hosts.spareHosts': n('冗余主机数', 'Spare hosts'),
  'clouds.power': n('能耗模型', 'Power model'),
  'clouds.power.cloudIdleW': n('云主机空载功率(W)', 'Cloud host idle power (W)'),
  'clouds.power.cloudMaxW': n('云主机满载功率(W)', 'Cloud host full power (W)'),
  'clouds.power.cloudPue': n('云数据中心 PUE', 'Cloud data-centre PUE'),
  'clouds.power.legacyIdleW': n('自建服务器空载功率(W)', 'Stand-alone server idle power (W)'),
  'clouds.power.legacyMaxW': n('自建服务器满载功率(W)', 'Stand-alone server full power (W)'),
  'clouds.power.legacyPue': n('部门机房 PUE', 'Department server room PUE'),
  'clouds.power.legacyCoresPerServer': n('自建服务器核数', 'Cores per stand-alone server'),
  'clouds.power.legacyUtilisation': n('自建服务器 CPU 利用率', 'Stand-alone server utilisation'),
  'clouds.power.legacyUtilisation.min': n('自建服务器利用率下限', 'Stand-alone utilisation, lower bound'),
  'clouds.power.legacyUtilisation.max': n('自建服务器利用率上限', 'Stand-alone utilisation, upper bound'),
  'clouds.cost': n('政府支出', 'Cost to government'),
  'clouds.cost.cnyPerVcpuMonth': n('每虚拟 CPU 月服务费(元)', 'Price per vCPU-month (CNY)'),
  'clouds.cost.cnyPerGbRamMonth': n('每 GB 内存月服务费(元)', 'Price per GB RAM-month (CNY)'),
  'clouds.cost.legacyServerCny': n('自建服务器购置价(元)', 'Stand-alone server price (CNY)'),
  'clouds.cost.legacyLifeMonths': n('自建服务器折旧期(月)', 'Stand-alone server life (months)'),
  'clouds.cost.legacyOpexCnyPerServerMonth': n('自建服务器月运维费(元)', 'Stand-alone upkeep per month (CNY)'),
  'clouds.cost.electricityCnyPerKwh': n('电价(元/千瓦时)', 'Electricity price (CNY/kWh)'),
  'clouds.frontend': n('服务平台前端', 'Service platform front end'),
  'clouds.frontend.requestsPerDay2017': n('2017 年日请求量', 'Requests per day, 2017'),
  'clouds.frontend.growthPerYear': n('请求量实际年增长', 'Actual request growth per year'),
  'clouds.frontend.plannedGrowthPerYear': n('规划请求量年增长', 'Planned request growth per year'),
  'clouds.frontend.designHourShare': n('设计小时请求占比', 'Design-hour share'),
  'clouds.frontend.serviceTimeMs': n('单请求服务时间(毫秒)', 'Service time per request (ms)'),
  'clouds.frontend.pWaitTarget': n('排队概率设计目标', 'Design target P(wait)'),

  // ── greenhouse ──
  'greenhouse.weather': n('天气', 'Weather'),
  'greenhouse.weather.source': n('天气数据来源', 'Weather source'),
  'greenhouse.weather.file': n('天气数据文件', 'Weather file'),
  'greenhouse.weather.coldWave': n('寒潮', 'Cold wave'),
  'greenhouse.weather.coldWave.enabled': n('启用寒潮', 'Cold wave on'),
  'greenhouse.weather.coldWave.years': n('寒潮年份', 'Cold wave years'),
  'greenhouse.weather.coldWave.startDoy': n('寒潮开始日(年内第几天)', 'Cold wave first day (day of year)'),
  'greenhouse.weather.coldWave.lengthDays': n('寒潮持续天数', 'Cold wave length (days)'),
  'greenhouse.weather.coldWave.depthC': n('寒潮降温幅度(°C)', 'Cold wave depth (°C)'),
  'greenhouse.weather.coldWave.overcast': n('寒潮期间阴天', 'Overcast during the cold wave'),
  'greenhouse.weather.heatWave': n('热浪', 'Heat wave'),
  'greenhouse.weather.heatWave.enabled': n('启用热浪', 'Heat wave on'),
  'greenhouse.weather.heatWave.years': n('热浪年份', 'Heat wave years'),
  'greenhouse.weather.heatWave.startDoy': n('热浪开始日(年内第几天)', 'Heat wave first day (day of year)'),
  'greenhouse.weather.heatWave.lengthDays': n('热浪持续天数', 'Heat wave length (days)'),
  'greenhouse.weather.heatWave.amplitudeC': n('热浪升温幅度(°C)', 'Heat wave amplitude (°C)'),
  'greenhouse.weather.winterShiftC': n('冬季气温偏移(°C)', 'Winter temperature shift (°C)'),
  'greenhouse.weather.radiationFactor': n('太阳辐射系数', 'Radiation factor'),
  'greenhouse.co2AmbientPpm': n('大气二氧化碳浓度(ppm)', 'Ambient CO₂ (ppm)'),
  'greenhouse.smart': n('智能控制', 'Smart control'),
  'greenhouse.smart.adoptionByYear': n('智慧温室普及率(逐年)', 'Smart greenhouse adoption by year'),
  'greenhouse.smart.ventDayC': n('智能控制白天通风温度(°C)', 'Smart day venting setpoint (°C)'),
  'greenhouse.smart.ventNightC': n('智能控制夜间通风温度(°C)', 'Smart night venting setpoint (°C)'),
  'greenhouse.smart.blanketRatio': n('保温被揭开阈值比', 'Blanket opening ratio'),
  'greenhouse.smart.co2EnrichmentPpm': n('二氧化碳增施(ppm)', 'CO₂ enrichment (ppm)'),
  'greenhouse.manual': n('人工管理', 'Manual control'),
  'greenhouse.manual.ventHalfC': n('人工半开风口温度(°C)', 'Manual half-open vents above (°C)'),
  'greenhouse.manual.ventFullC': n('人工全开风口温度(°C)', 'Manual fully open above (°C)'),
  'greenhouse.manual.ventCloseC': n('人工关小风口温度(°C)', 'Manual step down below (°C)'),
  'greenhouse.manual.checkIntervalH': n('人工巡查间隔(小时)', 'Manual check interval (h)'),
  'greenhouse.irrigation': n('灌溉', 'Irrigation'),
  'greenhouse.irrigation.awc': n('土壤有效持水量', 'Available water capacity'),
  'greenhouse.irrigation.rootZoneMm': n('根区深度(毫米)', 'Root-zone depth (mm)'),
  'greenhouse.irrigation.drainage': n('日排水比例', 'Daily drainage share'),
  'greenhouse.irrigation.manualColdIntervalDays': n('冬季人工灌溉间隔(天)', 'Winter manual interval (days)'),
  'greenhouse.irrigation.manualColdAmountMm': n('冬季人工灌水量(毫米)', 'Winter manual amount (mm)'),
  'greenhouse.irrigation.manualWarmIntervalDays': n('暖季人工灌溉间隔(天)', 'Warm-season manual interval (days)'),
  'greenhouse.irrigation.manualWarmAmountMm': n('暖季人工灌水量(毫米)', 'Warm-season manual amount (mm)'),
  'greenhouse.irrigation.smartRefillDepletion': n('智能灌溉触发耗水比例', 'Smart refill trigger depletion'),
  'greenhouse.blanketSeason': n('保温被使用季', 'Blanket season'),
  'greenhouse.blanketSeason.fromDoy': n('保温被使用开始日(年内第几天)', 'Blanket season from (day of year)'),
  'greenhouse.blanketSeason.toDoy': n('保温被使用结束日(年内第几天)', 'Blanket season until (day of year)'),
  'greenhouse.designs': n('温室结构类型', 'Greenhouse designs'),
  ...designNames(),
  'greenhouse.crops': n('作物', 'Crops'),
  'greenhouse.crops.tomato': n('番茄', 'Tomato'),
  'greenhouse.crops.tomato.transplantDoy': n('番茄定植日(年内第几天)', 'Tomato transplant (day of year)'),
  'greenhouse.crops.tomato.pulloutDoy': n('番茄拉秧日(年内第几天)', 'Tomato pull-out (day of year)'),
  'greenhouse.crops.tomato.tsum': n('番茄积温(°C·天)', 'Tomato temperature sum (°C·d)'),
  'greenhouse.crops.tomato.hi': n('番茄收获指数', 'Tomato harvest index'),
  'greenhouse.crops.tomato.fruitDmc': n('番茄果实干物质含量', 'Tomato fruit dry-matter content'),
  'greenhouse.crops.tomato.marketableShare': n('番茄商品果比例', 'Tomato marketable share'),
  'greenhouse.crops.cucumber': n('黄瓜', 'Cucumber'),
  'greenhouse.crops.cucumber.transplantDoy': n('黄瓜定植日(年内第几天)', 'Cucumber transplant (day of year)'),
  'greenhouse.crops.cucumber.pulloutDoy': n('黄瓜拉秧日(年内第几天)', 'Cucumber pull-out (day of year)'),
  'greenhouse.crops.cucumber.tsum': n('黄瓜积温(°C·天)', 'Cucumber temperature sum (°C·d)'),
  'greenhouse.crops.cucumber.hi': n('黄瓜收获指数', 'Cucumber harvest index'),
  'greenhouse.crops.cucumber.fruitDmc': n('黄瓜果实干物质含量', 'Cucumber fruit dry-matter content'),
  'greenhouse.crops.cucumber.marketableShare': n('黄瓜商品果比例', 'Cucumber marketable share'),
  'greenhouse.sites': n('温室片区', 'Greenhouse clusters'),
  ...siteNames(),
  'greenhouse.representativeDoy': n('逐时展示日(年内第几天)', 'Day shown hourly (day of year)'),

  // ── traffic (static; the dynamic model's `traffic.*` falls back to these) ──
  'traffic.network': n('路网', 'Road network'),
  'traffic.demand': n('出行需求', 'Travel demand'),
  'traffic.demand.peakTripsPerCar': n('每辆车高峰小时出行率', 'Peak-hour trips per car'),
  'traffic.demand.deterrencePerMin': n('重力模型阻抗系数(每分钟)', 'Gravity deterrence per minute'),
  'traffic.demand.attractionWeight': n('区县吸引权重', 'Attraction weight by county'),
  'traffic.demand.uncertaintySd': n('需求不确定性(对数标准差)', 'Demand uncertainty (log SD)'),
  'traffic.demand.calibratedOd': n('校准后的 OD 矩阵', 'Calibrated OD matrix'),
  'traffic.signals': n('智能信号', 'Smart signals'),
  'traffic.signals.capacityGainMin': n('智能信号通行能力提升下限', 'Capacity gain, lower end'),
  'traffic.signals.capacityGainMax': n('智能信号通行能力提升上限', 'Capacity gain, upper end'),
  'traffic.signals.delayPerSignalS': n('每个信号灯平均延误(秒)', 'Delay per signal (s)'),
  'traffic.signals.delayReduction': n('智能信号延误减少比例', 'Delay reduction by smart signals'),
  'traffic.signals.upgradedShare': n('智能信号覆盖率(逐年)', 'Smart-signal share by year'),
  'traffic.signals.upgradedShareByDistrict': n('各区县智能信号覆盖率(逐年)', 'Smart-signal share by county and year'),
  'traffic.replications': n('重复模拟', 'Replications'),
  'traffic.replications.commonRandomNumbers': n('公共随机数', 'Common random numbers'),
  'traffic.bpr': n('路段阻抗函数(BPR)', 'Link cost function (BPR)'),
  'traffic.bpr.alpha': n('BPR 系数 α', 'BPR α'),
  'traffic.bpr.beta': n('BPR 指数 β', 'BPR β'),
  'traffic.assignment': n('交通分配', 'Assignment'),
  'traffic.assignment.algorithm': n('分配算法', 'Algorithm'),
  'traffic.assignment.targetGap': n('收敛相对间隙', 'Target relative gap'),
  'traffic.assignment.maxIterations': n('最大迭代次数', 'Iteration cap'),
  'traffic.assignment.warmStart': n('热启动', 'Warm start'),
  'traffic.plausibility': n('合理性检查', 'Plausibility check'),
  'traffic.plausibility.maxPathMin': n('最长出行时间上限(分钟)', 'Longest trip limit (min)'),
  'traffic.outputs': n('输出', 'Outputs'),
  'traffic.outputs.linkSeries': n('输出逐路段序列', 'Per-link series'),

  // ── traffic-dynamic (own parameters) ──
  'traffic-dynamic.traffic': n('静态交通参数', 'Static traffic parameters'),
  'traffic-dynamic.periodTrips': n('高峰时段出行量换算', 'Trips of the loading period'),
  'traffic-dynamic.dtS': n('加载时间步长(秒)', 'Loading time step (s)'),
  'traffic-dynamic.profile': n('出发时间分布', 'Departure-time profile'),
  'traffic-dynamic.profile.startS': n('加载开始时刻(秒)', 'Loading start (s after midnight)'),
  'traffic-dynamic.profile.sliceS': n('出发时段宽度(秒)', 'Departure slice width (s)'),
  'traffic-dynamic.profile.shares': n('各时段出发比例', 'Departure shares per slice'),
  'traffic-dynamic.clearanceS': n('清空时间上限(秒)', 'Clearance cap (s)'),
  'traffic-dynamic.signals': n('信号配时', 'Signal timing'),
  'traffic-dynamic.signals.cycleS': n('信号周期(秒)', 'Cycle length (s)'),
  'traffic-dynamic.signals.amberS': n('黄灯时间(秒)', 'Amber (s)'),
  'traffic-dynamic.signals.startupLostS': n('启动损失时间(秒)', 'Start-up lost time (s)'),
  'traffic-dynamic.signals.greenExtensionS': n('绿灯延长(秒)', 'Green extension (s)'),
  'traffic-dynamic.signals.minGreenS': n('最短绿灯(秒)', 'Minimum green (s)'),
  'traffic-dynamic.signals.mode': n('信号控制方式', 'Signal mode'),
  'traffic-dynamic.sampleShare': n('回放车辆抽样比例', 'Replay sample share'),
  'traffic-dynamic.seriesIntervalS': n('路段序列间隔(秒)', 'Series interval (s)'),
  'traffic-dynamic.gridlockTimeoutS': n('死锁判定时间(秒)', 'Gridlock timeout (s)'),
  'traffic-dynamic.onGridlock': n('发生死锁时', 'On gridlock'),
  'traffic-dynamic.maxReplications': n('每年最多动态重复次数', 'Dynamic replications per year (max)'),
};

/**
 * A parameter's (or a group heading's, or a model's) name, or undefined when the table has none. The dynamic traffic
 * model's embedded `traffic.*` section takes the static model's names.
 * @example paramName('rollout', 'crews.perCounty')?.zh // => '每个区县的施工队数'
 * @example paramName('traffic-dynamic', 'traffic.demand.peakTripsPerCar')?.en // => 'Peak-hour trips per car'
 */
export function paramName(model: string, path?: string): ParamName | undefined {
  const key = path ? `${model}.${path}` : model;
  const own = PARAM_NAMES[key];
  if (own || model !== 'traffic-dynamic' || !path?.startsWith('traffic.')) return own;
  return PARAM_NAMES[path];
}
