import { credentials, Metadata, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** A health status as the standard grpc.health.v1 service reports it. */
export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

/**
 * Asks a server's standard health service for the status of `service` ("" = the whole
 * server). Rejects with the gRPC error when the server cannot be reached in time.
 */
export function checkHealth(address: string, service = '', deadlineMs = 2000): Promise<HealthStatus> {
  const client = new HealthClient(address, credentials.createInsecure());
  return new Promise<HealthStatus>((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (req: { service: string }) => healthService.Check?.requestSerialize(req) ?? Buffer.alloc(0),
      (buf: Buffer) => healthService.Check?.responseDeserialize(buf) as { status: HealthStatus },
      { service },
      new Metadata(),
      { deadline: Date.now() + deadlineMs },
      (err: ServiceError | null, res?: { status: HealthStatus }) => {
        client.close();
        if (err) reject(err);
        else resolve(res?.status ?? 'UNKNOWN');
      },
    );
  });
}
