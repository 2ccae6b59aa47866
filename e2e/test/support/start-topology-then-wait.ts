// A stand-in for a `failmine` CLI: starts dataset and grader through libs/topology, calls each
// service's Describe once (so each has a finished span, buffered until shutdown flushes it),
// prints {"pids": {...}} on stdout and waits to be killed. Usage: start-topology-then-wait.ts <dir>
import { join } from 'node:path';
import { DatasetServiceClient, GraderServiceClient } from '@failmine/contracts';
import { startTopology } from '@failmine/topology';
import { describeOverSocket } from './describe-over-socket.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: start-topology-then-wait.ts <dir>\n');
  process.exit(2);
}

const topology = await startTopology(['dataset', 'grader'], (name) => ({
  artifactsDir: join(dir, `${name}-artifacts`),
  args: ['--trace-out', join(dir, `${name}.jsonl`)],
  // Spans reach the file only when shutdown flushes them, so a span there proves the drain ran.
  env: { OTEL_BSP_SCHEDULE_DELAY: '600000' },
}));
await describeOverSocket(DatasetServiceClient, topology.address('dataset'));
await describeOverSocket(GraderServiceClient, topology.address('grader'));
const pids = Object.fromEntries(topology.services.map((s) => [s.name, s.child.pid]));
process.stdout.write(`${JSON.stringify({ pids })}\n`);
// Wait for the SIGKILL: the service pipes keep the event loop alive.
