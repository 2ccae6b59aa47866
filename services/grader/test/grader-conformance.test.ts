// Runs the conformance kit against the shipped graders as real processes (dist/main.js, built
// by `npm run build`), or against any grader when FAILMINE_GRADER_ADDRESS is set. pairwise-judge
// judges through its OpenAI-compatible backend with a local rule-based stand-in for the remote
// API (a model judge cannot be relied on to tell 42 from 40; the kit checks the contract).
import { after, before, describe } from 'node:test';
import { type ServiceProcess, startServiceProcess } from '@failmine/topology';
import { graderConformance } from './conformance/grader-conformance.js';
import { arithmeticJudgeReply } from './support/arithmetic-judge.js';
import { type ChatCompletionsServer, startChatCompletionsServer } from './support/chat-completions-server.js';

/** Starts the built grader (dist/main.js) of `kind` on a free port, as @failmine/topology does. */
const startGrader = (kind: string, args: string[] = []): Promise<ServiceProcess> =>
  startServiceProcess('grader', {
    artifactsDir: `/tmp/failmine-conformance-${kind}`,
    args: ['--grader', kind, ...args],
  });

const external = process.env.FAILMINE_GRADER_ADDRESS;
if (external) {
  graderConformance(external, () => external);
} else {
  for (const kind of ['gsm8k-numeric', 'multiple-choice', 'code-exec']) {
    describe(`${kind} as a process`, () => {
      let proc: ServiceProcess | undefined;
      before(async () => {
        proc = await startGrader(kind);
      });
      after(async () => {
        await proc?.stop();
      });
      graderConformance(kind, () => proc?.address ?? '');
    });
  }
  describe('pairwise-judge as a process', () => {
    let proc: ServiceProcess | undefined;
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
      await proc?.stop();
      await judge?.close();
    });
    graderConformance('pairwise-judge', () => proc?.address ?? '');
  });
}
