#!/usr/bin/env node
// Sums vitest JSON reports into the one line CI reads: `N passed, N failed` (with `, N skipped`).
// A report that is missing or unreadable counts as one failure, so a crashed run never looks green.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`[memory/ci] no test report at ${file}: the test run crashed before writing it`);
    failed += 1;
    continue;
  }
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // Suites that failed to load (syntax error, missing module) have no tests to count.
    const broken = (r.testResults ?? []).filter(
      (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
    );
    for (const s of broken)
      console.error(`[memory/ci] suite failed to run: ${s.name}: ${(s.message ?? '').split('\n')[0]}`);
    failed += broken.length;
  } catch (e) {
    console.error(`[memory/ci] unreadable test report ${file}: ${e.message}`);
    failed += 1;
  }
}
// vitest exits non-zero for errors outside any test (an unhandled rejection, an uncaught
// exception from a server a test started) while its report still says every test passed.
const exit = Number(process.env.MEMORY_TEST_EXIT ?? 0);
if (exit !== 0 && failed === 0) {
  console.error(
    `[memory/ci] the test run exited with ${exit} although no test failed (errors outside tests): counted as one failure`,
  );
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
