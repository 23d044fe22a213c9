/*
 * The frozen data the statement builders produce and the query compiler reads: expression
 * nodes, FROM sources and statement nodes. Plain discriminated unions with no behaviour and
 * no SQL text, so a dialect compiler is one switch away from any of them.
 */
import type { ColumnMetadata, EntityMetadata } from '../metadata/entity-metadata';
import type { SqlFragment } from '../sql/sql-fragment';

/** Binary operators between two expressions; the compiler owns their spelling. */
export type BinaryOperator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'add' | 'sub' | 'mul' | 'div';

/** Turns a driver value of a computed expression (count, sum, a comparison) into a JavaScript value. */
export type ResultDecoder = (driverValue: unknown) => unknown;

/** An expression. `column` on a node names the mapped column whose codec converts values compared with it. */
export type ExprNode =
  | { readonly kind: 'column'; readonly source: SourceNode; readonly name: string; readonly column?: ColumnMetadata; readonly decode?: ResultDecoder }
  | { readonly kind: 'param'; readonly value: unknown; readonly column?: ColumnMetadata }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly kind: 'logical'; readonly op: 'and' | 'or'; readonly items: readonly ExprNode[] }
  | { readonly kind: 'not'; readonly item: ExprNode }
  | { readonly kind: 'null-check'; readonly item: ExprNode; readonly negated: boolean }
  | { readonly kind: 'like'; readonly item: ExprNode; readonly pattern: ExprNode; readonly caseInsensitive: boolean; readonly negated: boolean; readonly escape?: string }
  | { readonly kind: 'in'; readonly item: ExprNode; readonly list: readonly ExprNode[] | QueryNode; readonly negated: boolean }
  | { readonly kind: 'between'; readonly item: ExprNode; readonly low: ExprNode; readonly high: ExprNode; readonly negated: boolean }
  | {
      readonly kind: 'func';
      readonly name: string;
      readonly args: readonly ExprNode[];
      readonly star: boolean;
      readonly distinct: boolean;
      readonly column?: ColumnMetadata;
      readonly decode?: ResultDecoder;
    }
  | { readonly kind: 'exists'; readonly query: QueryNode }
  | { readonly kind: 'scalar'; readonly query: QueryNode }
  | { readonly kind: 'fragment'; readonly fragment: SqlFragment }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | CaseNode;

/** One `WHEN when THEN then` arm of a CASE. */
export interface CaseArm {
  readonly when: ExprNode;
  readonly then: ExprNode;
}

/**
 * `CASE [subject] WHEN ... THEN ... [ELSE ...] END`. With a subject each arm's `when` is a
 * value compared with it; without one, a condition. `column` names the mapped column whose
 * type the result has: its codec decodes the selected value, and the compiler types an
 * untyped parameter in the first arm with it (a server may otherwise read it as text).
 */
export interface CaseNode {
  readonly kind: 'case';
  readonly subject: ExprNode | undefined;
  readonly arms: readonly CaseArm[];
  readonly otherwise: ExprNode | undefined;
  readonly column?: ColumnMetadata;
}

/** A bound value: the node every IN list of values is made of. */
export type ParamNode = Extract<ExprNode, { kind: 'param' }>;

/** A mapped entity's table, optionally aliased. */
export interface EntitySource {
  readonly kind: 'entity';
  readonly entity: EntityMetadata;
  readonly alias: string | undefined;
}

/** A table with no entity of its own (a many-to-many association table). */
export interface TableSource {
  readonly kind: 'table';
  readonly table: string;
  readonly alias: string | undefined;
}

/** A query in FROM: `(SELECT ...) AS name`. */
export interface SubquerySource {
  readonly kind: 'subquery';
  readonly query: QueryNode;
  readonly alias: string;
}

/** A common table expression: defined in WITH, referenced by name. */
export interface CteSource {
  readonly kind: 'cte';
  readonly query: QueryNode;
  readonly name: string;
}

/** The row an upsert proposed (PostgreSQL / SQLite `EXCLUDED`, MySQL `VALUES()`). */
export interface ExcludedSource {
  readonly kind: 'excluded';
  readonly entity: EntityMetadata;
}

/** The output columns of a compound query, referenced by label in its ORDER BY. */
export interface ResultSource {
  readonly kind: 'result';
}

/** Anything a column can belong to. */
export type SourceNode = EntitySource | TableSource | SubquerySource | CteSource | ExcludedSource | ResultSource;

/** Sources that can stand in FROM or JOIN. */
export type FromSource = EntitySource | TableSource | SubquerySource | CteSource;

/** One JOIN. */
export interface JoinNode {
  readonly type: 'inner' | 'left';
  readonly source: FromSource;
  readonly on: ExprNode;
}

/** One ORDER BY item. */
export interface OrderNode {
  readonly expr: ExprNode;
  readonly direction: 'asc' | 'desc';
  readonly nulls: 'first' | 'last' | undefined;
}

/** FOR UPDATE and its options. */
export interface LockNode {
  readonly skipLocked: boolean;
  readonly nowait: boolean;
  readonly of: readonly FromSource[];
}

/** One selected item: an expression under a key, or every column of an entity. */
export type SelectItem =
  | { readonly kind: 'expr'; readonly key: string; readonly expr: ExprNode }
  | { readonly kind: 'entity'; readonly key: string; readonly source: EntitySource };

/**
 * How result rows are built: one entity's property bag (`entity`), an array with one value
 * per item (`tuple`), or an object keyed by the items' keys (`record`).
 */
export type RowShape = 'entity' | 'tuple' | 'record';

/** A selection: its items and the shape of the rows it yields. */
export interface SelectionNode {
  readonly shape: RowShape;
  readonly items: readonly SelectItem[];
}

/** SELECT. `from` lists the explicit sources; the compiler adds those the expressions use. */
export interface SelectNode extends SelectionNode {
  readonly kind: 'select';
  readonly ctes: readonly CteSource[];
  readonly distinct: boolean;
  readonly from: readonly FromSource[];
  readonly joins: readonly JoinNode[];
  readonly where: ExprNode | undefined;
  readonly groupBy: readonly ExprNode[];
  readonly having: ExprNode | undefined;
  readonly orderBy: readonly OrderNode[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  readonly lock: LockNode | undefined;
}

/** UNION / UNION ALL of queries, with its own ORDER BY and LIMIT. */
export interface CompoundNode {
  readonly kind: 'compound';
  readonly op: 'union' | 'union all';
  readonly members: readonly QueryNode[];
  readonly orderBy: readonly OrderNode[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
}

/** A statement that yields rows and can be nested. */
export type QueryNode = SelectNode | CompoundNode;

/** ON CONFLICT / ON DUPLICATE KEY. `set` undefined means DO NOTHING. */
export interface ConflictNode {
  readonly target: readonly ColumnMetadata[];
  readonly set: readonly Assignment[] | undefined;
}

/** `column = value` in SET. */
export interface Assignment {
  readonly column: ColumnMetadata;
  readonly value: ExprNode;
}

/** INSERT ... VALUES. A row cell `undefined` means the column's DEFAULT. */
export interface InsertNode {
  readonly kind: 'insert';
  readonly source: EntitySource;
  readonly columns: readonly ColumnMetadata[];
  readonly rows: readonly (readonly (ExprNode | undefined)[])[];
  readonly conflict: ConflictNode | undefined;
  readonly returning: SelectionNode | undefined;
}

/**
 * A VALUES list joined to an UPDATE (`UPDATE t SET ... FROM (VALUES ...) AS alias (names)`):
 * one row per target row, its cells typed like `columns`. Columns of it are read through a
 * `table` source named `alias`.
 */
export interface ValuesSource {
  readonly kind: 'values';
  readonly alias: string;
  readonly names: readonly string[];
  readonly columns: readonly ColumnMetadata[];
  readonly rows: readonly (readonly ExprNode[])[];
}

/** UPDATE ... SET, optionally joined to a VALUES list (where `capabilities.updateFromValues`). */
export interface UpdateNode {
  readonly kind: 'update';
  /** Set by `.all()`: the statement updates every row on purpose (a missing WHERE is otherwise refused). */
  readonly everyRow?: boolean;
  readonly source: EntitySource;
  readonly assignments: readonly Assignment[];
  readonly from?: ValuesSource;
  readonly where: ExprNode | undefined;
  readonly returning: SelectionNode | undefined;
}

/** DELETE FROM. */
export interface DeleteNode {
  readonly kind: 'delete';
  /** Set by `.all()`: the statement deletes every row on purpose (a missing WHERE is otherwise refused). */
  readonly everyRow?: boolean;
  readonly source: EntitySource;
  readonly where: ExprNode | undefined;
  readonly returning: SelectionNode | undefined;
}

/** Any statement node. */
export type StatementNode = QueryNode | InsertNode | UpdateNode | DeleteNode;

/** The name a source goes by inside a query: its alias, or its table or CTE name. */
export function sourceName(source: FromSource | ExcludedSource): string {
  switch (source.kind) {
    case 'entity':
      return source.alias ?? source.entity.tableName;
    case 'table':
      return source.alias ?? source.table;
    case 'subquery':
      return source.alias;
    case 'cte':
      return source.name;
    case 'excluded':
      return source.entity.tableName;
  }
}

/** Freezes a node (shallowly; nodes are built from frozen parts). */
export function node<T extends object>(value: T): T {
  return Object.freeze(value);
}
