/**
 * The road networks a run uses, for its provenance: name and content hash per traffic model (the static model's
 * `traffic.network`, the dynamic model's embedded `traffic-dynamic.traffic.network`), stored with the run.
 */
import { networkInfo, SKETCH_NETWORK, type NetworkInfo } from '../../data/networks.ts';

/**
 * Name, content hash, coordinate system, licence and attribution of each traffic model's network; empty when the run
 * has no traffic model.
 * @example
 * const p = networkProvenance({ traffic: { assignment: { algorithm: 'bfw' } } }, ['rollout', 'traffic']);
 * Object.keys(p) // => ['traffic']
 * [p.traffic.name, p.traffic.crs, p.traffic.contentHash.length] // => ['zibo-sketch', 'wgs84', 64]
 * networkProvenance({}, ['rollout']) // => {}
 */
export function networkProvenance(scenario: Record<string, unknown>, modelIds: string[]): Record<string, NetworkInfo> {
  const out: Record<string, NetworkInfo> = {};
  const nameOf = (section: unknown): string =>
    ((section as { network?: string } | undefined)?.network ?? SKETCH_NETWORK) || SKETCH_NETWORK;
  if (modelIds.includes('traffic')) out.traffic = networkInfo(nameOf(scenario.traffic));
  if (modelIds.includes('traffic-dynamic'))
    out['traffic-dynamic'] = networkInfo(nameOf((scenario['traffic-dynamic'] as { traffic?: unknown })?.traffic));
  return out;
}
