/**
 * A fixed pool of numbered slots (0..size-1): at most `size` tasks run at once, and each knows
 * which slot it holds (code-exec gives every slot its own sandbox uid).
 */
export class SlotPool {
  readonly #free: number[];
  readonly #waiters: ((slot: number) => void)[] = [];

  constructor(readonly size: number) {
    this.#free = Array.from({ length: size }, (_, i) => size - 1 - i);
  }

  /** Runs fn with a slot, waiting for one to be free; the slot is returned when fn settles. */
  async run<T>(fn: (slot: number) => Promise<T>): Promise<T> {
    const slot = this.#free.pop() ?? (await new Promise<number>((resolve) => this.#waiters.push(resolve)));
    try {
      return await fn(slot);
    } finally {
      const next = this.#waiters.shift();
      if (next) next(slot);
      else this.#free.push(slot);
    }
  }
}
