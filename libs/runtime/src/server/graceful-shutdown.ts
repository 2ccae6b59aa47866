import type { Logger } from 'pino';
import type { GrpcServer } from './grpc-server.js';

/** Starts a drain (as SIGTERM does) for another reason, e.g. "parent exited"; later calls do nothing. */
export type DrainTrigger = (reason: string) => void;

/**
 * On SIGTERM or SIGINT: report NOT_SERVING, stop accepting calls, let in-flight calls finish
 * for up to graceMs (then cancel them), run onClose (flush telemetry, close pools), exit 0.
 * Returns the same drain for callers with other reasons to stop (the parent process is gone).
 */
export function installGracefulShutdown(options: {
  grpc: GrpcServer;
  logger: Logger;
  graceMs: number;
  onClose?: () => Promise<void>;
}): DrainTrigger {
  const { grpc, logger, graceMs } = options;
  let closing = false;
  const shutdown = (cause: { signal: NodeJS.Signals } | { reason: string }) => {
    if (closing) return;
    closing = true;
    logger.info({ ...cause, graceMs }, 'shutting down: draining in-flight calls');
    for (const name of ['', ...grpc.serviceNames]) grpc.health.setStatus(name, 'NOT_SERVING');
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(force);
      (options.onClose ? options.onClose() : Promise.resolve())
        .catch((err: unknown) => logger.error({ err }, 'error while closing'))
        .finally(() => {
          logger.info('stopped');
          process.exit(0);
        });
    };
    const force = setTimeout(() => {
      logger.warn({ graceMs }, 'grace period over: cancelling the calls still running');
      grpc.server.forceShutdown();
      finish();
    }, graceMs);
    grpc.server.tryShutdown(finish);
  };
  process.on('SIGTERM', (signal) => shutdown({ signal }));
  process.on('SIGINT', (signal) => shutdown({ signal }));
  return (reason) => shutdown({ reason });
}
