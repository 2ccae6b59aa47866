// Container health check for compose: asks the standard grpc.health.v1 service of the local
// server and exits 0 only when it answers SERVING. It ships in every image instead of
// grpc_health_probe because Debian has no package for that binary and the images already carry
// @grpc/grpc-js and grpc-health-check (runtime dependencies of @failmine/runtime).
// Kubernetes does not need it: its native `grpc:` probes ask the same service.
//
//   node infra/grpc-health-probe.mjs <host:port> [service]      ("" = the whole server)
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const [address, serviceName = ''] = process.argv.slice(2);
if (!address) {
  console.error('usage: grpc-health-probe.mjs <host:port> [service]');
  process.exit(2);
}
const DEADLINE_MS = 2000;
const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');
const client = new HealthClient(address, credentials.createInsecure());
client.Check({ service: serviceName }, { deadline: Date.now() + DEADLINE_MS }, (err, res) => {
  client.close();
  const status = err ? `unreachable (${err.message})` : res.status;
  console.log(`${address} ${serviceName || '(server)'}: ${status}`);
  process.exit(status === 'SERVING' ? 0 : 1);
});
