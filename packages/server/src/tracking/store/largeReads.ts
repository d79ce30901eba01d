/**
 * Bounds how many large replies (run pages of more than 100 runs, metric histories) are being
 * read at once from one MySQL or PostgreSQL database. Their reads wait for the database between
 * statements, so with many clients many pages would be in memory together (16 clients asking for
 * 1000-run pages held ~390 MB); SQLite runs statements one after another on the event loop.
 */
import type { DialectName } from '../../db/backendUri.js';
import type { Db } from '../../db/database.js';
import { Semaphore } from '../../util/semaphore.js';

const AT_ONCE = 4;
const semaphores = new WeakMap<Db, Semaphore>();

export function largeRead<T>(db: Db, dialect: DialectName, read: () => Promise<T>): Promise<T> {
  if (dialect === 'sqlite') return read();
  let semaphore = semaphores.get(db);
  if (!semaphore) {
    semaphore = new Semaphore(AT_ONCE);
    semaphores.set(db, semaphore);
  }
  return semaphore.run(read);
}
