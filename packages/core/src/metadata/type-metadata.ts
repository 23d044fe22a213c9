/*
 * The `design:type` metadata legacy decorators read. TypeScript's `emitDecoratorMetadata`
 * output records it only when `Reflect.metadata` exists, which the optional reflect-metadata
 * package provides. Standard decorators never need it, so it is not a dependency: the
 * decorator factories load it when it is installed, before the metadata calls TypeScript
 * emits beside them run.
 */

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

/** One instance of each class whose field initializers were read (null: none can be made). */
const samples = new WeakMap<Function, object | null>();

/**
 * The prototype samples are made with: plain, so a constructor's assignments make own
 * properties instead of going through the accessors Strata puts on entity prototypes.
 */
function Sample(): void {}

/**
 * The type a field initializer gives a column when there is no type metadata (standard
 * decorators, esbuild): the constructor of the initial value, as the design type would be
 * (`count = 0` Number, `title = ''` String, `active = false` Boolean, `seenAt = new Date()`
 * Date). Read from one instance, made only of a class whose constructor declares no
 * parameters, on a plain prototype; undefined when none can be made or the field starts
 * without a value.
 */
export function initializerType(target: Function, property: string): unknown {
  let sample = samples.get(target);
  if (sample === undefined) {
    sample = null;
    if (target.length === 0) {
      try {
        sample = Reflect.construct(target, [], Sample) as object;
      } catch {
        // A constructor that needs more than nothing: the initializers cannot be read.
      }
    }
    samples.set(target, sample);
  }
  const value: unknown = sample === null ? undefined : Object.getOwnPropertyDescriptor(sample, property)?.value;
  return value === undefined || value === null ? undefined : (value as { constructor?: unknown }).constructor;
}

/** What to do about a column whose type neither its options nor its design type give. `where` is `Entity.property`. */
export function unknownColumnType(where: string, designType: unknown): string {
  if (designType === TYPE_METADATA_UNRECORDED) {
    return (
      `${where}: the column type is not known: this class uses legacy decorators and no type metadata was recorded, since the reflect-metadata package is not installed. ` +
      `If it is compiled with emitDecoratorMetadata, install it (npm install reflect-metadata; Strata loads it); with a compiler that emits no metadata (esbuild: tsx, vitest 3), ` +
      `give the type, e.g. @Column({ type: 'varchar' }).`
    );
  }
  if (designType === undefined) {
    return (
      `${where}: the column type is not known: this class was compiled without TypeScript type metadata (standard decorators, or a compiler such as esbuild that emits none). ` +
      `Give the type, e.g. @Column({ type: 'varchar' }) or @Column({ type: 'integer' }), give the field an initial value it can be told from (count = 0, title = ''), ` +
      `or compile with legacy decorators and emitDecoratorMetadata.`
    );
  }
  const named = typeof designType === 'function' ? designType.name : 'unknown';
  return `${where}: cannot tell the column type from the TypeScript type ${named}. Give it explicitly, e.g. @Column({ type: 'json' }) or @Column({ type: 'text' }).`;
}
