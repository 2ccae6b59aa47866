import type { GradeVerdict } from './grade-services.js';

/**
 * One output line per verdict: `{"id","outcome","correct","extracted","rule","reason",
 * "elapsed_seconds"}` with the contract's values (outcome lowercased without its prefix).
 */
export function verdictLine(v: GradeVerdict): string {
  return JSON.stringify({
    id: v.id,
    outcome: v.outcome,
    correct: v.correct,
    extracted: v.extractedAnswer,
    rule: v.rule,
    reason: v.reason,
    elapsed_seconds: v.elapsedSeconds,
  });
}

/** The stderr summary: "gsm8k-numeric: 3 correct / 6 (50.0 %); incorrect 2, no_answer 1". */
export function verdictSummary(kind: string, verdicts: readonly GradeVerdict[]): string {
  const correct = verdicts.filter((v) => v.correct).length;
  const byOutcome = new Map<string, number>();
  for (const v of verdicts) byOutcome.set(v.outcome, (byOutcome.get(v.outcome) ?? 0) + 1);
  const pct = verdicts.length > 0 ? ((100 * correct) / verdicts.length).toFixed(1) : '0.0';
  const outcomes = [...byOutcome].map(([outcome, n]) => `${outcome} ${n}`).join(', ');
  return `${kind}: ${correct} correct / ${verdicts.length} (${pct} %); ${outcomes}`;
}
