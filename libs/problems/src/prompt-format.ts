import { InvalidArgumentError } from '@failmine/runtime';
import type { ChatTurn, FormattedExample, SourceExample } from './example.js';

/** How prompts are built: exemplar count, chat turns or not, and the named style. */
export interface PromptOptions {
  /** Fixed exemplars prepended; 0 = zero-shot. */
  shots: number;
  /** Fill `messages` as well as the plain `prompt`. */
  chat: boolean;
  /** "plain" (also ""); the only style so far. */
  style: string;
}

/** Prompt styles we can render. */
export const PROMPT_STYLES = ['plain'] as const;

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

// What differs per kind of item: the instruction, how a question and its answer are shown.
interface Layout {
  /** Instruction text before everything (also the chat system message); may be empty. */
  header(example: SourceExample): string;
  /** The question block as the model sees it. */
  ask(example: SourceExample): string;
  /** The answer block of an exemplar (its reference solution, in the layout's frame). */
  answer(example: SourceExample): string;
  /** What follows the question in plain text so that the model's reply is the answer. */
  cue: string;
}

const MATH: Layout = {
  header: () =>
    'Solve the math problem step by step. Write the final answer on the last line as "#### <number>".',
  ask: (e) => `Question: ${e.question}`,
  answer: (e) => e.referenceSolution,
  cue: '\nAnswer:',
};

// HumanEval: the model continues the function; the prompt is the code itself.
const FUNCTION_COMPLETION: Layout = {
  header: () => '',
  ask: (e) => e.question,
  answer: (e) => e.referenceSolution,
  cue: '',
};

// MBPP: the paper's format (task, tests, solution between [BEGIN] and [DONE]).
const CODE_TASK: Layout = {
  header: () => '',
  ask: (e) => {
    const asserts = e.groundTruth.kind === 'code' ? e.groundTruth.code.asserts : [];
    return `You are an expert Python programmer, and here is your task: ${e.question} Your code should pass these tests:\n\n${asserts.join('\n')}`;
  },
  answer: (e) => `[BEGIN]\n${e.referenceSolution}\n[DONE]`,
  cue: '\n[BEGIN]\n',
};

// MMLU: Hendrycks et al.'s layout, one subject per prompt.
const MULTIPLE_CHOICE: Layout = {
  header: (e) => {
    const subject = e.metadata.subject?.replaceAll('_', ' ');
    return `The following are multiple choice questions (with answers)${subject ? ` about ${subject}` : ''}.`;
  },
  ask: (e) => {
    const choices = e.groundTruth.kind === 'multiple-choice' ? e.groundTruth.choices : [];
    return [e.question.trim(), ...choices.map((c, i) => `${LETTERS[i]}. ${c}`)].join('\n');
  },
  answer: (e) =>
    e.groundTruth.kind === 'multiple-choice' ? e.groundTruth.answerLetter : e.referenceSolution,
  cue: '\nAnswer:',
};

const OPEN_ENDED: Layout = {
  header: () => '',
  ask: (e) => e.question,
  answer: (e) => e.referenceSolution,
  cue: '',
};

function layoutOf(example: SourceExample): Layout {
  const truth = example.groundTruth;
  if (truth.kind === 'final-answer') return MATH;
  if (truth.kind === 'multiple-choice') return MULTIPLE_CHOICE;
  if (truth.kind === 'code') return truth.code.testProgram !== '' ? FUNCTION_COMPLETION : CODE_TASK;
  return OPEN_ENDED;
}

/** Checks prompt options once per request; bad style or shot count is the caller's error. */
export function checkPromptOptions(options: PromptOptions): void {
  if (options.style !== '' && !(PROMPT_STYLES as readonly string[]).includes(options.style))
    throw new InvalidArgumentError(
      `format.style "${options.style}" is unknown; styles: ${PROMPT_STYLES.join(', ')}`,
    );
  if (!Number.isInteger(options.shots) || options.shots < 0 || options.shots > 32)
    throw new InvalidArgumentError(`format.shots must be 0-32, got ${options.shots}`);
}

/**
 * Renders an example's prompt as plain text and (with `chat`) as chat turns: the instruction as
 * system message, each exemplar as a user/assistant pair, then the question. The chat template
 * itself is the model's, applied on the inference side. Exemplars are not checked here; see
 * pickExemplars.
 */
export function formatExample(
  example: SourceExample,
  exemplars: readonly SourceExample[],
  options: PromptOptions,
): FormattedExample {
  const layout = layoutOf(example);
  const header = layout.header(example);
  const shots = exemplars.map(
    (x) => `${layout.ask(x)}${layout.cue}${layout.cue.endsWith('\n') ? '' : ' '}${layout.answer(x)}`,
  );
  const parts = [header, ...shots, `${layout.ask(example)}${layout.cue}`].filter((p) => p !== '');
  const messages: ChatTurn[] = [];
  if (options.chat) {
    if (header !== '') messages.push({ role: 'system', content: header });
    for (const x of exemplars) {
      messages.push(
        { role: 'user', content: layout.ask(x) },
        { role: 'assistant', content: layout.answer(x) },
      );
    }
    messages.push({ role: 'user', content: layout.ask(example) });
  }
  return { ...example, prompt: parts.join('\n\n'), messages };
}

/**
 * The fixed exemplars for `example`: the first `shots` of `pool` (the dataset's exemplar split,
 * already loaded), restricted to the example's subject when it has one (MMLU), preferred ids
 * first (MBPP's paper used tasks 2-4). Refuses when the pool is the split being served, since
 * exemplars must never come from the evaluated split, or when it is too small.
 */
export function pickExemplars(
  example: SourceExample,
  pool: readonly SourceExample[],
  shots: number,
  preferredIds: readonly string[] = [],
): SourceExample[] {
  if (shots === 0) return [];
  if (pool.some((x) => x.split === example.split && x.dataset === example.dataset))
    throw new InvalidArgumentError(
      `${example.dataset}/${example.split}: k-shot exemplars would come from the split being served; ask for shots = 0`,
    );
  const subject = example.metadata.subject;
  const candidates = subject === undefined ? pool : pool.filter((x) => x.metadata.subject === subject);
  const rank = (x: SourceExample) => {
    const i = preferredIds.indexOf(x.id);
    return i === -1 ? preferredIds.length : i;
  };
  const ordered = [...candidates].sort((a, b) => rank(a) - rank(b));
  if (ordered.length < shots)
    throw new InvalidArgumentError(
      `${example.dataset}: ${shots} shots asked, only ${ordered.length} exemplars${subject ? ` for subject ${subject}` : ''}`,
    );
  return ordered.slice(0, shots);
}
