import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@failmine/runtime';
import { repoRoot } from '@failmine/topology';
import type { DatabaseOptions } from '../../src/db/database.js';
import { openMigrated } from '../../src/db/lazy-database.js';
import { listRuns } from '../../src/db/run-store.js';

/** Where the tests find the real datasets (the dataset service's --data-dir). */
export const DATASETS_DIR = join(repoRoot, '..', 'shared', 'datasets');

/** The reference answers of the first n GSM8K train problems, in file order. */
export function gsm8kTrainAnswers(n: number): string[] {
  const lines = readFileSync(join(DATASETS_DIR, 'gsm8k', 'train.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
  return lines.slice(0, n).map((l) => (JSON.parse(l) as { answer: string }).answer);
}

/** What the database says about the only run's extract step. */
export interface ExtractDbFacts {
  runs: number;
  runState: string;
  stepState: string;
  itemsTotal: number;
  itemsDone: number;
  doneItems: number;
  results: number;
  /** Items with more than one result (must be 0). */
  itemsWithSeveralResults: number;
  failures: number;
  cost: { wallSeconds: number; deviceSeconds: number; tokensIn: number; tokensOut: number } | undefined;
  artifactSha256: string | undefined;
}

/** Reads the run, its extract step, results and cost from the database the CLI used. */
export async function extractDbFacts(options: Omit<DatabaseOptions, 'logger'>): Promise<ExtractDbFacts> {
  const db = await openMigrated({ ...options, logger: createLogger('test', 'warn') });
  try {
    const runs = await listRuns(db);
    const view = runs[0];
    const step = view?.steps[0];
    if (!view || !step) throw new Error('no run with a step in the database');
    const [counts] = await db.query<{ results: string; several: string; failures: string; done: string }>(
      `SELECT (SELECT count(*) FROM results WHERE step_id = $1) AS results,
              (SELECT count(*) FROM (SELECT work_item_id FROM results WHERE step_id = $1
                 GROUP BY work_item_id HAVING count(*) > 1) s) AS several,
              (SELECT count(*) FROM results WHERE step_id = $1
                 AND (output -> 'verdict' ->> 'correct')::boolean IS NOT TRUE) AS failures,
              (SELECT count(*) FROM work_items WHERE step_id = $1 AND state = 'done') AS done`,
      [step.id],
    );
    return {
      runs: runs.length,
      runState: view.run.state,
      stepState: step.state,
      itemsTotal: step.itemsTotal,
      itemsDone: step.itemsDone,
      doneItems: Number(counts?.done),
      results: Number(counts?.results),
      itemsWithSeveralResults: Number(counts?.several),
      failures: Number(counts?.failures),
      cost: step.cost,
      artifactSha256: step.artifacts[0]?.sha256,
    };
  } finally {
    await db.close();
  }
}

/** The lines of a training-ready JSONL file, parsed. */
export function trainingLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
