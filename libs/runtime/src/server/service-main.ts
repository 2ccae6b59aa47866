import type { ConfigOf, ConfigSpec } from '../config/config.js';
import { parseConfig } from '../config/config.js';
import type { ServiceName, serviceConfigSpec } from '../config/service-config.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { initTelemetry } from '../telemetry/telemetry.js';
import type { GrpcServer } from './grpc-server.js';
import { runMain } from './run-main.js';
import { startService } from './start-service.js';

/** A config spec that includes the flags every service has. */
type ServiceSpec = ReturnType<typeof serviceConfigSpec> & ConfigSpec;

/**
 * The part of every service's main.ts that is the same: parse flags and env (exit 2 on bad
 * input), start telemetry and the logger, let `build` make the server from the config, then
 * listen and drain on SIGTERM. `build` returns the server and what to close at shutdown.
 */
export function serviceMain<S extends ServiceSpec>(options: {
  name: ServiceName;
  summary: string;
  spec: S;
  build: (
    config: ConfigOf<S>,
    logger: Logger,
  ) => Promise<{ grpc: GrpcServer; onClose?: () => Promise<void> }>;
}): void {
  const program = `failmine-${options.name}`;
  runMain(program, async () => {
    const config = parseConfig(options.spec, {
      argv: process.argv.slice(2),
      env: process.env,
      program,
      summary: options.summary,
    });
    const base = config as ConfigOf<ServiceSpec>;
    const telemetry = await initTelemetry({ serviceName: program, traceOutPath: base.traceOut });
    const logger = createLogger(options.name, base.logLevel);
    const { grpc, onClose } = await options.build(config, logger);
    await startService({
      name: options.name,
      ...base,
      grpc,
      logger,
      telemetry,
      ...(onClose ? { onClose } : {}),
    });
  });
}
