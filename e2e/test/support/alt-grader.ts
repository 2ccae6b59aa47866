// A second grader implementation, as a separate program: failmine.v1.GraderService (Grade,
// Describe) plus health and reflection, on @failmine/runtime's server with the flags every
// service has (--host, --port, ...). It shares no code with services/grader: only the contract.
// Run: node --import tsx e2e/test/support/alt-grader.ts --port 0
import { Category, type GradeItem, GraderServiceService, type Verdict } from '@failmine/contracts';
import {
  bindService,
  createGrpcServer,
  describeService,
  InvalidArgumentError,
  serviceConfigSpec,
  serviceMain,
} from '@failmine/runtime';
import { gradeLastNumber, LAST_NUMBER_IMPLEMENTATION } from './last-number-verdict.js';

// Verdicts by item id, with the content they were given for: the contract makes grading
// idempotent by id, and the same id with other content is the caller's mistake.
const verdicts = new Map<string, { content: string; verdict: Verdict }>();

function gradeOnce(item: GradeItem): Verdict {
  const content = JSON.stringify([item.category, item.prompt, item.completion, item.groundTruth]);
  const seen = verdicts.get(item.id);
  if (seen && seen.content !== content) {
    throw new InvalidArgumentError(`item ${item.id}: the same item.id came with different content`);
  }
  if (seen) return seen.verdict;
  const verdict = gradeLastNumber(item);
  verdicts.set(item.id, { content, verdict });
  return verdict;
}

serviceMain({
  name: 'grader',
  summary: `${LAST_NUMBER_IMPLEMENTATION}: a second failmine.v1.GraderService implementation (e2e tests).`,
  spec: serviceConfigSpec('grader'),
  build: async (_config, logger) => {
    const grader = bindService(GraderServiceService, {
      describe: async () => ({
        info: describeService({
          name: 'grader',
          version: '0.1.0',
          implementation: LAST_NUMBER_IMPLEMENTATION,
          capabilities: ['CATEGORY_MATH'],
        }),
        categories: [Category.CATEGORY_MATH],
        pairwise: false,
      }),
      async *grade(requests) {
        for await (const request of requests) {
          const message = request.message;
          if (!message) throw new InvalidArgumentError('GradeRequest.message is empty');
          // Options (mode, timeouts) do not change a numeric comparison.
          if (message.$case === 'options') continue;
          yield { verdict: gradeOnce(message.item) };
        }
      },
    });
    return { grpc: createGrpcServer({ services: [grader], logger }) };
  },
});
