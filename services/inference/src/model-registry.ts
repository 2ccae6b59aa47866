import { basename, resolve } from 'node:path';
import {
  type DecoderConfig,
  DecoderSession,
  type Device,
  type HfTokenizer,
  type LinearHook,
  loraLinearHook,
  readHfDirectory,
  readLoraAdapter,
} from '@failmine/llm';
import { FailedPreconditionError, InvalidArgumentError, type Logger, NotFoundError } from '@failmine/runtime';

/** A PEFT LoRA adapter directory to apply on top of a base model, and its multiplier. */
export interface AdapterSpec {
  dir: string;
  /** Multiplies the adapter's own scaling (lora_alpha / r); 1 applies it as trained. */
  scale: number;
}

/** Options of ModelRegistry.load. */
export interface LoadOptions {
  /** Handle; defaults to the directory name (`<base>+<adapter dir name>` with an adapter). */
  modelId?: string;
  device?: Device;
  adapter?: AdapterSpec;
}

/** A model ready to generate. */
export interface LoadedModel {
  id: string;
  path: string;
  /** The adapter built into the session, if any (absolute dir). */
  adapter?: AdapterSpec;
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

  /** Loads an HF directory, optionally with an adapter (idempotent per both), and returns the loaded model. */
  async load(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
    if (path === '')
      throw new InvalidArgumentError('model.path: empty; give an HF model directory on this node');
    const absolute = resolve(path);
    const adapter = options.adapter && { dir: resolve(options.adapter.dir), scale: options.adapter.scale };
    // A base with an adapter is another model: it must never answer under the base's handle.
    const id = options.modelId || basename(absolute) + (adapter ? `+${basename(adapter.dir)}` : '');
    const existing = this.models.get(id);
    if (existing) {
      const model = await existing;
      if (describeSource(model.path, model.adapter) !== describeSource(absolute, adapter)) {
        throw new FailedPreconditionError(
          `model_id "${id}" is already used by ${describeSource(model.path, model.adapter)}; unload it or pick another id`,
        );
      }
      return model;
    }
    const loading = this.open(id, absolute, options.device ?? this.defaultDevice, adapter);
    this.models.set(id, loading);
    try {
      return await loading;
    } catch (err) {
      this.models.delete(id);
      throw err;
    }
  }

  private async open(
    id: string,
    path: string,
    device: Device,
    adapter: AdapterSpec | undefined,
  ): Promise<LoadedModel> {
    const started = performance.now();
    let hf: Awaited<ReturnType<typeof readHfDirectory>>;
    try {
      hf = await readHfDirectory(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new NotFoundError(`model directory ${path}: ${(err as Error).message}`);
      throw new InvalidArgumentError(`model directory ${path}: ${(err as Error).message}`);
    }
    const linearHook = adapter ? await adapterHook(adapter, hf.config) : undefined;
    const session = await DecoderSession.create(hf.config, hf.weights, {
      device,
      kvCache: true,
      ...(this.threads ? { threads: this.threads } : {}),
      ...(linearHook ? { linearHook } : {}),
    });
    if (session.device !== device) {
      this.logger.warn({ model: id, asked: device }, 'CUDA execution provider unavailable: running on CPU');
    }
    const loadSeconds = (performance.now() - started) / 1000;
    this.logger.info(
      { model: id, path, adapter: adapter?.dir, device: session.device, loadSeconds },
      'model loaded',
    );
    return {
      id,
      path,
      ...(adapter ? { adapter } : {}),
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

function describeSource(path: string, adapter: AdapterSpec | undefined): string {
  return adapter ? `${path} + adapter ${adapter.dir} (scale ${adapter.scale})` : path;
}

/**
 * Reads a PEFT adapter for `base` and returns the hook that builds it into the inference graph
 * (A and B as initializers). The scale multiplies lora_alpha, which the adapter's scaling
 * (alpha / r, or alpha / sqrt(r)) is linear in. Errors name the adapter file at fault.
 */
async function adapterHook(adapter: AdapterSpec, base: DecoderConfig): Promise<LinearHook> {
  if (!Number.isFinite(adapter.scale)) {
    throw new InvalidArgumentError(`model.adapters[0].scale: ${adapter.scale} is not a finite number`);
  }
  let lora: Awaited<ReturnType<typeof readLoraAdapter>>;
  try {
    lora = await readLoraAdapter(adapter.dir, base);
  } catch (err) {
    throw new InvalidArgumentError(`model.adapters[0]: ${(err as Error).message}`, { cause: err });
  }
  const scaled = { ...lora, config: { ...lora.config, lora_alpha: lora.config.lora_alpha * adapter.scale } };
  return loraLinearHook(scaled, { trainable: false });
}
