// Where two JSON-like values first differ, as a field path in the contract's snake_case
// ("sampling.max_new_tokens", "forgetting_sets[1].limit"): what a resumed Compare names when its
// request differs from the one stored under the same evaluation id.

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/** The path of the first difference between `stored` and `given` (depth first, keys sorted), or undefined. */
export function firstDifference(stored: unknown, given: unknown, path = ''): string | undefined {
  if (Array.isArray(stored) && Array.isArray(given)) {
    const n = Math.max(stored.length, given.length);
    for (let i = 0; i < n; i++) {
      if (i >= stored.length || i >= given.length) return `${path}[${i}]`;
      const d = firstDifference(stored[i], given[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObject(stored) && isObject(given)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(given)])].sort();
    for (const key of keys) {
      const d = firstDifference(stored[key], given[key], join(path, snake(key)));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(stored, given) ? undefined : path || '(the whole request)';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
