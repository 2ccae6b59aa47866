import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlowTopologySettings, startFlowTopology } from '../src/flow-topology.js';

// Every address here is given, so nothing is spawned: these tests need no built service.
// Starting services is covered by the coordinator's extract and run-flow integration tests.
const settings: FlowTopologySettings = {
  outputDir: '/tmp/out',
  graderCategories: ['math', 'code', 'math'],
  graderKinds: { math: 'gsm8k-numeric', code: 'code-exec', creativity: 'multiple-choice' },
  checkpointDir: '/tmp/checkpoints',
};

describe('startFlowTopology', () => {
  it('starts nothing when every needed service and grader has an address', async () => {
    const topology = await startFlowTopology(
      {
        dataDir: '/tmp/data',
        datasetAddress: 'h:1',
        inferenceAddress: 'h:2',
        graderAddress: 'h:3',
        graderAddressCode: 'h:4',
      },
      ['dataset', 'inference'],
      settings,
    );
    assert.equal(topology.address('dataset'), 'h:1');
    assert.equal(topology.address('inference'), 'h:2');
    assert.deepEqual(topology.graders, { math: 'h:3', code: 'h:4' });
    await topology.stop();
  });

  it('names a service that has no address and was not needed', async () => {
    const topology = await startFlowTopology({ dataDir: '/tmp/data', datasetAddress: 'h:1' }, ['dataset'], {
      ...settings,
      graderCategories: [],
    });
    assert.deepEqual(topology.graders, {});
    assert.throws(() => topology.address('trainer'), /service trainer has no address and was not started/);
    await topology.stop();
  });
});
