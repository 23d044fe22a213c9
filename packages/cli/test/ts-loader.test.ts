/*
 * The CLI's TypeScript loader without a database: which settings it reads from the project
 * (nearest tsconfig.json, comments and trailing commas, `extends` followed, the recommended
 * settings without one), what it emits for each decorator convention, and what it says when
 * a file does not parse or an entity file reads a class before the class is declared.
 * Resolving `./x.js` to `./x.ts` and running without the `typescript` package installed are
 * proven from the packed tarballs (npm run test:packages).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonOf } from '../src/tsconfig-reader';
import { MetadataError } from '@strata/core';
import { loadFailure, metadataHint, projectSettings, transpileForLoading } from '../src/ts-loader';

/** Two entities in one file, the first typing a property with the second before it is declared. */
const CYCLE = `
import { Entity, ManyToOne, PrimaryGeneratedColumn } from '@strata/core';
@Entity() export class Person { @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Ball, undefined, { nullable: true }) favoriteBall!: Ball | null; }
@Entity() export class Ball { @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Person, undefined, { nullable: true }) owner!: Person | null; }
`;

/** A project folder with `files` written into it. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-loader-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Runs transpiled CommonJS as Node would, with Strata's sources for `@strata/core`; its exports. */
function run(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'require', 'module', code)(module.exports, require, module);
  return module.exports;
}

const legacy = { experimentalDecorators: true, emitDecoratorMetadata: true, target: 'ES2022' };

describe('the CLI loads TypeScript with the project decorator settings, without the typescript package', () => {
  test('without a tsconfig.json the recommended settings apply: legacy decorators with type metadata; a nullable class type is recorded as Object, so a class typed before its declaration loads', () => {
    const dir = project({ 'entities.ts': CYCLE });
    expect(projectSettings(dir)).toEqual({ experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false, strictNullChecks: true, file: undefined });
    const code = transpileForLoading(join(dir, 'entities.ts'));
    expect(code).toContain('"design:type", Object');
    expect(code).toContain('sourceMappingURL=data:application/json');
    expect(Object.keys(run(code))).toEqual(expect.arrayContaining(['Person', 'Ball']));
  });

  test('the nearest tsconfig.json above the file is read, with comments, trailing commas and extends (a path, a list, a package)', () => {
    const dir = project({
      'node_modules/@acme/tsconfig/strict.json': '{ "compilerOptions": { "target": "ES2022", "useDefineForClassFields": true } }',
      'configs/base.json': '{\n  // legacy decorators\n  "compilerOptions": { "experimentalDecorators": true, /* and metadata */ "emitDecoratorMetadata": true, },\n}\n',
      'tsconfig.json': '{ "extends": ["@acme/tsconfig/strict.json", "./configs/base"], "compilerOptions": { "useDefineForClassFields": false, }, "include": ["src",], }',
      'src/entities/cycle.ts': CYCLE,
    });
    expect(projectSettings(join(dir, 'src', 'entities'))).toEqual({
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      // No typescript installed there: TypeScript 6's defaults (strict) for what is unset.
      strictNullChecks: true,
      file: join(dir, 'tsconfig.json'),
    });
    expect(transpileForLoading(join(dir, 'src', 'entities', 'cycle.ts'))).toContain('"design:type", Number');
  });

  test('without experimentalDecorators the file is compiled with standard decorators (no type metadata); class fields follow the target', () => {
    const dir = project({
      'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true } }),
      'standard.ts': "function mark(_: undefined, context: ClassFieldDecoratorContext) { (context.metadata as Record<string, unknown>).marked = context.name; }\nexport class A { @mark x = 1; }\nexport const metadata = (A as unknown as Record<symbol, unknown>)[Symbol.metadata];\n",
    });
    expect(projectSettings(dir)).toMatchObject({ experimentalDecorators: false, emitDecoratorMetadata: false, useDefineForClassFields: true });
    const code = transpileForLoading(join(dir, 'standard.ts'));
    expect(code).not.toContain('design:type');
    const loaded = run(code);
    expect(loaded.metadata).toEqual({ marked: 'x' });
  });

  test('a comment or a string holding comment or comma characters is read as tsc reads it; the reading is one pass over the text', () => {
    expect(JSON.parse(jsonOf('{ "a": "x // y", /* , } */ "b": [1, 2, /* c */ ], "c": "\\" ,}" , }'))).toEqual({ a: 'x // y', b: [1, 2], c: '" ,}' });
    const long = `{ "a": [${'1, '.repeat(200_000)}] }`;
    expect(JSON.parse(jsonOf(long)).a).toHaveLength(200_000);
    expect(jsonOf(`/*${' *'.repeat(100_000)}`)).toBe(' ');
    expect(jsonOf('"\\'.repeat(100_000)).length).toBe(200_000);
  });

  test('what tsc accepts is read too: a byte order mark, an empty file, a folder beside a .json of the same name, a package whose main is JavaScript, a package.json tsconfig field', () => {
    const dir = project({
      'node_modules/shared-cfg/package.json': '{ "name": "shared-cfg", "main": "index.js" }',
      'node_modules/shared-cfg/index.js': 'module.exports = {};\n',
      'node_modules/shared-cfg/tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true } }',
      'node_modules/named-cfg/package.json': '{ "name": "named-cfg", "tsconfig": "configs/strict.json" }',
      'node_modules/named-cfg/configs/strict.json': '{ "compilerOptions": { "strict": true, "emitDecoratorMetadata": true } }',
      'base/readme.txt': 'a folder named like the base config',
      'base.json': '\uFEFF{ "extends": ["shared-cfg", "named-cfg"] }',
      'empty.json': '  // nothing but a comment\n',
      'tsconfig.json': '\uFEFF{ "extends": ["./empty", "./base"] }',
    });
    expect(projectSettings(dir)).toMatchObject({ experimentalDecorators: true, emitDecoratorMetadata: true, strictNullChecks: true });
  });

  test("unset options take the defaults of the project's TypeScript: 5 has neither strict nor a current target, 6 and later have both", () => {
    const withVersion = (version: string) =>
      project({ 'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version }), 'tsconfig.json': JSON.stringify({ compilerOptions: { experimentalDecorators: true } }) });
    expect(projectSettings(withVersion('5.9.3'))).toMatchObject({ strictNullChecks: false, useDefineForClassFields: false });
    expect(projectSettings(withVersion('7.0.2'))).toMatchObject({ strictNullChecks: true, useDefineForClassFields: true });
  });

  test('a tsconfig.json with files of its own keeps its settings though it has references; referenced projects that disagree ask for STRATA_TSCONFIG', () => {
    const own = project({
      'tsconfig.json': '{ "include": ["src"], "compilerOptions": { "target": "ES2022" }, "references": [{ "path": "./lib" }] }',
      'lib/tsconfig.json': JSON.stringify({ compilerOptions: legacy }),
    });
    expect(projectSettings(own)).toMatchObject({ experimentalDecorators: false, file: join(own, 'tsconfig.json') });
    const split = project({
      'tsconfig.json': '{ "files": [], "references": [{ "path": "./a" }, { "path": "./b" }] }',
      'a/tsconfig.json': JSON.stringify({ compilerOptions: legacy }),
      'b/tsconfig.json': JSON.stringify({ compilerOptions: { experimentalDecorators: false } }),
    });
    expect(() => projectSettings(split)).toThrow(/references projects with different decorator settings .*set STRATA_TSCONFIG/);
  });

  test('a solution-style tsconfig.json (only references) gives way to the referenced project with decorator settings; STRATA_TSCONFIG names the file outright', () => {
    const dir = project({
      'tsconfig.json': '{ "files": [], "references": [{ "path": "./tsconfig.web.json" }, { "path": "./server" }] }',
      'tsconfig.web.json': '{ "compilerOptions": { "target": "ES2022" } }',
      'server/tsconfig.json': JSON.stringify({ compilerOptions: legacy }),
      'other.json': '{ "compilerOptions": { "target": "ES2022" } }',
    });
    expect(projectSettings(dir)).toMatchObject({ experimentalDecorators: true, emitDecoratorMetadata: true, file: join(dir, 'server', 'tsconfig.json') });
    process.env.STRATA_TSCONFIG = join(dir, 'other.json');
    try {
      expect(projectSettings(join(dir, 'server'))).toMatchObject({ experimentalDecorators: false, file: join(dir, 'other.json') });
    } finally {
      delete process.env.STRATA_TSCONFIG;
    }
  });

  test('a syntax error in a file holding database URLs is reported without their passwords or secret options', () => {
    const dir = project({
      'strata.config.ts':
        "export default {\n  url: 'postgresql://app:s3cret@db.example/prod', replica: \"mysql://ro:p@ss/w@db2.example/prod?sslpassword=k3y&x=1\"\n" +
        "  other: 'mysql://root:Hunt er\"2X@db3.example/prod'\n  entities: [],\n};\n",
    });
    let message = '';
    try {
      transpileForLoading(join(dir, 'strata.config.ts'));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/strata\.config\.ts does not compile/);
    expect(message).toContain("url: 'postgresql://app:***@db2.example/prod?sslpassword=***&x=1\"");
    expect(message).toContain("other: 'mysql://root:***@db3.example/prod'");
    expect(message).not.toMatch(/s3cret|p@ss|k3y|Hunt|er"2X/);
    expect(message).not.toContain('Caused by');
  });

  test("a column typed Object in a project without strictNullChecks gets a hint about the CLI's compiler; other errors and strict projects none", () => {
    const loose = project({ 'tsconfig.json': JSON.stringify({ compilerOptions: { ...legacy, strict: false } }) });
    const strict = project({ 'tsconfig.json': JSON.stringify({ compilerOptions: { ...legacy, strict: true } }) });
    const objectType = new MetadataError('Shelf.capacity: cannot tell the column type from the TypeScript type Object. Give it explicitly, e.g. @Column({ type: \'json\' }).');
    expect(metadataHint(objectType, loose)).toMatch(/records a property typed `T \| null` .* as Object even with strictNullChecks off/);
    expect(metadataHint(objectType, strict)).toBe('');
    expect(metadataHint(new MetadataError('Shelf.label: unknown column type'), loose)).toBe('');
  });

  test('a file that does not parse is refused with its line and column; an unreadable tsconfig.json is named', () => {
    const dir = project({ 'bad.ts': 'export const x = ;\n' });
    expect(() => transpileForLoading(join(dir, 'bad.ts'))).toThrow(/bad\.ts does not compile:\n[\s\S]*bad\.ts:1:/);
    const broken = project({ 'tsconfig.json': '{ "extends": "./missing.json" }', 'a.ts': 'export {};\n' });
    expect(() => projectSettings(broken)).toThrow(/tsconfig\.json cannot be read for loading the project's TypeScript: it extends '\.\/missing\.json', which does not exist/);
    const invalid = project({ 'tsconfig.json': '{ "compilerOptions": { "strict": tru } }', 'a.ts': 'export {};\n' });
    expect(() => projectSettings(invalid)).toThrow(/tsconfig\.json cannot be read[\s\S]*Fix it, or point STRATA_TSCONFIG/);
    const notObject = project({ 'tsconfig.json': 'null', 'a.ts': 'export {};\n' });
    expect(() => projectSettings(notObject)).toThrow(/tsconfig\.json cannot be read for loading the project's TypeScript: it is not a JSON object/);
  });

  test('a non-null property typed with a class declared below it fails to load, and the message says what to do', () => {
    const dir = project({ 'tsconfig.json': JSON.stringify({ compilerOptions: legacy }), 'early.ts': CYCLE.replace('favoriteBall!: Ball | null', 'favoriteBall!: Ball') });
    let failure: unknown;
    try {
      run(transpileForLoading(join(dir, 'early.ts')));
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ReferenceError);
    const message = loadFailure(failure);
    expect(message).toMatch(/^Cannot access 'Ball' before initialization\./);
    expect(message).toContain('Ref<Ball> | null');
    expect(message).toContain('put the entities in separate files');
  });

  test('another load error keeps its message as it is', () => {
    expect(loadFailure(new TypeError('x is not a function'))).toBe('x is not a function');
    expect(loadFailure(new ReferenceError('y is not defined'))).toBe('y is not defined');
  });
});
