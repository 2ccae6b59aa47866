#!/usr/bin/env node
import { ArtifactStore, ConfigError, FailmineError, packageVersion, serviceMain } from '@failmine/runtime';
import { probeSandbox } from './code/code-exec-grader.js';
import { detectSandbox } from './code/detect-sandbox.js';
import { SlotPool } from './code/slot-pool.js';
import { graderConfigSpec } from './config.js';
import { createGrader } from './grader-registry.js';
import { createJudgeBackend } from './judge/judge-backends.js';
import { resolveJudgeSettings } from './judge/judge-settings.js';
import { createServer } from './server.js';

serviceMain({
  name: 'grader',
  summary:
    'failmine grader service: one swappable grading contract (numeric, multiple choice, code execution, pairwise judge).',
  spec: graderConfigSpec,
  build: async (config, logger) => {
    const judge = resolveJudgeSettings(config, process.env);
    const grader = await createGrader(config.grader, {
      codeExec: async () => {
        const pool = new SlotPool(config.codeConcurrency);
        const options = {
          python: config.python,
          prefer: config.sandbox,
          allowUnsandboxed: config.allowUnsandboxed,
          uidBase: config.sandboxUidBase,
        };
        const sandbox = await detectSandbox(options, (s) => probeSandbox(s, pool));
        if (sandbox.kind !== 'bwrap')
          logger.warn({ sandbox: sandbox.kind }, 'code-exec runs without bubblewrap');
        logger.info(
          { sandbox: sandbox.kind, python: sandbox.python, slots: pool.size },
          'code-exec sandbox ready',
        );
        return { sandbox, pool };
      },
      judge:
        judge &&
        (async () => {
          const backend = await createJudgeBackend(judge);
          logger.info({ judge: backend.description }, 'pairwise judge ready');
          return { backend, concurrency: config.judgeConcurrency };
        }),
    }).catch((err: unknown) => {
      // An unavailable grader or sandbox is a problem with how we were started: one line, exit 2.
      if (err instanceof FailmineError) throw new ConfigError(`--grader ${config.grader}: ${err.message}`);
      throw err;
    });
    const grpc = createServer({
      version: packageVersion(import.meta.url),
      grader,
      artifacts: new ArtifactStore(config.artifactsDir),
      logger,
    });
    return { grpc };
  },
});
