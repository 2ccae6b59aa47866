import type { SpawnedService } from './spawn-service.js';

/** One parsed pino log line. */
export type LogRecord = Record<string, unknown> & { msg?: string };

/** The first complete JSON log line of `stderr` that `matches`, if any. */
export function findLogRecord(
  stderr: string,
  matches: (record: LogRecord) => boolean,
): LogRecord | undefined {
  // The text after the last newline may be half a line; it is read again once complete.
  for (const line of stderr.split('\n').slice(0, -1)) {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      continue; // not a log line (e.g. a stack trace printed before the logger existed)
    }
    if (matches(record)) return record;
  }
  return undefined;
}

/**
 * Waits until the process logs a line that `matches`. Rejects, quoting the process's stderr,
 * when it exits first or `timeoutMs` passes: the error then shows why.
 */
export function waitForLogLine(
  proc: SpawnedService,
  what: string,
  matches: (record: LogRecord) => boolean,
  timeoutMs: number,
): Promise<LogRecord> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: { record: LogRecord } | { failure: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.child.stderr.off('data', check);
      if ('record' in outcome) resolve(outcome.record);
      else reject(new Error(`${proc.name} ${outcome.failure}; its stderr:\n${proc.stderr()}`));
    };
    function check() {
      const record = findLogRecord(proc.stderr(), matches);
      if (record) settle({ record });
    }
    timer = setTimeout(() => settle({ failure: `did not log ${what} within ${timeoutMs} ms` }), timeoutMs);
    // spawnService's own 'data' listener was added first, so proc.stderr() already holds the chunk.
    proc.child.stderr.on('data', check);
    void proc.exited.then(({ code, signal }) =>
      settle({ failure: `exited (code ${code}, signal ${signal}) before logging ${what}` }),
    );
    check();
  });
}
