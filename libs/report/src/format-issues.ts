import type { z } from 'zod';

const MAX_ISSUES = 5;

/**
 * A schema's issues on one line, each naming its field path ("validations.0.kind: ...").
 * Zod's messages name the expected type, never the value, so a bad file's contents are not
 * echoed; `prefix` is prepended to every path.
 */
export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const issues = error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `unknown key "${[...path, k].join('.')}"`).join('; ');
    }
    return `${path.length > 0 ? path.join('.') : '(root)'}: ${issue.message}`;
  });
  const shown = issues.slice(0, MAX_ISSUES);
  if (issues.length > MAX_ISSUES) shown.push(`and ${issues.length - MAX_ISSUES} more`);
  return shown.join('; ');
}
