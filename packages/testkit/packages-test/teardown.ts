/*
 * Removes the temporary projects of `npm run test:packages` (kept with STRATA_KEEP_PACKAGES=1,
 * to look at what was installed).
 */
import { rmSync } from 'node:fs';

export default function teardown(): void {
  const dir = process.env.STRATA_PACKAGES_DIR;
  if (!dir) return;
  if (process.env.STRATA_KEEP_PACKAGES === '1') {
    process.stdout.write(`\nThe package projects are kept in ${dir}\n`);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}
