/*
 * The CLI's TypeScript loader without a database: which compiler options it reads from the
 * project (nearest tsconfig.json, `extends` followed, the recommended settings without one),
 * what it overrides to load a file, and what it says when an entity file reads a class
 * before the class is declared.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFailure, loadingOptions, transpileForLoading } from '../src/ts-loader';

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

const decorators = { experimentalDecorators: true, emitDecoratorMetadata: true, target: 'ES2022' };

describe('the CLI loads TypeScript with the project compiler options', () => {
  test('without a tsconfig.json the recommended settings apply: strict, so a class typed before its declaration loads', () => {
    const dir = project({ 'entities.ts': CYCLE });
    const options = loadingOptions(dir);
    expect(options).toMatchObject({ strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, inlineSourceMap: true });
    const code = transpileForLoading(join(dir, 'entities.ts'));
    expect(code).toContain('__metadata("design:type", Object)');
    expect(Object.keys(run(code))).toEqual(expect.arrayContaining(['Person', 'Ball']));
  });

  test("the nearest tsconfig.json above the file is read with its extends; strict off there makes the file fail as it does in the app, and the message says what to do", () => {
    const dir = project({
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { ...decorators, strict: false } }),
      'tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json', include: ['src'] }),
      'src/entities/cycle.ts': CYCLE,
    });
    expect(loadingOptions(join(dir, 'src', 'entities'))).toMatchObject({ strict: false, experimentalDecorators: true });
    const code = transpileForLoading(join(dir, 'src', 'entities', 'cycle.ts'));
    expect(code).toContain('__metadata("design:type", Ball)');
    let failure: unknown;
    try {
      run(code);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ReferenceError);
    const message = loadFailure(failure);
    expect(message).toMatch(/^Cannot access 'Ball' before initialization\./);
    expect(message).toContain('turn on "strict" (or "strictNullChecks") in tsconfig.json');
    expect(message).toContain('Ref<Ball> | null');
    expect(message).toContain('put the entities in separate files');
  });

  test('strictNullChecks alone, from the project, records a nullable class type as Object', () => {
    const dir = project({ 'tsconfig.json': JSON.stringify({ compilerOptions: { ...decorators, strictNullChecks: true } }), 'cycle.ts': CYCLE });
    expect(transpileForLoading(join(dir, 'cycle.ts'))).not.toContain('__metadata("design:type", Ball)');
  });

  test('what loading needs overrides the project: CommonJS, no declarations, no emit settings; module resolution for bundlers is dropped', () => {
    const dir = project({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { ...decorators, strict: true, module: 'esnext', moduleResolution: 'bundler', declaration: true, composite: true, noEmit: true, verbatimModuleSyntax: true, sourceMap: true },
      }),
      'value.ts': "import { join } from 'node:path';\nexport const joined = join('a', 'b');\n",
    });
    const options = loadingOptions(dir);
    expect(options).toMatchObject({ module: 1, declaration: false, composite: false, noEmit: false, verbatimModuleSyntax: false, sourceMap: false, inlineSourceMap: true });
    expect(options.moduleResolution).toBeUndefined();
    const code = transpileForLoading(join(dir, 'value.ts'));
    expect(code).toContain('require("node:path")');
    expect(run(code).joined).toBe(join('a', 'b'));
  });

  test('a file that does not parse is refused with its line and column; an unreadable tsconfig.json is named', () => {
    const dir = project({ 'bad.ts': 'export const x = ;\n' });
    expect(() => transpileForLoading(join(dir, 'bad.ts'))).toThrow(/bad\.ts does not compile:\n {2}.*bad\.ts:1:18 Expression expected/);
    const broken = project({ 'tsconfig.json': '{ "extends": "./missing.json" }', 'a.ts': 'export {};\n' });
    expect(() => loadingOptions(broken)).toThrow(/tsconfig\.json cannot be read for loading the project's TypeScript:[\s\S]*missing\.json/);
  });

  test('another load error keeps its message as it is', () => {
    expect(loadFailure(new TypeError('x is not a function'))).toBe('x is not a function');
    expect(loadFailure(new ReferenceError('y is not defined'))).toBe('y is not defined');
  });
});
