/**
 * `npm run contracts:check`: fails (exit 1) when libs/contracts/src/gen is not exactly
 * what proto/ generates today. Generates into a temporary directory and compares, so the
 * working tree is never touched.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GEN_DIR, REPO_ROOT, generateContracts } from './generate';

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
      .sort();
  } catch {
    return [];
  }
}

/** Human-readable differences between two generated trees, empty when identical. */
export function compareTrees(expectedDir: string, actualDir: string): string[] {
  const expected = listFiles(expectedDir);
  const actual = listFiles(actualDir);
  const problems: string[] = [];
  for (const file of expected) {
    if (!actual.includes(file)) problems.push(`missing:  ${file}`);
    else if (!readFileSync(join(expectedDir, file)).equals(readFileSync(join(actualDir, file)))) {
      problems.push(`stale:    ${file}`);
    }
  }
  for (const file of actual) if (!expected.includes(file)) problems.push(`extra:    ${file}`);
  return problems;
}

if (require.main === module) {
  const tmp = mkdtempSync(join(tmpdir(), 'contracts-check-'));
  try {
    const fresh = generateContracts(tmp);
    const problems = compareTrees(fresh, join(REPO_ROOT, GEN_DIR));
    if (problems.length > 0) {
      console.error(
        `contracts:check failed: ${GEN_DIR} does not match proto/.\n` +
          problems.map((line) => `  ${line}`).join('\n') +
          `\nRun \`npm run contracts:generate\` and commit the result.`,
      );
      process.exitCode = 1;
    } else {
      console.log(`contracts:check ok: ${GEN_DIR} matches proto/.`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
