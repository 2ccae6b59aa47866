// Test helper: runs one Grade stream to the end and collects verdicts or the error status.
import type { GradeItem, GradeRequest, GraderServiceClient, Verdict } from '@failmine/contracts';
import type { ServiceError } from '@grpc/grpc-js';

/** Result of one Grade stream: the verdicts received and the error that ended it, if any. */
export interface GradeCallResult {
  verdicts: Verdict[];
  error: ServiceError | undefined;
}

/** Sends all requests, half-closes, and waits for the stream to end. */
export function gradeAll(
  client: GraderServiceClient,
  requests: GradeRequest[],
  deadlineMs?: number,
): Promise<GradeCallResult> {
  return new Promise((resolve) => {
    const verdicts: Verdict[] = [];
    const call = client.grade(deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs });
    let error: ServiceError | undefined;
    call.on('data', (r: { verdict?: Verdict }) => {
      if (r.verdict) verdicts.push(r.verdict);
    });
    call.on('error', (e: ServiceError) => {
      error = e;
    });
    // 'status' comes last, after every message and the error (if any).
    call.on('status', () => setImmediate(() => resolve({ verdicts, error })));
    for (const r of requests) call.write(r);
    call.end();
  });
}

/** A math GradeItem with a final answer. */
export function mathGradeItem(id: string, completion: string, finalAnswer: string): GradeItem {
  return {
    id,
    category: 1, // CATEGORY_MATH
    prompt: '',
    completion,
    groundTruth: { kind: { $case: 'finalAnswer', finalAnswer } },
    otherCompletion: '',
  };
}

/** A GradeRequest carrying a math item. */
export function mathItem(id: string, completion: string, finalAnswer: string): GradeRequest {
  return { message: { $case: 'item', item: mathGradeItem(id, completion, finalAnswer) } };
}
