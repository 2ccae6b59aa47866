import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGradeInput } from '../src/grade-file/grade-input.js';
import {
  ExampleNotFoundError,
  type GradeExample,
  type GradeJobItem,
  type GradeServices,
  ItemRefusedError,
} from '../src/grade-file/grade-services.js';
import { resolveGrader } from '../src/grade-file/grader-choice.js';
import { runGrade } from '../src/grade-file/run-grade.js';

// runGrade on plain-object services: what reaches the grader, and how the services' refusals
// come back as file:line errors.
const EXAMPLES: GradeExample[] = [
  { id: 'gsm8k/test/0', category: 'math', prompt: 'Q0', groundTruth: { finalAnswer: '18' } },
  {
    id: 'mmlu/test/3',
    category: 'creativity',
    prompt: 'Q3',
    groundTruth: { multipleChoice: { answerLetter: 'B', choices: [] } },
  },
];

function fakeServices(
  options: { refuse?: number } = {},
): GradeServices & { sent: GradeJobItem[]; asked: string[][] } {
  const sent: GradeJobItem[] = [];
  const asked: string[][] = [];
  return {
    sent,
    asked,
    async examples(dataset, split, ids) {
      asked.push([dataset, split, ...ids]);
      const missing = ids.find((id) => !EXAMPLES.some((e) => e.id === id));
      if (missing) throw new ExampleNotFoundError(`1 id(s) not found, e.g. "${missing}"`);
      return EXAMPLES.filter((e) => ids.includes(e.id));
    },
    async grade(items) {
      sent.push(...items);
      if (options.refuse !== undefined) throw new ItemRefusedError(options.refuse, 'not a number');
      return items.map((i) => ({
        id: i.id,
        outcome: 'correct',
        correct: true,
        extractedAnswer: '',
        rule: '',
        reason: '',
        elapsedSeconds: 0,
      }));
    },
  };
}

const gsm8k = resolveGrader('gsm8k');
const lines = (...objects: unknown[]) =>
  parseGradeInput(objects.map((o) => JSON.stringify(o)).join('\n'), 'in.jsonl', gsm8k);
const opts = { file: 'in.jsonl', mode: '', signal: new AbortController().signal };

describe('runGrade', () => {
  it("fills a dataset reference's prompt, category and ground truth; an inline item gets the grader's category", async () => {
    const services = fakeServices();
    const verdicts = await runGrade(
      services,
      lines(
        { id: 'a', completion: '#### 18', dataset: 'gsm8k', split: 'test', example_id: 0 },
        { id: 'b', completion: '#### 2', ground_truth: '2' },
      ),
      gsm8k,
      opts,
    );
    assert.deepEqual(
      verdicts.map((v) => v.id),
      ['a', 'b'],
    );
    assert.deepEqual(services.asked, [['gsm8k', 'test', 'gsm8k/test/0']]);
    assert.deepEqual(
      services.sent.map((i) => [i.id, i.category, i.prompt, i.groundTruth]),
      [
        ['a', 'math', 'Q0', { finalAnswer: '18' }],
        ['b', 'math', '', { finalAnswer: '2' }],
      ],
    );
  });

  it('names the line of a missing example, of a ground truth the grader cannot read, and of a refused item', async () => {
    await assert.rejects(
      runGrade(
        fakeServices(),
        lines({ id: 'a', completion: 'x', dataset: 'gsm8k', split: 'test', example_id: 9 }),
        gsm8k,
        opts,
      ),
      { message: 'in.jsonl:1: field "example_id": gsm8k test: 1 id(s) not found, e.g. "gsm8k/test/9"' },
    );
    await assert.rejects(
      runGrade(
        fakeServices(),
        lines({ id: 'a', completion: 'x', dataset: 'mmlu', split: 'test', example_id: 3 }),
        gsm8k,
        opts,
      ),
      {
        message:
          'in.jsonl:1: mmlu/test/3 carries a multipleChoice ground truth, which the gsm8k-numeric grader cannot read',
      },
    );
    await assert.rejects(
      runGrade(
        fakeServices({ refuse: 1 }),
        lines(
          { id: 'a', completion: 'x', ground_truth: '1' },
          { id: 'b', completion: 'y', ground_truth: '2' },
        ),
        gsm8k,
        opts,
      ),
      { message: 'in.jsonl:2: the gsm8k-numeric grader refused the item: not a number' },
    );
  });
});
