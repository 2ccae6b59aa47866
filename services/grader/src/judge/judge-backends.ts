// Builds the judge backend that resolved settings describe.
import { createInferenceJudge } from './inference-judge.js';
import type { JudgeSettings } from './judge-settings.js';
import { createOpenAiJudge } from './openai-judge.js';
import type { JudgeBackend } from './pairwise-judge.js';

/** Connects the judge: an inference service (loading the model if asked) or an OpenAI-compatible URL. */
export async function createJudgeBackend(settings: JudgeSettings): Promise<JudgeBackend> {
  switch (settings.kind) {
    case 'inference':
      return createInferenceJudge(settings);
    case 'openai':
      return createOpenAiJudge(settings);
  }
}
