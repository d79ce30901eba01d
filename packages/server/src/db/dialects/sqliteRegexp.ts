/**
 * SQLite's `x REGEXP y` calls a user function `regexp(y, x)`, which SQLite itself does not
 * define. MLflow 3.x's RLIKE uses it on SQLite, where SQLAlchemy registers Python's `re.search`;
 * here it is a JavaScript regular expression searched anywhere in the value (NULL stays NULL).
 * A pattern that does not compile is the caller's error: a 400, not a database failure.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { MlflowError } from '@darwin-mlflow/contract';

const COMPILED_KEPT = 100;

export function registerRegexp(db: BetterSqlite3.Database): void {
  const compiled = new Map<string, RegExp>();
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (pattern === null || value === null) return null;
    const source = String(pattern);
    let re = compiled.get(source);
    if (re === undefined) {
      try {
        re = new RegExp(source);
      } catch (err) {
        throw MlflowError.invalidParameter(`Invalid regular expression '${source}': ${err instanceof Error ? err.message : String(err)}`);
      }
      if (compiled.size >= COMPILED_KEPT) compiled.clear();
      compiled.set(source, re);
    }
    return re.test(String(value)) ? 1 : 0;
  });
}
