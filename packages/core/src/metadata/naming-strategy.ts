/*
 * How class and property names become table, column and constraint names. The default
 * is snake_case; constraint names are prefixed by kind and shortened with a hash when
 * they would pass 63 bytes of UTF-8: PostgreSQL's limit (bytes, not characters), which
 * also keeps them within MySQL's 64 characters.
 */
import { createHash } from 'node:crypto';

/** Chooses database names for entities, properties and constraints. */
export interface NamingStrategy {
  tableName(className: string): string;
  columnName(propertyName: string): string;
  /** A foreign-key column: relation property plus the referenced column, e.g. author + id -> author_id. */
  joinColumnName(relationProperty: string, referencedColumn: string): string;
  /** An implicit many-to-many association table. */
  joinTableName(ownerTable: string, targetTable: string): string;
  /** A column of an association table, pointing at `table`'s `column`. */
  joinTableColumnName(table: string, column: string): string;
  primaryKeyName(table: string): string;
  foreignKeyName(table: string, columns: readonly string[], referencedTable: string): string;
  uniqueName(table: string, columns: readonly string[]): string;
  indexName(table: string, columns: readonly string[]): string;
  checkName(table: string, expression: string): string;
  enumTypeName(table: string, column: string): string;
}

const MAX_IDENTIFIER = 63;

/** snake_case of a camelCase or PascalCase name: `createdAt` -> `created_at`, `HTTPLog` -> `http_log`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    // An upper-case letter that starts a word after an acronym; a lookahead, as `([A-Z]+)([A-Z][a-z])` backtracks quadratically over a long acronym.
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1_')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/**
 * Keeps a generated name within `limit` bytes of UTF-8 (the server counts bytes, so 'ä'
 * takes two), replacing the tail with an 8-character hash of the whole name. The cut
 * falls between characters, never inside one.
 */
export function shorten(name: string, limit = MAX_IDENTIFIER): string {
  if (Buffer.byteLength(name, 'utf8') <= limit) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${utf8Prefix(name, limit - hash.length - 1)}_${hash}`;
}

/** The longest prefix of whole characters (code points) that fits in `bytes` bytes of UTF-8. */
function utf8Prefix(text: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    used += Buffer.byteLength(char, 'utf8');
    if (used > bytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/** The default naming strategy: snake_case tables and columns, prefixed constraint names. */
export class SnakeCaseNamingStrategy implements NamingStrategy {
  tableName(className: string): string {
    return snakeCase(className);
  }

  columnName(propertyName: string): string {
    return snakeCase(propertyName);
  }

  joinColumnName(relationProperty: string, referencedColumn: string): string {
    return `${snakeCase(relationProperty)}_${referencedColumn}`;
  }

  joinTableName(ownerTable: string, targetTable: string): string {
    return shorten(`${ownerTable}_${targetTable}`);
  }

  joinTableColumnName(table: string, column: string): string {
    return `${table}_${column}`;
  }

  primaryKeyName(table: string): string {
    return shorten(`pk_${table}`);
  }

  foreignKeyName(table: string, columns: readonly string[], referencedTable: string): string {
    return shorten(`fk_${table}_${columns.join('_')}_${referencedTable}`);
  }

  uniqueName(table: string, columns: readonly string[]): string {
    return shorten(`uq_${table}_${columns.join('_')}`);
  }

  indexName(table: string, columns: readonly string[]): string {
    return shorten(`ix_${table}_${columns.join('_')}`);
  }

  checkName(table: string, expression: string): string {
    const hash = createHash('sha1').update(expression).digest('hex').slice(0, 8);
    return shorten(`ck_${table}_${hash}`);
  }

  enumTypeName(table: string, column: string): string {
    return shorten(`${table}_${column}_enum`);
  }
}
