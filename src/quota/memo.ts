// One cache for work derived from an object that is never changed once made (a cached API object is
// replaced on update, an engine input is rebuilt): the result is computed once per object and dropped with it.

/** `compute`, remembered per object identity (a WeakMap: nothing is kept alive by the cache). */
export function memoizedPerObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const results = new WeakMap<K, V>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined) {
      result = compute(key);
      results.set(key, result);
    }
    return result;
  };
}
