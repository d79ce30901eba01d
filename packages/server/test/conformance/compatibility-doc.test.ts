/**
 * docs/compatibility.md must list exactly the entries of docs/deliberate-differences.json (its
 * generated section equals the rendering). To regenerate after editing the JSON:
 *   UPDATE_COMPATIBILITY_DOC=1 npx vitest run packages/server/test/conformance/compatibility-doc.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSection, renderDifferences, withGeneratedSection } from './compatibilityDoc.js';
import { REPO_ROOT } from './corpus.js';
import { loadDifferences } from './differences.js';

const DOC = path.join(REPO_ROOT, 'docs', 'compatibility.md');

describe('docs/compatibility.md', () => {
  const differences = loadDifferences(REPO_ROOT);

  it('has a well-formed deliberate-differences.json (loading validates every entry)', () => {
    expect(differences.length).toBeGreaterThan(0);
  });

  it('shows every deliberate difference exactly as the JSON says', () => {
    const expected = renderDifferences(differences);
    let document = fs.readFileSync(DOC, 'utf8');
    if (process.env.UPDATE_COMPATIBILITY_DOC && generatedSection(document) !== expected) {
      document = withGeneratedSection(document, expected);
      fs.writeFileSync(DOC, document);
    }
    for (const d of differences) expect(document, `missing ${d.id}`).toContain(`### ${d.id}`);
    expect(generatedSection(document), 'out of date: rerun with UPDATE_COMPATIBILITY_DOC=1 (see this file)').toBe(expected);
  });
});
