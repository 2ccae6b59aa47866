import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL server in a temp directory. */
export interface PostgresCluster {
  /** Connection string of its `postgres` database. */
  url: string;
  stop(): void;
}

const ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest installed Debian PostgreSQL server, or undefined. */
export function findPostgresBin(): string | undefined {
  if (!existsSync(ROOT)) return undefined;
  const versions = readdirSync(ROOT)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(ROOT, versions[0], 'bin');
}

/**
 * initdb + pg_ctl start into a fresh temp dir on a free loopback port (as user postgres when
 * we are root: the server refuses to run as root). fsync is off: the data is thrown away.
 */
export async function startPostgresCluster(bin: string): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const run = (args: string[]) => {
    const command = [join(bin, args[0] ?? ''), ...args.slice(1)];
    if (asRoot) {
      execFileSync('su', ['postgres', '-c', command.map(shellQuote).join(' ')], { stdio: 'pipe' });
    } else {
      execFileSync(command[0] ?? '', command.slice(1), { stdio: 'pipe' });
    }
  };
  const port = await freePort();
  run(['initdb', '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run(['pg_ctl', '-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run(['pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
