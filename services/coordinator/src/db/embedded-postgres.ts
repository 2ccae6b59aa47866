import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '@failmine/runtime';
import { lockDataDir } from './data-dir-lock.js';

/** A PGlite database served over the Postgres wire protocol on a loopback port. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for `pg`. */
  url: string;
  /** Stops the socket server, closes PGlite and releases the data directory. */
  stop(): Promise<void>;
}

const MEMORY = 'memory://';

/**
 * Opens (creating on first use) the PGlite data directory and serves it on 127.0.0.1 at a
 * free port, so the same `pg` code and SQL run here and against a real server.
 * NOTE: a fresh directory takes seconds (WASM compile + initdb); reopening is faster.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  logger: Logger;
}): Promise<EmbeddedPostgres> {
  const { dataDir, logger } = options;
  const inMemory = dataDir.startsWith(MEMORY);
  let unlock = () => {};
  if (!inMemory) {
    unlock = lockDataDir(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  try {
    const started = performance.now();
    const db = await PGlite.create(inMemory ? MEMORY : dataDir);
    // More than one connection slot: a closed connection frees its slot only ~1 s later, and
    // a pool that reconnects meanwhile would be refused. The pool in front stays at max 1.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    logger.info(
      { dataDir, url, startMs: Math.round(performance.now() - started) },
      'embedded PGlite serving',
    );
    return {
      url,
      stop: async () => {
        try {
          await server.stop();
          await db.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
