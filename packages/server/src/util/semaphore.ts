/** Lets at most `permits` tasks run at once; the others wait their turn in arrival order. */
export class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly permits: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Waits for a permit; the function returned gives it back (for work that is not one promise, such as a stream). */
  async acquire(): Promise<() => void> {
    if (this.running < this.permits) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // hand the permit straight to the next task, or give it back
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }
}
