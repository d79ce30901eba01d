/**
 * Failed-login throttling per username and per client address: after LIMITS failures within a
 * window, further attempts are refused (429 with Retry-After) until the window ends. Kept per
 * process; with N replicas an attacker gets at most N times the budget.
 */
const WINDOW_MS = 5 * 60_000;
const PER_USER = 10;
const PER_CLIENT = 50;
const MAX_KEYS = 100_000;

interface Window {
  failures: number;
  resetAt: number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait before another attempt, 0 when allowed. */
  retryAfter(username: string, client: string): number {
    const now = this.now();
    let wait = 0;
    for (const [key, limit] of [[`u:${username}`, PER_USER], [`c:${client}`, PER_CLIENT]] as const) {
      const w = this.windows.get(key);
      if (w && w.resetAt > now && w.failures >= limit) wait = Math.max(wait, Math.ceil((w.resetAt - now) / 1000));
    }
    return wait;
  }

  fail(username: string, client: string): void {
    const now = this.now();
    if (this.windows.size > MAX_KEYS) this.prune(now);
    for (const key of [`u:${username}`, `c:${client}`]) {
      const w = this.windows.get(key);
      if (!w || w.resetAt <= now) this.windows.set(key, { failures: 1, resetAt: now + WINDOW_MS });
      else w.failures++;
    }
  }

  succeed(username: string): void {
    this.windows.delete(`u:${username}`);
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}
