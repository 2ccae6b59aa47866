import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  ConfigError,
  type ConfigField,
  type ConfigSpec,
  HelpRequested,
  parseConfig,
  usage,
} from '../src/config/config.js';
import { serviceConfigSpec } from '../src/config/service-config.js';

const spec = serviceConfigSpec('dataset');

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return parseConfig(spec, { argv, env, program: 'dataset', summary: 'The dataset service.' });
}

/** Asserts `fn` throws a ConfigError whose single-line message contains every fragment. */
function assertConfigError(fn: () => unknown, fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'a config error is one line');
    for (const fragment of fragments)
      assert.ok(err.message.includes(fragment), `"${err.message}" lacks "${fragment}"`);
    return true;
  });
}

describe('parseConfig with serviceConfigSpec', () => {
  it('applies every default when neither flags nor env are given', () => {
    assert.deepEqual(parse([]), {
      host: '127.0.0.1',
      port: 50051,
      logLevel: 'info',
      artifactsDir: '.failmine/artifacts/dataset',
      tlsCert: undefined,
      tlsKey: undefined,
      tlsClientCa: undefined,
      authToken: undefined,
      traceOut: undefined,
      exitWithParent: false,
      shutdownGraceMs: 3000,
    });
  });

  it('reads the service-prefixed environment variables when flags are absent', () => {
    const config = parse([], {
      FAILMINE_DATASET_HOST: '0.0.0.0',
      FAILMINE_DATASET_PORT: '6000',
      FAILMINE_DATASET_LOG_LEVEL: 'debug',
      FAILMINE_DATASET_ARTIFACTS_DIR: '/var/artifacts',
      FAILMINE_DATASET_SHUTDOWN_GRACE_MS: '250',
      FAILMINE_DATASET_TLS_CERT: '/etc/tls/cert.pem',
      FAILMINE_DATASET_TLS_KEY: '/etc/tls/key.pem',
      FAILMINE_AUTH_TOKEN: 'a-shared-token-of-length',
      FAILMINE_EXIT_WITH_PARENT: '1',
    });
    assert.deepEqual(config, {
      host: '0.0.0.0',
      port: 6000,
      logLevel: 'debug',
      artifactsDir: '/var/artifacts',
      tlsCert: '/etc/tls/cert.pem',
      tlsKey: '/etc/tls/key.pem',
      tlsClientCa: undefined,
      authToken: 'a-shared-token-of-length',
      traceOut: undefined,
      exitWithParent: true,
      shutdownGraceMs: 250,
    });
  });

  it('ignores variables of other services', () => {
    assert.equal(parse([], { FAILMINE_GRADER_PORT: '7000' }).port, 50051);
  });

  it('lets flags win over environment variables', () => {
    const config = parse(['--port', '7001', '--log-level=warn'], {
      FAILMINE_DATASET_PORT: '6000',
      FAILMINE_DATASET_LOG_LEVEL: 'debug',
    });
    assert.equal(config.port, 7001);
    assert.equal(config.logLevel, 'warn');
  });

  it('does not validate a variable that a flag overrides', () => {
    assert.equal(parse(['--port', '7001'], { FAILMINE_DATASET_PORT: 'abc' }).port, 7001);
  });

  it('treats an empty variable as unset', () => {
    assert.equal(parse([], { FAILMINE_DATASET_PORT: '' }).port, 50051);
  });

  it('accepts port 0 (pick a free port)', () => {
    assert.equal(parse(['--port', '0']).port, 0);
  });

  for (const bad of ['abc', '70000', '-1', '1.5']) {
    it(`rejects --port ${bad}, naming the flag and the variable`, () => {
      // `--port=-1`, not `--port -1`: parseArgs reads a lone "-1" as a flag.
      assertConfigError(
        () => parse([`--port=${bad}`]),
        ['--port', 'FAILMINE_DATASET_PORT', JSON.stringify(bad)],
      );
    });
  }

  it('rejects a bad port from the environment, naming the flag and the variable', () => {
    assertConfigError(
      () => parse([], { FAILMINE_DATASET_PORT: '70000' }),
      ['--port', 'FAILMINE_DATASET_PORT'],
    );
  });

  it('rejects a log level outside the enum', () => {
    assertConfigError(() => parse(['--log-level', 'loud']), ['--log-level', 'FAILMINE_DATASET_LOG_LEVEL']);
  });

  it('rejects an unknown flag, naming it', () => {
    assertConfigError(() => parse(['--bogus']), ['--bogus', 'dataset --help']);
  });

  it('rejects a flag without its value', () => {
    assertConfigError(() => parse(['--port']), ['--port']);
  });

  it('rejects positional arguments', () => {
    assertConfigError(() => parse(['serve']), ['serve']);
  });

  it('answers --help with HelpRequested whose text lists every flag and variable', () => {
    assert.throws(
      () => parse(['--help']),
      (err: unknown) => {
        assert.ok(err instanceof HelpRequested);
        assert.ok(err.message.startsWith('The dataset service.\n'));
        assert.match(err.message, /Usage: dataset \[flags\]/);
        for (const field of Object.values(spec) as ConfigField[]) {
          // Env-only fields (the shared token) have no flag to list.
          if (field.flag) assert.ok(err.message.includes(`--${field.flag}`), `help lacks --${field.flag}`);
          assert.ok(err.message.includes(field.env ?? ''), `help lacks ${field.env}`);
        }
        assert.match(err.message, /--help/);
        return true;
      },
    );
  });

  it('answers --help even when other values are invalid', () => {
    assert.throws(() => parse(['--port', 'abc', '--help']), HelpRequested);
  });

  it('uses each service name in its variables and default port', () => {
    const grader = serviceConfigSpec('grader');
    assert.equal(grader.port.env, 'FAILMINE_GRADER_PORT');
    const config = parseConfig(grader, { argv: [], env: {}, program: 'grader', summary: '' });
    assert.equal(config.port, 50053);
    assert.equal(config.artifactsDir, '.failmine/artifacts/grader');
  });
});

describe('parseConfig with a custom spec', () => {
  const custom = {
    verbose: {
      flag: 'verbose',
      boolean: true,
      schema: z.stringbool().default(false),
      description: 'Talk more.',
    },
    name: { flag: 'name', schema: z.string().min(1), description: 'Required, no env.' },
  } satisfies ConfigSpec;
  const run = (argv: string[]) => parseConfig(custom, { argv, env: {}, program: 'tool', summary: 'A tool.' });

  it('passes "true" to the schema of a boolean flag that is present', () => {
    assert.deepEqual(run(['--verbose', '--name', 'x']), { verbose: true, name: 'x' });
    assert.deepEqual(run(['--name', 'x']), { verbose: false, name: 'x' });
  });

  it('names only the flag when a field has no variable', () => {
    assertConfigError(() => run([]), ['--name']);
    assert.throws(
      () => run([]),
      (err: Error) => !err.message.includes('env'),
    );
  });

  it('marks boolean flags without <value> in the usage text', () => {
    const text = usage(custom, 'tool', 'A tool.');
    assert.match(text, /--verbose {2,}Talk more\./);
    assert.match(text, /--name <value> +Required, no env\./);
    assert.doesNotMatch(text, /\[env/);
  });
});
