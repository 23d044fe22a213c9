/*
 * Where the migrator and its targets report progress: the CLI prints these lines (to
 * stderr under --sql, so that stdout holds nothing but the script).
 */

/** Where the migrator reports progress. */
export interface Reporter {
  info(line: string): void;
  warn(line: string): void;
  /** A revision applied or undone, with its time. */
  done(line: string, ms: number): void;
  /** One operation of a revision, with its time. */
  step?(line: string, ms: number): void;
}
