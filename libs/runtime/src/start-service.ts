import type { Logger } from 'pino';
import { installGracefulShutdown } from './graceful-shutdown.js';
import type { GrpcServer } from './grpc-server.js';
import type { Telemetry } from './telemetry.js';

/** A service that is up: its bound port and server. */
export interface RunningService {
  port: number;
  grpc: GrpcServer;
}

/**
 * The part of main.ts every service shares: listen, log the address (the line tests and
 * operators wait for) and drain gracefully on SIGTERM/SIGINT.
 */
export async function startService(options: {
  name: string;
  host: string;
  port: number;
  shutdownGraceMs: number;
  grpc: GrpcServer;
  logger: Logger;
  telemetry: Telemetry;
  onClose?: () => Promise<void>;
}): Promise<RunningService> {
  const { logger, grpc } = options;
  const port = await grpc.listen(options.host, options.port);
  installGracefulShutdown({
    grpc,
    logger,
    graceMs: options.shutdownGraceMs,
    onClose: async () => {
      await options.onClose?.();
      await options.telemetry.shutdown();
    },
  });
  logger.info(
    {
      address: `${options.host}:${port}`,
      services: grpc.serviceNames,
      telemetry: options.telemetry.exporter,
    },
    `${options.name} listening on ${options.host}:${port}`,
  );
  return { port, grpc };
}
