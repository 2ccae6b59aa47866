import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@failmine/runtime';
import { type JudgeFlags, resolveJudgeSettings } from '../src/judge/judge-settings.js';

const base: JudgeFlags = { grader: 'pairwise-judge', judgeMaxTokens: 64 };

describe('resolveJudgeSettings', () => {
  it('builds an inference judge from --judge-address and --judge-model', () => {
    assert.deepEqual(
      resolveJudgeSettings(
        { ...base, judgeAddress: '127.0.0.1:50052', judgeModel: 'qwen', judgeModelPath: '/m' },
        {},
      ),
      { kind: 'inference', address: '127.0.0.1:50052', modelId: 'qwen', modelPath: '/m', maxNewTokens: 64 },
    );
  });

  it('builds an OpenAI-compatible judge, reading the key from the named variable', () => {
    const flags = {
      ...base,
      judgeUrl: 'https://api.example.com/v1',
      judgeApiModel: 'gpt-x',
      judgeApiKeyEnv: 'JUDGE_KEY',
    };
    assert.deepEqual(resolveJudgeSettings(flags, { JUDGE_KEY: 'sk-1' }), {
      kind: 'openai',
      url: 'https://api.example.com/v1',
      model: 'gpt-x',
      apiKey: 'sk-1',
      maxTokens: 64,
    });
  });

  it('needs no judge for the other graders, and refuses judge flags there', () => {
    assert.equal(resolveJudgeSettings({ ...base, grader: 'gsm8k-numeric' }, {}), undefined);
    assert.throws(
      () => resolveJudgeSettings({ ...base, grader: 'code-exec', judgeUrl: 'http://x' }, {}),
      /--judge-url: only --grader pairwise-judge/,
    );
  });

  const bad: [string, Partial<JudgeFlags>, RegExp][] = [
    ['no judge at all', {}, /needs a judge: --judge-address host:port with --judge-model, or --judge-url/],
    ['an address without a model', { judgeAddress: 'h:1' }, /--judge-address needs --judge-model/],
    ['a model path without an address', { judgeModelPath: '/m' }, /needs a judge: --judge-address/],
    ['a URL without a model', { judgeUrl: 'http://h/v1' }, /--judge-url needs --judge-api-model/],
    ['an API model without a URL', { judgeApiModel: 'm' }, /--judge-api-model needs --judge-url/],
    ['both kinds of judge', { judgeAddress: 'h:1', judgeUrl: 'http://h/v1' }, /give one judge/],
    [
      'a URL that is not http(s)',
      { judgeUrl: 'ftp://h', judgeApiModel: 'm' },
      /invalid --judge-url: expected http/,
    ],
    ['a URL that is no URL', { judgeUrl: 'h:1/v1 x', judgeApiModel: 'm' }, /invalid --judge-url/],
    [
      'a key variable that is not set',
      { judgeUrl: 'http://h/v1', judgeApiModel: 'm', judgeApiKeyEnv: 'NOPE_KEY' },
      /--judge-api-key-env NOPE_KEY: that environment variable is not set/,
    ],
  ];
  for (const [what, flags, message] of bad) {
    it(`refuses ${what}, naming the flag`, () => {
      assert.throws(
        () => resolveJudgeSettings({ ...base, ...flags }, {}),
        (e: Error) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }
});
