import { ConfigError, HelpRequested } from '../config/config.js';

/**
 * Runs a process entry point: --help prints usage and exits 0, a ConfigError prints one line
 * and exits 2 (bad invocation), anything else prints and exits 1.
 */
export function runMain(program: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.message);
      process.exit(0);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${program}: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${program}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
