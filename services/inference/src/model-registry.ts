import { basename, resolve } from 'node:path';
import {
  type DecoderConfig,
  DecoderSession,
  type Device,
  type HfTokenizer,
  readHfDirectory,
} from '@failmine/llm';
import { FailedPreconditionError, InvalidArgumentError, type Logger, NotFoundError } from '@failmine/runtime';

/** A model ready to generate. */
export interface LoadedModel {
  id: string;
  path: string;
  device: Device;
  config: DecoderConfig;
  tokenizer: HfTokenizer;
  session: DecoderSession;
  loadSeconds: number;
}

/**
 * The models this node has loaded, by handle. Loading the same directory again returns the
 * loaded model instead of a second copy; a different directory under a used handle is refused.
 */
export class ModelRegistry {
  private readonly models = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly defaultDevice: Device,
    private readonly logger: Logger,
    private readonly threads?: number,
  ) {}

  /** Loads an HF directory (idempotent per path) and returns the loaded model. */
  async load(path: string, options: { modelId?: string; device?: Device } = {}): Promise<LoadedModel> {
    if (path === '')
      throw new InvalidArgumentError('model.path: empty; give an HF model directory on this node');
    const absolute = resolve(path);
    const id = options.modelId || basename(absolute);
    const existing = this.models.get(id);
    if (existing) {
      const model = await existing;
      if (model.path !== absolute) {
        throw new FailedPreconditionError(
          `model_id "${id}" is already used by ${model.path}; unload it or pick another id`,
        );
      }
      return model;
    }
    const loading = this.open(id, absolute, options.device ?? this.defaultDevice);
    this.models.set(id, loading);
    try {
      return await loading;
    } catch (err) {
      this.models.delete(id);
      throw err;
    }
  }

  private async open(id: string, path: string, device: Device): Promise<LoadedModel> {
    const started = performance.now();
    let hf: Awaited<ReturnType<typeof readHfDirectory>>;
    try {
      hf = await readHfDirectory(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new NotFoundError(`model directory ${path}: ${(err as Error).message}`);
      throw new InvalidArgumentError(`model directory ${path}: ${(err as Error).message}`);
    }
    const session = await DecoderSession.create(hf.config, hf.weights, {
      device,
      kvCache: true,
      ...(this.threads ? { threads: this.threads } : {}),
    });
    if (session.device !== device) {
      this.logger.warn({ model: id, asked: device }, 'CUDA execution provider unavailable: running on CPU');
    }
    const loadSeconds = (performance.now() - started) / 1000;
    this.logger.info({ model: id, path, device: session.device, loadSeconds }, 'model loaded');
    return {
      id,
      path,
      device: session.device,
      config: hf.config,
      tokenizer: hf.tokenizer,
      session,
      loadSeconds,
    };
  }

  /** A loaded model by handle; NotFoundError naming the loaded ones otherwise. */
  async get(id: string): Promise<LoadedModel> {
    const model = this.models.get(id);
    if (!model) {
      const known = [...this.models.keys()];
      throw new NotFoundError(
        `model "${id}" is not loaded${known.length ? `; loaded: ${known.join(', ')}` : ''}`,
      );
    }
    return model;
  }

  /** Frees a model; false when it was not loaded. */
  async unload(id: string): Promise<boolean> {
    const model = this.models.get(id);
    if (!model) return false;
    this.models.delete(id);
    await (await model).session.release();
    return true;
  }

  /** Handles of the loaded models. */
  ids(): string[] {
    return [...this.models.keys()];
  }
}
