// Runs the conformance kit against the shipped graders as real processes (dist/main.js, built
// by `npm run build`), or against any grader when FAILMINE_GRADER_ADDRESS is set. pairwise-judge
// judges through its OpenAI-compatible backend with a local rule-based stand-in for the remote
// API (a model judge cannot be relied on to tell 42 from 40; the kit checks the contract).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { graderConformance } from './conformance/grader-conformance.js';
import { arithmeticJudgeReply } from './support/arithmetic-judge.js';
import { type ChatCompletionsServer, startChatCompletionsServer } from './support/chat-completions-server.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Starts `node dist/main.js --grader <kind> --port 0` and resolves its address from the log line. */
function startGrader(kind: string, args: string[] = []): Promise<{ child: ChildProcess; address: string }> {
  assert.ok(existsSync(MAIN), `${MAIN} is missing: run npm run build first`);
  const child = spawn(
    process.execPath,
    [MAIN, '--grader', kind, '--port', '0', '--artifacts-dir', `/tmp/failmine-conformance-${kind}`, ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (c: Buffer) => {
      log += c.toString();
      const m = /"address":"([^"]+)"/.exec(log);
      if (m?.[1]) resolve({ child, address: m[1] });
    });
    child.on('exit', (code) =>
      reject(new Error(`grader ${kind} exited with ${code} before listening:\n${log}`)),
    );
  });
}

const external = process.env.FAILMINE_GRADER_ADDRESS;
if (external) {
  graderConformance(external, () => external);
} else {
  for (const kind of ['gsm8k-numeric', 'multiple-choice', 'code-exec']) {
    describe(`${kind} as a process`, () => {
      let proc: { child: ChildProcess; address: string } | undefined;
      before(async () => {
        proc = await startGrader(kind);
      });
      after(() => {
        proc?.child.kill('SIGTERM');
      });
      graderConformance(kind, () => proc?.address ?? '');
    });
  }
  describe('pairwise-judge as a process', () => {
    let proc: { child: ChildProcess; address: string } | undefined;
    let judge: ChatCompletionsServer | undefined;
    before(async () => {
      judge = await startChatCompletionsServer((req) =>
        arithmeticJudgeReply(req.body.messages?.find((m) => m.role === 'user')?.content ?? ''),
      );
      proc = await startGrader('pairwise-judge', [
        '--judge-url',
        judge.url,
        '--judge-api-model',
        'arithmetic',
      ]);
    });
    after(async () => {
      proc?.child.kill('SIGTERM');
      await judge?.close();
    });
    graderConformance('pairwise-judge', () => proc?.address ?? '');
  });
}
