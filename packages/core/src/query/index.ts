/*
 * What applications use of core's query layer: statement builders, expressions, references
 * and loader options. The compiler base and statement nodes dialects build on are in
 * ../dialect.ts.
 */
export { select } from './select';
export { SelectStatement } from './select-statement';
export { LoadOption, joinedLoad, selectinLoad, subqueryLoad, lazyLoad, raiseLoad, noLoad, eagerLoad } from './load-options';
export type { AnyLoadOption, EntityAt, JoinedLoadOptions, Known, LoadedBy, LoadingOption, LoadStep, NotLoadingOption, OffFor, OptionOn, OptionsIn, PathsFor, StepStrategy } from './load-options';
export type { EagerKeys, EntityOfLoaded, IsEntity, KeyOf, Loaded, LoadedMark, LoadResult, NotLoaded, PathsOfLoaded, Prefixes, RelatedEntity, RelationKeys, RelationPath, RequiredKeys } from './loaded';
export type { OptionFor } from './select-statement';
export type { Condition, ForUpdateOptions, GroupArgument, OrderArgument } from './select-statement';
export { CompoundSelect, union, unionAll } from './compound-select';
export { insert, InsertStatement } from './insert-statement';
export type { OnConflict } from './insert-statement';
export { update, UpdateStatement } from './update-statement';
export { deleteFrom, DeleteStatement } from './delete-statement';
export { Statement, QueryStatement } from './statement';
export type { RowOf } from './statement';
export { Expr, ColumnExpr } from './expression';
export type { Comparand, LikeOptions, Operand, Predicate, QueryHolder } from './expression';
export { Ordering } from './ordering';
export { and, or, not, exists } from './conditions';
export type { ConditionInput } from './conditions';
export { func } from './func';
export type { FunctionArgument, FunctionBuilder, GenericFunction, KnownFunctions } from './func';
export { ref, aliased } from './entity-ref';
export { RelationRef } from './relation-ref';
export type { OrderInput } from './condition-input';
export type {
  AnyEntityRef,
  AnySelectableRef,
  Assignable,
  Assignments,
  CollectionRef,
  InsertValues,
  DataKeys,
  EntityClass,
  EntityInput,
  EntityRef,
  EntityRow,
  PropertyRef,
  RecordRow,
  RelatedMatch,
  SelectableRef,
  Selection,
  SelectionValue,
  Shorthand,
} from './query-types';
