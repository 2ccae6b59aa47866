import { readFileSync } from 'node:fs';
import { type ChannelCredentials, credentials, ServerCredentials } from '@grpc/grpc-js';
import { ConfigError } from '../config/config.js';

/** Server-side TLS files (PEM paths). */
export interface ServerTls {
  certPath: string;
  keyPath: string;
  /** When set, clients must present a certificate signed by this CA (mutual TLS). */
  clientCaPath?: string | undefined;
}

/** Client-side security: the CA that signs servers, an optional client certificate, the token. */
export interface ClientSecurity {
  tlsCaPath?: string | undefined;
  tlsCertPath?: string | undefined;
  tlsKeyPath?: string | undefined;
  authToken?: string | undefined;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(
      `${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Insecure credentials, or TLS (optionally mutual) from PEM files; unreadable files are ConfigErrors. */
export function serverCredentials(tls: ServerTls | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const clientCa = tls.clientCaPath ? readPem(tls.clientCaPath, 'TLS client CA') : null;
  return ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: readPem(tls.certPath, 'TLS certificate'), private_key: readPem(tls.keyPath, 'TLS key') }],
    clientCa !== null,
  );
}

/** Channel credentials for a client: TLS when a CA is given, plaintext otherwise. */
export function channelCredentials(security: ClientSecurity | undefined): ChannelCredentials {
  if (!security?.tlsCaPath) return credentials.createInsecure();
  return credentials.createSsl(
    readPem(security.tlsCaPath, 'TLS CA'),
    security.tlsKeyPath ? readPem(security.tlsKeyPath, 'TLS client key') : null,
    security.tlsCertPath ? readPem(security.tlsCertPath, 'TLS client certificate') : null,
  );
}

/** Client security from the environment every failmine process shares (FAILMINE_TLS_*, FAILMINE_AUTH_TOKEN). */
export function clientSecurityFromEnv(env: NodeJS.ProcessEnv): ClientSecurity {
  return {
    tlsCaPath: env.FAILMINE_TLS_CA || undefined,
    tlsCertPath: env.FAILMINE_TLS_CLIENT_CERT || undefined,
    tlsKeyPath: env.FAILMINE_TLS_CLIENT_KEY || undefined,
    authToken: env.FAILMINE_AUTH_TOKEN || undefined,
  };
}
