/*
 * Golden DDL per dialect, with no database: the statements createAll would run for a small
 * model with every feature the DDL compilers handle, and the escaping of literals.
 */
import {
  ArgumentError,
  Column,
  createEngine,
  Entity,
  Index,
  ManyToMany,
  ManyToOne,
  MetaData,
  OneToMany,
  parseEngineUrl,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  sql,
} from '@strata/core';
import {
  createStatements,
  type DdlCompiler,
  dropStatements,
} from '@strata/core/dialect';
import { MysqlDdl } from '@strata/mysql';
import { PostgresDdl } from '@strata/postgres';
import { SqliteDdl, SqliteDialect } from '@strata/sqlite';

@Entity({ name: 'g_authors', comment: "Who writes; it's golden" })
class GAuthor {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 80, unique: true, comment: 'pen name' }) name!: string;
  @Column({ enum: ['new', "o'k"], serverDefault: 'new' }) state!: string;
  @Column({ type: 'json', nullable: true }) meta!: unknown;
  @Column({ type: 'timestamptz', serverDefault: sql`CURRENT_TIMESTAMP` }) joinedAt!: Date;
  @ManyToOne(() => GBook, undefined, { onDelete: 'SET NULL' }) favourite!: GBook | null;
  @OneToMany(() => GBook, 'author') books!: GBook[];
}

@Entity('g_books')
@Index(['title'], { where: 'title IS NOT NULL' })
class GBook {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'varchar', length: 200, nullable: true, serverDefault: 'a \\ b' }) title!: string | null;
  @Column({ type: 'numeric', precision: 8, scale: 2, serverDefault: 0 }) price!: string;
  @Column({ type: 'boolean', serverDefault: false }) draft!: boolean;
  @ManyToOne(() => GAuthor, 'books', { nullable: false, onDelete: 'CASCADE' }) author!: GAuthor;
  @ManyToMany(() => GShelf, undefined, { joinTable: true }) shelves!: GShelf[];
}

@Entity('g_shelves')
class GShelf {
  declare [PrimaryKeyProps]?: ['room', 'slot'];
  @PrimaryColumn({ length: 10 }) room!: string;
  @PrimaryColumn({ type: 'integer' }) slot!: number;
}

const md = new MetaData([GAuthor, GBook, GShelf]);
const script = (ddl: DdlCompiler) => createStatements(md.toSchema(), ddl);
const drop = (ddl: DdlCompiler) => {
  const { statements, after } = dropStatements(md.toSchema(), ddl, false);
  return [...statements, ...after];
};

describe('golden DDL per dialect', () => {
  test('PostgreSQL: enum types first, identity columns, COMMENT ON, foreign keys added after every table', () => {
    expect(script(new PostgresDdl())).toEqual(POSTGRES_CREATE);
    expect(drop(new PostgresDdl())).toEqual(POSTGRES_DROP);
  });

  test('MySQL / MariaDB: AUTO_INCREMENT, inline ENUM, DATETIME(6), InnoDB utf8mb4, COMMENT clauses, no partial index', () => {
    expect(script(new MysqlDdl())).toEqual(MYSQL_CREATE);
    expect(drop(new MysqlDdl())).toEqual(MYSQL_DROP);
  });

  test('SQLite: INTEGER PRIMARY KEY AUTOINCREMENT, CHECKs for enum / boolean / json, foreign keys inside CREATE TABLE', () => {
    expect(script(new SqliteDdl())).toEqual(SQLITE_CREATE);
    expect(drop(new SqliteDdl())).toEqual(SQLITE_DROP);
  });

  test('toSQL joins the statements with ;\\n and takes a DDL compiler, a dialect or an engine', async () => {
    expect(md.toSQL(new SqliteDdl())).toBe(`${SQLITE_CREATE.join(';\n')};\n`);
    expect(md.toSQL(new SqliteDdl(), { drop: true })).toBe(`${SQLITE_DROP.join(';\n')};\n`);
    const dialect = new SqliteDialect(parseEngineUrl('sqlite::memory:'), { connectTimeout: 1000, driverOptions: {} });
    expect(md.toSQL(dialect)).toBe(md.toSQL(new SqliteDdl()));
    const engine = createEngine('sqlite::memory:');
    expect(md.toSQL(engine)).toBe(md.toSQL(new SqliteDdl()));
    await engine.dispose();
  });
});

describe('literals in DDL are escaped by the dialect', () => {
  const tricky = "it's a \\ back\\'slash";

  test('PostgreSQL doubles quotes and uses an E string when there is a backslash', () => {
    const ddl = new PostgresDdl();
    expect(ddl.stringLiteral("o'k")).toBe("'o''k'");
    expect(ddl.stringLiteral(tricky)).toBe("E'it''s a \\\\ back\\\\''slash'");
  });

  test('MySQL doubles quotes and escapes backslashes', () => {
    expect(new MysqlDdl().stringLiteral(tricky)).toBe("'it''s a \\\\ back\\\\''slash'");
  });

  test('SQLite doubles quotes; a backslash is an ordinary character', () => {
    expect(new SqliteDdl().stringLiteral(tricky)).toBe("'it''s a \\ back\\''slash'");
  });

  test('a NUL character is refused rather than written into SQL', () => {
    for (const ddl of [new PostgresDdl(), new MysqlDdl(), new SqliteDdl()]) expect(() => ddl.stringLiteral('a\u0000b')).toThrow(ArgumentError);
  });

  test('booleans, numbers and non-finite numbers', () => {
    expect(new PostgresDdl().literal(true, { name: 'boolean' })).toBe('TRUE');
    expect(new MysqlDdl().literal(true, { name: 'boolean' })).toBe('1');
    expect(new SqliteDdl().literal(false, { name: 'boolean' })).toBe('0');
    expect(new MysqlDdl().literal('x', { name: 'text' })).toBe("('x')");
    expect(() => new PostgresDdl().literal(Infinity, { name: 'double' })).toThrow(ArgumentError);
  });
});

describe('what each dialect cannot write', () => {
  test('MySQL refuses a unique partial index instead of making it unique everywhere', () => {
    @Entity('g_partial')
    @Index(['code'], { unique: true, where: 'deleted = 0' })
    class GPartial {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ length: 10 }) code!: string;
      @Column({ type: 'integer' }) deleted!: number;
    }
    const partial = new MetaData([GPartial]);
    expect(() => partial.toSQL(new MysqlDdl())).toThrow(/unique partial index/);
    expect(partial.toSQL(new PostgresDdl())).toContain('CREATE UNIQUE INDEX "ix_g_partial_code" ON "g_partial" ("code") WHERE deleted = 0');
  });
});

const POSTGRES_CREATE = [
  `CREATE TYPE "g_authors_state_enum" AS ENUM ('new', 'o''k')`,
  `CREATE TABLE "g_shelves" (
  "room" varchar(10) NOT NULL,
  "slot" integer NOT NULL,
  CONSTRAINT "pk_g_shelves" PRIMARY KEY ("room", "slot")
)`,
  `CREATE TABLE "g_authors" (
  "id" integer NOT NULL GENERATED BY DEFAULT AS IDENTITY,
  "name" varchar(80) NOT NULL,
  "state" "g_authors_state_enum" NOT NULL DEFAULT 'new',
  "meta" jsonb,
  "joined_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "favourite_id" uuid,
  CONSTRAINT "pk_g_authors" PRIMARY KEY ("id"),
  CONSTRAINT "uq_g_authors_name" UNIQUE ("name")
)`,
  `COMMENT ON TABLE "g_authors" IS 'Who writes; it''s golden'`,
  `COMMENT ON COLUMN "g_authors"."name" IS 'pen name'`,
  `CREATE TABLE "g_books" (
  "id" uuid NOT NULL,
  "title" varchar(200) DEFAULT E'a \\\\ b',
  "price" numeric(8,2) NOT NULL DEFAULT 0,
  "draft" boolean NOT NULL DEFAULT FALSE,
  "author_id" integer NOT NULL,
  CONSTRAINT "pk_g_books" PRIMARY KEY ("id")
)`,
  `CREATE TABLE "g_books_g_shelves" (
  "g_books_id" uuid NOT NULL,
  "g_shelves_room" varchar(10) NOT NULL,
  "g_shelves_slot" integer NOT NULL,
  CONSTRAINT "pk_g_books_g_shelves" PRIMARY KEY ("g_books_id", "g_shelves_room", "g_shelves_slot")
)`,
  'CREATE INDEX "ix_g_authors_favourite_id" ON "g_authors" ("favourite_id")',
  'CREATE INDEX "ix_g_books_title" ON "g_books" ("title") WHERE title IS NOT NULL',
  'CREATE INDEX "ix_g_books_author_id" ON "g_books" ("author_id")',
  'CREATE INDEX "ix_g_books_g_shelves_g_shelves_room_g_shelves_slot" ON "g_books_g_shelves" ("g_shelves_room", "g_shelves_slot")',
  'ALTER TABLE "g_authors" ADD CONSTRAINT "fk_g_authors_favourite_id_g_books" FOREIGN KEY ("favourite_id") REFERENCES "g_books" ("id") ON DELETE SET NULL',
  'ALTER TABLE "g_books" ADD CONSTRAINT "fk_g_books_author_id_g_authors" FOREIGN KEY ("author_id") REFERENCES "g_authors" ("id") ON DELETE CASCADE',
  'ALTER TABLE "g_books_g_shelves" ADD CONSTRAINT "fk_g_books_g_shelves_g_books_id_g_books" FOREIGN KEY ("g_books_id") REFERENCES "g_books" ("id") ON DELETE CASCADE',
  'ALTER TABLE "g_books_g_shelves" ADD CONSTRAINT "fk_g_books_g_shelves_g_shelves_room_g_shelves_slot_g_shelves" FOREIGN KEY ("g_shelves_room", "g_shelves_slot") REFERENCES "g_shelves" ("room", "slot") ON DELETE CASCADE',
];

const POSTGRES_DROP = [
  'DROP TABLE "g_books_g_shelves" CASCADE',
  'DROP TABLE "g_books" CASCADE',
  'DROP TABLE "g_authors" CASCADE',
  'DROP TABLE "g_shelves" CASCADE',
  'DROP TYPE "g_authors_state_enum"',
];

const MYSQL_CREATE = [
  `CREATE TABLE \`g_shelves\` (
  \`room\` varchar(10) NOT NULL,
  \`slot\` int NOT NULL,
  PRIMARY KEY (\`room\`, \`slot\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE \`g_authors\` (
  \`id\` int NOT NULL AUTO_INCREMENT,
  \`name\` varchar(80) NOT NULL COMMENT 'pen name',
  \`state\` enum('new','o''k') NOT NULL DEFAULT 'new',
  \`meta\` json,
  \`joined_at\` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  \`favourite_id\` char(36),
  PRIMARY KEY (\`id\`),
  CONSTRAINT \`uq_g_authors_name\` UNIQUE (\`name\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Who writes; it''s golden'`,
  `CREATE TABLE \`g_books\` (
  \`id\` char(36) NOT NULL,
  \`title\` varchar(200) DEFAULT 'a \\\\ b',
  \`price\` decimal(8,2) NOT NULL DEFAULT 0,
  \`draft\` tinyint(1) NOT NULL DEFAULT 0,
  \`author_id\` int NOT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE \`g_books_g_shelves\` (
  \`g_books_id\` char(36) NOT NULL,
  \`g_shelves_room\` varchar(10) NOT NULL,
  \`g_shelves_slot\` int NOT NULL,
  PRIMARY KEY (\`g_books_id\`, \`g_shelves_room\`, \`g_shelves_slot\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  'CREATE INDEX `ix_g_authors_favourite_id` ON `g_authors` (`favourite_id`)',
  'CREATE INDEX `ix_g_books_title` ON `g_books` (`title`)',
  'CREATE INDEX `ix_g_books_author_id` ON `g_books` (`author_id`)',
  'CREATE INDEX `ix_g_books_g_shelves_g_shelves_room_g_shelves_slot` ON `g_books_g_shelves` (`g_shelves_room`, `g_shelves_slot`)',
  'ALTER TABLE `g_authors` ADD CONSTRAINT `fk_g_authors_favourite_id_g_books` FOREIGN KEY (`favourite_id`) REFERENCES `g_books` (`id`) ON DELETE SET NULL',
  'ALTER TABLE `g_books` ADD CONSTRAINT `fk_g_books_author_id_g_authors` FOREIGN KEY (`author_id`) REFERENCES `g_authors` (`id`) ON DELETE CASCADE',
  'ALTER TABLE `g_books_g_shelves` ADD CONSTRAINT `fk_g_books_g_shelves_g_books_id_g_books` FOREIGN KEY (`g_books_id`) REFERENCES `g_books` (`id`) ON DELETE CASCADE',
  'ALTER TABLE `g_books_g_shelves` ADD CONSTRAINT `fk_g_books_g_shelves_g_shelves_room_g_shelves_slot_g_shelves` FOREIGN KEY (`g_shelves_room`, `g_shelves_slot`) REFERENCES `g_shelves` (`room`, `slot`) ON DELETE CASCADE',
];

const MYSQL_DROP = [
  'SET FOREIGN_KEY_CHECKS = 0',
  'DROP TABLE `g_books_g_shelves`',
  'DROP TABLE `g_books`',
  'DROP TABLE `g_authors`',
  'DROP TABLE `g_shelves`',
  'SET FOREIGN_KEY_CHECKS = 1',
];

const SQLITE_CREATE = [
  `CREATE TABLE "g_shelves" (
  "room" VARCHAR(10) NOT NULL,
  "slot" INTEGER NOT NULL,
  CONSTRAINT "pk_g_shelves" PRIMARY KEY ("room", "slot")
)`,
  `CREATE TABLE "g_authors" (
  "id" INTEGER NOT NULL CONSTRAINT "pk_g_authors" PRIMARY KEY AUTOINCREMENT,
  "name" VARCHAR(80) NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'new' CONSTRAINT "g_authors_state_enum" CHECK ("state" IN ('new', 'o''k')),
  "meta" TEXT CHECK (json_valid("meta")),
  "joined_at" TIMESTAMPTZ NOT NULL DEFAULT (CURRENT_TIMESTAMP),
  "favourite_id" CHAR(36),
  CONSTRAINT "uq_g_authors_name" UNIQUE ("name"),
  CONSTRAINT "fk_g_authors_favourite_id_g_books" FOREIGN KEY ("favourite_id") REFERENCES "g_books" ("id") ON DELETE SET NULL
)`,
  `CREATE TABLE "g_books" (
  "id" CHAR(36) NOT NULL,
  "title" VARCHAR(200) DEFAULT 'a \\ b',
  "price" NUMERIC_TEXT(8,2) NOT NULL DEFAULT 0,
  "draft" BOOLEAN NOT NULL DEFAULT 0 CHECK ("draft" IN (0, 1)),
  "author_id" INTEGER NOT NULL,
  CONSTRAINT "pk_g_books" PRIMARY KEY ("id"),
  CONSTRAINT "fk_g_books_author_id_g_authors" FOREIGN KEY ("author_id") REFERENCES "g_authors" ("id") ON DELETE CASCADE
)`,
  `CREATE TABLE "g_books_g_shelves" (
  "g_books_id" CHAR(36) NOT NULL,
  "g_shelves_room" VARCHAR(10) NOT NULL,
  "g_shelves_slot" INTEGER NOT NULL,
  CONSTRAINT "pk_g_books_g_shelves" PRIMARY KEY ("g_books_id", "g_shelves_room", "g_shelves_slot"),
  CONSTRAINT "fk_g_books_g_shelves_g_books_id_g_books" FOREIGN KEY ("g_books_id") REFERENCES "g_books" ("id") ON DELETE CASCADE,
  CONSTRAINT "fk_g_books_g_shelves_g_shelves_room_g_shelves_slot_g_shelves" FOREIGN KEY ("g_shelves_room", "g_shelves_slot") REFERENCES "g_shelves" ("room", "slot") ON DELETE CASCADE
)`,
  'CREATE INDEX "ix_g_authors_favourite_id" ON "g_authors" ("favourite_id")',
  'CREATE INDEX "ix_g_books_title" ON "g_books" ("title") WHERE title IS NOT NULL',
  'CREATE INDEX "ix_g_books_author_id" ON "g_books" ("author_id")',
  'CREATE INDEX "ix_g_books_g_shelves_g_shelves_room_g_shelves_slot" ON "g_books_g_shelves" ("g_shelves_room", "g_shelves_slot")',
];

const SQLITE_DROP = [
  'PRAGMA defer_foreign_keys = ON',
  'DROP TABLE "g_books_g_shelves"',
  'DROP TABLE "g_books"',
  'DROP TABLE "g_authors"',
  'DROP TABLE "g_shelves"',
];
