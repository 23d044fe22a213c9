// Each entry point resolves for the compiler too: with module node16 through the exports map,
// with the older node10 resolution (tsconfig.node10.json) through typesVersions.
import type { Engine } from '@strata/core';
import type { QueryCompiler } from '@strata/core/dialect';
import type { TestTransaction } from '@strata/core/testing';

export type EntryPointTypes = [Engine, QueryCompiler, TestTransaction];
