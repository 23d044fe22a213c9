/*
 * Completes an integrity error of an ORM statement with what the metadata knows: the
 * constraint's name where the server gave only table and columns (SQLite) or `PRIMARY`
 * (MySQL), table and columns where it gave only the name, and the entity and properties
 * mapped to them. Runs on the failure path only; the connection and the flush call it.
 */
import { ForeignKeyViolationError, UniqueViolationError, type IntegrityError } from '../errors/errors';
import { ConstraintCatalog, type KnownConstraint } from '../metadata/constraint-catalog';
import type { EntityMetadata } from '../metadata/entity-metadata';
import { ParamSlot } from '../query/query-compiler';
import type { DeleteNode, ExprNode, InsertNode, StatementNode, UpdateNode } from '../query/query-nodes';

/** The failed statement and what is known around it. */
export interface ViolationScope {
  /** The failed statement's node. */
  readonly node: StatementNode;
  /** The values of its ParamSlots, when it ran with some. */
  readonly values?: readonly unknown[];
  /**
   * Every entity of the model (a session's registry). Without it, the entities linked to the
   * statement's own by relationships, which may miss tables referencing it.
   */
  readonly entities?: readonly EntityMetadata[];
}

type WriteNode = InsertNode | UpdateNode | DeleteNode;

/** The error with the constraint, table, columns, entity and properties the metadata adds; unchanged when it adds nothing. */
export function describeViolation(error: IntegrityError, scope: ViolationScope): IntegrityError {
  const node = scope.node;
  if (node.kind !== 'insert' && node.kind !== 'update' && node.kind !== 'delete') return error;
  const catalog = ConstraintCatalog.of(scope.entities ?? linkedEntities(node.source.entity));
  const found = knownConstraint(error, node, scope, catalog);
  let table = found?.table ?? error.table;
  // Unique, NOT NULL and CHECK fail on the table written; so does a foreign key on INSERT.
  if (table === undefined && (node.kind === 'insert' || (node.kind === 'update' && !(error instanceof ForeignKeyViolationError)))) {
    table = node.source.entity.tableName;
  }
  const columns = found && found.columns.length > 0 ? found.columns : error.columns;
  const entity = table === undefined ? undefined : catalog.entity(table);
  const properties = entity && columns ? propertiesOf(entity, columns) : undefined;
  const more = { constraint: found?.name, table, columns, entity: entity?.name, properties };
  const same =
    (more.constraint ?? error.constraint) === error.constraint &&
    more.table === error.table &&
    sameList(more.columns, error.columns) &&
    (more.entity ?? error.entity) === error.entity &&
    sameList(more.properties ?? error.properties, error.properties);
  return same ? error : error.withDetails(more);
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));
}

/** The constraint the error is about, found in the catalog by name, by columns or (foreign keys) by elimination. */
function knownConstraint(error: IntegrityError, node: WriteNode, scope: ViolationScope, catalog: ConstraintCatalog): KnownConstraint | undefined {
  const target = node.source.entity;
  if (error.constraint !== undefined) {
    // MySQL calls every primary key PRIMARY; the metadata's name is the one the other servers report.
    if (error.constraint === 'PRIMARY') return catalog.primaryKey(error.table ?? target.tableName);
    return catalog.named(error.constraint, error.table);
  }
  if (error instanceof UniqueViolationError && error.table !== undefined && error.columns !== undefined) return catalog.covering(error.table, error.columns);
  if (error instanceof ForeignKeyViolationError) return onlyForeignKey(node, scope, catalog);
  return undefined;
}

/**
 * SQLite names no foreign key: the one it must be, when only one fits. On INSERT / UPDATE,
 * the keys of the table whose columns the statement set (to something other than NULL); on
 * DELETE, the keys of the whole model that reference the table and do not cascade.
 */
function onlyForeignKey(node: WriteNode, scope: ViolationScope, catalog: ConstraintCatalog): KnownConstraint | undefined {
  const table = node.source.entity.tableName;
  let candidates: KnownConstraint[];
  if (node.kind === 'delete') {
    if (scope.entities === undefined) return undefined;
    candidates = catalog.referencing(table).filter((fk) => fk.onDelete !== 'CASCADE' && fk.onDelete !== 'SET NULL');
  } else {
    const written = writtenColumns(node, scope.values);
    candidates = catalog.foreignKeysOf(table).filter((fk) => fk.columns.every((c) => written.has(c)));
  }
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The columns an INSERT or UPDATE may set to a value other than NULL. */
function writtenColumns(node: InsertNode | UpdateNode, values: readonly unknown[] | undefined): Set<string> {
  const written = new Set<string>();
  if (node.kind === 'insert') {
    node.columns.forEach((column, i) => {
      if (node.rows.some((row) => mayHoldValue(row[i], values))) written.add(column.columnName);
    });
  } else {
    for (const assignment of node.assignments) if (mayHoldValue(assignment.value, values)) written.add(assignment.column.columnName);
  }
  return written;
}

function mayHoldValue(cell: ExprNode | undefined, values: readonly unknown[] | undefined): boolean {
  // An undefined cell is the column's DEFAULT; an expression's value is not known here.
  if (cell === undefined) return false;
  if (cell.kind !== 'param') return true;
  if (!(cell.value instanceof ParamSlot)) return cell.value !== null && cell.value !== undefined;
  if (values === undefined) return true;
  const value = values[cell.value.index];
  return value !== null && value !== undefined;
}

/** The properties mapped to `columns` (a foreign key's columns: its relationship, once); undefined when one is unmapped. */
function propertiesOf(entity: EntityMetadata, columns: readonly string[]): string[] | undefined {
  const properties: string[] = [];
  for (const name of columns) {
    const column = entity.columns.find((c) => c.columnName === name);
    const property = column?.propertyName ?? column?.relationProperty;
    if (property === undefined) return undefined;
    if (!properties.includes(property)) properties.push(property);
  }
  return properties;
}

const linked = new WeakMap<EntityMetadata, readonly EntityMetadata[]>();

/** The entity and every entity reachable from it through relationships: the model an ORM statement knows of. */
function linkedEntities(entity: EntityMetadata): readonly EntityMetadata[] {
  let list = linked.get(entity);
  if (list) return list;
  const seen = new Set<EntityMetadata>([entity]);
  for (const current of seen) {
    for (const relation of current.relations) {
      seen.add(relation.target);
      if (relation.joinTable?.entity) seen.add(relation.joinTable.entity);
    }
  }
  list = Object.freeze([...seen]);
  linked.set(entity, list);
  return list;
}
