// Which judge backend the flags ask for, checked once at startup. The flags come in two
// families (inference service, OpenAI-compatible URL); mixing them, or half of one, is a
// mistake worth stopping for, with the flag to fix named.
import { ConfigError } from '@failmine/runtime';

/** A judge backend, fully specified. */
export type JudgeSettings =
  | { kind: 'inference'; address: string; modelId: string; modelPath: string; maxNewTokens: number }
  | { kind: 'openai'; url: string; model: string; apiKey: string | undefined; maxTokens: number };

/** The judge-related fields of the grader's configuration. */
export interface JudgeFlags {
  grader: string;
  judgeAddress?: string | undefined;
  judgeModel?: string | undefined;
  judgeModelPath?: string | undefined;
  judgeUrl?: string | undefined;
  judgeApiModel?: string | undefined;
  judgeApiKeyEnv?: string | undefined;
  judgeMaxTokens: number;
}

const FLAG_NAMES: Record<string, string> = {
  judgeAddress: '--judge-address',
  judgeModel: '--judge-model',
  judgeModelPath: '--judge-model-path',
  judgeUrl: '--judge-url',
  judgeApiModel: '--judge-api-model',
  judgeApiKeyEnv: '--judge-api-key-env',
};

function given(f: JudgeFlags, keys: (keyof typeof FLAG_NAMES)[]): string[] {
  return keys.filter((k) => f[k as keyof JudgeFlags] !== undefined).map((k) => FLAG_NAMES[k] as string);
}

function openAi(f: JudgeFlags & { judgeUrl: string }, env: NodeJS.ProcessEnv): JudgeSettings {
  let url: URL;
  try {
    url = new URL(f.judgeUrl);
  } catch {
    throw new ConfigError(`invalid --judge-url: not a URL; got ${JSON.stringify(f.judgeUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`invalid --judge-url: expected http(s); got ${JSON.stringify(f.judgeUrl)}`);
  if (!f.judgeApiModel)
    throw new ConfigError('--judge-url needs --judge-api-model (the model name the API runs)');
  let apiKey: string | undefined;
  if (f.judgeApiKeyEnv !== undefined) {
    apiKey = env[f.judgeApiKeyEnv];
    if (!apiKey)
      throw new ConfigError(`--judge-api-key-env ${f.judgeApiKeyEnv}: that environment variable is not set`);
  }
  return { kind: 'openai', url: f.judgeUrl, model: f.judgeApiModel, apiKey, maxTokens: f.judgeMaxTokens };
}

/**
 * The judge the flags describe: undefined for graders other than pairwise-judge (which must be
 * given no judge flags). Throws ConfigError naming the missing or conflicting flag.
 */
export function resolveJudgeSettings(f: JudgeFlags, env: NodeJS.ProcessEnv): JudgeSettings | undefined {
  const all = given(f, Object.keys(FLAG_NAMES));
  if (f.grader !== 'pairwise-judge') {
    if (all.length > 0) throw new ConfigError(`${all.join(', ')}: only --grader pairwise-judge uses a judge`);
    return undefined;
  }
  const inference = given(f, ['judgeAddress', 'judgeModel', 'judgeModelPath']);
  const api = given(f, ['judgeUrl', 'judgeApiModel', 'judgeApiKeyEnv']);
  if (inference.length > 0 && api.length > 0)
    throw new ConfigError(
      `${[...inference, ...api].join(', ')}: give one judge, an inference service or a URL`,
    );
  if (f.judgeUrl !== undefined) return openAi({ ...f, judgeUrl: f.judgeUrl }, env);
  if (api.length > 0) throw new ConfigError(`${api.join(', ')} needs --judge-url`);
  if (f.judgeAddress === undefined)
    throw new ConfigError(
      '--grader pairwise-judge needs a judge: --judge-address host:port with --judge-model, or --judge-url with --judge-api-model',
    );
  if (f.judgeModel === undefined)
    throw new ConfigError('--judge-address needs --judge-model (the model id to call)');
  return {
    kind: 'inference',
    address: f.judgeAddress,
    modelId: f.judgeModel,
    modelPath: f.judgeModelPath ?? '',
    maxNewTokens: f.judgeMaxTokens,
  };
}
