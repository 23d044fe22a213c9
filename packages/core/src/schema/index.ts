/*
 * What applications use of core's schema layer: MetaData (createAll / dropAll / toSQL),
 * introspection and the schema model it returns. The DDL compiler, the differ and the SQL
 * text tools dialect packages build on are in ../dialect.ts.
 */
export { MetaData, metadata } from './meta-data';
export type { SchemaOptions, ToSqlOptions } from './meta-data';
export type {
  ColumnDefault,
  DatabaseSchema,
  LiteralValue,
  SchemaCheck,
  SchemaColumn,
  SchemaEnum,
  SchemaForeignKey,
  SchemaIndex,
  SchemaPrimaryKey,
  SchemaTable,
  SchemaUnique,
} from './schema-model';
export { introspect } from './introspect';
export type { IntrospectOptions, SchemaBind } from './introspect';
