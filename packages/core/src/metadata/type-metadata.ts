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

/** The `design:type` TypeScript emitted for `prototype[name]`, if it emitted any and it could be recorded. */
export function designTypeOf(prototype: object, name: string): unknown {
  const read = (Reflect as { getMetadata?: (key: string, target: object, property: string) => unknown }).getMetadata;
  return read?.('design:type', prototype, name);
}

/** Whether `Reflect.getMetadata` exists, i.e. whether legacy decorators could have recorded types at all. */
export function typeMetadataAvailable(): boolean {
  return typeof (Reflect as { getMetadata?: unknown }).getMetadata === 'function';
}
