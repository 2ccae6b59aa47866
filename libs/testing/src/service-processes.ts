import type { ClientOptions, ServiceName } from '@failmine/runtime';
import {
  killLeftoverProcesses,
  type ServiceProcess,
  type StartServiceOptions,
  startServiceProcess,
  startTopology,
  type Topology,
} from '@failmine/topology';
import { type ClientConstructor, clientSet } from './client-set.js';

/** The service processes one test starts (through @failmine/topology) and its clients to them. */
export interface ServiceProcesses {
  /** startServiceProcess(name, options), remembered for get() and stop(). */
  start(name: ServiceName, options?: StartServiceOptions): Promise<ServiceProcess>;
  /** startTopology(names, options), remembered for get() and stop(). */
  startTopology(
    names: readonly ServiceName[],
    options?: (name: ServiceName) => StartServiceOptions,
  ): Promise<Topology>;
  /** The process last started as `name`; throws if none was. */
  get(name: ServiceName): ServiceProcess;
  /** A client of `address` (createClient's options), closed by stop(). */
  connect<C extends { close(): void }>(
    Ctor: ClientConstructor<C>,
    address: string,
    options?: ClientOptions,
  ): C;
  /**
   * Closes the clients, stops what was started (SIGTERM, newest first, each awaited, so a
   * service stops before those it calls), then SIGKILLs any service process still left. Rejects
   * naming each that did not exit in time; the others are stopped all the same.
   */
  stop(): Promise<void>;
}

/**
 * An empty group. Call stop() in an after() hook.
 * NOTE: stop() is not registered for you: node:test's after() called inside a before() hook
 * belongs to that hook and runs as soon as it ends, i.e. before the tests.
 */
export function serviceProcesses(): ServiceProcesses {
  const clients = clientSet();
  const stoppers: (() => Promise<unknown>)[] = [];
  const byName = new Map<ServiceName, ServiceProcess>();
  return {
    async start(name, options) {
      const proc = await startServiceProcess(name, options);
      byName.set(name, proc);
      stoppers.push(() => proc.stop());
      return proc;
    },
    async startTopology(names, options) {
      const topology = await startTopology(names, options);
      for (const proc of topology.services) byName.set(proc.name, proc);
      stoppers.push(() => topology.stop());
      return topology;
    },
    get(name) {
      const proc = byName.get(name);
      if (!proc)
        throw new Error(`no ${name} process was started (started: ${[...byName.keys()].join(', ')})`);
      return proc;
    },
    connect: (Ctor, address, options) => clients.connect(Ctor, address, options),
    async stop() {
      clients.close();
      const failures: string[] = [];
      for (const stop of stoppers.splice(0).reverse()) {
        // Stopping one that has exited already (a test stopped or killed it) resolves at once.
        await stop().catch((err: unknown) => failures.push((err as Error).message));
      }
      await killLeftoverProcesses();
      if (failures.length > 0) throw new Error(failures.join('\n'));
    },
  };
}
