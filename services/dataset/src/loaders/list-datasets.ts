import type { Category } from '@failmine/problems';
import type { DatasetRegistry, DatasetSource } from './dataset-registry.js';

/** A dataset with the size of each of its splits. */
export interface DatasetListing {
  source: DatasetSource;
  splits: { name: string; examples: number }[];
}

/** Every dataset present (of one category, when given) with its split sizes, loading each split once. */
export async function listDatasets(
  registry: DatasetRegistry,
  category: Category | undefined,
): Promise<DatasetListing[]> {
  const sources = (await registry.list()).filter((s) => category === undefined || s.category === category);
  const out: DatasetListing[] = [];
  for (const source of sources) {
    const splits = [];
    for (const name of source.splits)
      splits.push({ name, examples: (await registry.load(source, name)).length });
    out.push({ source, splits });
  }
  return out;
}
