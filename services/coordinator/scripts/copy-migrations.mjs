// Copies src/db/migrations/*.sql next to the compiled db module (tsc copies only .ts output).
// The target is replaced, so a file renamed during development cannot linger in dist.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../src/db/migrations/', import.meta.url));
const to = fileURLToPath(new URL('../dist/db/migrations/', import.meta.url));
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
