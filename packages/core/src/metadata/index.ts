/*
 * The metadata layer's public surface: decorators, declarations' option types, the
 * resolved model and the registry.
 */
export { Entity, Column, PrimaryColumn, PrimaryGeneratedColumn, CreateDateColumn, UpdateDateColumn, VersionColumn, ManyToOne, OneToMany, OneToOne, ManyToMany, Index, Unique, Check } from './decorators';
export type { IndexOptions, PrimaryKeyDecorator, RelationDecorator, UndeclaredKey } from './decorators';
export { ColumnProps, EagerProps, OptionalProps, PrimaryKeyProps } from './type-declarations';
export type { EagerStrategy, KeyProps } from './type-declarations';
export type {
  ColumnOptions,
  EntityOptions,
  JoinColumnOption,
  JoinTableOptions,
  LoaderStrategy,
  ManyToManyOptions,
  ReferentialAction,
  RelationKind,
  RelationOptions,
  ToOneOptions,
} from './declarations';
export { defineType } from './column-type';
export type { ColumnType, ColumnTypeName, CustomType, DstPolicy } from './column-type';
export type {
  CascadeRule,
  CheckMetadata,
  ColumnMetadata,
  EntityMetadata,
  IndexMetadata,
  JoinTableMetadata,
  RelationMetadata,
  ServerDefault,
  UniqueMetadata,
} from './entity-metadata';
export { EntityRegistry } from './entity-registry';
export type { RegistryOptions } from './entity-registry';
export { SnakeCaseNamingStrategy, snakeCase } from './naming-strategy';
export type { NamingStrategy } from './naming-strategy';
