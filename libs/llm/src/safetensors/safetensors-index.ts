// Sharded checkpoints: model.safetensors.index.json maps each tensor name to the shard file that
// holds it ("weight_map"). Every shard's header is read and checked against the index before any
// tensor data is read, so a missing shard or tensor fails fast and names both.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Weights } from '../model/weights.js';
import {
  readSafetensorsHeader,
  readSafetensorsTensors,
  type SafetensorsContents,
  type SafetensorsHeader,
} from './safetensors-reader.js';

/** The standard name of the shard index in an HF model directory. */
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';

/** A parsed shard index: tensor names grouped by shard file (paths resolved next to the index). */
export interface SafetensorsIndex {
  /** Shard path -> the tensor names the index assigns to it, in index order. */
  shards: Map<string, string[]>;
  /** The index's `metadata` object ({} when absent), e.g. total_size. */
  metadata: Record<string, unknown>;
}

/** Reads and validates a model.safetensors.index.json; shard names must be plain file names. */
export async function readSafetensorsIndex(indexFile: string): Promise<SafetensorsIndex> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(indexFile, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`${indexFile}: cannot read shard index (${reason})`);
  }
  if (typeof json !== 'object' || json === null) throw new Error(`${indexFile}: not a JSON object`);
  const { weight_map: weightMap, metadata } = json as Record<string, unknown>;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new Error(`${indexFile}: missing "weight_map" object`);
  }
  const shards = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(weightMap)) {
    // A shard path that leaves the directory would read arbitrary files; HF never writes one.
    if (typeof shard !== 'string' || shard !== basename(shard) || shard === '..' || shard === '.') {
      throw new Error(`${indexFile}: tensor "${name}": shard ${JSON.stringify(shard)} is not a file name`);
    }
    const path = join(dirname(indexFile), shard);
    const list = shards.get(path) ?? [];
    list.push(name);
    shards.set(path, list);
  }
  if (shards.size === 0) throw new Error(`${indexFile}: "weight_map" lists no tensors`);
  const meta = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  return { shards, metadata: meta };
}

/**
 * Reads a sharded checkpoint through its index, widening every tensor to float32. Only the
 * tensors the index lists are read; one listed but absent from its shard is an error naming
 * the index, the shard and the tensor.
 */
export async function readShardedSafetensors(indexFile: string): Promise<SafetensorsContents> {
  const index = await readSafetensorsIndex(indexFile);
  const headers: Array<[SafetensorsHeader, string[]]> = [];
  for (const [shard, names] of index.shards) {
    const header = await readSafetensorsHeader(shard);
    const missing = names.filter((name) => !header.tensors.has(name));
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).map((n) => `"${n}"`);
      const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
      throw new Error(
        `${indexFile}: tensor ${shown.join(', ')}${more} listed in the index is missing from ${shard}`,
      );
    }
    headers.push([header, names]);
  }
  const weights: Weights = new Map();
  for (const [header, names] of headers) {
    for (const [name, tensor] of await readSafetensorsTensors(header, names)) weights.set(name, tensor);
  }
  return { weights, metadata: stringValues(index.metadata) };
}

// Safetensors metadata is a string map; the index's metadata (total_size: number) is converted.
function stringValues(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
