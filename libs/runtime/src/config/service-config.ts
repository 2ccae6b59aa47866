import { z } from 'zod';
import { EXIT_WITH_PARENT_ENV } from '../server/exit-with-parent.js';
import type { ConfigSpec } from './config.js';

/** Default ports of the six services on one host (loopback topology and compose). */
export const DEFAULT_PORTS = {
  dataset: 50051,
  inference: 50052,
  grader: 50053,
  trainer: 50054,
  evaluator: 50055,
  coordinator: 50056,
} as const;

/** The six service kinds. */
export type ServiceName = keyof typeof DEFAULT_PORTS;

// host:port, with the host a name, an IPv4 address or a bracketed IPv6 address.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})$/;

/** A flag that names another service's host:port (a peer a service calls). */
export const hostPortSchema = z
  .string()
  .regex(HOST_PORT, 'expected host:port')
  .refine((a) => Number(a.slice(a.lastIndexOf(':') + 1)) <= 65535, 'port above 65535');

/**
 * Flags every service has: where to listen, how to log, where artifacts live, how long to
 * drain on shutdown. Variables are prefixed with the service name (FAILMINE_DATASET_PORT)
 * so that one shell can configure several services.
 */
export function serviceConfigSpec(name: ServiceName) {
  const env = (key: string) => `FAILMINE_${name.toUpperCase()}_${key}`;
  return {
    host: {
      flag: 'host',
      env: env('HOST'),
      schema: z.string().min(1).default('127.0.0.1'),
      description: 'Address to listen on (0.0.0.0 for every interface).',
    },
    port: {
      flag: 'port',
      env: env('PORT'),
      schema: z.coerce
        .number({ error: 'expected an integer port 0-65535' })
        .int('expected an integer port 0-65535')
        .min(0, 'expected an integer port 0-65535')
        .max(65535, 'expected an integer port 0-65535')
        .default(DEFAULT_PORTS[name]),
      description: `Port to listen on; 0 picks a free one (default ${DEFAULT_PORTS[name]}).`,
    },
    logLevel: {
      flag: 'log-level',
      env: env('LOG_LEVEL'),
      schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      description: 'Log level: trace, debug, info, warn, error, fatal or silent.',
    },
    artifactsDir: {
      flag: 'artifacts-dir',
      env: env('ARTIFACTS_DIR'),
      schema: z.string().min(1).default(`.failmine/artifacts/${name}`),
      description: 'Where this node stores artifacts it receives and produces.',
    },
    tlsCert: {
      flag: 'tls-cert',
      env: env('TLS_CERT'),
      schema: z.string().min(1).optional(),
      description: 'PEM certificate chain: serve TLS (needs --tls-key). Plaintext when unset.',
    },
    tlsKey: {
      flag: 'tls-key',
      env: env('TLS_KEY'),
      schema: z.string().min(1).optional(),
      description: 'PEM private key of --tls-cert.',
    },
    tlsClientCa: {
      flag: 'tls-client-ca',
      env: env('TLS_CLIENT_CA'),
      schema: z.string().min(1).optional(),
      description: 'Require client certificates signed by this CA (mutual TLS).',
    },
    authToken: {
      env: 'FAILMINE_AUTH_TOKEN',
      schema: z.string().min(16, 'the shared token must be at least 16 characters').optional(),
      description: 'Shared token every call must carry (authorization: Bearer ...). Env only, never a flag.',
    },
    traceOut: {
      flag: 'trace-out',
      env: env('TRACE_OUT'),
      schema: z.string().min(1).optional(),
      description:
        'Append finished spans to this file as JSON lines (no collector needed). FAILMINE_TRACE_OUT also works.',
    },
    exitWithParent: {
      env: EXIT_WITH_PARENT_ENV,
      schema: z
        .enum(['0', '1'], { error: 'expected 0 or 1' })
        .optional()
        .transform((v) => v === '1'),
      description:
        'Env only, set by libs/topology: 1 = drain and exit when stdin (a pipe from the parent) closes.',
    },
    shutdownGraceMs: {
      flag: 'shutdown-grace-ms',
      env: env('SHUTDOWN_GRACE_MS'),
      schema: z.coerce.number().int().min(0).default(3000),
      description: 'How long in-flight calls may run after SIGTERM before they are cancelled.',
    },
  } satisfies ConfigSpec;
}
