/*
 * Resolves decorator declarations into EntityMetadata: picks names through the naming
 * strategy, infers types, creates foreign-key columns, pairs both sides of each
 * relationship and checks everything, with errors that name class, property and fix.
 */
import { metadataHooks } from './declarations';
import { MetadataError } from '../errors/errors';
import type { ColumnType, ColumnTypeName, CustomType } from './column-type';
import { columnDefaults } from './column-defaults';
import {
  findDeclaration,
  type ColumnDeclaration,
  type ColumnOptions,
  type ConstraintDeclaration,
  type JoinColumnOption,
  type JoinTableOptions,
  type RelationDeclaration,
} from './declarations';
import type {
  CascadeRule,
  CheckMetadata,
  ColumnMetadata,
  EntityMetadata,
  IndexMetadata,
  JoinTableMetadata,
  RelationMetadata,
  UniqueMetadata,
} from './entity-metadata';
import { snakeCase, type NamingStrategy } from './naming-strategy';
import { initialValue, typeOfInitialValue, unknownColumnType, withoutTypeMetadata, type InitialValue } from './type-metadata';

const TYPE_NAMES: readonly ColumnTypeName[] = [
  'integer', 'smallint', 'bigint', 'numeric', 'float', 'double', 'boolean', 'varchar', 'text',
  'json', 'uuid', 'enum', 'bytes', 'date', 'timestamptz', 'timestamp',
];
const CASCADE_RULES: readonly CascadeRule[] = ['save-update', 'merge', 'delete', 'delete-orphan', 'expunge', 'refresh-expire'];
const DEFAULT_CASCADE: readonly CascadeRule[] = ['save-update', 'merge'];
const LOADERS = ['select', 'joined', 'selectin', 'subquery', 'raise', 'noload'];
const ACTIONS = ['CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION', 'SET DEFAULT'];

/** Mutable while building; frozen before anyone else sees it. */
interface Draft {
  target: Function;
  name: string;
  tableName: string;
  comment: string | undefined;
  columns: ColumnMetadata[];
  relations: RelationMetadata[];
  relationDeclarations: RelationDeclaration[];
  constraints: ConstraintDeclaration[];
  indexes: IndexMetadata[];
  uniques: UniqueMetadata[];
  checks: CheckMetadata[];
  metadata: EntityMetadata;
}

/** Builds metadata for the given entity classes. */
export function buildMetadata(classes: readonly Function[], naming: NamingStrategy): Map<Function, EntityMetadata> {
  const drafts = new Map<Function, Draft>();
  for (const target of classes) drafts.set(target, draftEntity(target, naming));
  const tables = new Map<string, string>();
  for (const draft of drafts.values()) {
    const other = tables.get(draft.tableName);
    if (other) throw new MetadataError(`${draft.name} and ${other} both map to table '${draft.tableName}'; give one of them another name with @Entity('...').`);
    tables.set(draft.tableName, draft.name);
  }
  const resolveTarget = (owner: Draft, declaration: RelationDeclaration): Draft => {
    const target = declaration.target();
    const where = `${owner.name}.${declaration.propertyName}`;
    if (target === undefined) {
      throw new MetadataError(`${where}: the relationship target resolved to undefined (an import cycle?). Use the () => Target form and check that Target is exported.`);
    }
    const draft = typeof target === 'function' ? drafts.get(target) : undefined;
    if (!draft) {
      const name = typeof target === 'function' ? target.name : `a ${typeof target}`;
      throw new MetadataError(`${where}: the target ${name} is not a mapped entity here. Decorate it with @Entity and include it in the MetaData.`);
    }
    return draft;
  };
  // Owning to-one sides first: their foreign-key columns must exist before anything refers to them.
  for (const draft of drafts.values()) {
    for (const declaration of draft.relationDeclarations) {
      if (declaration.kind === 'many-to-one' || (declaration.kind === 'one-to-one' && ownsOneToOne(draft, declaration, resolveTarget))) {
        addToOneOwner(draft, declaration, resolveTarget(draft, declaration), naming);
      }
    }
  }
  for (const draft of drafts.values()) {
    for (const declaration of draft.relationDeclarations) {
      if (draft.relations.some((r) => r.propertyName === declaration.propertyName)) continue;
      const target = resolveTarget(draft, declaration);
      if (declaration.kind === 'many-to-many') addManyToMany(draft, declaration, target, drafts, naming);
      else addInverseSide(draft, declaration, target);
    }
  }
  for (const draft of drafts.values()) linkInverses(draft, drafts);
  for (const draft of drafts.values()) resolveOrdering(draft, drafts);
  for (const draft of drafts.values()) resolveConstraints(draft, naming);
  for (const draft of drafts.values()) finish(draft);
  const result = new Map<Function, EntityMetadata>();
  for (const [target, draft] of drafts) result.set(target, draft.metadata);
  metadataHooks().metadataBuilt?.([...result.values()]);
  return result;
}

/** A class and its base classes, the root first: declarations on each of them apply to the class. */
export function classChain(target: Function): Function[] {
  const chain: Function[] = [];
  for (let c: Function | null = target; c && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c) as Function | null) chain.unshift(c);
  return chain;
}

/** The table an entity class maps to: its @Entity name, or the naming strategy's choice. */
export function tableNameOf(target: Function, naming: NamingStrategy): string {
  return findDeclaration(target)?.entity?.name ?? naming.tableName(target.name);
}

function draftEntity(target: Function, naming: NamingStrategy): Draft {
  const chain = classChain(target);
  const own = findDeclaration(target);
  if (!own?.entity) throw new MetadataError(`${target.name} is not an entity: decorate it with @Entity().`);
  const columns = new Map<string, ColumnDeclaration>();
  const relations = new Map<string, RelationDeclaration>();
  const constraints: ConstraintDeclaration[] = [];
  for (const cls of chain) {
    const declaration = findDeclaration(cls);
    if (!declaration) continue;
    for (const column of declaration.columns) columns.set(column.propertyName, column);
    for (const relation of declaration.relations) relations.set(relation.propertyName, relation);
    constraints.push(...declaration.constraints);
  }
  for (const { propertyName, options, primary } of columns.values()) {
    // A key or a unique constraint is an index already; an explicit @Index on the property wins.
    const declared = constraints.some((c) => c.kind === 'index' && c.properties.length === 1 && c.properties[0] === propertyName);
    if (options.index && !primary && !options.unique && !declared) constraints.push({ kind: 'index', properties: [propertyName], unique: false });
  }
  const tableName = tableNameOf(target, naming);
  const draft = {
    target,
    name: target.name,
    tableName,
    comment: own.entity.comment,
    columns: [] as ColumnMetadata[],
    relations: [] as RelationMetadata[],
    relationDeclarations: [...relations.values()],
    constraints,
    indexes: [] as IndexMetadata[],
    uniques: [] as UniqueMetadata[],
    checks: [] as CheckMetadata[],
  } as Draft;
  // Filled in by finish(); relationships point at this object from the start.
  draft.metadata = { target, name: target.name, tableName, comment: own.entity.comment, primaryKeyName: naming.primaryKeyName(tableName) } as EntityMetadata;
  const mapped = [...columns.keys(), ...relations.keys()];
  for (const declaration of columns.values()) addColumn(draft, columnFromDeclaration(draft, declaration, naming, mapped));
  if (!draft.columns.some((c) => c.primary)) {
    throw new MetadataError(`${draft.name} has no primary key: add @PrimaryGeneratedColumn() or @PrimaryColumn() to a property.`);
  }
  const versions = draft.columns.filter((c) => c.role === 'version');
  if (versions.length > 1) throw new MetadataError(`${draft.name} has ${versions.length} @VersionColumn properties; an entity has at most one.`);
  return draft;
}

function addColumn(draft: Draft, column: ColumnMetadata): void {
  const clash = draft.columns.find((c) => c.columnName === column.columnName);
  if (clash) {
    throw new MetadataError(
      `${draft.name}.${column.propertyName ?? column.relationProperty} and ${draft.name}.${clash.propertyName ?? clash.relationProperty} both map to column '${column.columnName}' of '${draft.tableName}'; rename one with { name: '...' }.`,
    );
  }
  draft.columns.push(column);
}

/** One column; `mapped` lists the entity's column and relationship properties (initial values are read around their accessors). */
function columnFromDeclaration(draft: Draft, declaration: ColumnDeclaration, naming: NamingStrategy, mapped: readonly string[]): ColumnMetadata {
  const { options, propertyName } = declaration;
  const where = `${draft.name}.${propertyName}`;
  const readInitial = () => initialValue(draft.target, propertyName, mapped);
  const type = resolveType(where, options, declaration.designType, draft.tableName, naming, declaration, readInitial);
  if (options.timeZone !== undefined) {
    if (type.name !== 'timestamp') throw new MetadataError(`${where}: timeZone applies to 'timestamp' columns only; this column is '${type.name}'.`);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: options.timeZone });
    } catch {
      throw new MetadataError(`${where}: '${options.timeZone}' is not a time zone this runtime knows; use an IANA name such as 'Europe/Stockholm'.`);
    }
  }
  if (options.dst !== undefined && !['compatible', 'earlier', 'later', 'reject'].includes(options.dst)) {
    throw new MetadataError(`${where}: dst must be 'compatible', 'earlier', 'later' or 'reject'; got ${JSON.stringify(options.dst)}.`);
  }
  const nullable = declaration.primary ? false : (options.nullable ?? false);
  const defaults = columnDefaults(where, options, type);
  return {
    entityName: draft.name,
    propertyName,
    columnName: options.name ?? naming.columnName(propertyName),
    type,
    nullable,
    primary: declaration.primary,
    generated: declaration.generated,
    default: defaults.default,
    serverDefault: defaults.serverDefault,
    unique: options.unique ?? false,
    comment: options.comment,
    role: declaration.role,
    timeZone: options.timeZone,
    dst: options.dst ?? 'compatible',
    bigintMode: options.bigint ?? 'bigint',
    relationProperty: undefined,
  };
}

function resolveType(where: string, options: ColumnOptions, designType: unknown, table: string, naming: NamingStrategy, declaration: ColumnDeclaration, readInitial: () => InitialValue): ColumnType {
  const given = options.type;
  if (given !== undefined && typeof given === 'object') {
    const custom = given as CustomType<unknown, unknown>;
    return Object.freeze({ ...custom.storage, custom });
  }
  let name: ColumnTypeName | undefined = given;
  if (name === undefined && options.enum !== undefined) name = 'enum';
  if (name === undefined) name = inferType(designType) ?? (withoutTypeMetadata(designType) && declaration.generated === 'increment' ? 'integer' : undefined);
  const initial = name === undefined && withoutTypeMetadata(designType) ? readInitial() : undefined;
  if (name === undefined) name = typeOfInitialValue(initial?.value);
  if (name === undefined) throw new MetadataError(unknownColumnType(where, designType, initial));
  if (!TYPE_NAMES.includes(name)) {
    throw new MetadataError(`${where}: unknown column type '${String(name)}'. Known types: ${TYPE_NAMES.join(', ')}; or pass a type made with defineType().`);
  }
  if (declaration.generated === 'increment' && !['integer', 'bigint', 'smallint'].includes(name)) {
    throw new MetadataError(`${where}: @PrimaryGeneratedColumn('increment') needs an integer type; got '${name}'. Use 'uuid' for string keys.`);
  }
  const type: { -readonly [K in keyof ColumnType]: ColumnType[K] } = { name };
  if (name === 'varchar') type.length = positive(where, 'length', options.length ?? 255);
  if (name === 'numeric') {
    if (options.precision !== undefined) type.precision = positive(where, 'precision', options.precision);
    if (options.scale !== undefined) type.scale = nonNegative(where, 'scale', options.scale);
    if (type.scale !== undefined && type.precision === undefined) throw new MetadataError(`${where}: numeric scale needs a precision too.`);
  }
  if (name === 'enum') {
    const values = options.enum === undefined ? [] : Array.isArray(options.enum) ? [...(options.enum as readonly unknown[])] : Object.values(options.enum as Record<string, unknown>);
    if (values.length === 0 || values.some((v) => typeof v !== 'string')) {
      throw new MetadataError(`${where}: an enum column needs its string values: @Column({ type: 'enum', enum: ['a', 'b'] }) or a TypeScript string enum.`);
    }
    type.enumValues = Object.freeze(values as string[]);
    type.enumName = options.enumName ?? naming.enumTypeName(table, options.name ?? naming.columnName(declaration.propertyName));
  }
  return Object.freeze(type);
}

function inferType(designType: unknown): ColumnTypeName | undefined {
  switch (designType) {
    case String:
      return 'varchar';
    case Number:
      return 'integer';
    case Boolean:
      return 'boolean';
    case Date:
      return 'timestamptz';
    case BigInt:
      return 'bigint';
    case Buffer:
      return 'bytes';
    default:
      return undefined;
  }
}

function positive(where: string, what: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new MetadataError(`${where}: ${what} must be a positive integer; got ${value}.`);
  return value;
}

function nonNegative(where: string, what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new MetadataError(`${where}: ${what} must be a non-negative integer; got ${value}.`);
  return value;
}

function ownsOneToOne(draft: Draft, declaration: RelationDeclaration, resolveTarget: (d: Draft, r: RelationDeclaration) => Draft): boolean {
  if (declaration.options.joinColumn !== undefined) return true;
  if (declaration.inverse === undefined) return true;
  const target = resolveTarget(draft, declaration);
  const other = target.relationDeclarations.find((r) => r.propertyName === declaration.inverse);
  if (other?.options.joinColumn !== undefined) return false;
  // Neither side says: the relationship cannot be placed.
  throw new MetadataError(
    `${draft.name}.${declaration.propertyName} and ${target.name}.${declaration.inverse}: a bidirectional @OneToOne needs joinColumn on the side whose table holds the foreign key, e.g. @OneToOne(() => ${target.name}, '${declaration.inverse}', { joinColumn: true }).`,
  );
}

function addToOneOwner(draft: Draft, declaration: RelationDeclaration, target: Draft, naming: NamingStrategy): void {
  const where = `${draft.name}.${declaration.propertyName}`;
  const options = declaration.options;
  const referencedKeys = target.columns.filter((c) => c.primary);
  const specs = joinColumnSpecs(where, options.joinColumn, declaration.propertyName, referencedKeys, target, naming);
  const nullable = options.nullable ?? true;
  checkAction(where, 'onDelete', options.onDelete);
  checkAction(where, 'onUpdate', options.onUpdate);
  if (options.onDelete === 'SET NULL' && !nullable) {
    throw new MetadataError(`${where}: onDelete 'SET NULL' needs a nullable foreign key; set nullable: true or choose another action.`);
  }
  const foreignKey = specs.map(({ name, referenced }) => {
    const existing = draft.columns.find((c) => c.columnName === name);
    if (existing) {
      // A property mapped to the same column (e.g. authorId) shares it with the relationship.
      const shared = { ...existing, relationProperty: declaration.propertyName };
      draft.columns[draft.columns.indexOf(existing)] = shared;
      return { column: shared, referenced };
    }
    const column: ColumnMetadata = {
      entityName: draft.name,
      propertyName: undefined,
      columnName: name,
      type: referenced.type,
      nullable,
      primary: false,
      generated: undefined,
      default: undefined,
      serverDefault: undefined,
      unique: declaration.kind === 'one-to-one',
      comment: undefined,
      role: undefined,
      timeZone: referenced.timeZone,
      dst: referenced.dst,
      bigintMode: referenced.bigintMode,
      relationProperty: declaration.propertyName,
    };
    addColumn(draft, column);
    return { column, referenced };
  });
  if (options.innerJoin && nullable) {
    throw new MetadataError(`${where}: innerJoin needs a NOT NULL foreign key (nullable: false); an INNER JOIN would drop rows whose key is NULL.`);
  }
  const constraintName = naming.foreignKeyName(draft.tableName, foreignKey.map((fk) => fk.column.columnName), target.tableName);
  draft.relations.push(relation(draft, declaration, target, { owner: true, foreignKey, foreignKeyName: constraintName, nullable }));
}

function joinColumnSpecs(
  where: string,
  option: JoinColumnOption | true | undefined,
  property: string,
  keys: readonly ColumnMetadata[],
  target: Draft,
  naming: NamingStrategy,
): { name: string; referenced: ColumnMetadata }[] {
  if (option === undefined || option === true) {
    return keys.map((referenced) => ({ name: naming.joinColumnName(property, referenced.columnName), referenced }));
  }
  const list: readonly { name: string; referencedColumn?: string }[] =
    typeof option === 'string' ? [{ name: option }] : Array.isArray(option) ? (option as readonly { name: string; referencedColumn?: string }[]) : [option as { name: string; referencedColumn?: string }];
  if (list.length !== keys.length && list.some((j) => j.referencedColumn === undefined)) {
    throw new MetadataError(`${where}: ${target.name} has a ${keys.length}-column primary key; give one joinColumn per key column, each with its referencedColumn.`);
  }
  return list.map((spec, i) => {
    const referenced = spec.referencedColumn === undefined ? keys[i]! : target.columns.find((c) => c.columnName === spec.referencedColumn || c.propertyName === spec.referencedColumn);
    if (!referenced) throw new MetadataError(`${where}: joinColumn references '${spec.referencedColumn}', which is not a column of ${target.name}.`);
    return { name: spec.name, referenced };
  });
}

function addInverseSide(draft: Draft, declaration: RelationDeclaration, target: Draft): void {
  const where = `${draft.name}.${declaration.propertyName}`;
  const kindName = declaration.kind === 'one-to-many' ? '@OneToMany' : '@OneToOne';
  const inverseName = declaration.inverse;
  const inverse = inverseName === undefined ? undefined : target.relations.find((r) => r.propertyName === inverseName);
  const expected = declaration.kind === 'one-to-many' ? 'many-to-one' : 'one-to-one';
  if (!inverse || inverse.kind !== expected || !inverse.owner || inverse.target !== draft.metadata) {
    throw new MetadataError(
      `${where}: ${kindName} needs the ${expected === 'many-to-one' ? '@ManyToOne' : 'owning @OneToOne'} on ${target.name} that points back; ` +
        `'${inverseName ?? '(no inverse given)'}' is not one. Declare @${expected === 'many-to-one' ? 'ManyToOne' : 'OneToOne'}(() => ${draft.name}, '${declaration.propertyName}') on ${target.name}.${inverseName ?? '...'}.`,
    );
  }
  draft.relations.push(relation(draft, declaration, target, { owner: false, foreignKey: inverse.foreignKey, foreignKeyName: inverse.foreignKeyName, nullable: true }));
}

function addManyToMany(draft: Draft, declaration: RelationDeclaration, target: Draft, drafts: Map<Function, Draft>, naming: NamingStrategy): void {
  const where = `${draft.name}.${declaration.propertyName}`;
  const options = declaration.options;
  const other = declaration.inverse === undefined ? undefined : target.relationDeclarations.find((r) => r.propertyName === declaration.inverse);
  if (declaration.inverse !== undefined && (!other || other.kind !== 'many-to-many')) {
    throw new MetadataError(`${where}: the inverse '${declaration.inverse}' must be a @ManyToMany on ${target.name}.`);
  }
  const mine = options.joinTable !== undefined || options.through !== undefined;
  const theirs = other !== undefined && (other.options.joinTable !== undefined || other.options.through !== undefined);
  if (mine && theirs) throw new MetadataError(`${where} and ${target.name}.${declaration.inverse}: only one side of a many-to-many may declare joinTable / through.`);
  if (!mine && !theirs && other) {
    throw new MetadataError(`${where} and ${target.name}.${declaration.inverse}: give joinTable (or through) on the side that owns the association table.`);
  }
  const owner = mine || !other;
  if (!owner) return; // The owning side builds both relations.
  const joinTable = options.through ? throughTable(where, options.through(), draft, target, drafts) : implicitTable(where, options.joinTable, draft, target, naming);
  draft.relations.push(relation(draft, declaration, target, { owner: true, foreignKey: [], joinTable, nullable: true }));
  if (other) {
    const mirrored: JoinTableMetadata = {
      ...joinTable,
      ownerColumns: joinTable.targetColumns,
      targetColumns: joinTable.ownerColumns,
      ownerForeignKeyName: joinTable.targetForeignKeyName,
      targetForeignKeyName: joinTable.ownerForeignKeyName,
    };
    target.relations.push(relation(target, other, draft, { owner: false, foreignKey: [], joinTable: mirrored, nullable: true }));
  }
}

function implicitTable(where: string, option: ManyToManyJoinTable, owner: Draft, target: Draft, naming: NamingStrategy): JoinTableMetadata {
  const spec: JoinTableOptions = typeof option === 'string' ? { name: option } : option === true || option === undefined ? {} : option;
  const ownerKeys = owner.columns.filter((c) => c.primary);
  const targetKeys = target.columns.filter((c) => c.primary);
  if ((spec.joinColumn && ownerKeys.length > 1) || (spec.inverseJoinColumn && targetKeys.length > 1)) {
    throw new MetadataError(`${where}: joinColumn names apply to single-column keys; composite keys get generated names.`);
  }
  const ownerColumns = ownerKeys.map((k) => ({ name: spec.joinColumn ?? naming.joinTableColumnName(owner.tableName, k.columnName), referenced: k }));
  let targetColumns = targetKeys.map((k) => ({ name: spec.inverseJoinColumn ?? naming.joinTableColumnName(target.tableName, k.columnName), referenced: k }));
  if (targetColumns.some((t) => ownerColumns.some((o) => o.name === t.name))) {
    // A self-referential many-to-many: name the target side after the relationship instead.
    const prefix = snakeCase(where.split('.')[1]!);
    targetColumns = targetKeys.map((k) => ({ name: `${prefix}_${k.columnName}`, referenced: k }));
  }
  const tableName = spec.name ?? naming.joinTableName(owner.tableName, target.tableName);
  return {
    tableName,
    ownerColumns,
    targetColumns,
    entity: undefined,
    primaryKeyName: naming.primaryKeyName(tableName),
    ownerForeignKeyName: naming.foreignKeyName(tableName, ownerColumns.map((c) => c.name), owner.tableName),
    targetForeignKeyName: naming.foreignKeyName(tableName, targetColumns.map((c) => c.name), target.tableName),
  };
}

type ManyToManyJoinTable = true | string | JoinTableOptions | undefined;

function throughTable(where: string, through: unknown, owner: Draft, target: Draft, drafts: Map<Function, Draft>): JoinTableMetadata {
  const association = typeof through === 'function' ? drafts.get(through) : undefined;
  if (!association) throw new MetadataError(`${where}: 'through' must return a mapped @Entity class (the association entity).`);
  const toOwner = association.relations.find((r) => r.kind === 'many-to-one' && r.target === owner.metadata);
  const toTarget = association.relations.find((r) => r.kind === 'many-to-one' && r.target === target.metadata && r !== toOwner);
  if (!toOwner || !toTarget) {
    throw new MetadataError(`${where}: the association entity ${association.name} needs a @ManyToOne to ${owner.name} and one to ${target.name}.`);
  }
  const pairs = (r: RelationMetadata) => r.foreignKey.map((fk) => ({ name: fk.column.columnName, referenced: fk.referenced }));
  return {
    tableName: association.tableName,
    ownerColumns: pairs(toOwner),
    targetColumns: pairs(toTarget),
    entity: association.metadata,
    primaryKeyName: association.metadata.primaryKeyName,
    ownerForeignKeyName: toOwner.foreignKeyName!,
    targetForeignKeyName: toTarget.foreignKeyName!,
  };
}

/** How a relation is keyed: which side owns the key, its foreign-key columns or association table, and whether it may be empty. */
interface RelationKeying {
  /** This side holds the foreign key or declares the association table (RelationMetadata.owner). */
  readonly owner: boolean;
  readonly foreignKey: RelationMetadata['foreignKey'];
  readonly foreignKeyName?: string;
  readonly joinTable?: JoinTableMetadata;
  readonly nullable: boolean;
}

function relation(draft: Draft, declaration: RelationDeclaration, target: Draft, keying: RelationKeying): RelationMetadata {
  const { owner, foreignKey, foreignKeyName, joinTable, nullable } = keying;
  const where = `${draft.name}.${declaration.propertyName}`;
  const options = declaration.options;
  const lazy = options.lazy ?? 'select';
  if (!LOADERS.includes(lazy)) throw new MetadataError(`${where}: lazy must be one of ${LOADERS.join(', ')}; got ${JSON.stringify(lazy)}.`);
  return {
    entity: draft.metadata,
    propertyName: declaration.propertyName,
    kind: declaration.kind,
    target: target.metadata,
    inverse: undefined,
    owner,
    foreignKey,
    foreignKeyName,
    joinTable,
    nullable,
    onDelete: options.onDelete,
    onUpdate: options.onUpdate,
    cascade: parseCascade(where, options.cascade),
    lazy,
    passiveDeletes: options.passiveDeletes ?? false,
    innerJoin: options.innerJoin ?? false,
    isCollection: declaration.kind === 'one-to-many' || declaration.kind === 'many-to-many',
    orderBy: undefined,
  };
}

/** Resolves `orderBy` of collections against their targets' columns (all built by now). */
function resolveOrdering(draft: Draft, drafts: Map<Function, Draft>): void {
  for (const relation of draft.relations) {
    const declaration = draft.relationDeclarations.find((d) => d.propertyName === relation.propertyName);
    const orderBy = declaration?.options.orderBy;
    const where = `${draft.name}.${relation.propertyName}`;
    if (relation.cascade.has('delete-orphan') && relation.kind === 'many-to-many') {
      throw new MetadataError(`${where}: delete-orphan does not apply to a many-to-many (a target may belong to many owners); remove it, or model the association as an entity.`);
    }
    if (orderBy === undefined) continue;
    if (!relation.isCollection) throw new MetadataError(`${where}: orderBy applies to collections (one-to-many, many-to-many) only.`);
    const target = drafts.get(relation.target.target)!;
    const items = (typeof orderBy === 'string' ? orderBy.split(',') : [...orderBy]).map((item) => item.trim()).filter(Boolean);
    const resolved = items.map((item) => {
      const [property, direction = 'asc', ...rest] = item.split(/\s+/);
      const lower = direction.toLowerCase();
      const column = target.columns.find((c) => c.propertyName === property);
      if (!column || rest.length > 0 || (lower !== 'asc' && lower !== 'desc')) {
        throw new MetadataError(`${where}: orderBy item '${item}' must be a ${target.name} property, optionally followed by asc or desc (e.g. 'createdAt desc').`);
      }
      return Object.freeze({ column, direction: lower });
    });
    (relation as { orderBy: RelationMetadata['orderBy'] }).orderBy = Object.freeze(resolved);
  }
}

/** Parses SQLAlchemy-style cascade text: 'all, delete-orphan'. */
export function parseCascade(where: string, cascade: string | readonly string[] | undefined): ReadonlySet<CascadeRule> {
  if (cascade === undefined) return new Set(DEFAULT_CASCADE);
  const words = (typeof cascade === 'string' ? cascade.split(',') : [...cascade]).map((w) => w.trim()).filter(Boolean);
  const rules = new Set<CascadeRule>();
  for (const word of words) {
    if (word === 'all') {
      for (const rule of CASCADE_RULES) if (rule !== 'delete-orphan') rules.add(rule);
    } else if (word === 'none') {
      continue;
    } else if ((CASCADE_RULES as readonly string[]).includes(word)) rules.add(word as CascadeRule);
    else throw new MetadataError(`${where}: unknown cascade '${word}'. Use any of: all, ${CASCADE_RULES.join(', ')}.`);
  }
  return rules;
}

function checkAction(where: string, what: string, action: string | undefined): void {
  if (action !== undefined && !ACTIONS.includes(action)) {
    throw new MetadataError(`${where}: ${what} must be one of ${ACTIONS.join(', ')}; got ${JSON.stringify(action)}.`);
  }
}

function linkInverses(draft: Draft, drafts: Map<Function, Draft>): void {
  for (const declaration of draft.relationDeclarations) {
    if (declaration.inverse === undefined) continue;
    const mine = draft.relations.find((r) => r.propertyName === declaration.propertyName)!;
    const targetDraft = drafts.get(mine.target.target)!;
    const theirs = targetDraft.relations.find((r) => r.propertyName === declaration.inverse);
    if (!theirs) {
      throw new MetadataError(
        `${draft.name}.${declaration.propertyName} names '${declaration.inverse}' as its inverse, but ${targetDraft.name} has no relationship '${declaration.inverse}'.`,
      );
    }
    (mine as { inverse: RelationMetadata | undefined }).inverse = theirs;
  }
}

function resolveConstraints(draft: Draft, naming: NamingStrategy): void {
  const columnsOf = (properties: readonly string[], what: string): string[] =>
    properties.flatMap((property) => {
      const column = draft.columns.find((c) => c.propertyName === property);
      if (column) return [column.columnName];
      const relation = draft.relations.find((r) => r.propertyName === property && r.owner && r.foreignKey.length > 0 && !r.joinTable);
      if (relation) return relation.foreignKey.map((fk) => fk.column.columnName);
      throw new MetadataError(`${draft.name}: ${what} names '${property}', which is not a column or owning relationship of ${draft.name}.`);
    });
  for (const column of draft.columns) {
    if (column.unique && !column.primary) draft.uniques.push({ name: naming.uniqueName(draft.tableName, [column.columnName]), columns: [column.columnName] });
  }
  for (const constraint of draft.constraints) {
    if (constraint.kind === 'check') {
      draft.checks.push({ name: constraint.name ?? naming.checkName(draft.tableName, constraint.expression), expression: constraint.expression });
    } else if (constraint.kind === 'unique') {
      const columns = columnsOf(constraint.properties, '@Unique');
      draft.uniques.push({ name: constraint.name ?? naming.uniqueName(draft.tableName, columns), columns });
    } else {
      const columns = columnsOf(constraint.properties, '@Index');
      draft.indexes.push({ name: constraint.name ?? naming.indexName(draft.tableName, columns), columns, unique: constraint.unique, where: constraint.where });
    }
  }
  const names = new Set<string>();
  for (const { name } of [...draft.uniques, ...draft.indexes, ...draft.checks]) {
    if (names.has(name)) throw new MetadataError(`${draft.name}: two constraints or indexes are named '${name}'; give them distinct names.`);
    names.add(name);
  }
}

function finish(draft: Draft): void {
  const metadata = draft.metadata as { -readonly [K in keyof EntityMetadata]: EntityMetadata[K] };
  const byProperty = new Map(draft.columns.filter((c) => c.propertyName !== undefined).map((c) => [c.propertyName!, c]));
  const relations = new Map(draft.relations.map((r) => [r.propertyName, r]));
  Object.assign(metadata, {
    columns: Object.freeze(draft.columns),
    primaryKey: Object.freeze(draft.columns.filter((c) => c.primary)),
    relations: Object.freeze(draft.relations),
    indexes: Object.freeze(draft.indexes),
    uniques: Object.freeze(draft.uniques),
    checks: Object.freeze(draft.checks),
    versionColumn: draft.columns.find((c) => c.role === 'version'),
    column: (property: string) => byProperty.get(property),
    relation: (property: string) => relations.get(property),
  });
  for (const relation of draft.relations) Object.freeze(relation);
  Object.freeze(metadata);
}
