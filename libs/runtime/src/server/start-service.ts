import type { Logger } from 'pino';
import { ConfigError } from '../config/config.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { stderrIsPipe, watchParentPipe } from './exit-with-parent.js';
import { type DrainTrigger, installGracefulShutdown } from './graceful-shutdown.js';
import type { GrpcServer } from './grpc-server.js';

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
  /** Serve TLS with these PEM files (both or neither); mutual TLS with tlsClientCa. */
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  tlsClientCa?: string | undefined;
  /** Require this shared token on every call (health and reflection excepted). */
  authToken?: string | undefined;
  /** Drain and exit when the parent closes our stdin (FAILMINE_EXIT_WITH_PARENT=1, set by libs/topology). */
  exitWithParent?: boolean | undefined;
  /** The --trace-out flag, only to check that main.ts passed it on to initTelemetry. */
  traceOut?: string | undefined;
  grpc: GrpcServer;
  logger: Logger;
  telemetry: Telemetry;
  onClose?: () => Promise<void>;
}): Promise<RunningService> {
  const { logger, grpc } = options;
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both or neither');
  }
  if (options.traceOut && options.telemetry.traceOutPath !== options.traceOut) {
    // A flag that is accepted but does nothing would leave the user without the trace they asked for.
    throw new ConfigError(
      `--trace-out ${options.traceOut}: ${options.name}'s main.ts does not pass it to initTelemetry`,
    );
  }
  grpc.requireToken(options.authToken);
  const tls =
    options.tlsCert && options.tlsKey
      ? { certPath: options.tlsCert, keyPath: options.tlsKey, clientCaPath: options.tlsClientCa }
      : undefined;
  let drain: DrainTrigger | undefined;
  if (options.exitWithParent) {
    // Watched before listening, so a stdin that is not a pipe fails before the port is taken.
    watchParentPipe(() => {
      // NOTE: a stderr piped to the parent died with it, and pino's exit-time flush (sonic-boom
      // 4) retries EPIPE forever: one buffered line would hang the process. Logs stop here.
      if (stderrIsPipe()) logger.level = 'silent';
      // Before listening there is nothing to drain.
      if (!drain) process.exit(0);
      drain('parent exited');
    });
  }
  const port = await grpc.listen(options.host, options.port, tls);
  drain = installGracefulShutdown({
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
      ...(options.telemetry.traceOutPath ? { traceOut: options.telemetry.traceOutPath } : {}),
      tls: tls ? (tls.clientCaPath ? 'mutual' : 'server') : 'off',
      authToken: options.authToken ? 'required' : 'off',
      ...(options.exitWithParent ? { exitWithParent: true } : {}),
    },
    `${options.name} listening on ${options.host}:${port}`,
  );
  return { port, grpc };
}
