/**
 * Which roads the map draws: the shipped sketch, or the imported network the shown run's traffic models ran on
 * (issue 17; the bundle's `networks` provenance). Switching runs switches the network; a running replay stops,
 * since its link ids belong to the old network.
 */
import { t } from '../i18n/index.ts';
import { netRoads, NetworkLayer, runNetworkName } from '../network.ts';
import { renderMonth } from './mapview.ts';
import { stopReplay } from './vehicles.ts';
import { toast, type AppState } from './state.ts';

/** Requests of showRunNetwork per app, so a slow answer for an older run never replaces a newer one's network. */
const requestSeq = new WeakMap<AppState, number>();

/**
 * Draws the shown run's imported network (fetched once per switch), or goes back to the sketch's roads.
 * A network that cannot be loaded leaves the sketch on the map with a message.
 */
export async function showRunNetwork(app: AppState): Promise<void> {
  const name = app.a ? runNetworkName(app.a.bundle) : null;
  if ((app.network?.name ?? null) === name) return;
  const seq = (requestSeq.get(app) ?? 0) + 1;
  requestSeq.set(app, seq);
  stopReplay(app);
  app.network?.destroy();
  app.network = null;
  app.layers.roads.show = app.show.traffic;
  const globe = document.getElementById('globe');
  if (globe) for (const k of ['network', 'networkLevel', 'networkLinks']) delete globe.dataset[k];
  if (!name || !app.source) return;
  try {
    const n = await app.source.networkRoads(name);
    if (requestSeq.get(app) !== seq) return;
    const ran = app.a?.bundle.networks?.['traffic'] ?? app.a?.bundle.networks?.['traffic-dynamic'];
    if (ran && ran.contentHash !== n.contentHash) toast(t().networkChanged, 6000);
    app.network = new NetworkLayer(app.viewer, { name, attribution: n.attribution, roads: netRoads(n) }, () => {
      // The sketch's roads stay hidden while an imported network is drawn (the layer switch may have shown them).
      app.layers.roads.show = false;
      return app.show.traffic;
    });
    renderMonth(app); // colours the new roads by the run's link results
    // What the map shows, for tests and assistive tools (the globe is a canvas): the network, the level of detail
    // drawn and its link count, updated on each frame whose level is ready.
    const layer = app.network;
    const off = app.viewer.scene.postRender.addEventListener(() => {
      if (app.network !== layer) return off();
      if (!globe || !layer.ready) return;
      globe.dataset.network = name;
      globe.dataset.networkLevel = String(layer.level);
      globe.dataset.networkLinks = String(layer.drawn[layer.level] ?? 0);
    });
  } catch (e) {
    console.warn(`network ${name}: ${String(e)}`);
    toast(t().networkFailed, 6000);
  }
}
