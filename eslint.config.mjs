// Lint for the whole monorepo, run by `npm test` (npm run lint): typescript-eslint's
// recommended type-checked rules over sources and tests. Each rule turned off or narrowed
// here says why; everything else is fixed in the code.
import tseslint from 'typescript-eslint';

const unsafeAny = [
  '@typescript-eslint/no-unsafe-member-access',
  '@typescript-eslint/no-unsafe-assignment',
  '@typescript-eslint/no-unsafe-call',
  '@typescript-eslint/no-unsafe-return',
  '@typescript-eslint/no-unsafe-argument',
];

export default tseslint.config(
  // Migration files and strata.config.ts are loaded by the CLI, outside any tsconfig project;
  // the package test apps compile only once installed from the tarballs.
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/**', '.bench-results/**', '**/*.js', '**/*.mjs', 'examples/*/migrations/**', 'examples/*/strata.config.ts', 'packages/testkit/packages-test/apps/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Every I/O path returns a Promise, also where the driver answers synchronously
      // (better-sqlite3): an async function without an await is deliberate.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a parameter a hook or callback signature requires but this body does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // An entity is held as its class, whatever its constructor's signature: `Function` is the
    // type decorators receive and the registry keys by.
    files: ['packages/core/src/metadata/**', 'packages/core/src/query/load-options.ts', 'packages/core/src/orm/state/instrument.ts', 'packages/cli/src/config.ts', 'packages/core/src/errors/errors.ts'],
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  {
    // The query builder's row and reference types thread user entity types through generic
    // positions where `unknown` would make every user type fail to match (parameter variance).
    files: ['packages/core/src/query/**', 'packages/core/src/metadata/declarations.ts', 'packages/core/src/metadata/decorators.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Drivers are loaded inside connect() so that SQL compiles without them installed.
    files: ['packages/postgres/src/**', 'packages/mysql/src/**', 'packages/sqlite/src/**', 'packages/bench/src/**', 'packages/cli/src/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read rows, driver results and errors whose shape the assertions themselves check;
    // type tests write mistakes on purpose (under @ts-expect-error), whose types are errors.
    files: ['**/test/**', 'packages/testkit/**', 'packages/*/faults/**', 'packages/*/scale/**', 'packages/core/type-tests/**'],
    rules: {
      ...Object.fromEntries(unsafeAny.map((rule) => [rule, 'off'])),
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests hold lists of entity classes of any constructor signature.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // These tests evaluate generated source on purpose, to prove a hostile name cannot run as code.
    files: ['packages/cli/test/source-literal.test.ts', 'packages/cli/test/ts-loader.test.ts', 'packages/testkit/src/security/migration-injection-suite.ts'],
    rules: { '@typescript-eslint/no-implied-eval': 'off' },
  },
);
