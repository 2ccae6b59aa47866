import { InvalidArgumentError } from '@failmine/runtime';
import type { Queryable } from './database.js';

/** A file a step produced, known by its content hash. */
export interface ArtifactRecord {
  stepId: number;
  name: string;
  sha256: string;
  sizeBytes: number;
  mediaType: string;
  uri: string;
}

/** Resources one attempt of a step (or one batch) used. */
export interface CostEntry {
  wallSeconds: number;
  deviceSeconds: number;
  /** 'cpu', 'cuda', ... */
  deviceKind: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** What a service reported using, before pricing. */
export interface StepUsage {
  deviceSeconds: number;
  deviceKind: string;
  tokensIn: number;
  tokensOut: number;
}

/**
 * The cost entry of a step attempt that started at `startMs` (performance.now()): wall time so
 * far, and device time priced at the plan's USD per device-hour of its kind (0 when unpriced).
 */
export function stepCost(
  usage: StepUsage,
  startMs: number,
  usdPerDeviceHour: Readonly<Record<string, number>>,
): CostEntry {
  const price = usdPerDeviceHour[usage.deviceKind] ?? 0;
  return {
    wallSeconds: (performance.now() - startMs) / 1000,
    deviceSeconds: usage.deviceSeconds,
    deviceKind: usage.deviceKind,
    tokensIn: usage.tokensIn,
    tokensOut: usage.tokensOut,
    costUsd: (usage.deviceSeconds / 3600) * price,
  };
}

/** A step's costs summed over every entry; deviceKind joins the kinds used ('cpu,cuda'). */
export interface CostTotal extends CostEntry {
  stepId: number;
}

/**
 * Records an artifact of a step. A step that runs again (after a crash) replaces its
 * artifact of the same name, so the newest bytes are the ones a run points at.
 */
export async function recordArtifact(
  q: Queryable,
  step: { id: number; runId: string },
  artifact: Omit<ArtifactRecord, 'stepId'>,
): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(artifact.sha256)) {
    throw new InvalidArgumentError(`artifact ${artifact.name}: sha256 must be 64 lowercase hex digits`);
  }
  await q.query(
    `INSERT INTO artifacts (run_id, step_id, name, sha256, size_bytes, media_type, uri)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (step_id, name) DO UPDATE
       SET sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes,
           media_type = EXCLUDED.media_type, uri = EXCLUDED.uri, created_at = now()`,
    [
      step.runId,
      step.id,
      artifact.name,
      artifact.sha256,
      artifact.sizeBytes,
      artifact.mediaType,
      artifact.uri,
    ],
  );
}

/** Adds one cost entry to a step (entries are summed, never replaced). */
export async function recordCost(
  q: Queryable,
  step: { id: number; runId: string },
  cost: CostEntry,
): Promise<void> {
  await q.query(
    `INSERT INTO costs (run_id, step_id, wall_seconds, device_seconds, device_kind, tokens_in, tokens_out, cost_usd)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      step.runId,
      step.id,
      cost.wallSeconds,
      cost.deviceSeconds,
      cost.deviceKind,
      cost.tokensIn,
      cost.tokensOut,
      cost.costUsd,
    ],
  );
}

/** The artifacts of the given runs' steps, by name. */
export async function artifactsOfRuns(q: Queryable, runIds: readonly string[]): Promise<ArtifactRecord[]> {
  const rows = await q.query<{
    step_id: number;
    name: string;
    sha256: string;
    size_bytes: string;
    media_type: string;
    uri: string;
  }>(
    `SELECT step_id, name, sha256, size_bytes, media_type, uri
     FROM artifacts WHERE run_id = ANY($1::text[]) ORDER BY step_id, name`,
    [runIds],
  );
  return rows.map((r) => ({
    stepId: r.step_id,
    name: r.name,
    sha256: r.sha256,
    sizeBytes: Number(r.size_bytes),
    mediaType: r.media_type,
    uri: r.uri,
  }));
}

/** Each step's costs summed, for the given runs. */
export async function costTotalsOfRuns(q: Queryable, runIds: readonly string[]): Promise<CostTotal[]> {
  const rows = await q.query<{
    step_id: number;
    wall_seconds: number;
    device_seconds: number;
    device_kind: string;
    tokens_in: string;
    tokens_out: string;
    cost_usd: number;
  }>(
    `SELECT step_id, sum(wall_seconds) AS wall_seconds, sum(device_seconds) AS device_seconds,
            string_agg(DISTINCT device_kind, ',' ORDER BY device_kind) AS device_kind,
            sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out, sum(cost_usd) AS cost_usd
     FROM costs WHERE run_id = ANY($1::text[]) GROUP BY step_id ORDER BY step_id`,
    [runIds],
  );
  return rows.map((r) => ({
    stepId: r.step_id,
    wallSeconds: r.wall_seconds,
    deviceSeconds: r.device_seconds,
    deviceKind: r.device_kind,
    // sum(bigint) is numeric, which pg returns as a string.
    tokensIn: Number(r.tokens_in),
    tokensOut: Number(r.tokens_out),
    costUsd: r.cost_usd,
  }));
}
