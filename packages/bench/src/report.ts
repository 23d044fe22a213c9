/*
 * The bench's output: one table per dialect on stdout, and the whole result as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CellResult } from './runner';
import type { Target } from './scenarios';
import type { Summary } from './stats';

/** One dialect's results. */
export interface DialectResult {
  readonly dialect: string;
  readonly server?: string;
  readonly where?: string;
  readonly cells: readonly CellResult[];
  readonly error?: string;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const spread = (s: Summary) => `${ms(s.min)}-${ms(s.max)}`;

function targetText(target: Target): string {
  if (target.kind === 'ratio') return `<= ${target.max}x`;
  if (target.kind === 'overheadMs') return `<= +${target.max} ms`;
  return `< ${target.max} MB RSS`;
}

function resultText(cell: CellResult): string {
  if (cell.error) return `ERROR ${cell.error}`;
  if (cell.met === undefined) return '(one side only)';
  const verdict = cell.met ? 'ok' : 'MISSED';
  if (cell.overheadMs !== undefined) return `${verdict} (flush - UPDATE = ${ms(cell.overheadMs)} ms)`;
  const rss = cell.strata?.rssGrowthMb;
  if (rss) return `${verdict} (peak RSS growth raw ${cell.raw!.rssGrowthMb!.max.toFixed(1)} MB, Strata ${rss.max.toFixed(1)} MB)`;
  return verdict;
}

/** The table of one dialect. */
export function formatTable(result: DialectResult, runs: number, scale: number, gc: string): string {
  const title = `${result.dialect}${result.server ? ` (${result.server})` : ''}: median of ${runs} runs, scale ${scale}, ${gc} GC before each window`;
  if (result.error) return `\n${title}\n  ERROR ${result.error}\n`;
  const header = ['scenario', 'raw ms', 'Strata ms', 'ratio', 'raw min-max', 'Strata min-max', 'target', 'result'];
  const rows = result.cells.map((cell) => [
    `${cell.id} ${cell.title}`,
    cell.raw ? ms(cell.raw.ms.median) : '-',
    cell.strata ? ms(cell.strata.ms.median) : '-',
    cell.ratio !== undefined ? `${cell.ratio.toFixed(2)}x` : '-',
    cell.raw ? spread(cell.raw.ms) : '-',
    cell.strata ? spread(cell.strata.ms) : '-',
    targetText(cell.target),
    resultText(cell),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [``, title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ``].join('\n');
}

/** Writes the JSON report, creating its directory. */
export function writeJson(file: string, report: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
