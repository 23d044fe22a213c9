/*
 * Runs a scenario's cell: one warm-up and N counted runs; in each, the raw side and Strata
 * both run from a freshly prepared database, in alternating order so neither always goes
 * first (a warm cache or a pending checkpoint would otherwise favour one side).
 */
import type { BenchSide } from './bench-options';
import { collectGarbage, type Sample } from './measure';
import type { BenchContext, Scenario, Target } from './scenarios';
import { summarize, type Summary } from './stats';

/** One side's result in a cell. */
export interface SideResult {
  readonly ms: Summary;
  /** S8: peak RSS growth, MB. */
  readonly rssGrowthMb?: Summary;
}

/** A cell of the report: one scenario on one dialect. */
export interface CellResult {
  readonly id: string;
  readonly title: string;
  readonly target: Target;
  readonly raw?: SideResult;
  readonly strata?: SideResult;
  /** Strata median / raw median. */
  readonly ratio?: number;
  /** S7: Strata's flush minus the one UPDATE, ms (medians). */
  readonly overheadMs?: number;
  /** Whether the target of issue 8 is met. */
  readonly met?: boolean;
  readonly error?: string;
}

/** Runs `scenario` `runs` times after one warm-up on the chosen sides; a failure ends the cell with its message. */
export async function runCell(
  scenario: Scenario,
  ctx: BenchContext,
  options: { readonly runs: number; readonly sides: readonly BenchSide[] },
  progress: (text: string) => void,
): Promise<CellResult> {
  const { runs, sides } = options;
  const samples: Record<BenchSide, Sample[]> = { raw: [], strata: [] };
  const base = { id: scenario.id, title: scenario.title, target: scenario.target };
  // A clean heap per cell; each timed window then collects only the young generation (see measure.ts).
  collectGarbage();
  for (let run = 0; run <= runs; run++) {
    const order: BenchSide[] = run % 2 === 0 ? ['raw', 'strata'] : ['strata', 'raw'];
    for (const side of order.filter((s) => sides.includes(s))) {
      try {
        await scenario.prepare(ctx);
        const sample = await scenario[side](ctx);
        if (run > 0) samples[side].push(sample);
        progress(`${scenario.id} ${run === 0 ? 'warm-up' : `run ${run}/${runs}`} ${side} ${sample.ms.toFixed(1)} ms`);
      } catch (error) {
        return { ...base, error: `${side}: ${error instanceof Error ? error.message : String(error)}`.split('\n')[0] };
      }
    }
  }
  if (sides.length < 2) {
    const side = sides[0]!;
    return { ...base, [side]: sideResult(samples[side]) };
  }
  const raw = sideResult(samples.raw);
  const strata = sideResult(samples.strata);
  const ratio = strata.ms.median / raw.ms.median;
  const overheadMs = strata.ms.median - raw.ms.median;
  const met =
    scenario.target.kind === 'ratio'
      ? ratio <= scenario.target.max
      : scenario.target.kind === 'overheadMs'
        ? overheadMs <= scenario.target.max
        : strata.rssGrowthMb!.max < scenario.target.max;
  return { ...base, raw, strata, ratio, ...(scenario.target.kind === 'overheadMs' ? { overheadMs } : {}), met };
}

function sideResult(samples: readonly Sample[]): SideResult {
  const ms = summarize(samples.map((s) => s.ms));
  const rss = samples.map((s) => s.rssGrowthMb).filter((v): v is number => v !== undefined);
  return rss.length > 0 ? { ms, rssGrowthMb: summarize(rss) } : { ms };
}
