import { SingleBar } from 'cli-progress';
import type { ExtractProgress } from './run-extract.js';

/** A progress bar on stderr when it is a terminal; plain log lines otherwise. */
export function extractProgress(
  log: (line: string) => void,
  tty = process.stderr.isTTY === true,
): ExtractProgress {
  return tty ? barProgress() : lineProgress(log);
}

function barProgress(): ExtractProgress {
  const bar = new SingleBar({
    format: '{step} [{bar}] {value}/{total} items | {percentage} % | {rate} items/s | ETA {eta_formatted}',
    stream: process.stderr,
    hideCursor: true,
  });
  let startMs = 0;
  let startDone = 0;
  let active = false;
  return {
    start(step, total, done) {
      startMs = performance.now();
      startDone = done;
      active = true;
      bar.start(total, done, { step, rate: '0.0' });
    },
    update(done) {
      const seconds = (performance.now() - startMs) / 1000;
      bar.update(done, { rate: seconds > 0 ? ((done - startDone) / seconds).toFixed(1) : '0.0' });
    },
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}

function lineProgress(log: (line: string) => void): ExtractProgress {
  let name = '';
  let total = 0;
  let startMs = 0;
  let startDone = 0;
  return {
    start(step, all, done) {
      name = step;
      total = all;
      startMs = performance.now();
      startDone = done;
      log(`${name}: ${done}/${total} items done${done > 0 ? ' (resumed)' : ''}`);
    },
    update(done) {
      const seconds = (performance.now() - startMs) / 1000;
      const rate = seconds > 0 ? (done - startDone) / seconds : 0;
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      log(`${name}: ${done}/${total} items done (${pct} %, ${rate.toFixed(1)} items/s)`);
    },
    stop() {},
  };
}
