/**
 * Failed-login throttling per username and per client address: after PER_USER / PER_CLIENT
 * failures within a window, further attempts are refused (429 with Retry-After) until the window
 * ends. The counters live in the auth database (`darwin_login_failures`), so every replica sharing
 * it enforces one budget: N replicas do not give an attacker N times the guesses. Only password
 * checks that run a KDF touch the table (cached credentials never do).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { AuthTables } from './store.js';

export const WINDOW_MS = 5 * 60_000;
export const PER_USER = 10;
export const PER_CLIENT = 50;
/** Expired windows are deleted on every PRUNE_EVERY-th failure this process records. */
const PRUNE_EVERY = 100;

type Db = Kysely<AuthTables>;

const userSubject = (username: string) => `u:${username}`;
const clientSubject = (client: string) => `c:${client}`;

export class FailureLimiter {
  private failuresSincePrune = 0;

  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before another attempt, 0 when allowed. */
  async retryAfter(username: string, client: string): Promise<number> {
    const now = this.now();
    const limits = new Map([[userSubject(username), PER_USER], [clientSubject(client), PER_CLIENT]]);
    const rows = await this.database.read((db) =>
      (db as unknown as Db).selectFrom('darwin_login_failures').selectAll().where('subject', 'in', [...limits.keys()]).where('reset_at', '>', now).execute(),
    );
    let wait = 0;
    for (const row of rows) {
      if (Number(row.failures) >= (limits.get(row.subject) ?? Infinity)) wait = Math.max(wait, Math.ceil((Number(row.reset_at) - now) / 1000));
    }
    return wait;
  }

  async fail(username: string, client: string): Promise<void> {
    const now = this.now();
    await this.database.write(async (tx) => {
      for (const subject of [userSubject(username), clientSubject(client)]) await this.count(tx as unknown as Db, subject, now);
    });
    if (++this.failuresSincePrune >= PRUNE_EVERY) {
      this.failuresSincePrune = 0;
      await this.database.write((tx) => (tx as unknown as Db).deleteFrom('darwin_login_failures').where('reset_at', '<=', now).execute());
    }
  }

  async succeed(username: string): Promise<void> {
    await this.database.write((tx) => (tx as unknown as Db).deleteFrom('darwin_login_failures').where('subject', '=', userSubject(username)).execute());
  }

  /**
   * Makes sure the subject's row exists (an expired one: reset_at 0), then counts in one atomic
   * UPDATE, so concurrent failures on several replicas all count.
   */
  private async count(tx: Db, subject: string, now: number): Promise<void> {
    const insert = tx.insertInto('darwin_login_failures').values({ subject, failures: 0, reset_at: 0 });
    if (this.database.dialect === 'mysql') await insert.onDuplicateKeyUpdate({ subject: sql.ref('subject') } as never).execute();
    else await insert.onConflict((oc) => oc.column('subject').doNothing()).execute();
    const expired = sql<boolean>`reset_at <= ${now}`;
    await tx
      .updateTable('darwin_login_failures')
      .set({
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE failures + 1 END`,
        reset_at: sql`CASE WHEN ${expired} THEN ${now + WINDOW_MS} ELSE reset_at END`,
      })
      .where('subject', '=', subject)
      .execute();
  }
}
