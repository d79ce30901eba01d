/**
 * Schema drift check (as MLflow's tests/db/schemas): both heads created on each database must
 * match the checked-in dumps (`<dialect>.sql`: MLflow 2.12.2's head, byte-identical to dumps of
 * databases MLflow 2.12.2 created; `<dialect>-3x.sql`: MLflow 3.x's head). After an intended schema change, regenerate the dumps with
 *   UPDATE_SCHEMA_DUMPS=1 npx vitest run packages/server/test/db
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { HEAD_2X_REVISION, HEAD_REVISION, ensureSchema } from '../../src/db/migrate.js';
import { dumpSchema } from '../../src/db/schemaDump.js';
import { testDialects } from '../support/databases.js';
import { lineDiff } from './lineDiff.js';

const DUMPS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema-dumps');
const FIX = 'UPDATE_SCHEMA_DUMPS=1 npx vitest run packages/server/test/db';

for (const dialect of testDialects()) {
  describe(`schema dump on ${dialect.dialect}`, () => {
    it.for([
      [HEAD_2X_REVISION, ''],
      [HEAD_REVISION, '-3x'],
    ] as const)('matches the checked-in dump at %s', async ([head, suffix]) => {
      const test = await dialect.create('schema_dump');
      const database = Database.open(test.uri);
      try {
        await ensureSchema(database, { createAt: head });
        const actual = await dumpSchema(database);
        const file = path.join(DUMPS, `${dialect.dialect}${suffix}.sql`);
        if (process.env.UPDATE_SCHEMA_DUMPS === '1') {
          fs.writeFileSync(file, actual);
          return;
        }
        const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
        if (actual !== expected) {
          expect.fail(`Schema drift in ${path.relative(process.cwd(), file)}:\n${lineDiff(expected, actual)}\n\nIf the change is intended, run:\n  ${FIX}`);
        }
      } finally {
        await database.close();
        await test.drop();
      }
    });
  });
}
