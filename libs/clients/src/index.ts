// The public API of @failmine/clients: the typed clients of the services the flow calls, artifact
// pulls between services, and the generate-and-grade pipeline. Add an export only when a second package needs it.
// A blank line after each group's comment keeps biome's export sorting inside the group.

// Calls: cancellation and deadline, failures naming the service, category labels.

export type { CallScope } from './call-scope.js';
export { signalScope } from './call-scope.js';
export type { CategoryLabel } from './category-label.js';
export { CATEGORY_LABELS, categoryLabel, categoryOf } from './category-label.js';
export { readServerStream } from './server-stream.js';
export type { ServiceName } from './service-call-error.js';
export { ServiceCallError, serviceCallError } from './service-call-error.js';

// The clients.

export type { DatasetClient, ExampleQuery, WrittenTrainingSet } from './dataset-client.js';
export { grpcDatasetClient } from './dataset-client.js';
export type { EvaluatorClient } from './evaluator-client.js';
export { grpcEvaluatorClient } from './evaluator-client.js';
export type { GraderClient } from './grader-client.js';
export { grpcGraderClient, pairwiseOutcome } from './grader-client.js';
export type { GeneratedText, InferenceClient, LoadedModel, PromptText } from './inference-client.js';
export { grpcInferenceClient } from './inference-client.js';
export type { TrainerClient } from './trainer-client.js';
export { grpcTrainerClient } from './trainer-client.js';

// Artifacts by reference: any service's ArtifactService, and pulling a ref from the peer that
// holds it (a name resolved through the puller's own configuration, never a caller's address).

export type { ArtifactClient } from './artifact-client.js';
export { grpcArtifactClient } from './artifact-client.js';
export type { ArtifactPeers, PeerAddress } from './pull-artifact.js';
export { pullArtifact } from './pull-artifact.js';

// The pipeline extract and compare share.

export type { GenerationStage, GradedCompletion, GradingStage, PipelineItem } from './generate-and-grade.js';
export {
  askedOnly,
  completionsInOrder,
  generateAndGrade,
  generateBatch,
  gradeItemOf,
  gradeItems,
} from './generate-and-grade.js';
