/**
 * Rewrites the seed plan's snake_case flags (`--learning_rate 3e-6`) to kebab-case
 * (`--learning-rate 3e-6`) so both spellings work. Values and positionals are untouched.
 */
export function normalizeFlags(argv: readonly string[]): string[] {
  let afterDoubleDash = false;
  return argv.map((arg) => {
    if (afterDoubleDash || !arg.startsWith('--')) return arg;
    if (arg === '--') {
      afterDoubleDash = true;
      return arg;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    return name.replaceAll('_', '-') + (eq === -1 ? '' : arg.slice(eq));
  });
}
