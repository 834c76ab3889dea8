/**
 * Vector layers on the globe, all Cesium primitives (cheap to recolour, no per-frame property evaluation):
 * district fills (one Primitive, per-instance colours) and outlines, district labels, roads by class
 * (PolylineCollection, recoloured when the year changes), and sites (greenhouses, cloud centre, seats).
 */
import {
  Cartesian2,
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  LabelCollection,
  LabelStyle,
  Material,
  NearFarScalar,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  type Polyline,
  PolylineCollection,
  Primitive,
  VerticalOrigin,
  type Viewer,
  type PointPrimitive,
  type Label,
} from 'cesium';
import type { GeoDistrict, GeoRoad, GeoSite, ZiboGeo } from '../geo.ts';
import { css } from './colours.ts';

type Rgb = [number, number, number];

/** What a pick on the globe hit. */
export type PickId =
  { kind: 'district'; code: string } | { kind: 'link'; id: string } | { kind: 'site'; id: string; siteKind: string };

const ROAD_STYLE: Array<{ re: RegExp; widthPx: number; colour: string }> = [
  { re: /express|motorway|freeway|高速/i, widthPx: 4, colour: '#ff9f43' },
  { re: /national|trunk|国道|highway/i, widthPx: 3, colour: '#f6d365' },
  { re: /primary|arterial|major|主干/i, widthPx: 2.5, colour: '#c8d6e5' },
  { re: /secondary|collector|connector|次/i, widthPx: 1.5, colour: '#8395a7' },
  { re: /.*/, widthPx: 1.5, colour: '#8395a7' },
];

/**
 * Road style by GMNS link_type.
 * @example
 * [roadStyle('expressway').widthPx, roadStyle('residential').widthPx] // => [4, 1.5]
 */
export function roadStyle(cls: string): { widthPx: number; colour: string } {
  return ROAD_STYLE.find((s) => s.re.test(cls))!;
}

/**
 * A greenhouse site (by its `kind`).
 * @example
 * [isGreenhouse({ kind: 'greenhouse' }), isGreenhouse({ kind: 'cloud' })] // => [true, false]
 */
export function isGreenhouse(s: GeoSite): boolean {
  return /greenhouse|温室|agri|farm/i.test(s.kind);
}
/**
 * The cloud computing centre (by its `kind`).
 * @example
 * [isCloud({ kind: 'cloud' }), isCloud({ kind: 'data centre' }), isCloud({ kind: 'greenhouse' })] // => [true, true, false]
 */
export function isCloud(s: GeoSite): boolean {
  return /cloud|data.?cent|云/i.test(s.kind);
}

/**
 * The map's vector layers; recolour with colourDistricts / colourRoads / styleSite when the month changes.
 * @example const layers = new MapLayers(viewer, geo); layers.colourDistricts((code) => [60, 200, 150]);
 */
export class MapLayers {
  readonly viewer: Viewer;
  readonly geo: ZiboGeo;
  private districtFill: Primitive | null = null;
  private districtIds = new Map<string, Array<{ kind: 'district'; code: string }>>();
  private pendingDistrict = new Map<string, Rgb | null>();
  private districtOutlines = new PolylineCollection();
  private districtLabels = new LabelCollection();
  private labelByCode = new Map<string, Label>();
  readonly roads = new PolylineCollection();
  private roadById = new Map<string, Polyline>();
  private sites = new PointPrimitiveCollection();
  private siteLabels = new LabelCollection();
  private sitePoint = new Map<string, PointPrimitive>();
  private siteLabel = new Map<string, Label>();
  /** Last colour applied per district code (CSS), for the legend and the tests. */
  readonly districtCss = new Map<string, string>();
  readonly roadCss = new Map<string, string>();

  constructor(viewer: Viewer, geo: ZiboGeo) {
    this.viewer = viewer;
    this.geo = geo;
    const prims = viewer.scene.primitives;
    this.buildDistricts(geo.districts);
    prims.add(this.districtOutlines);
    prims.add(this.roads);
    prims.add(this.sites);
    prims.add(this.districtLabels);
    prims.add(this.siteLabels);
    this.buildRoads(geo.roads);
    this.buildSites(geo.sites);
    // Per-instance attributes exist only after the primitive's first update: apply pending colours after a render.
    viewer.scene.postRender.addEventListener(() => this.flushDistrictColours());
  }

  private buildDistricts(ds: GeoDistrict[]): void {
    const instances: GeometryInstance[] = [];
    for (const d of ds) {
      const ids: Array<{ kind: 'district'; code: string }> = [];
      d.rings.forEach((ring) => {
        const id = { kind: 'district' as const, code: d.code };
        ids.push(id);
        instances.push(
          new GeometryInstance({
            id,
            geometry: new PolygonGeometry({
              polygonHierarchy: new PolygonHierarchy(Cartesian3.fromDegreesArray(ring)),
              height: 0,
            }),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.fromBytes(38, 50, 72, 170)) },
          }),
        );
        const outline = Cartesian3.fromDegreesArrayHeights(ring.flatMap((v, i) => (i % 2 === 1 ? [v, 60] : [v])));
        this.districtOutlines.add({
          positions: outline,
          width: 2,
          material: Material.fromType('Color', { color: Color.fromCssColorString('#dfe9ff').withAlpha(0.85) }),
        });
      });
      this.districtIds.set(d.code, ids);
      const label = this.districtLabels.add({
        position: Cartesian3.fromDegrees(d.label[0], d.label[1], 800),
        text: d.name,
        font: '600 17px "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif',
        fillColor: Color.WHITE,
        outlineColor: Color.fromCssColorString('#05080f'),
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        verticalOrigin: VerticalOrigin.CENTER,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
        scaleByDistance: new NearFarScalar(5e4, 1.2, 6e5, 0.7),
      });
      this.labelByCode.set(d.code, label);
    }
    if (instances.length) {
      this.districtFill = this.viewer.scene.primitives.add(
        new Primitive({
          geometryInstances: instances,
          appearance: new PerInstanceColorAppearance({ translucent: true, closed: false, flat: true }),
          asynchronous: false,
        }),
      ) as Primitive;
    }
  }

  private buildRoads(roads: GeoRoad[]): void {
    for (const r of roads) {
      // Zone connectors are modelling artefacts, not roads: vehicles may use them, the map does not draw them.
      if (/connector|centroid/i.test(r.cls)) continue;
      const st = roadStyle(r.cls);
      // The two directions of a road are two links: shift each ~40 m to its right so both stay visible.
      const [x0, y0, x1, y1] = r.coords;
      const kx = Math.cos((y0 * Math.PI) / 180);
      const dx = (x1 - x0) * kx,
        dy = y1 - y0,
        len = Math.hypot(dx, dy) || 1;
      const offDeg = 40 / 111_000;
      const ox = ((dy / len) * offDeg) / kx,
        oy = (-dx / len) * offDeg;
      const pl = this.roads.add({
        id: { kind: 'link', id: r.id } satisfies PickId,
        positions: Cartesian3.fromDegreesArrayHeights([x0 + ox, y0 + oy, 120, x1 + ox, y1 + oy, 120]),
        width: st.widthPx,
        material: Material.fromType('Color', { color: Color.fromCssColorString(st.colour) }),
      });
      this.roadById.set(r.id, pl);
    }
  }

  private buildSites(sites: GeoSite[]): void {
    for (const s of sites) {
      const gh = isGreenhouse(s),
        cloud = isCloud(s);
      const size = cloud ? 18 : gh ? 8 + 3 * Math.log10(1 + (s.areaM2 ?? 1e5) / 1e4) : 6;
      const p = this.sites.add({
        id: { kind: 'site', id: s.id, siteKind: s.kind } satisfies PickId,
        position: Cartesian3.fromDegrees(s.lon, s.lat, 200),
        pixelSize: size,
        color: cloud
          ? Color.fromCssColorString('#4fd1ff')
          : gh
            ? Color.fromCssColorString('#9be15d')
            : Color.fromCssColorString('#e0e6f0'),
        outlineColor: Color.fromCssColorString('#05080f'),
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      this.sitePoint.set(s.id, p);
      if (gh || cloud) {
        const l = this.siteLabels.add({
          position: Cartesian3.fromDegrees(s.lon, s.lat, 200),
          text: s.name,
          font: '14px "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif',
          fillColor: Color.fromCssColorString(cloud ? '#4fd1ff' : '#c9f29b'),
          outlineColor: Color.fromCssColorString('#05080f'),
          outlineWidth: 3,
          style: LabelStyle.FILL_AND_OUTLINE,
          pixelOffset: new Cartesian2(0, -18),
          verticalOrigin: VerticalOrigin.BOTTOM,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          distanceDisplayCondition: undefined,
        });
        this.siteLabel.set(s.id, l);
      }
    }
  }

  /** Recolours districts; `null` = no data (neutral). */
  colourDistricts(colourOf: (code: string) => Rgb | null): void {
    for (const d of this.geo.districts) {
      const c = colourOf(d.code);
      this.pendingDistrict.set(d.code, c);
      this.districtCss.set(d.code, c ? css(c) : 'none');
    }
    this.viewer.scene.requestRender();
  }

  private flushDistrictColours(): void {
    if (!this.pendingDistrict.size || !this.districtFill?.ready) return;
    for (const [code, c] of this.pendingDistrict) {
      const col = c ? Color.fromBytes(c[0], c[1], c[2], 185) : Color.fromBytes(38, 50, 72, 140);
      for (const id of this.districtIds.get(code) ?? []) {
        const attrs = this.districtFill.getGeometryInstanceAttributes(id);
        if (attrs) attrs.color = ColorGeometryInstanceAttribute.toValue(col, attrs.color);
      }
    }
    this.pendingDistrict.clear();
    this.viewer.scene.requestRender();
  }

  /** Recolours road links by id (`null` = class colour). */
  colourRoads(colourOf: (id: string) => Rgb | null): void {
    for (const r of this.geo.roads) {
      const pl = this.roadById.get(r.id);
      if (!pl) continue;
      const c = colourOf(r.id);
      const col = c ? Color.fromBytes(c[0], c[1], c[2], 255) : Color.fromCssColorString(roadStyle(r.cls).colour);
      pl.material.uniforms.color = col;
      this.roadCss.set(r.id, c ? css(c) : 'class');
    }
    this.viewer.scene.requestRender();
  }

  /** Styles a site point; `label` replaces the label text when given. */
  styleSite(id: string, colour: Rgb | null, label?: string): void {
    const p = this.sitePoint.get(id);
    if (p && colour) p.color = Color.fromBytes(colour[0], colour[1], colour[2], 255);
    const l = this.siteLabel.get(id);
    if (l && label !== undefined) l.text = label;
    this.viewer.scene.requestRender();
  }

  setDistrictNames(nameOf: (d: GeoDistrict) => string): void {
    for (const d of this.geo.districts) {
      const l = this.labelByCode.get(d.code);
      if (l) l.text = nameOf(d);
    }
    this.viewer.scene.requestRender();
  }

  setVisible(layer: 'districts' | 'roads' | 'sites', on: boolean): void {
    if (layer === 'districts') {
      if (this.districtFill) this.districtFill.show = on;
      this.districtOutlines.show = on;
      this.districtLabels.show = on;
    }
    if (layer === 'roads') this.roads.show = on;
    if (layer === 'sites') {
      this.sites.show = on;
      this.siteLabels.show = on;
    }
    this.viewer.scene.requestRender();
  }
}
