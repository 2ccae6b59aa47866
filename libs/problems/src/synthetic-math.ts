import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import type { SourceExample } from './example.js';
import { fnv1a32, type Random, seededRandom } from './seeded-random.js';

/** Splits of the synthetic set and how many problems each holds. */
export const SYNTHETIC_SPLIT_SIZES: Readonly<Record<string, number>> = { train: 2000, test: 500 };

/** Seed used when a request gives none (proto's default 0 is a valid seed, so this is only a name). */
export const SYNTHETIC_DEFAULT_SEED = 0;

/** How a synthetic split is generated. */
export interface SyntheticOptions {
  split: string;
  seed?: number;
  /** Problems wanted; defaults to SYNTHETIC_SPLIT_SIZES[split]. */
  count?: number;
  /** Fewest and most arithmetic steps per problem (difficulty); default 2-5. */
  minSteps?: number;
  maxSteps?: number;
}

interface Person {
  name: string;
  they: string;
}

const PEOPLE: readonly Person[] = [
  { name: 'Ava', they: 'she' },
  { name: 'Liam', they: 'he' },
  { name: 'Maya', they: 'she' },
  { name: 'Noah', they: 'he' },
  { name: 'Zoe', they: 'she' },
  { name: 'Omar', they: 'he' },
  { name: 'Lena', they: 'she' },
  { name: 'Ravi', they: 'he' },
];

// A scene is the template family: what is counted and how amounts are written.
interface Scene {
  id: string;
  amount: (n: number) => string;
  more: (n: number) => string;
  /** What is held, as a noun phrase: "the apples", "the money". */
  held: string;
  /** How much is held: "the number of apples", "the amount of money". */
  count: string;
  gain: string;
  lose: string;
}

const SCENES: readonly Scene[] = [
  ...['apples', 'marbles', 'stickers', 'pencils', 'seashells', 'cookies'].map((items) => ({
    id: items,
    amount: (n: number) => `${n} ${items}`,
    more: (n: number) => `${n} more ${items}`,
    held: `the ${items}`,
    count: `the number of ${items}`,
    gain: 'gets',
    lose: 'gives',
  })),
  {
    id: 'money',
    amount: (n: number) => `$${n}`,
    more: (n: number) => `$${n} more`,
    held: 'the money',
    count: 'the amount of money',
    gain: 'earns',
    lose: 'spends',
  },
];

const TIMES = ['', '', 'doubles', 'triples', 'quadruples'];

interface Step {
  op: 'add' | 'sub' | 'mul' | 'div';
  n: number;
}

/**
 * GSM8K-style word problems: a person, a starting amount and `steps` operations (+, -, ×, ÷),
 * with a worked solution that ends "#### N" like GSM8K's. The same options always give the
 * same problems. A problem's split is a hash of the whole instance (person, scene, numbers), so
 * no instance can ever be in both train and test, whatever seeds the two splits use.
 */
export function generateSyntheticMath(options: SyntheticOptions): SourceExample[] {
  const { split, seed = SYNTHETIC_DEFAULT_SEED, minSteps = 2, maxSteps = 5 } = options;
  const size = SYNTHETIC_SPLIT_SIZES[split];
  if (size === undefined)
    throw new NotFoundError(
      `synthetic-math has no split "${split}"; splits: ${Object.keys(SYNTHETIC_SPLIT_SIZES).join(', ')}`,
    );
  if (!(minSteps >= 1 && maxSteps >= minSteps && maxSteps <= 12))
    throw new InvalidArgumentError(
      `synthetic-math: steps must satisfy 1 <= minSteps <= maxSteps <= 12, got ${minSteps}-${maxSteps}`,
    );
  const count = options.count ?? size;
  // Each split draws from its own stream, so growing one split never changes the other.
  const random = seededRandom(fnv1a32(`${seed}/${split}`));
  const seen = new Set<string>();
  const out: SourceExample[] = [];
  for (let attempts = 0; out.length < count; attempts++) {
    if (attempts > count * 100)
      throw new InvalidArgumentError(`synthetic-math: cannot find ${count} distinct ${split} problems`);
    const person = random.pick(PEOPLE);
    const scene = random.pick(SCENES);
    const start = random.int(5, 60);
    const steps = drawSteps(random, start, random.int(minSteps, maxSteps));
    const key = JSON.stringify([person.name, scene.id, start, steps]);
    if (splitOfInstance(key) !== split || seen.has(key)) continue;
    seen.add(key);
    out.push(render(`synthetic-math/${split}/${out.length}`, split, person, scene, start, steps, seed));
  }
  return out;
}

/** The split an instance belongs to: one in five goes to test, the rest to train. */
export function splitOfInstance(key: string): 'train' | 'test' {
  return fnv1a32(key) % 5 === 0 ? 'test' : 'train';
}

function drawSteps(random: Random, start: number, count: number): Step[] {
  const steps: Step[] = [];
  let x = start;
  while (steps.length < count) {
    const op = random.pick(['add', 'add', 'sub', 'sub', 'mul', 'div'] as const);
    let n: number;
    if (op === 'add') n = random.int(2, 40);
    else if (op === 'sub') n = random.int(1, Math.max(1, x - 1));
    else if (op === 'mul') n = random.int(2, 4);
    else n = random.pick([2, 3, 4, 5]);
    // Keep every intermediate amount a positive integer of a size a child would count.
    if ((op === 'sub' && n >= x) || (op === 'mul' && x * n > 500) || (op === 'div' && x % n !== 0)) continue;
    x = apply(x, { op, n });
    steps.push({ op, n });
  }
  return steps;
}

function apply(x: number, step: Step): number {
  if (step.op === 'add') return x + step.n;
  if (step.op === 'sub') return x - step.n;
  if (step.op === 'mul') return x * step.n;
  return x / step.n;
}

function render(
  id: string,
  split: string,
  person: Person,
  scene: Scene,
  start: number,
  steps: Step[],
  seed: number,
): SourceExample {
  const They = person.they[0]?.toUpperCase() + person.they.slice(1);
  const sentences = [`${person.name} has ${scene.amount(start)}.`];
  const lines = [`${person.name} starts with ${scene.amount(start)}.`];
  let x = start;
  for (const step of steps) {
    const r = apply(x, step);
    const calc = (sym: string, txt: string) => `${x} ${txt} ${step.n} = <<${x}${sym}${step.n}=${r}>>${r}`;
    if (step.op === 'add') {
      sentences.push(`Then ${person.they} ${scene.gain} ${scene.more(step.n)}.`);
      lines.push(`After that ${person.they} has ${calc('+', '+')}.`);
    } else if (step.op === 'sub') {
      sentences.push(`Then ${person.they} ${scene.lose} ${scene.amount(step.n)}.`);
      lines.push(`After that ${person.they} has ${calc('-', '-')}.`);
    } else if (step.op === 'mul') {
      sentences.push(`Then ${scene.count} ${person.they} has ${TIMES[step.n]}.`);
      lines.push(`It becomes ${calc('*', 'x')}.`);
    } else {
      sentences.push(`${They} splits ${scene.held} into ${step.n} equal parts and keeps one part.`);
      lines.push(`${They} keeps ${calc('/', '/')}.`);
    }
    x = r;
  }
  sentences.push(
    scene.id === 'money'
      ? `How much money does ${person.name} have now?`
      : `How many ${scene.id} does ${person.name} have now?`,
  );
  return {
    id,
    category: 'math',
    dataset: 'synthetic-math',
    split,
    question: sentences.join(' '),
    groundTruth: { kind: 'final-answer', finalAnswer: String(x) },
    referenceSolution: `${lines.join('\n')}\n#### ${x}`,
    metadata: {
      difficulty: String(steps.length),
      steps: String(steps.length),
      template: scene.id,
      seed: String(seed),
    },
  };
}
