import {
  type Category,
  checkPromptOptions,
  type FormattedExample,
  formatExample,
  type PromptOptions,
  pickExemplars,
  type SourceExample,
} from '@failmine/problems';
import { counter, InvalidArgumentError, NotFoundError, traceStream } from '@failmine/runtime';
import type { DatasetRegistry, DatasetSource } from './dataset-registry.js';

const examplesServed = counter('failmine.dataset.examples', 'Examples streamed (rate: items/s)');

/** Which examples to serve and how to format them (StreamExamples' request, in domain terms). */
export interface ExampleQuery {
  /** Dataset name; empty with a category means every dataset of that category. */
  dataset: string;
  category: Category | undefined;
  /** Split; empty means each dataset's default evaluation split. */
  split: string;
  ids: readonly string[];
  offset: number;
  /** 0 means no limit. */
  limit: number;
  format: PromptOptions;
  seed: number;
}

/** The examples a query selects: how many match in total, and the page, formatted lazily. */
export interface ExampleSelection {
  /** Examples matching the filters, before offset and limit. */
  total: number;
  examples: AsyncGenerator<FormattedExample>;
}

/**
 * Resolves a query against the registry: picks datasets and splits, filters by ids, pages, and
 * formats each example as it is pulled (so a stream starts before all prompts are built).
 */
export async function selectExamples(
  registry: DatasetRegistry,
  query: ExampleQuery,
): Promise<ExampleSelection> {
  checkPromptOptions(query.format);
  if (!Number.isInteger(query.offset) || query.offset < 0)
    throw new InvalidArgumentError(`offset must be a non-negative integer, got ${query.offset}`);
  if (!Number.isInteger(query.limit) || query.limit < 0)
    throw new InvalidArgumentError(`limit must be a non-negative integer (0 = no limit), got ${query.limit}`);
  const sources = await pickSources(registry, query);
  const parts: { source: DatasetSource; examples: SourceExample[] }[] = [];
  for (const source of sources) {
    const split = query.split || source.evalSplit;
    if (!source.splits.includes(split)) {
      // With a whole category, datasets lacking the split are skipped (HumanEval has no train).
      if (query.dataset === '' && sources.length > 1) continue;
      throw new NotFoundError(`${source.name} has no split "${split}"; splits: ${source.splits.join(', ')}`);
    }
    if (query.format.shots > 0) checkExemplarSource(source, split);
    parts.push({ source, examples: await registry.load(source, split, query.seed) });
  }
  if (parts.length === 0)
    throw new NotFoundError(`no dataset of category ${query.category} has a split "${query.split}"`);
  let matching = parts.flatMap(({ source, examples }) => examples.map((example) => ({ source, example })));
  if (query.ids.length > 0) {
    const byId = new Map(matching.map((m) => [m.example.id, m]));
    const missing = query.ids.filter((id) => !byId.has(id));
    if (missing.length > 0)
      throw new NotFoundError(
        `${missing.length} id(s) not found, e.g. "${missing.slice(0, 3).join('", "')}"`,
      );
    const wanted = new Set(query.ids);
    matching = matching.filter((m) => wanted.has(m.example.id));
  }
  const end = query.limit === 0 ? matching.length : query.offset + query.limit;
  const page = matching.slice(query.offset, end);
  const attributes = {
    dataset: query.dataset,
    category: query.category ?? '',
    split: query.split,
    total: matching.length,
  };
  const examples = traceStream('dataset.examples', attributes, async function* (span) {
    let count = 0;
    for await (const example of formatAll(registry, page, query)) {
      span.setAttribute('count', ++count);
      examplesServed.add(1, { dataset: example.dataset });
      yield example;
    }
  });
  return { total: matching.length, examples };
}

// Checked before the first message is sent, so a bad k-shot request fails as a whole.
function checkExemplarSource(source: DatasetSource, split: string): void {
  if (source.exemplarSplit === undefined)
    throw new InvalidArgumentError(`${source.name} has no split to draw exemplars from; ask for shots = 0`);
  if (source.exemplarSplit === split)
    throw new InvalidArgumentError(
      `${source.name}/${split}: exemplars come from ${split}, the split being served; ask for shots = 0`,
    );
}

async function pickSources(registry: DatasetRegistry, query: ExampleQuery): Promise<DatasetSource[]> {
  if (query.dataset !== '') {
    const source = await registry.get(query.dataset);
    if (query.category !== undefined && source.category !== query.category)
      throw new InvalidArgumentError(`dataset ${source.name} is ${source.category}, not ${query.category}`);
    return [source];
  }
  if (query.category === undefined) throw new InvalidArgumentError('dataset or category is required');
  const sources = (await registry.list()).filter((s) => s.category === query.category);
  if (sources.length === 0)
    throw new NotFoundError(`no dataset of category ${query.category} under ${registry.dataDir}`);
  return sources;
}

async function* formatAll(
  registry: DatasetRegistry,
  page: { source: DatasetSource; example: SourceExample }[],
  query: ExampleQuery,
): AsyncGenerator<FormattedExample> {
  const pools = new Map<string, SourceExample[]>();
  for (const { source, example } of page) {
    let pool: SourceExample[] = [];
    if (query.format.shots > 0 && source.exemplarSplit !== undefined) {
      pool = pools.get(source.name) ?? (await registry.load(source, source.exemplarSplit, query.seed));
      pools.set(source.name, pool);
    }
    const exemplars = pickExemplars(example, pool, query.format.shots, source.preferredExemplarIds);
    yield formatExample(example, exemplars, query.format);
  }
}
