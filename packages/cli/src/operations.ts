/*
 * The `op` a migration's up() and down() receive. Each operation turns into the dialect's
 * DDL and runs at once (or is written out, for `upgrade --sql`). Where the server cannot
 * ALTER (SQLite), the table is rebuilt with its rows kept. Every operation is one step:
 * the runner records steps, so a failure on MySQL (no transactional DDL) says what was applied.
 * Each step also tells the runner the schema change it makes (for the warnings of the
 * database being migrated) and what it made of its table (for a script's schema model).
 */
import {
  MigrationError,
  sql,
  type ColumnDefault,
  type ColumnType,
  type ColumnTypeName,
  type SchemaCheck,
  type SchemaColumn,
  type SchemaForeignKey,
  type SchemaIndex,
  type SchemaPrimaryKey,
  type SchemaTable,
  type SchemaUnique,
  type SqlFragment,
} from '@strata/core';
import {
  type AlterOptions,
  type DdlCompiler,
  type SchemaChange,
} from '@strata/core/dialect';

/** A column as a migration writes it; omitted fields take their defaults (nullable, no default). */
export interface ColumnSpec {
  readonly name: string;
  /** A type name ('text', 'integer') or a full type ({ name: 'varchar', length: 100 }). */
  readonly type: ColumnTypeName | ColumnType;
  readonly nullable?: boolean;
  /** A literal default ({ value: 0 }), an SQL expression ({ sql: 'CURRENT_TIMESTAMP' }), or the model's form. */
  readonly default?: ColumnDefault | { readonly value: string | number | boolean } | { readonly sql: string };
  readonly autoIncrement?: boolean;
  readonly comment?: string;
}

/** A table as a migration writes it. */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly primaryKey?: SchemaPrimaryKey | readonly string[];
  readonly foreignKeys?: readonly ForeignKeySpec[];
  readonly indexes?: readonly IndexSpec[];
  readonly uniques?: readonly SchemaUnique[];
  readonly checks?: readonly SchemaCheck[];
  readonly comment?: string;
}

/** A foreign key; actions default to NO ACTION. */
export type ForeignKeySpec = Omit<SchemaForeignKey, 'onDelete' | 'onUpdate'> & Partial<Pick<SchemaForeignKey, 'onDelete' | 'onUpdate'>>;

/** An index; `unique` defaults to false. */
export type IndexSpec = Omit<SchemaIndex, 'unique' | 'where'> & Partial<Pick<SchemaIndex, 'unique' | 'where'>>;

/** What alterColumn may change; `default: null` removes the default, `name` renames. */
export interface ColumnChanges {
  readonly name?: string;
  readonly type?: ColumnTypeName | ColumnType;
  readonly nullable?: boolean;
  readonly default?: ColumnSpec['default'] | null;
  readonly autoIncrement?: boolean;
  readonly comment?: string | null;
}

/** Options of alterColumn: MySQL's algorithm and lock, and the column as it is now (written by autogenerate). */
export interface AlterColumnOptions extends AlterOptions {
  readonly existing?: ColumnSpec;
}

/** What the operations need from the runner. */
export interface OperationContext {
  readonly ddl: DdlCompiler;
  /** Runs (or, for --sql, writes out) one statement. */
  run(sql: string): Promise<void>;
  /** Runs a statement whose values are bound (execute, bulkInsert). */
  runWithValues(statement: SqlFragment | string): Promise<void>;
  /** The table as the database has it now; undefined when it does not exist or cannot be read (offline). */
  table(name: string): Promise<SchemaTable | undefined>;
  /** Ends the revision's transaction for statements that cannot run in one (CREATE INDEX CONCURRENTLY), and begins it again after. */
  outsideTransaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Called before each operation with its description. */
  step(description: string): Promise<void>;
  /** Told the schema change the current step is about to make (none for renames and raw SQL), to warn of what it costs on this database. */
  announce?(change: SchemaChange): void;
  /**
   * Told what the current step made of the schema's tables, for a script that must know
   * the schema it has built so far (upgrade --sql reads tables from that model, not from
   * the database, which the script has not changed). Running against the database, where
   * the database itself is the record, it does nothing.
   */
  reshape?(effect: (tables: Map<string, SchemaTable>) => void): void;
}

/** The schema effect of an operation that changes one table, applied where the table is known. */
type TableChange = (table: SchemaTable) => SchemaTable;

/**
 * The operations a migration file uses.
 * @example
 * export async function up(op: Operations) {
 *   await op.addColumn('users', { name: 'bio', type: 'text', nullable: true });
 *   await op.createIndex('users', { name: 'ix_users_bio', columns: ['bio'] });
 * }
 */
export class Operations {
  readonly #ctx: OperationContext;

  constructor(context: OperationContext) {
    this.#ctx = context;
  }

  /** The dialect's DDL compiler, for statements an operation does not cover. */
  get ddl(): DdlCompiler {
    return this.#ctx.ddl;
  }

  /** CREATE TABLE with its constraints and indexes. */
  async createTable(spec: TableSpec): Promise<void> {
    const table = tableOf(spec);
    await this.#ctx.step(`create table ${table.name}`);
    this.#ctx.announce?.({ kind: 'createTable', table });
    const { inlineForeignKeys } = this.#ctx.ddl.features;
    for (const sql of this.#ctx.ddl.createTable(table, { foreignKeys: inlineForeignKeys })) await this.#ctx.run(sql);
    for (const index of table.indexes) await this.#ctx.run(this.#ctx.ddl.createIndex(table, index));
    if (!inlineForeignKeys) for (const fk of table.foreignKeys) await this.#ctx.run(this.#ctx.ddl.addForeignKey(table, fk));
    this.#ctx.reshape?.((tables) => void tables.set(table.name, table));
  }

  /** DROP TABLE (its rows are lost); `cascade` also drops dependent objects where the dialect can. */
  async dropTable(name: string, options: { cascade?: boolean } = {}): Promise<void> {
    await this.#ctx.step(`drop table ${name}`);
    this.#ctx.announce?.({ kind: 'dropTable', table: stubTable(name) });
    await this.#ctx.run(this.#ctx.ddl.dropTableForMigration(name, options));
    this.#ctx.reshape?.((tables) => {
      tables.delete(name);
      // CASCADE takes the foreign keys that reference the table with it.
      if (options.cascade) for (const [key, t] of tables) tables.set(key, { ...t, foreignKeys: t.foreignKeys.filter((fk) => fk.referencedTable !== name) });
    });
  }

  /** Renames a table. */
  async renameTable(from: string, to: string): Promise<void> {
    await this.#ctx.step(`rename table ${from} to ${to}`);
    await this.#ctx.run(this.#ctx.ddl.renameTable(from, to));
    this.#ctx.reshape?.((tables) => {
      const table = tables.get(from);
      tables.delete(from);
      if (table) tables.set(to, { ...table, name: to });
      // Foreign keys follow the table they reference.
      for (const [key, t] of tables) {
        if (t.foreignKeys.some((fk) => fk.referencedTable === from)) {
          tables.set(key, { ...t, foreignKeys: t.foreignKeys.map((fk) => (fk.referencedTable === from ? { ...fk, referencedTable: to } : fk)) });
        }
      }
    });
  }

  /** Adds a column. On SQLite a column ALTER TABLE cannot add (NOT NULL without a default) rebuilds the table. */
  async addColumn(table: string, spec: ColumnSpec, options: AlterOptions = {}): Promise<void> {
    const column = columnOf(spec);
    await this.#ctx.step(`add column ${table}.${column.name}`);
    this.#ctx.announce?.({ kind: 'addColumn', table, column });
    const change: TableChange = (t) => ({ ...t, columns: [...t.columns, column] });
    if (this.#canAlter() || (column.nullable || (column.default !== undefined && column.default.kind === 'literal'))) {
      const current = (await this.#ctx.table(table)) ?? stubTable(table);
      for (const sql of this.#ctx.ddl.addColumn(current, column, options)) await this.#ctx.run(sql);
    } else await this.#rebuild(table, change);
    this.#reshape(table, change);
  }

  /** Drops a column (its values are lost). */
  async dropColumn(table: string, name: string, options: AlterOptions = {}): Promise<void> {
    await this.#ctx.step(`drop column ${table}.${name}`);
    this.#ctx.announce?.({ kind: 'dropColumn', table, column: stubColumn(name) });
    const change: TableChange = (t) => ({
      ...t,
      columns: t.columns.filter((c) => c.name !== name),
      indexes: t.indexes.filter((i) => !i.columns.includes(name)),
      uniques: t.uniques.filter((u) => !u.columns.includes(name)),
    });
    if (this.#canAlter()) await this.#ctx.run(this.#ctx.ddl.dropColumn(table, name, options));
    else await this.#rebuild(table, change);
    this.#reshape(table, change);
  }

  /** Changes a column's type, nullability, default or comment, and renames it with `name`. */
  async alterColumn(table: string, column: string, changes: ColumnChanges, options: AlterColumnOptions = {}): Promise<void> {
    await this.#ctx.step(`alter column ${table}.${column}`);
    const current = await this.#ctx.table(table);
    const existing = options.existing ? columnOf(options.existing) : current?.columns.find((c) => c.name === column);
    if (!existing) {
      throw new MigrationError(`alterColumn: ${table}.${column} does not exist${current ? '' : ` (table ${table} not found)`}; pass { existing } to describe it when running offline.`);
    }
    const renamed = changes.name !== undefined && changes.name !== column ? changes.name : undefined;
    const next: SchemaColumn = {
      ...existing,
      name: renamed ?? column,
      type: changes.type === undefined ? existing.type : typeOf(changes.type),
      nullable: changes.nullable ?? existing.nullable,
      default: changes.default === undefined ? existing.default : changes.default === null ? undefined : defaultOf(changes.default),
      autoIncrement: changes.autoIncrement ?? existing.autoIncrement,
      comment: changes.comment === undefined ? existing.comment : (changes.comment ?? undefined),
    };
    this.#ctx.announce?.({ kind: 'alterColumn', table, from: existing, to: next });
    const change: TableChange = (t) => ({
      ...t,
      columns: t.columns.map((c) => (c.name === column ? next : c)),
      indexes: t.indexes.map((i) => ({ ...i, columns: i.columns.map((n) => (n === column ? next.name : n)) })),
      uniques: t.uniques.map((u) => ({ ...u, columns: u.columns.map((n) => (n === column ? next.name : n)) })),
      foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, columns: fk.columns.map((n) => (n === column ? next.name : n)) })),
    });
    if (!this.#canAlter()) await this.#rebuild(table, change, new Map([[next.name, column]]));
    else {
      if (renamed) await this.#ctx.run(this.#ctx.ddl.renameColumn(table, column, renamed));
      const shape = current ?? stubTable(table);
      for (const sql of this.#ctx.ddl.alterColumn(shape, { ...existing, name: next.name }, next, options)) await this.#ctx.run(sql);
    }
    this.#reshape(table, change);
  }

  /** Replaces the primary key (undefined: none). */
  async alterPrimaryKey(table: string, primaryKey: SchemaPrimaryKey | readonly string[] | undefined, options: { existing?: SchemaPrimaryKey } = {}): Promise<void> {
    await this.#ctx.step(`alter primary key of ${table}`);
    const to = primaryKey === undefined ? undefined : primaryKeyOf(primaryKey, table);
    this.#ctx.announce?.({ kind: 'alterPrimaryKey', table, from: options.existing, to });
    const change: TableChange = (t) => ({ ...t, primaryKey: to });
    if (!this.#canAlter()) await this.#rebuild(table, change);
    else {
      const current = (await this.#ctx.table(table)) ?? stubTable(table);
      const from = options.existing ?? current.primaryKey;
      for (const sql of this.#ctx.ddl.alterPrimaryKey(current, from, to)) await this.#ctx.run(sql);
    }
    this.#reshape(table, change);
  }

  /**
   * CREATE INDEX. `concurrently` builds it without blocking writes where the server can
   * (PostgreSQL: CONCURRENTLY, outside the revision's transaction; MySQL: ALGORITHM=INPLACE, LOCK=NONE).
   */
  async createIndex(table: string, spec: IndexSpec, options: { concurrently?: boolean } = {}): Promise<void> {
    const index = indexOf(spec);
    await this.#ctx.step(`create index ${index.name} on ${table}`);
    this.#ctx.announce?.({ kind: 'createIndex', table, index });
    const shape = (await this.#ctx.table(table)) ?? stubTable(table);
    const concurrent = options.concurrently ? this.#ctx.ddl.createIndexConcurrently(shape, index) : undefined;
    if (concurrent) await this.#ctx.outsideTransaction(() => this.#ctx.run(concurrent));
    else await this.#ctx.run(this.#ctx.ddl.createIndex(shape, index));
    this.#reshape(table, (t) => ({ ...t, indexes: [...t.indexes.filter((i) => i.name !== index.name), index] }));
  }

  /** DROP INDEX. */
  async dropIndex(table: string, name: string): Promise<void> {
    await this.#ctx.step(`drop index ${name} on ${table}`);
    this.#ctx.announce?.({ kind: 'dropIndex', table, index: { name, columns: [], unique: false, where: undefined } });
    await this.#ctx.run(this.#ctx.ddl.dropIndex(table, name));
    this.#reshape(table, (t) => ({ ...t, indexes: t.indexes.filter((i) => i.name !== name) }));
  }

  /** Adds a foreign key. */
  async addForeignKey(table: string, spec: ForeignKeySpec): Promise<void> {
    const fk = foreignKeyOf(spec);
    await this.#ctx.step(`add foreign key ${fk.name} on ${table}`);
    this.#ctx.announce?.({ kind: 'addForeignKey', table, foreignKey: fk });
    const change: TableChange = (t) => ({ ...t, foreignKeys: [...t.foreignKeys.filter((f) => f.name !== fk.name), fk] });
    if (!this.#canAlter()) await this.#rebuild(table, change);
    else await this.#ctx.run(this.#ctx.ddl.addForeignKey(stubTable(table), fk));
    this.#reshape(table, change);
  }

  /** Drops a foreign key. */
  async dropForeignKey(table: string, name: string): Promise<void> {
    await this.#ctx.step(`drop foreign key ${name} on ${table}`);
    this.#ctx.announce?.({ kind: 'dropForeignKey', table, foreignKey: { name, columns: [], referencedTable: '', referencedColumns: [], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' } });
    const change: TableChange = (t) => ({ ...t, foreignKeys: t.foreignKeys.filter((f) => f.name !== name) });
    if (!this.#canAlter()) await this.#rebuild(table, change);
    else await this.#ctx.run(this.#ctx.ddl.dropForeignKey(table, name));
    this.#reshape(table, change);
  }

  /** Adds a UNIQUE constraint. */
  async addUnique(table: string, unique: SchemaUnique, options: AlterOptions = {}): Promise<void> {
    await this.#ctx.step(`add unique ${unique.name} on ${table}`);
    this.#ctx.announce?.({ kind: 'addUnique', table, unique });
    const change: TableChange = (t) => ({ ...t, uniques: [...t.uniques.filter((u) => u.name !== unique.name), unique] });
    if (!this.#canAlter()) await this.#rebuild(table, change);
    else await this.#ctx.run(this.#ctx.ddl.addUnique(table, unique, options));
    this.#reshape(table, change);
  }

  /** Drops a UNIQUE constraint. */
  async dropUnique(table: string, name: string): Promise<void> {
    await this.#ctx.step(`drop unique ${name} on ${table}`);
    this.#ctx.announce?.({ kind: 'dropUnique', table, unique: { name, columns: [] } });
    const change: TableChange = (t) => ({ ...t, uniques: t.uniques.filter((u) => u.name !== name) });
    if (!this.#canAlter()) await this.#rebuild(table, change);
    else await this.#ctx.run(this.#ctx.ddl.dropUnique(table, name));
    this.#reshape(table, change);
  }

  /** Adds a CHECK constraint. */
  async addCheck(table: string, check: SchemaCheck): Promise<void> {
    await this.#ctx.step(`add check ${check.name} on ${table}`);
    this.#ctx.announce?.({ kind: 'addCheck', table, check });
    const change: TableChange = (t) => ({ ...t, checks: [...t.checks.filter((c) => c.name !== check.name), check] });
    if (!this.#canAlter()) await this.#rebuild(table, change);
    else await this.#ctx.run(this.#ctx.ddl.addCheck(table, check));
    this.#reshape(table, change);
  }

  /** Drops a CHECK constraint. */
  async dropCheck(table: string, name: string): Promise<void> {
    await this.#ctx.step(`drop check ${name} on ${table}`);
    this.#ctx.announce?.({ kind: 'dropCheck', table, check: { name, expression: '' } });
    const change: TableChange = (t) => ({ ...t, checks: t.checks.filter((c) => c.name !== name) });
    if (!this.#canAlter()) await this.#rebuild(table, change);
    else await this.#ctx.run(this.#ctx.ddl.dropCheck(table, name));
    this.#reshape(table, change);
  }

  /**
   * Creates a database enum type where the dialect has named enum types (PostgreSQL);
   * elsewhere the values live in the column type (MySQL's ENUM, SQLite's CHECK) and this
   * does nothing, so one migration file serves every dialect. Call it before the tables
   * that use the type.
   * @example
   * await op.createEnum('orders_status_enum', ['new', 'paid']);
   */
  async createEnum(name: string, values: readonly string[]): Promise<void> {
    await this.#ctx.step(`create enum ${name}`);
    this.#ctx.announce?.({ kind: 'createEnum', enum: { name, values } });
    if (this.#ctx.ddl.features.nativeEnums) await this.#ctx.run(this.#ctx.ddl.createEnum({ name, values }));
  }

  /** Drops a database enum type (PostgreSQL), after the tables that use it; does nothing where enums live in the column. */
  async dropEnum(name: string): Promise<void> {
    await this.#ctx.step(`drop enum ${name}`);
    this.#ctx.announce?.({ kind: 'dropEnum', enum: { name, values: [] } });
    if (this.#ctx.ddl.features.nativeEnums) await this.#ctx.run(this.#ctx.ddl.dropEnum(name, false));
  }

  /** Adds values to a database enum type (PostgreSQL). */
  async addEnumValues(name: string, values: readonly string[]): Promise<void> {
    await this.#ctx.step(`add values to enum ${name}`);
    this.#ctx.announce?.({ kind: 'addEnumValues', name, values, before: { name, values: [] } });
    if (this.#ctx.ddl.features.nativeEnums) for (const sql of this.#ctx.ddl.addEnumValues(name, values)) await this.#ctx.run(sql);
  }

  /** Runs SQL: text, or an `sql` template whose values are bound. */
  async execute(statement: string | SqlFragment): Promise<void> {
    await this.#ctx.step(`execute ${typeof statement === 'string' ? statement.slice(0, 60) : 'statement'}`);
    await this.#ctx.runWithValues(statement);
  }

  /** Inserts rows (objects keyed by column name) into a table, values bound. */
  async bulkInsert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    await this.#ctx.step(`insert ${rows.length} row(s) into ${table}`);
    if (rows.length === 0) return;
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const names = sql.join(columns.map((c) => sql.id(c)));
    for (let at = 0; at < rows.length; at += 500) {
      const chunk = rows.slice(at, at + 500);
      const values = sql.join(chunk.map((row) => sql`(${sql.join(columns.map((c) => row[c] ?? null))})`));
      await this.#ctx.runWithValues(sql`INSERT INTO ${sql.id(table)} (${names}) VALUES ${values}`);
    }
  }

  #canAlter(): boolean {
    return this.#ctx.ddl.features.alterTable;
  }

  /** Tells the runner what an operation made of `table` (where the table is known). */
  #reshape(table: string, change: TableChange): void {
    this.#ctx.reshape?.((tables) => {
      const current = tables.get(table);
      if (current) tables.set(table, change(current));
    });
  }

  /** Rebuilds a table whose new shape `change` gives (SQLite), keeping rows; `renamed` maps new column names to old ones. */
  async #rebuild(table: string, change: TableChange, renamed: ReadonlyMap<string, string> = new Map()): Promise<void> {
    const current = await this.#ctx.table(table);
    if (!current) throw new MigrationError(`Table ${table} does not exist, so it cannot be altered: create it first (or check the table name).`);
    const target = change(current);
    const old = new Set(current.columns.map((c) => c.name));
    const sources = new Map<string, string>();
    for (const column of target.columns) {
      const source = renamed.get(column.name) ?? column.name;
      if (old.has(source)) sources.set(column.name, source);
    }
    for (const sql of this.#ctx.ddl.rebuildTable(current, target, sources)) await this.#ctx.run(sql);
  }
}

/** The schema model of a table spec. */
export function tableOf(spec: TableSpec): SchemaTable {
  return {
    name: spec.name,
    comment: spec.comment,
    columns: spec.columns.map(columnOf),
    primaryKey: spec.primaryKey === undefined ? undefined : primaryKeyOf(spec.primaryKey, spec.name),
    foreignKeys: (spec.foreignKeys ?? []).map(foreignKeyOf),
    indexes: (spec.indexes ?? []).map(indexOf),
    uniques: spec.uniques ?? [],
    checks: spec.checks ?? [],
  };
}

/** The schema model of a column spec. */
export function columnOf(spec: ColumnSpec): SchemaColumn {
  return {
    name: spec.name,
    type: typeOf(spec.type),
    nullable: spec.nullable ?? true,
    default: spec.default === undefined ? undefined : defaultOf(spec.default),
    autoIncrement: spec.autoIncrement ?? false,
    comment: spec.comment,
  };
}

function typeOf(type: ColumnTypeName | ColumnType): ColumnType {
  return typeof type === 'string' ? { name: type } : type;
}

function defaultOf(value: NonNullable<ColumnSpec['default']>): ColumnDefault {
  if ('kind' in value) return value;
  if ('sql' in value) return { kind: 'expression', sql: value.sql };
  return { kind: 'literal', value: value.value };
}

function primaryKeyOf(spec: SchemaPrimaryKey | readonly string[], table: string): SchemaPrimaryKey {
  return Array.isArray(spec) ? { name: `pk_${table}`, columns: spec as readonly string[] } : (spec as SchemaPrimaryKey);
}

function foreignKeyOf(spec: ForeignKeySpec): SchemaForeignKey {
  return { ...spec, onDelete: spec.onDelete ?? 'NO ACTION', onUpdate: spec.onUpdate ?? 'NO ACTION' };
}

function indexOf(spec: IndexSpec): SchemaIndex {
  return { name: spec.name, columns: spec.columns, unique: spec.unique ?? false, where: spec.where };
}

function stubTable(name: string): SchemaTable {
  return { name, comment: undefined, columns: [], primaryKey: undefined, foreignKeys: [], indexes: [], uniques: [], checks: [] };
}

/** A column known only by name (a drop names no more); what costs notes read of it is the name. */
function stubColumn(name: string): SchemaColumn {
  return { name, type: { name: 'text' }, nullable: true, default: undefined, autoIncrement: false, comment: undefined };
}
