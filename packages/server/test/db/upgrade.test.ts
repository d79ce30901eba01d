/**
 * Upgrades without Python: every revision of MLflow's chain, built here with our own steps,
 * upgrades to a schema identical (by dump) to a fresh head schema, and data is carried along.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureSchema, upgradeDatabase } from '../../src/db/migrate.js';
import { REVISIONS, HEAD_REVISION } from '../../src/db/schema/revisions.js';
import { dumpSchema } from '../../src/db/schemaDump.js';
import { testDialects } from '../support/databases.js';
import { createBaseSchema, openFresh } from './helpers.js';

for (const dialect of testDialects()) {
  describe(`upgradeDatabase on ${dialect.dialect}`, () => {
    let headDump = '';
    beforeAll(async () => {
      const fresh = await openFresh(dialect, 'upgrade_head');
      try {
        expect(await upgradeDatabase(fresh.database)).toEqual({ from: null, to: HEAD_REVISION });
        headDump = await dumpSchema(fresh.database);
      } finally {
        await fresh.close();
      }
    });

    it('takes the 0.9.1 base schema through the whole chain to the head schema', async () => {
      const open = await openFresh(dialect, 'upgrade_base');
      try {
        await createBaseSchema(open.database);
        expect(await upgradeDatabase(open.database)).toEqual({ from: null, to: HEAD_REVISION });
        expect(await dumpSchema(open.database)).toBe(headDump);
      } finally {
        await open.close();
      }
    });

    // Concurrent: each revision has its own database, and MySQL DDL is slow one at a time.
    it.concurrent.for(REVISIONS.slice(0, -1))('upgrades a database at %s to the head schema', async (revision, { expect }) => {
      const open = await openFresh(dialect, `upgrade_${revision}`);
      try {
        await upgradeDatabase(open.database, { to: revision });
        const { rows } = await sql<{ v: string }>`SELECT version_num AS v FROM alembic_version`.execute(open.database.db);
        expect(rows).toEqual([{ v: revision }]);
        expect(await upgradeDatabase(open.database)).toEqual({ from: revision, to: HEAD_REVISION });
        expect(await dumpSchema(open.database)).toBe(headDump);
      } finally {
        await open.close();
      }
    });

    it('leaves a database at the head alone', async () => {
      const open = await openFresh(dialect, 'upgrade_noop');
      try {
        await ensureSchema(open.database);
        expect(await upgradeDatabase(open.database)).toEqual({ from: HEAD_REVISION, to: HEAD_REVISION });
        expect(await dumpSchema(open.database)).toBe(headDump);
      } finally {
        await open.close();
      }
    });

    it('lets two processes upgrade the same database at once', async () => {
      const open = await openFresh(dialect, 'upgrade_race');
      try {
        await upgradeDatabase(open.database, { to: '89d4b8295536' });
        const other = open.reopen();
        const results = await Promise.all([upgradeDatabase(open.database), upgradeDatabase(other)]);
        expect(results.map((r) => r.to)).toEqual([HEAD_REVISION, HEAD_REVISION]);
        expect(results.map((r) => r.from).sort()).toEqual(['89d4b8295536', HEAD_REVISION]);
        expect(await dumpSchema(open.database)).toBe(headDump);
      } finally {
        await open.close();
      }
    });

    it('refuses a revision it does not know', async () => {
      const open = await openFresh(dialect, 'upgrade_unknown');
      try {
        await upgradeDatabase(open.database, { to: '2d6e25af4d3e' });
        await sql`UPDATE alembic_version SET version_num = 'ffffffffffff'`.execute(open.database.db);
        await expect(upgradeDatabase(open.database)).rejects.toThrow("Can't locate revision identified by 'ffffffffffff'");
      } finally {
        await open.close();
      }
    });
  });
}
