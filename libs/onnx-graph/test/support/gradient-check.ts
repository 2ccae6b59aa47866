// The finite-difference harness every VJP test uses (STYLE rule 10): build a small graph around
// one op, make the scalar loss sum(op(x) * fixed random weights), differentiate it, run it in
// onnxruntime and compare each analytic gradient element with a central difference of the loss.
import * as ort from 'onnxruntime-node';
import { type Dim, differentiate, GraphBuilder, mul, reduceSum, type Tensor } from '../../src/index.js';

/** Graph float types the harness runs: float64 where ORT's CPU provider has the op, else float32. */
export type FloatType = 'float64' | 'float32';

/** How to fill an input at one point: a named distribution or a function of the flat index. */
export type Fill = 'random' | 'positive' | 'negative' | 'zeros' | 'ones' | 'wide' | ((i: number) => number);

/** |analytic - expected| must be <= abs + rel * |expected|. */
export interface Tolerance {
  abs: number;
  rel: number;
}

/** One op under test. */
export interface GradientCase {
  /** Names the op in failure messages (e.g. "Mul broadcast [2,3]x[3]"). */
  op: string;
  /** Shapes of the float inputs, each differentiated. Integer inputs are constants inside build. */
  shapes: number[][];
  /**
   * The inputs' shapes as the graph declares them, where they differ from `shapes` (symbolic
   * dims such as "T", to check the rules' run-time shape paths).
   */
  declaredShapes?: Dim[][];
  /** The output's dims, needed when they are symbolic in the graph. */
  outputDims?: number[];
  /** Builds the op on the inputs; its output shape must be inferred statically. */
  build: (g: GraphBuilder, xs: Tensor[]) => Tensor;
  dtype?: FloatType;
  /** Input points: one Fill for all inputs or one per input (default: random, negative, zeros). */
  points?: (Fill | Fill[])[];
  /** The op's forward result computed in JS, checked with the forward tolerance. */
  reference?: (xs: Float64Array[]) => ArrayLike<number>;
  forwardTolerance?: Tolerance;
  gradientTolerance?: Tolerance;
}

// Central-difference step and tolerances per dtype. float64: truncation ~h^2 = 1e-12 and rounding
// ~1e-16 / h = 1e-10, far below 1e-6. float32: rounding ~1e-7 * |loss| / h ~ 1e-4 dominates.
const DEFAULTS: Record<FloatType, { step: number; forward: Tolerance; gradient: Tolerance }> = {
  float64: { step: 1e-6, forward: { abs: 1e-10, rel: 1e-9 }, gradient: { abs: 1e-6, rel: 1e-5 } },
  float32: { step: 3e-3, forward: { abs: 1e-5, rel: 1e-5 }, gradient: { abs: 2e-3, rel: 1e-2 } },
};

// Graphs of a few dozen elements: a thread pool costs more than it saves, and tests share 2 cores.
const ONE_THREAD: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

/** Checks forward (when a reference is given) and every gradient element at every point; throws naming the worst. */
export async function checkGradients(c: GradientCase): Promise<void> {
  const dtype = c.dtype ?? 'float64';
  const rand = seededRandom(7);
  const { forward, backward, yDims } = await lossSessions(c, dtype, rand);
  for (const [p, point] of (c.points ?? ['random', 'negative', 'zeros']).entries()) {
    const values = c.shapes.map((s, i) =>
      fill(s, Array.isArray(point) ? (point[i] as Fill) : point, rand, dtype),
    );
    const label = `${c.op} [${dtype}] at point ${p} (${describe(point)})`;
    const out = await backward.run(feeds(c.shapes, values, dtype));
    const yOut = out.y as ort.Tensor;
    if (yOut.dims.join() !== yDims.join()) {
      throw new Error(`${label}: output dims [${yOut.dims}] differ from the inferred [${yDims}]`);
    }
    if (c.reference) {
      const tol = c.forwardTolerance ?? DEFAULTS[dtype].forward;
      compare(`${label}: forward output [${yDims}]`, toNumbers(yOut), c.reference(values), tol);
    }
    for (const [i, shape] of c.shapes.entries()) {
      const analytic = toNumbers(out[`grad_${i}`] as ort.Tensor);
      const numeric = await centralDifferences(forward, c.shapes, values, i, dtype);
      const tol = c.gradientTolerance ?? DEFAULTS[dtype].gradient;
      compare(`${label}: gradient of input ${i} [${shape}]`, analytic, numeric, tol);
    }
  }
}

/**
 * Sessions of loss = sum(op(x) * w) for fixed random w: `forward` returns y and loss, `backward`
 * also every input's gradient (grad_<i>).
 */
async function lossSessions(
  c: GradientCase,
  dtype: FloatType,
  rand: () => number,
): Promise<{ forward: ort.InferenceSession; backward: ort.InferenceSession; yDims: number[] }> {
  const g = new GraphBuilder(c.op.replace(/\W+/g, '_'));
  const xs = c.shapes.map((s, i) => g.input(`x${i}`, dtype, c.declaredShapes?.[i] ?? s));
  const y = c.build(g, xs);
  const inferred = c.outputDims ?? y.shape;
  if (!inferred?.every((d) => typeof d === 'number')) {
    throw new Error(`${c.op}: output shape not inferred: [${inferred}]`);
  }
  const yDims = [...inferred];
  const wData = Array.from({ length: count(yDims) }, () => rand() * 2 - 1);
  const w = g.constant({ dtype, dims: yDims, data: typed(dtype, wData) }, 'loss_weights');
  const all = yDims.map((_, i) => i);
  const loss = reduceSum(g, mul(g, y, w), all, false);
  g.output(y, 'y');
  g.output(loss, 'loss');
  const forward = await ort.InferenceSession.create(g.toBytes(), ONE_THREAD);
  const grads = differentiate(g, loss, xs);
  for (const [i, x] of xs.entries()) g.output(grads.get(x.name) as Tensor, `grad_${i}`);
  const backward = await ort.InferenceSession.create(g.toBytes(), ONE_THREAD);
  return { forward, backward, yDims };
}

/** d(loss)/d(values[i][j]) for every j, by (f(x + h) - f(x - h)) / (2h) on the forward session. */
async function centralDifferences(
  session: ort.InferenceSession,
  shapes: number[][],
  values: Float64Array[],
  i: number,
  dtype: FloatType,
): Promise<number[]> {
  const x = values[i] as Float64Array;
  const result: number[] = [];
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const lossAt = async (v: number, j: number) => {
    const moved = values.map((a, k) => (k === i ? Float64Array.from(a, (e, m) => (m === j ? v : e)) : a));
    const out = await session.run(feeds(shapes, moved, dtype), ['loss']);
    return Number((out.loss as ort.Tensor).data[0]);
  };
  for (let j = 0; j < x.length; j++) {
    const h = DEFAULTS[dtype].step * Math.max(1, Math.abs(x[j] as number));
    // NOTE: in float32, x +- h is rounded; divide by the step actually taken.
    const up = round((x[j] as number) + h);
    const down = round((x[j] as number) - h);
    result.push(((await lossAt(up, j)) - (await lossAt(down, j))) / (up - down));
  }
  return result;
}

/** Throws naming the worst element when any element is outside the tolerance (NaN always is). */
function compare(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} elements, expected ${want.length}`);
  let worst = -1;
  let worstRatio = 0;
  for (let j = 0; j < got.length; j++) {
    const a = got[j] as number;
    const n = want[j] as number;
    const ratio = Math.abs(a - n) / (tol.abs + tol.rel * Math.abs(n));
    if (!(ratio <= worstRatio)) [worst, worstRatio] = [j, Number.isNaN(ratio) ? Infinity : ratio];
  }
  if (worstRatio > 1) {
    const [a, n] = [got[worst] as number, want[worst] as number];
    throw new Error(
      `${what}: worst element ${worst}: analytic ${a}, numeric ${n} (|diff| ${Math.abs(a - n).toExponential(2)}, ` +
        `tolerance ${(tol.abs + tol.rel * Math.abs(n)).toExponential(2)})`,
    );
  }
}

function feeds(shapes: number[][], values: Float64Array[], dtype: FloatType): Record<string, ort.Tensor> {
  return Object.fromEntries(
    values.map((v, i) => [`x${i}`, new ort.Tensor(dtype, typed(dtype, v), shapes[i])]),
  );
}

function fill(shape: number[], how: Fill, rand: () => number, dtype: FloatType): Float64Array {
  const gen: (i: number) => number =
    typeof how === 'function'
      ? how
      : {
          random: () => rand() * 4 - 2,
          positive: () => 0.5 + rand() * 1.5,
          negative: () => -0.5 - rand() * 1.5,
          zeros: () => 0,
          ones: () => 1,
          wide: () => rand() * 16 - 8,
        }[how];
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  return Float64Array.from({ length: count(shape) }, (_, i) => round(gen(i)));
}

function describe(point: Fill | Fill[]): string {
  const one = (f: Fill) => (typeof f === 'function' ? 'custom' : f);
  return Array.isArray(point) ? point.map(one).join(', ') : one(point);
}

function typed(dtype: FloatType, data: ArrayLike<number>): Float32Array | Float64Array {
  return dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
}

function toNumbers(t: ort.Tensor): number[] {
  return Array.from(t.data as Float32Array | Float64Array);
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** mulberry32: a small seeded generator, so every run checks the same points. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
