import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FailedPreconditionError } from '@failmine/runtime';

/**
 * Claims an embedded data directory for this process through `<dataDir>.lock` (holding our
 * pid) and returns the release function. PGlite keeps no postmaster.pid, and two processes
 * opening one directory would corrupt it. A lock left by a dead process (kill -9) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir.replace(/\/+$/, '')}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  try {
    writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new FailedPreconditionError(
        `the embedded database ${dataDir} is in use by process ${owner}; ` +
          'stop it, use another --db-dir, or point DATABASE_URL at a Postgres server',
      );
    }
    writeFileSync(lockPath, `${process.pid}\n`);
  }
  return () => rmSync(lockPath, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
