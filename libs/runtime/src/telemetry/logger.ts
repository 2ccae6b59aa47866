import { type Logger, pino } from 'pino';

export type { Logger };

/** One structured JSON logger per process, named for the service; writes to stderr. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { service: name } }, pino.destination(2));
}
