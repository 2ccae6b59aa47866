// LoadModelRequest -> what ModelRegistry.load needs: local directories for the model and its
// adapter (artifacts are unpacked first), the handle and the device. Kept out of server.ts so
// the handler stays a few lines long.
import { basename } from 'node:path';
import type { AdapterRef, LoadModelRequest } from '@failmine/contracts';
import type { Device } from '@failmine/llm';
import { type ArtifactStore, InvalidArgumentError, unpackDirectoryArtifact } from '@failmine/runtime';
import type { AdapterSpec, LoadOptions } from './model-registry.js';

/** A decoded LoadModel request: the base directory on this node plus the registry's options. */
export interface LoadModelPlan {
  path: string;
  options: LoadOptions;
}

/**
 * Resolves model and adapter sources to local directories. An artifact is a directory packed
 * with packDirectory and uploaded to this node's ArtifactService first; it is unpacked once.
 */
export async function decodeLoadModelRequest(
  req: LoadModelRequest,
  artifacts: ArtifactStore,
): Promise<LoadModelPlan> {
  const source = req.model?.source;
  if (!source) throw new InvalidArgumentError('model.source: give model.path (an HF directory on this node)');
  const adapters = req.model?.adapters ?? [];
  if (adapters.length > 1) {
    throw new InvalidArgumentError(
      `model.adapters: ${adapters.length} adapters given; one adapter is supported (merge the others first)`,
    );
  }
  if (req.device !== '' && req.device !== 'cpu' && req.device !== 'cuda') {
    throw new InvalidArgumentError(`device: "${req.device}" is not cpu or cuda`);
  }
  const path =
    source.$case === 'path' ? source.path : await unpackDirectoryArtifact(artifacts, source.artifact.sha256);
  const baseName = source.$case === 'artifact' ? source.artifact.name.replace(/\.tar$/, '') : basename(path);
  const adapter = adapters[0] ? await decodeAdapter(adapters[0], artifacts) : undefined;
  // Unpacked artifacts live under their sha256, so default handles use the artifact's name.
  const defaultId = adapter ? `${baseName}+${adapter.name}` : source.$case === 'artifact' ? baseName : '';
  return {
    path,
    options: {
      modelId: req.modelId || defaultId,
      ...(req.device ? { device: req.device as Device } : {}),
      ...(adapter ? { adapter: adapter.spec } : {}),
    },
  };
}

async function decodeAdapter(
  ref: AdapterRef,
  artifacts: ArtifactStore,
): Promise<{ spec: AdapterSpec; name: string }> {
  const source = ref.source;
  if (!source)
    throw new InvalidArgumentError('model.adapters[0].source: give a PEFT adapter path or artifact');
  if (source.$case === 'path' && source.path === '') {
    throw new InvalidArgumentError(
      'model.adapters[0].path: empty; give a PEFT adapter directory on this node',
    );
  }
  const dir =
    source.$case === 'path' ? source.path : await unpackDirectoryArtifact(artifacts, source.artifact.sha256);
  const name = source.$case === 'artifact' ? source.artifact.name.replace(/\.tar$/, '') : basename(dir);
  // proto3 cannot tell an unset float from 0; a zero multiplier would be a pointless adapter.
  return { spec: { dir, scale: ref.scale === 0 ? 1 : ref.scale }, name };
}
