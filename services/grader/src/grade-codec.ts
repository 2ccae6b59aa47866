// Translation between the contract's Grade messages and the domain's, with the field checks
// that belong at the edge. Only contract *types* are used here: no grpc-js.
import { categoryLabel } from '@failmine/clients';
import {
  type GradeOptions,
  type GradeRequest,
  type GroundTruth,
  Outcome,
  type Verdict,
} from '@failmine/contracts';
import { InvalidArgumentError } from '@failmine/runtime';
import type { StreamMessage, StreamVerdict } from './grade-stream.js';
import type { GradeOutcome, Truth } from './grading.js';
import { isCorrectOutcome } from './grading.js';

const OUTCOMES: Record<GradeOutcome, Outcome> = {
  correct: Outcome.OUTCOME_CORRECT,
  incorrect: Outcome.OUTCOME_INCORRECT,
  'no-answer': Outcome.OUTCOME_NO_ANSWER,
  passed: Outcome.OUTCOME_PASSED,
  failed: Outcome.OUTCOME_FAILED,
  timeout: Outcome.OUTCOME_TIMEOUT,
  crashed: Outcome.OUTCOME_CRASHED,
  'sandbox-error': Outcome.OUTCOME_SANDBOX_ERROR,
  win: Outcome.OUTCOME_WIN,
  tie: Outcome.OUTCOME_TIE,
  loss: Outcome.OUTCOME_LOSS,
};

function decodeTruth(id: string, gt: GroundTruth | undefined): Truth {
  const kind = gt?.kind;
  if (!kind) throw new InvalidArgumentError(`item "${id}": item.ground_truth is required`);
  switch (kind.$case) {
    case 'finalAnswer':
      return { kind: 'final-answer', finalAnswer: kind.finalAnswer };
    case 'multipleChoice':
      return { kind: 'multiple-choice', ...kind.multipleChoice };
    case 'code':
      return { kind: 'code', ...kind.code };
    case 'openEnded':
      return { kind: 'open-ended', reference: kind.openEnded };
  }
}

function decodeOptions(o: GradeOptions): StreamMessage {
  return {
    kind: 'options',
    settings: {
      mode: o.mode,
      itemTimeoutMs: o.itemTimeoutMs,
      includeChallengeTests: o.includeChallengeTests,
    },
  };
}

/** Decodes one GradeRequest, naming the missing or bad field in an InvalidArgumentError. */
export function decodeGradeRequest(req: GradeRequest): StreamMessage {
  const m = req.message;
  if (!m) throw new InvalidArgumentError('request.message is empty: send options or item');
  if (m.$case === 'options') return decodeOptions(m.options);
  const item = m.item;
  if (item.id === '') throw new InvalidArgumentError('item.id is required');
  const category = categoryLabel(item.category) || undefined;
  if (!category) throw new InvalidArgumentError(`item "${item.id}": item.category is required`);
  return {
    kind: 'item',
    input: {
      id: item.id,
      category,
      prompt: item.prompt,
      completion: item.completion,
      otherCompletion: item.otherCompletion,
      truth: decodeTruth(item.id, item.groundTruth),
    },
  };
}

/** Encodes a domain verdict as the contract's Verdict. */
export function encodeVerdict(v: StreamVerdict): Verdict {
  return {
    itemId: v.itemId,
    outcome: OUTCOMES[v.outcome],
    correct: isCorrectOutcome(v.outcome),
    extractedAnswer: v.extractedAnswer,
    rule: v.rule,
    reason: v.reason,
    elapsedSeconds: v.elapsedSeconds,
  };
}
