/**
 * Conformance replay of the MLflow 3.x corpus (`../shared/conformance-3x`, see its README):
 * MLflow 3.x's own REST suites as the real 3.x server answered them, sent to our server on a
 * fresh database at MLflow 3.x's schema head and compared exchange by exchange, ids mapped as in
 * the 2.12.2 replay (replay.test.ts). expectations3.ts holds the pass/fail lists. It runs on
 * SQLite (the recorded backend), and on MariaDB and PostgreSQL when their test URIs are set
 * (one fresh database per server start); the lists are the same on every database.
 */
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, corpusDirectory, listCorpusFiles, readCorpusFile } from './corpus.js';
import { loadDifferences } from './differences.js';
import { EXPECTED_FAILING_3X, EXPECTED_PASSING_3X } from './expectations3.js';
import { listProblems } from './expectations.js';
import { replayFile } from './replay.js';
import type { FileResult } from './replay.js';
import { formatReport, writeReport } from './report.js';
import { testDialects } from '../support/databases.js';
import path from 'node:path';
import os from 'node:os';

const corpus = corpusDirectory(REPO_ROOT, 'conformance-3x');
if (!corpus) console.warn(`[conformance] ${REPO_ROOT}/../shared/conformance-3x not found: skipping the MLflow 3.x conformance replay.`);

describe.skipIf(!corpus).each(testDialects())('conformance replay against the MLflow 3.x corpus on $dialect', (dialect) => {
  it('replays every recorded exchange and matches the expectation lists', { timeout: 1_200_000 }, async () => {
    const dir = corpus as string;
    const differences = loadDifferences(REPO_ROOT);
    const names = listCorpusFiles(dir);
    const results: FileResult[] = [];
    for (const name of names) results.push(await replayFile(readCorpusFile(dir, name), differences, '3.x', dialect));
    const report = { corpus: dir, results, skipped: [] };
    const suffix = dialect.dialect === 'sqlite' ? '' : `-${dialect.dialect}`;
    writeReport(report, path.join(os.tmpdir(), `darwin-mlflow-conformance-3x-report${suffix}.json`));
    console.log(formatReport(report));
    const problems = listProblems(names, results, EXPECTED_PASSING_3X, EXPECTED_FAILING_3X);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
