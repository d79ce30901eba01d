/** Lets at most `permits` tasks run at once; the others wait their turn in arrival order. */
export class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly permits: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.permits) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // hand the permit straight to the next task, or give it back
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
