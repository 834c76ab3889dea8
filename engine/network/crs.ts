/** GCJ-02 → WGS-84 with gcoord (the project's dependency for Chinese coordinates). */
import gcoordModule from 'gcoord';

// gcoord's .d.ts declares a default export, but its CommonJS build has none: accept either shape (as data/build).
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord);

/**
 * Convert one GCJ-02 lon/lat to WGS-84 (not rounded: an import keeps full precision).
 * @example gcj02ToWgs84(118.018, 36.807).map((v) => v.toFixed(5)) // => ['118.01203', '36.80659']
 */
export function gcj02ToWgs84(lon: number, lat: number): [number, number] {
  return gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
}
