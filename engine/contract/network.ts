/**
 * What the server sends the viewer to draw an imported road network (`GET /api/networks/:name/roads`): columnar, so
 * a 28,000-link city is one compact JSON document (about 2 MB, a third of that compressed), not 28,000 objects.
 */

/** Name, hash and attribution of a network: what a run's provenance records for each traffic model. */
export interface NetworkRef {
  name: string;
  contentHash: string;
  crs: 'wgs84' | 'planar';
  licence: string;
  attribution: string;
}

/** The roads of an imported network, link by link (index i in every column). */
export interface NetworkRoads extends NetworkRef {
  /** Link ids as in the run's series (`link:<id>`) and the replay artifact. */
  id: string[];
  /** GMNS link_type per link, as an index into `classes`. */
  cls: number[];
  classes: string[];
  lanes: number[];
  lengthM: number[];
  /** 1 for links the map does not draw (zone connectors): vehicles may use them, the viewer hides them. */
  hidden: number[];
  /** Link i's shape is points offsets[i] .. offsets[i+1]-1 of `coords` (lon, lat pairs; metres when planar). */
  offsets: number[];
  coords: number[];
}
