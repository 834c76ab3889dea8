/**
 * The JSON encoding of run bundles and API answers: typed arrays (model artifacts carry Float64Array and friends)
 * are written as plain arrays, because `JSON.stringify` would turn them into `{"0": …}` objects.
 */

/**
 * JSON with typed arrays written as plain arrays.
 * @example toJson({ x: new Float64Array([1, 2]) }) // => '{"x":[1,2]}'
 */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    ArrayBuffer.isView(x) && !(x instanceof DataView) ? Array.from(x as unknown as ArrayLike<number>) : x,
  );
}
