import { after, describe, it } from 'node:test';
import { Client } from 'pg';
import { defineDbSuite } from './support/db-suite.js';
import { findPostgresBin, type PostgresCluster, startPostgresCluster } from './support/postgres-cluster.js';

// The same suite against a real server: DATABASE_URL when set (a scratch database is created
// in it), otherwise a throwaway cluster of the installed Debian PostgreSQL.
const bin = findPostgresBin();
const external = process.env.DATABASE_URL;
let cluster: PostgresCluster | undefined;
let scratch: { admin: string; name: string } | undefined;

if (!external && !bin) {
  describe('run state in Postgres (real server)', () => {
    it('needs a PostgreSQL server', (t) => {
      t.skip(
        'no PostgreSQL server binaries under /usr/lib/postgresql/*/bin and DATABASE_URL is unset; ' +
          'install them with `apt-get install postgresql` (CI does) to run this suite',
      );
    });
  });
} else {
  defineDbSuite(external ? 'DATABASE_URL' : 'real PostgreSQL server', async () => {
    let admin = external;
    if (!admin) {
      cluster = await startPostgresCluster(bin ?? '');
      admin = cluster.url;
    }
    const name = `failmine_test_${process.pid}_${Date.now()}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
    scratch = { admin, name };
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return { url: url.toString(), concurrentSessions: true };
  });
}

after(async () => {
  try {
    if (scratch && !cluster) {
      const { admin, name } = scratch;
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  } finally {
    cluster?.stop();
  }
});

async function withClient(url: string, fn: (c: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
