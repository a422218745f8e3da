/**
 * Prints one plain closing line after jest's own summary (on stderr, where jest writes its summary, so it stays last) — `jest: N passed, N failed` (and
 * `, N skipped` when any) — so CI can read the result in any language-neutral way.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stderr.write(`\njest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}

module.exports = SummaryReporter;
