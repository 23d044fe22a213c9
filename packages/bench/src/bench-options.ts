/*
 * The command line of `npm run bench`: which dialects and scenarios, how many runs, the
 * scale of the row counts and where the JSON goes.
 */
import { parseArgs } from 'node:util';
import type { GcMode } from './measure';
import { SCENARIO_GROUPS, type ScenarioGroup } from './scenario-ids';

/** The dialects the bench knows. */
export const DIALECTS = ['postgresql', 'mysql', 'sqlite'] as const;
/** One of DIALECTS. */
export type DialectName = (typeof DIALECTS)[number];

/** What one invocation runs. */
export interface BenchOptions {
  readonly dialects: readonly DialectName[];
  readonly scenarios: readonly ScenarioGroup[];
  /** Counted runs per cell (after one warm-up). Default 5. */
  readonly runs: number;
  /** Multiplies every row count. Default 1. */
  readonly scale: number;
  /** The JSON file. Default `.bench-results/<timestamp>.json`. */
  readonly out: string;
  /** Which sides run; one side alone is for profiling (no ratios then). Default both. */
  readonly sides: readonly BenchSide[];
  /** What is collected before each timed window (see measure.ts). Default 'minor'. */
  readonly gc: GcMode;
}

/** The two sides of a cell. */
export const SIDES = ['raw', 'strata'] as const;
/** One of SIDES. */
export type BenchSide = (typeof SIDES)[number];

/** The usage text, printed by --help and with a bad argument. */
export const USAGE = `Usage: npm run bench -- [--dialects postgresql,mysql,sqlite] [--scenarios S1,S3] [--runs 5] [--scale 1] [--out file.json]
                       [--sides raw,strata]  (one side alone: for profiling with node --cpu-prof)
                       [--gc minor|full]  (collected before each timed window; default minor, see measure.ts)

Environment: STRATA_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/bench),
STRATA_BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/bench); SQLite uses a temp file.
STRATA_BENCH_WINDOWS=<file> appends each timed window (monotonic µs) to cut a --cpu-prof profile down to it.`;

/** Parses argv; throws an Error naming the bad argument. */
export function parseBenchOptions(argv: readonly string[], now = new Date()): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dialects: { type: 'string', default: DIALECTS.join(',') },
      scenarios: { type: 'string', default: SCENARIO_GROUPS.join(',') },
      runs: { type: 'string', default: '5' },
      scale: { type: 'string', default: '1' },
      out: { type: 'string' },
      sides: { type: 'string', default: SIDES.join(',') },
      gc: { type: 'string', default: 'minor' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer; got ${values.runs}`);
  const scale = Number(values.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number; got ${values.scale}`);
  if (values.gc !== 'minor' && values.gc !== 'full') throw new Error(`--gc must be minor or full; got ${values.gc}`);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return {
    dialects: listOf(values.dialects, DIALECTS, '--dialects', { postgres: 'postgresql', pg: 'postgresql', mariadb: 'mysql' }),
    scenarios: listOf(values.scenarios.toUpperCase(), SCENARIO_GROUPS, '--scenarios', {}),
    runs,
    scale,
    out: values.out ?? `.bench-results/${stamp}.json`,
    sides: listOf(values.sides.toLowerCase(), SIDES, '--sides', {}),
    gc: values.gc,
  };
}

function listOf<T extends string>(text: string, known: readonly T[], flag: string, aliases: Record<string, T>): T[] {
  const chosen = new Set<T>();
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const name = (aliases[part.toLowerCase()] ?? part) as T;
    if (!known.includes(name)) throw new Error(`${flag}: unknown '${part}'; choose from ${known.join(', ')}`);
    chosen.add(name);
  }
  if (chosen.size === 0) throw new Error(`${flag} names nothing; choose from ${known.join(', ')}`);
  return known.filter((name) => chosen.has(name));
}
