/**
 * Where the greenhouse model may read weather files: `data/weather/` only. A scenario names a file relative to that
 * folder; this resolves it and refuses anything that leaves it (absolute paths and `..` are refused by the schema,
 * a symbolic link pointing outside is refused here), so a scenario cannot make a worker read /etc/passwd.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/paths.mjs';
import { WEATHER_FILE_NAME } from './params.ts';

/** The weather folder, absolute. */
export const WEATHER_DIR = path.join(REPO_ROOT, 'data', 'weather');

/**
 * Resolve a scenario's weather file name to a readable file inside {@link WEATHER_DIR}.
 * @returns `{ file }` or `{ error }` saying what is wrong and what is allowed (the message never reveals whether a
 * path outside the folder exists).
 * @example
 * const outside = 'greenhouse.weather.file: "../../etc/passwd" is not a file name inside data/weather/ ' +
 *   '(relative to it, no "..", ending in .csv or .epw)';
 * resolveWeatherFile('../../etc/passwd').error === outside // => true
 * // A good name of a file that is not there:
 * const missing = resolveWeatherFile('zibo-2019.csv').error;
 * missing // => 'greenhouse.weather.file: no file "zibo-2019.csv" in data/weather/; put the file there first'
 */
export function resolveWeatherFile(
  name: string,
  dir = WEATHER_DIR,
): { file: string; error?: undefined } | { error: string } {
  const bad = `greenhouse.weather.file: ${JSON.stringify(name)} is not a file name inside data/weather/ (relative to it, no "..", ending in .csv or .epw)`;
  if (!WEATHER_FILE_NAME.test(name)) return { error: bad };
  const file = path.resolve(dir, name);
  if (!file.startsWith(dir + path.sep)) return { error: bad };
  if (!existsSync(file))
    return {
      error: `greenhouse.weather.file: no file ${JSON.stringify(name)} in data/weather/; put the file there first`,
    };
  const real = realpathSync(file);
  const realDir = existsSync(dir) ? realpathSync(dir) : dir;
  if (!real.startsWith(realDir + path.sep)) return { error: bad };
  if (!statSync(real).isFile())
    return { error: `greenhouse.weather.file: ${JSON.stringify(name)} is not a regular file` };
  return { file: real };
}
