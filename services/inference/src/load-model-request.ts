// LoadModelRequest -> what ModelRegistry.load needs: local directories for the model and its
// adapter (artifacts are pulled from their node when they name one, then unpacked), the handle
// and the device. Kept out of server.ts so the handler stays a few lines long.
import { basename } from 'node:path';
import { type ArtifactPeers, pullArtifact, signalScope } from '@failmine/clients';
import type { AdapterRef, ArtifactRef, LoadModelRequest } from '@failmine/contracts';
import type { Device } from '@failmine/llm';
import { type ArtifactStore, InvalidArgumentError, unpackDirectoryArtifact } from '@failmine/runtime';
import type { AdapterSpec, LoadOptions } from './model-registry.js';

/** Where LoadModel finds artifacts: this node's store, and the peers it may pull them from. */
export interface ArtifactSources {
  artifacts: ArtifactStore;
  peers: ArtifactPeers;
}

/** A decoded LoadModel request: the base directory on this node plus the registry's options. */
export interface LoadModelPlan {
  path: string;
  options: LoadOptions;
}

/**
 * Resolves model and adapter sources to local directories. An artifact is a directory packed
 * with packDirectory, either uploaded to this node's ArtifactService first or, when its node
 * names a peer ("trainer"), pulled from there into this node's store; it is unpacked once.
 * `signal` (the call's) stops a pull.
 */
export async function decodeLoadModelRequest(
  req: LoadModelRequest,
  sources: ArtifactSources,
  signal: AbortSignal,
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
    source.$case === 'path' ? source.path : await artifactDir(source.artifact, 'the model', sources, signal);
  const baseName = source.$case === 'artifact' ? source.artifact.name.replace(/\.tar$/, '') : basename(path);
  const adapter = adapters[0] ? await decodeAdapter(adapters[0], sources, signal) : undefined;
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
  sources: ArtifactSources,
  signal: AbortSignal,
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
    source.$case === 'path'
      ? source.path
      : await artifactDir(source.artifact, 'the adapter', sources, signal);
  const name = source.$case === 'artifact' ? source.artifact.name.replace(/\.tar$/, '') : basename(dir);
  // proto3 cannot tell an unset float from 0; a zero multiplier would be a pointless adapter.
  return { spec: { dir, scale: ref.scale === 0 ? 1 : ref.scale }, name };
}

/** A packed-directory artifact unpacked on this node, pulled from its node first when it names one. */
async function artifactDir(
  ref: ArtifactRef,
  what: string,
  sources: ArtifactSources,
  signal: AbortSignal,
): Promise<string> {
  if (ref.node) await pullArtifact(ref, sources.peers, sources.artifacts, signalScope(signal), what);
  return unpackDirectoryArtifact(sources.artifacts, ref.sha256);
}
