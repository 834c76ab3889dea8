/**
 * The scenario merge rule, in one place: a what-if that `extends` a parent, and the overrides the API and the
 * sensitivity analysis apply, are merged with it. Mappings merge key by key, recursively; everything else in `over`
 * (lists, single values, null) replaces the parent's value whole, so a list is never appended to.
 */

/**
 * Deep merge for scenarios: objects merge recursively, everything else (arrays, scalars, null) in `over` replaces.
 * @example deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } }) // => { a: { b: 1, c: [3] } }
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return over;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
