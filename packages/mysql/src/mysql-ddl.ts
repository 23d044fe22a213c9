/*
 * MySQL's and MariaDB's DDL hooks: AUTO_INCREMENT, inline ENUM(...), JSON (MariaDB makes
 * it LONGTEXT with a JSON_VALID check), DATETIME(6) for both timestamp types (the session
 * is UTC), tinyint(1) booleans, InnoDB utf8mb4 tables, COMMENT clauses, backslash-aware
 * literals, and foreign-key checks off while dropping a whole schema. Enum values with
 * trailing spaces are refused: MySQL would strip them. Migrations change a column with one
 * MODIFY COLUMN of its whole definition and take ALGORITHM / LOCK options.
 */
import {
  NotSupportedError,
  type LiteralValue,
  type ColumnType,
  type ReferentialAction,
  type SchemaColumn,
  type SchemaIndex,
  type SchemaPrimaryKey,
  type SchemaTable,
} from '@strata/core';
import {
  checkLiteral,
  DdlCompiler,
  type AlterOptions,
  type DdlFeatures,
  type SqlToken,
  type TokenizeOptions,
} from '@strata/core/dialect';
import { MysqlCompiler } from './mysql-compiler';

const FEATURES: DdlFeatures = Object.freeze({
  nativeEnums: false,
  inlineForeignKeys: false,
  comments: true,
  namedPrimaryKeys: false,
  partialIndexes: false,
  uniqueIndexesAreConstraints: true,
  alterTable: true,
  transactionalDdl: false,
});

const TYPES: Record<string, string> = {
  integer: 'int',
  smallint: 'smallint',
  bigint: 'bigint',
  float: 'float',
  double: 'double',
  boolean: 'tinyint(1)',
  text: 'longtext',
  json: 'json',
  uuid: 'char(36)',
  bytes: 'longblob',
  date: 'date',
  timestamptz: 'datetime(6)',
  timestamp: 'datetime(6)',
};

/** Types whose literal defaults MySQL 8 accepts only as a parenthesised expression. */
const BLOB_LIKE = new Set(['text', 'json', 'bytes']);
/** The widest exact decimal MySQL has: what an unparameterised numeric becomes (MysqlTypes checks writes against it). */
export const WIDEST_DECIMAL = Object.freeze({ precision: 65, scale: 30 });
const NOW_EXPRESSIONS = new Set(['current_timestamp', 'now()', 'localtimestamp', 'current_timestamp()']);

/** An ENUM value MySQL keeps as written: it strips trailing spaces, so 'a ' would read back as 'a' and could not be saved again. */
function checkEnumValue(value: string, column: SchemaColumn, table: SchemaTable): string {
  if (!value.endsWith(' ')) return value;
  throw new NotSupportedError(
    `Table '${table.name}', column '${column.name}': the enum value ${JSON.stringify(value)} ends with a space, which MySQL and MariaDB strip from ENUM values, ` +
      `so it would read back as ${JSON.stringify(value.trimEnd())} and could not be written again. Remove the trailing spaces from the value, or use a varchar column.`,
  );
}

/**
 * Writes MySQL and MariaDB DDL (one spelling serves both).
 * @example
 * new MetaData([User]).toSQL(new MysqlDdl());
 */
export class MysqlDdl extends DdlCompiler {
  readonly features = FEATURES;

  constructor(compiler = new MysqlCompiler()) {
    super(compiler);
  }

  override get tokenizeOptions(): TokenizeOptions {
    // Without ANSI_QUOTES, "x" is a string: expressions read back are written with backticks.
    return { backslashEscapes: true, identifierQuote: '`' };
  }

  columnType(column: SchemaColumn, table: SchemaTable): string {
    const { type } = column;
    switch (type.name) {
      case 'varchar':
        return `varchar(${type.length ?? 255})`;
      case 'numeric':
        return `decimal(${type.precision ?? WIDEST_DECIMAL.precision},${type.precision === undefined ? WIDEST_DECIMAL.scale : (type.scale ?? 0)})`;
      case 'enum':
        return `enum(${(type.enumValues ?? []).map((v) => this.stringLiteral(checkEnumValue(v, column, table))).join(',')})`;
      default:
        return TYPES[type.name]!;
    }
  }

  /** Quotes doubled and backslashes escaped: MySQL reads backslash escapes unless NO_BACKSLASH_ESCAPES is set. */
  override stringLiteral(text: string): string {
    return `'${checkLiteral(text).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }

  override booleanLiteral(value: boolean): string {
    return value ? '1' : '0';
  }

  override literal(value: LiteralValue, type: ColumnType): string {
    const text = super.literal(value, type);
    return BLOB_LIKE.has(type.name) ? `(${text})` : text;
  }

  /** Expressions go in parentheses; CURRENT_TIMESTAMP on DATETIME(6) needs the matching precision. */
  override expressionDefault(sqlText: string, column: SchemaColumn): string {
    const canonical = this.normalizeExpression(sqlText);
    if (NOW_EXPRESSIONS.has(canonical) && TYPES[column.type.name] === 'datetime(6)') return 'CURRENT_TIMESTAMP(6)';
    return `(${sqlText})`;
  }

  override autoIncrementClause(column: SchemaColumn): string {
    return column.autoIncrement ? ' AUTO_INCREMENT' : '';
  }

  override columnComment(column: SchemaColumn): string {
    return column.comment ? ` COMMENT ${this.stringLiteral(column.comment)}` : '';
  }

  /** MySQL names every primary key PRIMARY, so the name is left out. */
  override primaryKeyClause(table: SchemaTable): string | undefined {
    return table.primaryKey ? `PRIMARY KEY (${this.quoteList(table.primaryKey.columns)})` : undefined;
  }

  override tableOptions(table: SchemaTable): string {
    return ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4${table.comment ? ` COMMENT=${this.stringLiteral(table.comment)}` : ''}`;
  }

  /** `, ALGORITHM=..., LOCK=...`: the server refuses the ALTER rather than fall back to a slower or more locking way. */
  override alterOptions(options: AlterOptions): string {
    const parts: string[] = [];
    if (options.algorithm) parts.push(`, ALGORITHM=${options.algorithm}`);
    if (options.lock) parts.push(`, LOCK=${options.lock}`);
    return parts.join('');
  }

  /**
   * One MODIFY COLUMN with the column's whole new definition: MySQL has no statement for
   * one attribute, and whatever the definition leaves out (a default, a comment,
   * AUTO_INCREMENT, NOT NULL) is dropped.
   */
  override alterColumn(table: SchemaTable, from: SchemaColumn, to: SchemaColumn, options: AlterOptions = {}): string[] {
    const definition = this.columnDefinition(to, table);
    if (definition === this.columnDefinition(from, table)) return [];
    return [`ALTER TABLE ${this.quote(table.name)} MODIFY COLUMN ${definition}${this.alterOptions(options)}`];
  }

  override dropIndex(table: string, name: string): string {
    return `DROP INDEX ${this.quote(name)} ON ${this.quote(table)}`;
  }

  /**
   * Drops the constraint only. An index InnoDB made for the key (when no index covered its
   * columns) stays behind as an ordinary index; models built from metadata give every
   * foreign key its own index, so there is none.
   */
  override dropForeignKey(table: string, name: string): string {
    return `ALTER TABLE ${this.quote(table)} DROP FOREIGN KEY ${this.quote(name)}`;
  }

  /** A unique constraint is a unique index in MySQL. */
  override dropUnique(table: string, name: string): string {
    return `ALTER TABLE ${this.quote(table)} DROP INDEX ${this.quote(name)}`;
  }

  /** Both changes in one ALTER, so the table is never without a key in between. */
  override alterPrimaryKey(table: SchemaTable, from: SchemaPrimaryKey | undefined, to: SchemaPrimaryKey | undefined): string[] {
    const changes: string[] = [];
    if (from) changes.push('DROP PRIMARY KEY');
    if (to) changes.push(`ADD PRIMARY KEY (${this.quoteList(to.columns)})`);
    return changes.length === 0 ? [] : [`ALTER TABLE ${this.quote(table.name)} ${changes.join(', ')}`];
  }

  /** InnoDB builds a secondary index in place; LOCK=NONE makes the server refuse rather than block writes. */
  override createIndexConcurrently(table: SchemaTable, index: SchemaIndex): string {
    // createIndex refuses what MySQL cannot build: a unique index with a WHERE condition.
    this.createIndex(table, index);
    return (
      `ALTER TABLE ${this.quote(table.name)} ADD ${index.unique ? 'UNIQUE ' : ''}INDEX ${this.quote(index.name)} (${this.quoteList(index.columns)})` +
      this.alterOptions({ algorithm: 'INPLACE', lock: 'NONE' })
    );
  }

  /** MySQL has no enum types: the values are part of the column's type, changed with alterColumn. */
  override addEnumValues(name: string): string[] {
    throw new NotSupportedError(
      `MySQL and MariaDB have no enum type '${name}' to add values to: an ENUM's values belong to its column. Change the column's type with alterColumn instead.`,
    );
  }

  override beforeDropAll(): string[] {
    return ['SET FOREIGN_KEY_CHECKS = 0'];
  }

  override afterDropAll(): string[] {
    return ['SET FOREIGN_KEY_CHECKS = 1'];
  }

  /** One DATETIME(6) holds both timestamp types; ENUM has no type name; numeric without precision is the widest decimal. */
  override storedColumn(column: SchemaColumn): SchemaColumn {
    const { type } = column;
    if (type.name === 'timestamptz') return { ...column, type: { name: 'timestamp' } };
    if (type.name === 'enum') return { ...column, type: { name: 'enum', enumValues: type.enumValues } };
    if (type.name === 'numeric' && type.precision === undefined) return { ...column, type: { name: 'numeric', ...WIDEST_DECIMAL } };
    return column;
  }

  /** InnoDB treats NO ACTION as RESTRICT, and MySQL and MariaDB report either for an unspecified action. */
  override storedAction(action: ReferentialAction): ReferentialAction {
    return action === 'RESTRICT' ? 'NO ACTION' : action;
  }

  /** MariaDB writes LENGTH as OCTET_LENGTH and CURRENT_TIMESTAMP with a precision. */
  override rewriteExpression(tokens: SqlToken[]): SqlToken[] {
    const out: SqlToken[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.kind === 'word' && t.value === 'octet_length') {
        out.push({ kind: 'word', value: 'length' });
      } else if (t.kind === 'word' && (t.value === 'current_timestamp' || t.value === 'now') && tokens[i + 1]?.value === '(') {
        const close = tokens.findIndex((x, j) => j > i && x.value === ')');
        out.push({ kind: 'word', value: 'current_timestamp' });
        i = close < 0 ? i : close;
      } else {
        out.push(t);
      }
    }
    return out;
  }
}
