/**
 * The offline Cesium globe: bundled NaturalEarthII imagery, ellipsoid terrain, no ion, camera on Zibo, dark theme,
 * lean ("low graphics") mode, and the site's optional own imagery / 3D Tiles from settings.json.
 */
import {
  buildModuleUrl,
  Cartesian3,
  Cesium3DTileset,
  Color,
  Credit,
  EllipsoidTerrainProvider,
  ImageryLayer,
  JulianDate,
  Math as CesiumMath,
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
  Viewer,
  WebMapTileServiceImageryProvider,
  ClockRange,
  ClockStep,
} from 'cesium';
import { monthText } from './numbers.ts';
import type { SiteSettings } from './settings.ts';

export const PLAN_START = JulianDate.fromIso8601('2017-01-01T00:00:00Z');
export const PLAN_STOP = JulianDate.fromIso8601('2021-12-31T23:59:59Z');

/** Overview camera: south of Zibo, looking north over all eight districts. */
export const ZIBO_HOME = { lon: 118.02, lat: 35.72, heightM: 125_000, pitchDeg: -55 };

/**
 * Creates the Cesium viewer in `container`.
 * @example const viewer = createGlobe(document.getElementById('globe')!, settings, false);
 */
export function createGlobe(container: HTMLElement, settings: SiteSettings, lean: boolean): Viewer {
  const viewer = new Viewer(container, {
    baseLayer: ImageryLayer.fromProviderAsync(
      TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII')),
      {},
    ),
    terrainProvider: new EllipsoidTerrainProvider(),
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    animation: false,
    timeline: true,
    shouldAnimate: false,
    // Render only when something changes (camera, time, our layer updates); the replay requests every frame.
    requestRenderMode: true,
    maximumRenderTimeChange: Infinity,
    // The first frame is drawn without MSAA and atmosphere even in the default mode (software GL spends most of its
    // start-up compiling and rasterising those); `enableFullEffects` turns them on right after it (progressive start).
    msaaSamples: 1,
    orderIndependentTranslucency: !lean,
    skyBox: lean ? false : undefined,
    skyAtmosphere: lean ? false : undefined,
    automaticallyTrackDataSourceClocks: false,
  });
  const scene = viewer.scene;
  scene.globe.baseColor = Color.fromCssColorString('#0b1320');
  scene.backgroundColor = Color.fromCssColorString('#05080f');
  scene.globe.enableLighting = false;
  scene.fog.enabled = false;
  scene.globe.showGroundAtmosphere = false;
  if (scene.skyAtmosphere) scene.skyAtmosphere.show = false;
  if (lean) {
    // Lean saves on MSAA, translucency, sky and coarser imagery tiles, but keeps the full resolution: at half
    // resolution the district and site labels (Chinese glyphs at 14–17 px) were unreadable (issue 18 §9).
    viewer.resolutionScale = 1;
    scene.globe.maximumScreenSpaceError = 4;
  }
  // Darken the blurry world imagery so our vector layers carry the map.
  const base = viewer.imageryLayers.get(0);
  base.brightness = 0.55;
  base.saturation = 0.6;

  const clock = viewer.clock;
  clock.startTime = PLAN_START.clone();
  clock.stopTime = PLAN_STOP.clone();
  clock.currentTime = PLAN_START.clone();
  clock.clockRange = ClockRange.CLAMPED;
  clock.clockStep = ClockStep.SYSTEM_CLOCK_MULTIPLIER;
  clock.multiplier = 30 * 86400; // one month per second
  // Cesium's tic labels are English dates with a time ("Dec 30 2017 00:00:00 UTC"): months in the viewer's language.
  (viewer.timeline as unknown as { makeLabel: (d: JulianDate) => string }).makeLabel = (d) =>
    monthText(JulianDate.toDate(d).getTime() / 1000);
  viewer.timeline.zoomTo(PLAN_START, PLAN_STOP);

  flyHome(viewer, 0);
  addSiteLayers(viewer, settings);
  return viewer;
}

/**
 * Default (not lean) mode: MSAA 4×, sky and ground atmosphere and fog, switched on after the first frame so that the
 * globe and the vector layers appear without waiting for those shaders (then one more frame is rendered).
 * @example viewer.scene.postRender.addEventListener(() => enableFullEffects(viewer));
 */
export function enableFullEffects(viewer: Viewer): void {
  const scene = viewer.scene;
  scene.msaaSamples = 4;
  scene.fog.enabled = true;
  scene.globe.showGroundAtmosphere = true;
  if (scene.skyAtmosphere) scene.skyAtmosphere.show = true;
  scene.requestRender();
}

/** @example flyHome(viewer) */
export function flyHome(viewer: Viewer, durationS = 1.5): void {
  viewer.camera.flyTo({
    destination: Cartesian3.fromDegrees(ZIBO_HOME.lon, ZIBO_HOME.lat, ZIBO_HOME.heightM),
    orientation: { heading: 0, pitch: CesiumMath.toRadians(ZIBO_HOME.pitchDeg), roll: 0 },
    duration: durationS,
  });
}

/** Flies to look at a point from the south. @example flyToPoint(viewer, 118.05, 36.8, 40_000) */
export function flyToPoint(viewer: Viewer, lon: number, lat: number, rangeM: number, durationS = 1.5): void {
  const pitch = CesiumMath.toRadians(-50);
  // Camera south of the point so that it looks north at it.
  const backM = rangeM / Math.tan(-pitch);
  viewer.camera.flyTo({
    destination: Cartesian3.fromDegrees(lon, lat - backM / 111_000, rangeM),
    orientation: { heading: 0, pitch, roll: 0 },
    duration: durationS,
  });
}

function addSiteLayers(viewer: Viewer, settings: SiteSettings): void {
  const im = settings.imagery;
  if (im.enabled && im.url) {
    const credit = im.credit ? new Credit(im.credit) : undefined;
    const provider =
      im.type === 'wmts'
        ? new WebMapTileServiceImageryProvider({
            url: im.url,
            layer: im.wmts?.layer ?? '',
            style: im.wmts?.style ?? 'default',
            tileMatrixSetID: im.wmts?.tileMatrixSetID ?? '',
            format: im.wmts?.format,
            maximumLevel: im.maximumLevel,
            credit,
          })
        : new UrlTemplateImageryProvider({
            url: im.url,
            minimumLevel: im.minimumLevel,
            maximumLevel: im.maximumLevel,
            credit,
          });
    viewer.imageryLayers.addImageryProvider(provider);
  }
  const t3 = settings.tiles3d;
  if (t3.enabled && t3.url) {
    Cesium3DTileset.fromUrl(t3.url)
      .then((ts) => {
        viewer.scene.primitives.add(ts);
        viewer.scene.requestRender();
      })
      .catch((e: unknown) => console.warn(`settings.json tiles3d.url could not be loaded: ${String(e)}`));
  }
}

/**
 * ISO month 'YYYY-MM' of a Julian date (UTC).
 * @example
 * import { JulianDate } from 'cesium';
 * // In the app: monthOf(viewer.clock.currentTime).
 * monthOf(JulianDate.fromIso8601('2019-03-31T23:00:00Z')) // => '2019-03'
 */
export function monthOf(t: JulianDate): string {
  return JulianDate.toIso8601(t, 0).slice(0, 7);
}

/**
 * Julian date at the middle of a month, so that the month is unambiguous under the cursor.
 * @example
 * import { JulianDate } from 'cesium';
 * JulianDate.toIso8601(midMonth('2019-06'), 0) // => '2019-06-15T00:00:00Z'
 */
export function midMonth(ym: string): JulianDate {
  return JulianDate.fromIso8601(`${ym}-15T00:00:00Z`);
}
