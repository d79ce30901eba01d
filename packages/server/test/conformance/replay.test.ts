/**
 * Conformance replay (issue #2 §6): every exchange recorded from MLflow 2.12.2 is sent to our
 * server and compared. Files run one after another (each starts its own servers); the report is
 * printed and written to os.tmpdir(). See expectations.ts for the pass/fail lists.
 */
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, corpusDirectory, listCorpusFiles, readCorpusFile } from './corpus.js';
import { loadDifferences } from './differences.js';
import { EXPECTED_FAILING, EXPECTED_PASSING, listProblems } from './expectations.js';
import { replayFile } from './replay.js';
import type { FileResult } from './replay.js';
import { formatReport, writeReport } from './report.js';
import type { SkippedFile } from './report.js';

const corpus = corpusDirectory();
if (!corpus) console.warn(`[conformance] ${REPO_ROOT}/../shared/conformance not found: skipping the conformance replay.`);

describe.skipIf(!corpus)('conformance replay against the MLflow 2.12.2 corpus', () => {
  it('replays every recorded exchange and matches the expectation lists', { timeout: 600_000 }, async () => {
    const dir = corpus as string;
    const differences = loadDifferences(REPO_ROOT);
    const names = listCorpusFiles(dir);
    const results: FileResult[] = [];
    const skipped: SkippedFile[] = [];
    for (const name of names) {
      const expected = EXPECTED_FAILING[name];
      if (expected?.reason === 'graphql out of scope') {
        skipped.push({ name, reason: `${expected.reason}${expected.note ? `: ${expected.note}` : ''}` });
        continue;
      }
      results.push(await replayFile(readCorpusFile(dir, name), differences));
    }
    const report = { corpus: dir, results, skipped };
    writeReport(report);
    console.log(formatReport(report));

    const problems = listProblems(names, results, EXPECTED_PASSING, EXPECTED_FAILING);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
