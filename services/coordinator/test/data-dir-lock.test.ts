import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FailedPreconditionError } from '@failmine/runtime';
import { lockDataDir } from '../src/db/data-dir-lock.js';

describe('lockDataDir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('claims a directory with our pid and releases it', () => {
    const dataDir = join(dir, 'fresh', 'db');
    const release = lockDataDir(dataDir);
    assert.equal(readFileSync(`${dataDir}.lock`, 'utf8'), `${process.pid}\n`);
    release();
    assert.equal(existsSync(`${dataDir}.lock`), false);
  });

  it('refuses a directory another live process holds, naming it', () => {
    const dataDir = join(dir, 'busy');
    writeFileSync(`${dataDir}.lock`, `${process.ppid}\n`);
    assert.throws(
      () => lockDataDir(dataDir),
      (err: Error) =>
        err instanceof FailedPreconditionError && err.message.includes(`in use by process ${process.ppid}`),
    );
  });

  it('takes over the lock of a process that died without releasing it (kill -9)', () => {
    const dataDir = join(dir, 'orphaned');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${dataDir}.lock`, `${dead}\n`);
    const release = lockDataDir(dataDir);
    assert.equal(readFileSync(`${dataDir}.lock`, 'utf8'), `${process.pid}\n`);
    release();
  });
});
