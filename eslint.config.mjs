// Lint for the whole monorepo: typescript-eslint's recommended type-checked rules over the
// sources and tests, run by `npm test` (npm run lint). Rules turned off or narrowed say why.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/**', '.bench-results/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
);
