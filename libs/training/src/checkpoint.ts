// A job's resumable checkpoint: trainable tensors, AdamW moments and the loop's position, in one
// directory that replaces the previous one atomically (a kill mid-write leaves the old one).
//
//   <job dir>/checkpoint/state.json              step, data position, RNG state, losses, fingerprint
//   <job dir>/checkpoint/trainable.safetensors   LoRA A/B (or every weight), float32
//   <job dir>/checkpoint/optimizer.safetensors   exp_avg.<name>, exp_avg_sq.<name>, float32
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensors, type Weights, writeSafetensors } from '@failmine/llm';
import { FailedPreconditionError } from '@failmine/runtime';
import type { AdamWState } from './adamw.js';

/** Where the loop stands between two optimizer steps. */
export interface LoopState {
  /** Optimizer steps done. */
  step: number;
  /** Epoch of the next micro-batch (0-based). */
  epoch: number;
  /** Index of the next micro-batch within that epoch's batch list. */
  batchInEpoch: number;
  /** The dropout RNG's state (SeededRng.state). */
  rngState: number;
  /** Training loss of every step so far. */
  lossCurve: number[];
  /** Eval losses so far, with the step they were computed after. */
  evalLosses: { step: number; loss: number }[];
  /** Non-padding tokens trained on so far. */
  tokens: number;
}

/** What a checkpoint holds. */
export interface Checkpoint {
  state: LoopState;
  params: Weights;
  optimizer: AdamWState;
}

const CURRENT = 'checkpoint';
const PREVIOUS = 'checkpoint.old';

/**
 * Writes a checkpoint into `<jobDir>/checkpoint`: everything goes to a fresh temp directory first,
 * then the old checkpoint is moved aside, the new one renamed in, the old one deleted. At every
 * instant one complete checkpoint exists under CURRENT or PREVIOUS.
 */
export async function saveCheckpoint(jobDir: string, ckpt: Checkpoint, fingerprint: string): Promise<void> {
  const temp = join(jobDir, `checkpoint.partial-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  await writeSafetensors(join(temp, 'trainable.safetensors'), ckpt.params);
  const moments: Weights = new Map();
  for (const [name, m] of ckpt.optimizer.expAvg)
    moments.set(`exp_avg.${name}`, { dims: [m.length], data: m });
  for (const [name, v] of ckpt.optimizer.expAvgSq) {
    moments.set(`exp_avg_sq.${name}`, { dims: [v.length], data: v });
  }
  await writeSafetensors(join(temp, 'optimizer.safetensors'), moments);
  const state = { fingerprint, optimizerStep: ckpt.optimizer.step, ...ckpt.state };
  await writeFile(join(temp, 'state.json'), JSON.stringify(state));
  const current = join(jobDir, CURRENT);
  const previous = join(jobDir, PREVIOUS);
  await rm(previous, { recursive: true, force: true });
  if (await exists(current)) await rename(current, previous);
  await rename(temp, current);
  await rm(previous, { recursive: true, force: true });
}

/**
 * The job's last checkpoint, or null when it has none. Throws FailedPreconditionError when it was
 * written by a run with other options or data (its fingerprint differs): resuming would mix runs.
 */
export async function loadCheckpoint(jobDir: string, fingerprint: string): Promise<Checkpoint | null> {
  let dir = join(jobDir, CURRENT);
  if (!(await exists(dir))) dir = join(jobDir, PREVIOUS); // killed between the two renames
  if (!(await exists(dir))) return null;
  const raw = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as LoopState & {
    fingerprint: string;
    optimizerStep: number;
  };
  if (raw.fingerprint !== fingerprint) {
    throw new FailedPreconditionError(
      `${dir}: the checkpoint was written by a run with other options or datasets; ` +
        'start with resume false (or another job_id) to train from scratch',
    );
  }
  const { fingerprint: _f, optimizerStep, ...state } = raw;
  const params = (await readSafetensors(join(dir, 'trainable.safetensors'))).weights;
  const moments = (await readSafetensors(join(dir, 'optimizer.safetensors'))).weights;
  const expAvg = new Map<string, Float32Array>();
  const expAvgSq = new Map<string, Float32Array>();
  for (const name of params.keys()) {
    const m = moments.get(`exp_avg.${name}`);
    const v = moments.get(`exp_avg_sq.${name}`);
    if (!m || !v) throw new FailedPreconditionError(`${dir}: optimizer state misses "${name}"`);
    expAvg.set(name, m.data);
    expAvgSq.set(name, v.data);
  }
  return { state, params, optimizer: { step: optimizerStep, expAvg, expAvgSq } };
}

/** Deletes the job's checkpoint (a fresh start under a reused job_id). */
export async function removeCheckpoint(jobDir: string): Promise<void> {
  await rm(join(jobDir, CURRENT), { recursive: true, force: true });
  await rm(join(jobDir, PREVIOUS), { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
