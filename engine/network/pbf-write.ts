/**
 * A small OpenStreetMap PBF writer (DenseNodes and ways, zlib blobs of at most 8,000 elements) on the `pbf`
 * protobuf encoder, enough for the project's own test and bench files. Format: wiki.openstreetmap.org/wiki/PBF_Format
 * (BlobHeader/Blob framing, HeaderBlock with "OsmSchema-V0.6" and "DenseNodes", PrimitiveBlock with a string table,
 * coordinates in 1e-7 degrees, ids and coordinates delta-coded). Nodes must all be added before ways.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PbfWriter } from 'pbf';

const BLOCK = 8000;

type Tags = Record<string, string>;

export class OsmPbfWriter {
  private readonly fd: number;
  private nodes: { id: number; lon: number; lat: number; tags?: Tags }[] = [];
  private ways: { id: number; refs: number[]; tags: Tags }[] = [];
  private wroteWays = false;

  /** Open `file` for writing and write the header block. */
  constructor(file: string) {
    this.fd = openSync(file, 'w');
    const h = new PbfWriter();
    h.writeStringField(4, 'OsmSchema-V0.6');
    h.writeStringField(4, 'DenseNodes');
    h.writeStringField(16, 'zibo-twin engine/network/pbf-write.ts');
    this.blob('OSMHeader', h.finish());
  }

  /** Add a node (degrees, WGS-84). */
  node(id: number, lon: number, lat: number, tags?: Tags): void {
    if (this.wroteWays || this.ways.length) throw new Error('OsmPbfWriter: add every node before the first way');
    this.nodes.push(tags ? { id, lon, lat, tags } : { id, lon, lat });
    if (this.nodes.length >= BLOCK) this.flushNodes();
  }

  /** Add a way. */
  way(id: number, refs: number[], tags: Tags): void {
    if (this.nodes.length) this.flushNodes();
    this.ways.push({ id, refs, tags });
    if (this.ways.length >= BLOCK) this.flushWays();
  }

  /** Write what is buffered and close the file. */
  close(): void {
    this.flushNodes();
    this.flushWays();
    closeSync(this.fd);
  }

  private blob(type: string, data: Uint8Array): void {
    const z = deflateSync(data);
    const b = new PbfWriter();
    b.writeVarintField(2, data.length);
    b.writeBytesField(3, z);
    const blob = b.finish();
    const hd = new PbfWriter();
    hd.writeStringField(1, type);
    hd.writeVarintField(3, blob.length);
    const header = hd.finish();
    const len = Buffer.alloc(4);
    len.writeUInt32BE(header.length);
    writeSync(this.fd, len);
    writeSync(this.fd, header);
    writeSync(this.fd, blob);
  }

  private block(strings: string[], group: (p: PbfWriter) => void): void {
    const p = new PbfWriter();
    p.writeMessage(
      1,
      (s: string[], w: PbfWriter) => {
        for (const x of s) w.writeBytesField(1, Buffer.from(x, 'utf8'));
      },
      strings,
    );
    p.writeMessage(2, (_: null, w: PbfWriter) => group(w), null);
    this.blob('OSMData', p.finish());
  }

  private flushNodes(): void {
    if (!this.nodes.length) return;
    const st = new StringTable();
    const ids: number[] = [];
    const lats: number[] = [];
    const lons: number[] = [];
    const kv: number[] = [];
    let pid = 0;
    let plat = 0;
    let plon = 0;
    for (const n of this.nodes) {
      const lat = Math.round(n.lat * 1e7);
      const lon = Math.round(n.lon * 1e7);
      ids.push(n.id - pid);
      lats.push(lat - plat);
      lons.push(lon - plon);
      pid = n.id;
      plat = lat;
      plon = lon;
      for (const [k, v] of Object.entries(n.tags ?? {})) kv.push(st.id(k), st.id(v));
      kv.push(0);
    }
    this.block(st.strings, (g) =>
      g.writeMessage(
        2,
        (_: null, d: PbfWriter) => {
          d.writePackedSVarint(1, ids);
          d.writePackedSVarint(8, lats);
          d.writePackedSVarint(9, lons);
          d.writePackedVarint(10, kv);
        },
        null,
      ),
    );
    this.nodes = [];
  }

  private flushWays(): void {
    if (!this.ways.length) return;
    this.wroteWays = true;
    const st = new StringTable();
    const ways = this.ways.map((w) => {
      const keys: number[] = [];
      const vals: number[] = [];
      for (const [k, v] of Object.entries(w.tags)) {
        keys.push(st.id(k));
        vals.push(st.id(v));
      }
      const refs: number[] = [];
      let prev = 0;
      for (const r of w.refs) {
        refs.push(r - prev);
        prev = r;
      }
      return { id: w.id, keys, vals, refs };
    });
    this.block(st.strings, (g) => {
      for (const w of ways)
        g.writeMessage(
          3,
          (x: typeof w, p: PbfWriter) => {
            p.writeVarintField(1, x.id);
            p.writePackedVarint(2, x.keys);
            p.writePackedVarint(3, x.vals);
            p.writePackedSVarint(8, x.refs);
          },
          w,
        );
    });
    this.ways = [];
  }
}

/** A block's string table; index 0 is the empty string (it ends a node's keys_vals). */
class StringTable {
  readonly strings: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}
