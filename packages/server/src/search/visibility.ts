/**
 * What a search may return to its caller (from the caller's permission rows): only `allow`, or
 * everything but `deny`; undefined means everything (authentication off, or an admin). Applied in
 * SQL, so pages stay full and page tokens stay plain offsets.
 */
import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';

export type Visibility = { readonly allow: readonly string[] } | { readonly deny: readonly string[] };

export function isVisible(v: Visibility | undefined, id: string): boolean {
  if (!v) return true;
  return 'allow' in v ? v.allow.includes(id) : !v.deny.includes(id);
}

/** Integer ids (experiments): inlined as validated literals, so long lists need no bind parameters. */
export function visibleIds(column: string, v: Visibility): Expression<SqlBool> {
  const ids = ('allow' in v ? v.allow : v.deny).filter((id) => /^\d{1,18}$/.test(id));
  if (ids.length === 0) return 'allow' in v ? sql<SqlBool>`1 = 0` : sql<SqlBool>`1 = 1`;
  const list = sql.raw(ids.join(', '));
  return 'allow' in v ? sql<SqlBool>`${sql.ref(column)} IN (${list})` : sql<SqlBool>`${sql.ref(column)} NOT IN (${list})`;
}

/** String keys (registered model names), as bound parameters. */
export function visibleNames(column: string, v: Visibility): Expression<SqlBool> {
  const names = 'allow' in v ? v.allow : v.deny;
  if (names.length === 0) return 'allow' in v ? sql<SqlBool>`1 = 0` : sql<SqlBool>`1 = 1`;
  const list = sql.join(names.map((n) => sql`${n}`));
  return 'allow' in v ? sql<SqlBool>`${sql.ref(column)} IN (${list})` : sql<SqlBool>`${sql.ref(column)} NOT IN (${list})`;
}
