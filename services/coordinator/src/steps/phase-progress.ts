import type { PhaseProgress } from '../clients/flow-services.js';
import type { ExtractProgress } from './extract/run-extract.js';

/**
 * Adapts a step's progress bar to calls that report phases (the evaluator: generate, grade…):
 * a new phase starts a new bar line. Updates are passed on only when they move the bar by
 * a tenth or finish it, so a thousand training steps do not print a thousand log lines.
 */
export function phaseProgress(
  bar: ExtractProgress,
  stepName: string,
  onUpdate: (done: number, total: number) => void = () => {},
): PhaseProgress & { stop(): void } {
  let phase: string | undefined;
  let shown = -1;
  let shownTotal = 0;
  const report: PhaseProgress = (name, done, total) => {
    if (name !== phase || total !== shownTotal) {
      if (phase !== undefined) bar.stop();
      phase = name;
      shownTotal = total;
      shown = done;
      // Calls report the unit just finished, so the first report of a fresh phase is 1, not 0:
      // the bar starts one before it ("resumed" only when the call really resumed further on).
      bar.start(name === 'train' ? stepName : `${stepName} (${name})`, total, Math.max(0, done - 1));
      if (done > 0) bar.update(done);
      onUpdate(done, total);
      return;
    }
    const stride = Math.max(1, Math.floor(total / 10));
    if (done === total || done - shown >= stride) {
      shown = done;
      bar.update(done);
      onUpdate(done, total);
    }
  };
  return Object.assign(report, { stop: () => bar.stop() });
}
