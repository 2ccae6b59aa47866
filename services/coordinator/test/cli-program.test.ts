import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { CliExit } from '../src/cli/cli-io.js';
import { normalizeFlags } from '../src/cli/normalize-flags.js';
import { buildProgram } from '../src/cli/program.js';

async function runCli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = buildProgram({ out: (l) => out.push(l), err: (l) => err.push(l) });
  try {
    await program.parseAsync(normalizeFlags(args), { from: 'user' });
    return { code: 0, out, err };
  } catch (e) {
    if (e instanceof CliExit) return { code: e.code, out, err };
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err };
    throw e;
  }
}

describe('failmine CLI', () => {
  it('--help lists every command of the flow', async () => {
    const { code, out } = await runCli(['--help']);
    assert.equal(code, 0);
    const help = out.join('\n');
    for (const command of ['extract', 'train', 'validate', 'run', 'status', 'report', 'grade', 'serve']) {
      assert.match(help, new RegExp(`^\\s+${command}\\b`, 'm'), `help lists ${command}`);
    }
  });

  it('train --help shows the seed plan defaults (lr 3e-6, 2 epochs)', async () => {
    const { out } = await runCli(['train', '--help']);
    const help = out.join('\n');
    assert.match(help, /--learning-rate <lr>.*\(default: "3e-6"\)/s);
    assert.match(help, /--num-train-epochs <n>.*\(default: "2"\)/s);
  });

  it('train with a missing model directory exits 2 naming it, before anything runs', async () => {
    const { code, out, err } = await runCli([
      'train',
      '--model_name',
      'checkpoints/no-such-model',
      '--learning_rate',
      '3e-6',
    ]);
    assert.equal(code, 2);
    assert.deepEqual(out, []);
    assert.match(
      err.join('\n'),
      /failmine train: --model-name: model directory checkpoints\/no-such-model does not exist/,
    );
  });

  it('validate with a directory that is not an adapter exits 2 naming it', async () => {
    const model = mkdtempSync(join(tmpdir(), 'failmine-cli-model-'));
    writeFileSync(join(model, 'config.json'), '{}');
    const { code, err } = await runCli(['validate', '--model', model, '--adapter', model]);
    assert.equal(code, 2);
    assert.match(err.join('\n'), /--adapter: .* has no adapter_config\.json/);
  });

  it('an unknown flag is a usage error (exit 2) naming the flag', async () => {
    const { code, err } = await runCli(['extract', '--bogus-flag']);
    assert.equal(code, 2);
    assert.match(err.join('\n'), /--bogus-flag/);
  });

  it('serve rejects an unknown service name', async () => {
    const { code, err } = await runCli(['serve', '--services', 'dataset,nope']);
    assert.equal(code, 2);
    assert.match(err.join('\n'), /unknown service "nope"/);
  });
});

describe('failmine status', () => {
  it('reports no runs, and creates nothing, when the embedded database does not exist', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'failmine-status-')), 'db');
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL; // a server in the environment would be asked instead
    const { code, out } = await runCli(['status', '--db-dir', dir]).finally(() => {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    });
    assert.equal(code, 0);
    assert.match(out.join('\n'), /no runs yet \(no database at .*\/db;/);
    assert.equal(existsSync(dir), false);
  });
});
