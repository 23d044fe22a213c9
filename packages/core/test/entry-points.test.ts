/*
 * The public names of each entry point of @strata/core, held against the lists in
 * public-names/: exporting a new name (or dropping one) is a decision made by editing the
 * list, not a side effect of an `export *`. The compiler's view (values and types) is read
 * from the sources; the run-time view (values only) from the modules themselves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const src = join(__dirname, '..', 'src');
const ENTRY_POINTS = [
  { specifier: '@strata/core', file: 'index', module: () => require('@strata/core') as object },
  { specifier: '@strata/core/dialect', file: 'dialect', module: () => require('@strata/core/dialect') as object },
  { specifier: '@strata/core/testing', file: 'testing', module: () => require('@strata/core/testing') as object },
];

interface PublicName {
  readonly name: string;
  readonly typeOnly: boolean;
}

function listed(file: string): PublicName[] {
  return readFileSync(join(__dirname, 'public-names', `${file}.txt`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => (line.startsWith('type ') ? { name: line.slice(5).trim(), typeOnly: true } : { name: line.trim(), typeOnly: false }));
}

/** Every name the compiler sees exported by each entry file, with whether it has a run-time value. */
function compiled(): Map<string, PublicName[]> {
  const files = ENTRY_POINTS.map((e) => join(src, `${e.file}.ts`));
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: true, skipLibCheck: true, types: ['node'], noEmit: true });
  const checker = program.getTypeChecker();
  const result = new Map<string, PublicName[]>();
  for (const entry of ENTRY_POINTS) {
    const source = program.getSourceFile(join(src, `${entry.file}.ts`))!;
    const names = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return { name: symbol.name, typeOnly: (target.flags & ts.SymbolFlags.Value) === 0 };
    });
    result.set(entry.file, names);
  }
  return result;
}

const describeList = (names: readonly PublicName[]) => names.map((n) => `${n.typeOnly ? 'type ' : ''}${n.name}`).sort();

describe('entry points of @strata/core', () => {
  const fromCompiler = compiled();

  describe.each(ENTRY_POINTS)('$specifier', ({ file, module }) => {
    test('exports exactly the names listed in public-names/' + file + '.txt (values and types)', () => {
      expect(describeList(fromCompiler.get(file)!)).toEqual(describeList(listed(file)));
    });

    test('has at run time exactly the listed values', () => {
      const values = listed(file).filter((n) => !n.typeOnly).map((n) => n.name).sort();
      expect(Object.keys(module()).filter((k) => k !== '__esModule').sort()).toEqual(values);
    });
  });

  test('no name is exported by two entry points', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const { file } of ENTRY_POINTS) {
      for (const { name } of listed(file)) {
        if (seen.has(name)) twice.push(`${name} (${seen.get(name)} and ${file})`);
        seen.set(name, file);
      }
    }
    expect(twice).toEqual([]);
  });

  test('the application entry point leaves out dialect internals and test helpers', () => {
    const names = new Set(listed('index').map((n) => n.name));
    for (const internal of ['QueryCompiler', 'DdlCompiler', 'SqlCompiler', 'registerDialect', 'tokenizeSql', 'diffSchemas', 'expectStatements', 'testTransaction', 'parseCascade', 'schemaFromMetadata']) {
      expect(names.has(internal)).toBe(false);
    }
  });
});
