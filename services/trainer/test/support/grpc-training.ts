// Client-side helpers for the trainer's gRPC tests: build a StartTraining request, run it to the
// end collecting events, upload and download artifacts.
import {
  type ArtifactChunk,
  type ArtifactRef,
  type ArtifactServiceClient,
  type DownloadResponse,
  StartTrainingRequest,
  type StartTrainingResponse,
  type TrainerServiceClient,
  type TrainingProgress,
  type TrainingResult,
} from '@failmine/contracts';
import { callClientStream, chunkBuffer, receiveArtifactToBuffer } from '@failmine/runtime';

/** Tiny-model settings over the contract (the same as support/run-job.ts's fastOptions). */
export function trainingRequest(
  jobId: string,
  modelPath: string,
  datasets: ArtifactRef[],
  extra: { resume?: boolean; saveSteps?: number; epochs?: number; outputDir?: string } = {},
): StartTrainingRequest {
  return StartTrainingRequest.fromPartial({
    jobId,
    resume: extra.resume ?? false,
    config: {
      baseModel: { source: { $case: 'path', path: modelPath } },
      datasets,
      lora: {
        r: 8,
        loraAlpha: 16,
        loraDropout: 0.05,
        targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      },
      learningRate: 1e-2,
      numTrainEpochs: extra.epochs ?? 2,
      perDeviceBatchSize: 8,
      evalFraction: 0.125,
      saveSteps: extra.saveSteps ?? 0,
      outputDir: extra.outputDir ?? '',
    },
  });
}

/** The progress events and the result of one StartTraining call. */
export interface TrainingEvents {
  progress: TrainingProgress[];
  result?: TrainingResult;
}

/** Runs StartTraining to the end; `onProgress` sees each event as it arrives. */
export async function startTraining(
  client: TrainerServiceClient,
  req: StartTrainingRequest,
  onProgress?: (p: TrainingProgress) => void,
): Promise<TrainingEvents> {
  const out: TrainingEvents = { progress: [] };
  for await (const msg of client.startTraining(req)) {
    const event = (msg as StartTrainingResponse).event;
    if (event?.$case === 'progress') {
      out.progress.push(event.progress);
      onProgress?.(event.progress);
    } else if (event?.$case === 'result') out.result = event.result;
  }
  return out;
}

/** Uploads bytes to a service's ArtifactService. */
export async function upload(
  client: ArtifactServiceClient,
  data: Uint8Array,
  name: string,
  mediaType: string,
): Promise<ArtifactRef> {
  const res = await callClientStream(
    client.upload.bind(client),
    [...chunkBuffer(data, { name, mediaType })].map((chunk) => ({ chunk })),
  );
  if (!res.ref) throw new Error('upload answered without a ref');
  return res.ref;
}

/** Downloads an artifact by sha256, verified (size and digest) on the way. */
export async function download(
  client: ArtifactServiceClient,
  sha256: string,
): Promise<{ ref: ArtifactRef; data: Buffer }> {
  const chunks: ArtifactChunk[] = [];
  for await (const msg of client.download({ sha256, chunkSizeBytes: 0 })) {
    chunks.push((msg as DownloadResponse).chunk as ArtifactChunk);
  }
  return receiveArtifactToBuffer(chunks);
}
