/*
 * A Jest reporter that ends the run with plain counts: one line per dialect package
 * and a closing "N passed, N failed" line, so test counts per dialect are easy to read.
 */
'use strict';

const GROUPS = [
  ['postgresql', '/packages/postgres/'],
  ['mysql', '/packages/mysql/'],
  ['sqlite', '/packages/sqlite/'],
];

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const groups = new Map();
    for (const file of results.testResults) {
      const group = GROUPS.find(([, dir]) => file.testFilePath.includes(dir));
      const name = group ? group[0] : 'core and tools';
      const counts = groups.get(name) || { passed: 0, failed: 0 };
      counts.passed += file.numPassingTests;
      counts.failed += file.numFailingTests;
      groups.set(name, counts);
    }
    const lines = ['', 'Tests by dialect:'];
    for (const [name, c] of groups) lines.push(`  ${name}: ${c.passed} passed, ${c.failed} failed`);
    const failedSuites = results.numFailedTestSuites;
    lines.push(`Tests: ${results.numPassedTests} passed, ${results.numFailedTests + (failedSuites > 0 && results.numFailedTests === 0 ? failedSuites : 0)} failed`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

module.exports = SummaryReporter;
