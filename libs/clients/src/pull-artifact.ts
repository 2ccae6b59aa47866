import type { ArtifactRef } from '@failmine/contracts';
import {
  type ArtifactStore,
  type ClientOptions,
  FailedPreconditionError,
  NotFoundError,
} from '@failmine/runtime';
import { grpcArtifactClient } from './artifact-client.js';
import type { CallScope } from './call-scope.js';
import type { ServiceName } from './service-call-error.js';

/** Where one peer is, and the start-up flag that says so (named when it was not set). */
export interface PeerAddress {
  /** host:port; '' when the flag was not set. */
  address: string;
  /** The flag without dashes, e.g. "dataset-address". */
  flag: string;
}

/**
 * The services a service may pull artifacts from, taken from its OWN start-up configuration:
 * an ArtifactRef names a peer (`node`), never an address, so no caller can make a service
 * connect where it chooses.
 */
export interface ArtifactPeers {
  /** How messages name the pulling service: "trainer", "inference service". */
  self: string;
  /** Peer name (an ArtifactRef.node) -> where it is. A Map: a name like "constructor" finds nothing. */
  nodes: ReadonlyMap<ServiceName, PeerAddress>;
  /** TLS, token and retries of the calls to peers, as for any other client of the service. */
  clientOptions?: ClientOptions;
}

/**
 * Makes sure `ref` is in `store` and returns its stored ref: at once when `store` holds
 * ref.sha256 already; otherwise pulled from the peer ref.node names, streamed into `store` and
 * verified on the way (DATA_LOSS when damaged or not the sha256 asked for). `what` names the
 * artifact in messages ("the training set").
 *
 * Errors: no node and not stored is NOT_FOUND; a node the peers do not know, or one whose flag
 * was not set, is FAILED_PRECONDITION naming the flag; the peer's own failure (NOT_FOUND: it
 * does not hold it, UNAVAILABLE: it is down) keeps its code and names the peer and its address.
 */
export async function pullArtifact(
  ref: Pick<ArtifactRef, 'sha256' | 'name' | 'node'>,
  peers: ArtifactPeers,
  store: ArtifactStore,
  scope: CallScope,
  what = `artifact ${ref.name || ref.sha256}`,
): Promise<ArtifactRef> {
  const stored = await store.stat(ref.sha256);
  if (stored) return stored;
  const node = ref.node ?? '';
  if (node === '') {
    throw new NotFoundError(
      `${what} (sha256:${ref.sha256}) is not stored on this ${peers.self}; upload it first or name its node`,
    );
  }
  // NOTE: the cast only widens the lookup key; a name that is no ServiceName simply finds nothing.
  const peer = peers.nodes.get(node as ServiceName);
  // The node is the caller's text: quoted short, never echoed at length.
  if (!peer)
    throw new FailedPreconditionError(`${what} is on node "${node.slice(0, 40)}": ${knownPeers(peers)}`);
  if (peer.address === '') {
    throw new FailedPreconditionError(
      `${what} is on the ${node} service: start the ${peers.self} with --${peer.flag}`,
    );
  }
  const client = grpcArtifactClient(node as ServiceName, peer.address, peers.clientOptions);
  try {
    return await client.downloadTo(ref.sha256, store, scope);
  } finally {
    client.close();
  }
}

function knownPeers(peers: ArtifactPeers): string {
  const known = [...peers.nodes].map(([name, p]) => `${name} (--${p.flag})`);
  return known.length === 0
    ? `this ${peers.self} pulls from no other service`
    : `this ${peers.self} pulls only from ${known.join(', ')}`;
}
