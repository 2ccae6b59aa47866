// The public API of @failmine/clients: the typed clients of the services the flow calls and the
// generate-and-grade pipeline. Add an export only when a second package needs it.
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
export type { GraderClient } from './grader-client.js';
export { grpcGraderClient, pairwiseOutcome } from './grader-client.js';
export type { GeneratedText, InferenceClient, LoadedModel, PromptText } from './inference-client.js';
export { grpcInferenceClient } from './inference-client.js';

// The pipeline extract and compare share.

export type { GenerationStage, GradedCompletion, GradingStage, PipelineItem } from './generate-and-grade.js';
export { generateAndGrade, generateBatch, gradeItemOf, gradeItems } from './generate-and-grade.js';
