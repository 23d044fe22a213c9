/*
 * Entities for the schema suite: one-to-one, one-to-many, many-to-many (implicit, explicit
 * association entity, self-referential), self-reference, a composite key with a composite
 * foreign key, a foreign-key cycle, and a table with every type, index, unique and check.
 */
import {
  Check,
  Column,
  defineType,
  Entity,
  Index,
  ManyToMany,
  ManyToOne,
  MetaData,
  OneToMany,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  sql,
  Unique,
} from '@strata/core';

/** An enum whose values need escaping. */
export enum SchStatus {
  Draft = 'draft',
  Live = 'live',
  Odd = "it's",
}

/** A literal default with a quote and a backslash in it. */
export const TRICKY_DEFAULT = "it's \\ fine";

const Money = defineType<{ cents: number }, string>({
  name: 'money',
  storage: { name: 'numeric', precision: 12, scale: 2 },
  toDriver: (v) => (v.cents / 100).toFixed(2),
  fromDriver: (raw) => ({ cents: Math.round(Number(raw) * 100) }),
});

@Entity({ name: 'sch_users', comment: "People who sign in; it's a test" })
@Index(['name'])
class SchUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 200, unique: true }) email!: string;
  @Column({ length: 100, comment: 'display name' }) name!: string;
  @Column({ type: 'boolean', serverDefault: true }) active!: boolean;
  @Column({ enum: SchStatus, enumName: 'sch_status', serverDefault: 'draft' }) status!: SchStatus;
  @Column({ length: 50, serverDefault: TRICKY_DEFAULT }) motto!: string;
  @Column({ type: 'timestamptz', serverDefault: sql`CURRENT_TIMESTAMP` }) createdAt!: Date;
  @Column({ type: 'json', nullable: true }) settings!: unknown;
  @OneToOne(() => SchProfile, 'user') profile!: SchProfile | null;
  @OneToMany(() => SchPost, 'author') posts!: SchPost[];
  @ManyToMany(() => SchTeam, 'members', { through: () => SchMembership }) teams!: SchTeam[];
}

@Entity('sch_profiles')
class SchProfile {
  @PrimaryGeneratedColumn() id!: number;
  @OneToOne(() => SchUser, 'profile', { joinColumn: 'user_id', nullable: false, onDelete: 'CASCADE' }) user!: SchUser;
  @Column({ type: 'text', nullable: true }) bio!: string | null;
}

@Entity('sch_posts')
@Check('price >= 0', { name: 'ck_sch_posts_price' })
class SchPost {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: bigint;
  @ManyToOne(() => SchUser, 'posts', { nullable: false, onDelete: 'CASCADE', onUpdate: 'CASCADE' }) author!: SchUser;
  @Column({ length: 200 }) title!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2, serverDefault: '0.00' }) price!: string;
  @ManyToMany(() => SchTag, 'posts', { joinTable: 'sch_post_tags' }) tags!: SchTag[];
}

@Entity('sch_tags')
class SchTag {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ length: 50, unique: true }) label!: string;
  @ManyToMany(() => SchPost, 'tags') posts!: SchPost[];
}

@Entity('sch_categories')
class SchCategory {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @ManyToOne(() => SchCategory, 'children', { onDelete: 'SET NULL' }) parent!: SchCategory | null;
  @OneToMany(() => SchCategory, 'parent') children!: SchCategory[];
  @ManyToMany(() => SchCategory, undefined, { joinTable: 'sch_category_links' }) related!: SchCategory[];
}

@Entity('sch_accounts')
@Unique(['tenant', 'label'])
class SchAccount {
  declare [PrimaryKeyProps]?: ['tenant', 'code'];
  @PrimaryColumn({ length: 50 }) tenant!: string;
  @PrimaryColumn({ length: 50 }) code!: string;
  @Column({ length: 100 }) label!: string;
}

@Entity('sch_invoices')
class SchInvoice {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => SchAccount, undefined, { nullable: false, onDelete: 'RESTRICT' }) account!: SchAccount;
  @Column({ type: 'bigint', serverDefault: 0 }) amount!: bigint;
  @Column({ type: Money, nullable: true }) total!: { cents: number } | null;
}

/** Teams and players reference each other: the captain side is nullable. */
@Entity('sch_teams')
class SchTeam {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @ManyToOne(() => SchPlayer, undefined, { onDelete: 'SET NULL' }) captain!: SchPlayer | null;
  @OneToMany(() => SchPlayer, 'team') players!: SchPlayer[];
  @ManyToMany(() => SchUser, 'teams') members!: SchUser[];
}

@Entity('sch_players')
class SchPlayer {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ type: 'text', serverDefault: TRICKY_DEFAULT }) notes!: string;
  @ManyToOne(() => SchTeam, 'players', { nullable: false }) team!: SchTeam;
}

/** The explicit association entity of users and teams. */
@Entity('sch_memberships')
class SchMembership {
  declare [PrimaryKeyProps]?: ['userId', 'teamId'];
  @PrimaryColumn({ type: 'integer' }) userId!: number;
  @PrimaryColumn({ type: 'integer' }) teamId!: number;
  @ManyToOne(() => SchUser, undefined, { joinColumn: 'user_id', nullable: false, onDelete: 'CASCADE' }) user!: SchUser;
  @ManyToOne(() => SchTeam, undefined, { joinColumn: 'team_id', nullable: false, onDelete: 'CASCADE' }) team!: SchTeam;
  @Column({ length: 20, serverDefault: 'member' }) role!: string;
}

@Entity('sch_samples')
@Index(['qty'], { name: 'ix_sch_samples_qty_positive', where: 'qty > 0' })
@Index(['code'], { name: 'ux_sch_samples_code', unique: true })
@Unique(['small', 'big'], { name: 'uq_sch_samples_small_big' })
@Check("kind IN ('a', 'b')", { name: 'ck_sch_samples_kind' })
@Check('qty >= 0 AND qty < 1000000', { name: 'ck_sch_samples_qty' })
class SchSample {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'integer' }) qty!: number;
  @Column({ type: 'smallint' }) small!: number;
  @Column({ type: 'bigint' }) big!: bigint;
  @Column({ type: 'numeric', precision: 12, scale: 4 }) exact!: string;
  @Column({ type: 'numeric', nullable: true }) anyNumber!: string | null;
  @Column({ type: 'float' }) ratio!: number;
  @Column({ type: 'double' }) precise!: number;
  @Column({ type: 'boolean' }) flag!: boolean;
  @Column({ type: 'varchar', length: 20 }) code!: string;
  @Column({ type: 'varchar', length: 5 }) kind!: string;
  @Column({ type: 'text' }) body!: string;
  @Column({ type: 'json' }) doc!: unknown;
  @Column({ type: 'uuid', nullable: true }) ref!: string | null;
  @Column({ enum: ['x', 'y'] }) letter!: string;
  @Column({ type: 'bytes', nullable: true }) payload!: Buffer | null;
  @Column({ type: 'date' }) day!: string;
  @Column({ type: 'timestamptz' }) happenedAt!: Date;
  @Column({ type: 'timestamp', nullable: true }) localAt!: Date | null;
  @Column({ type: 'integer', serverDefault: -1 }) negative!: number;
}

/** Every fixture entity, in an order that is not the dependency order. */
export const SCHEMA_ENTITIES: readonly Function[] = [
  SchMembership, SchUser, SchProfile, SchPost, SchTag, SchCategory, SchAccount, SchInvoice, SchTeam, SchPlayer, SchSample,
];

/** A fresh MetaData over the fixture entities. */
export function schemaMetaData(): MetaData {
  return new MetaData(SCHEMA_ENTITIES);
}
