/*
 * The query layer as the rest of core uses it: node constructors and node types for the
 * ORM's loaders and unit of work. Not re-exported by the package's public index.
 */
export * from './node-constructors';
export type * from './query-nodes';
