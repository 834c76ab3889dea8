/**
 * `twin network import SOURCE --name NAME [--boundary FILE.geojson] [--crs wgs84|gcj02|planar] [--zones grid:2km]`:
 * imports an OpenStreetMap file, a GMNS folder or a TNTP folder as `data/networks/NAME/` and prints the summary.
 * Bad input prints one message naming the file, where in it and the fix, exits with code 2 and writes nothing.
 */
import { CommanderError, type Command } from 'commander';
import { NetworkInputError } from '../network/errors.ts';
import { formatSummary, importNetwork } from '../network/import.ts';
import type { Crs } from '../network/types.ts';
import { NETWORKS_DIR } from '../network/write.ts';

/**
 * Register `twin network` (subcommand `import`) on the program. The optional second argument is ignored: it lets the
 * function be used where command modules get `(program, cli)`.
 * @example
 * import { Command } from 'commander';
 * const program = new Command(); registerNetworkCommand(program);
 * program.commands.map((c) => c.name()) // => ['network']
 * program.commands[0].commands.map((c) => c.name()) // => ['import']
 */
export function registerNetworkCommand(program: Command, _cli?: unknown): void {
  const network = program.command('network').description('road networks: import OpenStreetMap, GMNS or TNTP');
  network
    .command('import')
    .description(
      'import SOURCE (.osm.pbf/.osm file, GMNS folder, TNTP folder) as data/networks/NAME/ (GMNS CSV + zones + provenance)',
    )
    .argument('<source>', 'an .osm.pbf or .osm file, a GMNS folder (node.csv, link.csv) or a TNTP folder (*_net.tntp)')
    .requiredOption('--name <name>', 'network name: letters, digits, - and _')
    .option('--boundary <file>', 'GeoJSON polygon clipping an OSM import (default: Zibo outline)')
    .option('--crs <crs>', 'coordinates of the source: wgs84, gcj02 (converted) or planar (x/y metres)', 'wgs84')
    .option('--zones <rule>', 'zones as a grid, e.g. grid:2km (default: Zibo towns for OSM, else the source zones)')
    .option('--connectors <k>', 'connectors per zone', (v) => Number(v), 3)
    .option('--licence <text>', 'licence of the source (OSM: ODbL-1.0)')
    .option('--attribution <text>', 'attribution the source requires (OSM: © OpenStreetMap contributors)')
    .option('--networks-dir <dir>', 'folder holding the networks', NETWORKS_DIR)
    .action(async (source: string, o) => {
      const t0 = performance.now();
      try {
        if (!(Number.isInteger(o.connectors) && o.connectors >= 1 && o.connectors <= 20))
          throw new NetworkInputError(
            '--connectors',
            String(o.connectors),
            'not an integer in 1..20',
            'use e.g. --connectors 3',
          );
        const r = await importNetwork(source, {
          name: o.name,
          crs: o.crs as Crs,
          connectorsPerZone: o.connectors,
          root: o.networksDir,
          ...(o.boundary ? { boundary: o.boundary } : {}),
          ...(o.zones ? { zones: o.zones } : {}),
          ...(o.licence ? { licence: o.licence } : {}),
          ...(o.attribution ? { attribution: o.attribution } : {}),
        });
        process.stdout.write(formatSummary(r.meta, r.dir));
        process.stdout.write(`  imported in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      } catch (e) {
        if (!(e instanceof NetworkInputError)) throw e;
        process.stderr.write(`twin: ${e.message}\nnothing was written\n`);
        // main() maps a CommanderError to exit code 2 (bad input).
        throw new CommanderError(2, 'twin.network.input', e.message);
      }
    });
}
