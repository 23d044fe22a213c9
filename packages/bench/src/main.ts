/*
 * `npm run bench`: the workloads of SCENARIOS.md on each chosen dialect, Strata against the
 * raw driver in the same run; prints one table per dialect and writes the JSON report.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseBenchOptions, USAGE, type BenchOptions, type DialectName } from './bench-options';
import { openTarget } from './bench-target';
import { setWindowGc } from './measure';
import { formatTable, writeJson, type DialectResult } from './report';
import { runCell, type CellResult } from './runner';
import { SCENARIOS, type BenchContext } from './scenarios';
import { makeSeedUsers } from './seed-data';
import { sizesFor, type WorkloadSizes } from './workload-sizes';

// The raw drivers turn Dates into local wall times; UTC keeps them equal to Strata's UTC column.
process.env.TZ = 'UTC';

async function runDialect(dialect: DialectName, options: BenchOptions, sizes: WorkloadSizes, tempDir: string): Promise<DialectResult> {
  let target;
  try {
    target = await openTarget(dialect, tempDir);
  } catch (error) {
    return { dialect, cells: [], error: error instanceof Error ? error.message : String(error) };
  }
  try {
    const server = await target.raw.serverVersion();
    const ctx: BenchContext = {
      raw: target.raw,
      strata: target.strata,
      sizes,
      seed: makeSeedUsers(sizes.users, sizes.postsPerUser),
      flushSeed: makeSeedUsers(sizes.flushUsers, sizes.flushPostsPerUser, 'writer'),
    };
    const cells: CellResult[] = [];
    for (const scenario of SCENARIOS.filter((s) => options.scenarios.includes(s.group))) {
      const started = Date.now();
      const cell = await runCell(scenario, ctx, options, (text) => {
        if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K[${dialect}] ${text}`);
      });
      const clear = process.stderr.isTTY ? '\r\x1b[K' : '';
      process.stderr.write(`${clear}[${dialect}] ${scenario.id} done in ${((Date.now() - started) / 1000).toFixed(1)} s${cell.error ? `: ${cell.error}` : ''}\n`);
      cells.push(cell);
    }
    return { dialect, server, where: target.where, cells };
  } finally {
    await target.close();
  }
}

/** The commit and the uncommitted files under packages/, so a result names the code it measured. */
function sourceState(): { commit: string; uncommitted: string[] } | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
    const changed = git('status', '--porcelain', '--', '../..').split('\n').map((line) => line.slice(3));
    return { commit: git('rev-parse', 'HEAD'), uncommitted: changed.filter((path) => /^packages\/(core|postgres|mysql|sqlite)\//.test(path)) };
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  setWindowGc(options.gc);
  const sizes = sizesFor(options.scale);
  const tempDir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  const startedAt = new Date().toISOString();
  const results: DialectResult[] = [];
  try {
    for (const dialect of options.dialects) {
      const result = await runDialect(dialect, options, sizes, tempDir);
      console.log(formatTable(result, options.runs, options.scale, options.gc));
      results.push(result);
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
  const out = resolve(options.out);
  writeJson(out, {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
    source: sourceState(),
    options: { ...options, out },
    sizes,
    results,
  });
  console.log(`JSON written to ${out}`);
  const failed = results.some((r) => r.error || r.cells.some((c) => c.error));
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
