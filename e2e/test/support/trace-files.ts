import { readFileSync } from 'node:fs';
import type { SpanRecord } from '@failmine/runtime';

/** Every span of the --trace-out files, parsed. */
export function readSpans(paths: readonly string[]): SpanRecord[] {
  return paths.flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as SpanRecord),
  );
}

/**
 * The one span matching `test` among the children of `parent`; throws naming what was looked
 * for and the children that were there, so a broken link in the chain says where it broke.
 */
export function childOf(
  spans: readonly SpanRecord[],
  parent: SpanRecord,
  what: string,
  test: (s: SpanRecord) => boolean,
): SpanRecord {
  const children = spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);
  const hit = children.find(test);
  if (!hit) {
    const seen = children.map((s) => `${s.service}:${s.kind}:${s.name}`).join(', ') || 'none';
    throw new Error(`no ${what} under ${parent.service}:${parent.name}; its children: ${seen}`);
  }
  return hit;
}
