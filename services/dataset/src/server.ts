import { DatasetServiceService } from '@failmine/contracts';
import {
  type ArtifactStore,
  artifactService,
  bindService,
  chunkBuffer,
  createGrpcServer,
  describeService,
  type GrpcServer,
  type Logger,
} from '@failmine/runtime';
import {
  categoryFromContract,
  datasetInfoToContract,
  decodeTrainingSetStream,
  exampleToContract,
} from './contract-codec.js';
import { DatasetRegistry } from './loaders/dataset-registry.js';
import { listDatasets } from './loaders/list-datasets.js';
import { selectExamples } from './loaders/select-examples.js';
import { readTrainingSet } from './training-set/read-training-set.js';
import { writeTrainingSet } from './training-set/write-training-set.js';

/** What the dataset service's handlers need. */
export interface DatasetDeps {
  version: string;
  /** Where datasets are found by name. */
  dataDir: string;
  /** Where training sets are written (output_path) and read from (glob). */
  outputDir: string;
  artifacts: ArtifactStore;
  logger: Logger;
}

const JSONL = 'application/jsonl';

/** The dataset service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: DatasetDeps): GrpcServer {
  const registry = new DatasetRegistry(deps.dataDir);
  const dataset = bindService(DatasetServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'dataset',
        version: deps.version,
        capabilities: ['math', 'code', 'creativity'],
        attributes: { data_dir: deps.dataDir, output_dir: deps.outputDir },
      }),
    }),

    listDatasets: async (request) => {
      const listings = await listDatasets(registry, categoryFromContract(request.category));
      return { datasets: listings.map((l) => datasetInfoToContract(l.source, l.splits)) };
    },

    async *streamExamples(request, ctx) {
      const { total, examples } = await selectExamples(registry, {
        dataset: request.dataset,
        category: categoryFromContract(request.category),
        split: request.split,
        ids: request.ids,
        offset: request.offset,
        limit: request.limit,
        format: {
          shots: request.format?.shots ?? 0,
          chat: request.format?.chat ?? false,
          style: request.format?.style ?? '',
        },
        seed: request.seed,
      });
      for await (const example of examples) {
        if (ctx.signal.aborted) return;
        yield { example: exampleToContract(example), total };
      }
    },

    writeTrainingSet: async (requests) => {
      const { options, records } = await decodeTrainingSetStream(requests);
      const written = await writeTrainingSet({ registry, outputDir: deps.outputDir }, options, records);
      const trainingSet = await deps.artifacts.put(
        chunkBuffer(written.jsonl, { name: written.name, mediaType: JSONL }),
      );
      const provenance = await deps.artifacts.put(
        chunkBuffer(written.provenance, { name: written.provenanceName, mediaType: JSONL }),
      );
      const { recordsIn, recordsWritten, duplicatesDropped, leakedIds } = written;
      return { trainingSet, provenance, recordsIn, recordsWritten, duplicatesDropped, leakedIds };
    },

    async *readTrainingSet(request) {
      const combined = await readTrainingSet(deps.outputDir, request.glob);
      for (const chunk of chunkBuffer(combined.data, { name: combined.name, mediaType: JSONL }))
        yield { chunk };
    },
  });
  return createGrpcServer({ services: [dataset, artifactService(deps.artifacts)], logger: deps.logger });
}
