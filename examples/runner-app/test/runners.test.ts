/*
 * The runner app (standard decorators, no type metadata) run by the tools applications use
 * to run TypeScript without a build: each must print what the app saw in the database.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const app = join(__dirname, '..');
const bin = (name: string) => join(app, '..', '..', 'node_modules', '.bin', name);
const expected = { author: 'Le Guin', books: ['Earthsea', 'The Dispossessed'], bookAuthor: 'Le Guin' };

describe('the runner app', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-runners-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('runs under tsx (esbuild: standard decorators, no type metadata)', () => {
    const run = spawnSync(bin('tsx'), ['--tsconfig', join(app, 'tsconfig.json'), join(app, 'src', 'main.ts'), join(dir, 'tsx.db')], { encoding: 'utf8', cwd: app, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual(expected);
  });
});
