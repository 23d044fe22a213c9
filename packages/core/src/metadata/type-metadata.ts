/*
 * The `design:type` metadata legacy decorators read, and what stands in for it without:
 * a field's initial value. TypeScript's `emitDecoratorMetadata`
 * output records it only when `Reflect.metadata` exists, which the optional reflect-metadata
 * package provides. Standard decorators never need it, so it is not a dependency: the
 * decorator factories load it when it is installed, before the metadata calls TypeScript
 * emits beside them run.
 */

import type { ColumnTypeName } from './column-type';

let attempted = false;

/**
 * Loads reflect-metadata once if it is installed and nothing has defined `Reflect.metadata`
 * yet; does nothing otherwise. A reflect-metadata that is present but fails to load is
 * reported, not hidden.
 */
export function loadTypeMetadataSupport(): void {
  if (attempted) return;
  attempted = true;
  if (typeof (Reflect as { metadata?: unknown }).metadata === 'function') return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: loaded only when installed
    require('reflect-metadata');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes("'reflect-metadata'");
    if (!missing) throw error;
  }
}

/** A legacy decorator's design type when nothing could record one: reflect-metadata is not installed. */
export const TYPE_METADATA_UNRECORDED = Symbol('strata.typeMetadataUnrecorded');

/**
 * The `design:type` TypeScript emitted for `prototype[name]` (undefined when it emitted
 * none), or TYPE_METADATA_UNRECORDED when no `Reflect.getMetadata` exists to keep it.
 */
export function designTypeOf(prototype: object, name: string): unknown {
  const read = (Reflect as { getMetadata?: (key: string, target: object, property: string) => unknown }).getMetadata;
  return typeof read === 'function' ? read('design:type', prototype, name) : TYPE_METADATA_UNRECORDED;
}

/** Whether a column's design type says nothing: compiled without metadata, or with nothing to record it. */
export function withoutTypeMetadata(designType: unknown): boolean {
  return designType === undefined || designType === TYPE_METADATA_UNRECORDED;
}

/** What reading a field's initial value found: the value, or why no instance could be made. */
export interface InitialValue {
  readonly value?: unknown;
  readonly problem?: string;
}

/** One instance of each class whose initial values were read, or why none could be made. */
const samples = new WeakMap<Function, { readonly instance: object } | { readonly problem: string }>();

/**
 * The initial value a field initializer gives `property`, for a column without type
 * metadata (standard decorators, esbuild). Read from one instance per class, made only when
 * no constructor in its chain declares parameters. The instance's prototype keeps the
 * class's methods and getters but shadows the `mapped` properties with plain ones, so what
 * the constructor assigns lands on the instance, never in Strata's accessors.
 */
export function initialValue(target: Function, property: string, mapped: readonly string[]): InitialValue {
  let sample = samples.get(target);
  if (!sample) {
    sample = sampleOf(target, mapped);
    samples.set(target, sample);
  }
  if ('problem' in sample) return { problem: sample.problem };
  return { value: Object.getOwnPropertyDescriptor(sample.instance, property)?.value };
}

function sampleOf(target: Function, mapped: readonly string[]): { readonly instance: object } | { readonly problem: string } {
  for (let cls: unknown = target; typeof cls === 'function' && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) {
    if (cls.length > 0) return { problem: `the constructor of ${cls.name} takes arguments, so no instance was made to read it` };
  }
  const plain = { value: undefined, writable: true, configurable: true, enumerable: true };
  const prototype: unknown = Object.create(target.prototype as object, Object.fromEntries(mapped.map((name) => [name, plain])));
  const newTarget = function Sample(): void {};
  newTarget.prototype = prototype;
  try {
    return { instance: Reflect.construct(target, [], newTarget) as object };
  } catch (error) {
    return { problem: `making an instance of ${target.name} to read it failed (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** The column type an initial value tells, as its type metadata would: a fractional number is a double. */
export function typeOfInitialValue(value: unknown): ColumnTypeName | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'double';
    case 'string':
      return 'varchar';
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'bigint';
    default:
      return value instanceof Date ? 'timestamptz' : Buffer.isBuffer(value) ? 'bytes' : undefined;
  }
}

/** What to do about a column whose type neither its options, its design type nor its initial value give. `where` is `Entity.property`. */
export function unknownColumnType(where: string, designType: unknown, initial?: InitialValue): string {
  const initialSaid =
    initial?.problem !== undefined
      ? ` (its initial value could not be read: ${initial.problem})`
      : initial?.value !== undefined && initial.value !== null
        ? ` (its initial value, ${describeValue(initial.value)}, does not tell it: e.g. @Column({ type: 'json' }) for objects and arrays)`
        : '';
  if (designType === TYPE_METADATA_UNRECORDED) {
    return (
      `${where}: the column type is not known${initialSaid}: this class uses legacy decorators and no type metadata was recorded, since the reflect-metadata package is not installed. ` +
      `If it is compiled with emitDecoratorMetadata, install it (npm install reflect-metadata; Strata loads it); with a compiler that emits no metadata (esbuild: tsx, vitest 3), ` +
      `give the type, e.g. @Column({ type: 'varchar' }).`
    );
  }
  if (designType === undefined) {
    return (
      `${where}: the column type is not known${initialSaid}: this class was compiled without TypeScript type metadata (standard decorators, or a compiler such as esbuild that emits none). ` +
      `Give the type, e.g. @Column({ type: 'varchar' }) or @Column({ type: 'integer' }), ` +
      (initial?.problem === undefined ? `give the field an initial value it can be told from (count = 0, title = ''), ` : '') +
      `or compile with legacy decorators and emitDecoratorMetadata.`
    );
  }
  const named = typeof designType === 'function' ? designType.name : 'unknown';
  return `${where}: cannot tell the column type from the TypeScript type ${named}. Give it explicitly, e.g. @Column({ type: 'json' }) or @Column({ type: 'text' }).`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}
