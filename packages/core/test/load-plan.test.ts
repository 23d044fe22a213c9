/*
 * Loader plans and the queries they compile to, without a database: options resolve to
 * strategies per step, relationship defaults stop at cycles, INNER JOIN is used only where
 * it drops no parent, bad paths say what exists, and a limited query that joins a
 * collection is wrapped so its LIMIT counts parents.
 */
import {
  ArgumentError,
  Column,
  eagerLoad,
  EagerProps,
  Entity,
  joinedLoad,
  ManyToMany,
  ManyToOne,
  MetaData,
  MetadataError,
  OneToMany,
  PrimaryGeneratedColumn,
  raiseLoad,
  select,
  selectinLoad,
} from '@strata/core';
import { SqliteCompiler } from '@strata/sqlite';
import { buildPlan, type PlanNode } from '../src/orm/loading/load-plan';
import { entityQuery } from '../src/orm/loading/entity-query';
import { CAPS, compilerFor } from './query-fixtures';
import { NodeStatement } from '../src/orm/unit-of-work/node-statement';

@Entity('lp_author')
class LpAuthor {
  declare [EagerProps]?: 'books';
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => LpBook, 'author', { lazy: 'selectin', orderBy: 'title desc' }) books!: LpBook[];
}

@Entity('lp_book')
class LpBook {
  declare [EagerProps]?: 'author';
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToOne(() => LpAuthor, 'books', { nullable: false, lazy: 'joined' }) author!: LpAuthor;
  @ManyToOne(() => LpAuthor, undefined, { nullable: true }) editor!: LpAuthor | null;
  @ManyToMany(() => LpShelf, 'books', { joinTable: true }) shelves!: LpShelf[];
}

@Entity('lp_shelf')
class LpShelf {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToMany(() => LpBook, 'shelves') books!: LpBook[];
}

const md = new MetaData([LpAuthor, LpBook, LpShelf]);
const author = () => md.entity(LpAuthor);
const book = () => md.entity(LpBook);
const describePlan = (nodes: readonly PlanNode[]): string[] =>
  nodes.map((n) => `${n.relation.propertyName}:${n.strategy}${n.innerJoin ? ':inner' : ''}${n.children.length ? `(${describePlan(n.children).join(',')})` : ''}`);
const compile = compilerFor(new SqliteCompiler(), CAPS.sqlite, 'SQLite 3.45');

describe('load plans', () => {
  test('defaults apply, but never twice on a path nor from a collection back to its parent', () => {
    // Authors load their books (selectin); a book's author is the parent, so it is not joined back.
    expect(describePlan(buildPlan(author(), []).nodes)).toEqual(['books:selectin']);
    // Books join their author, whose books come in by the author's default; below that, Book.author is on the path.
    expect(describePlan(buildPlan(book(), []).nodes)).toEqual(['author:joined(books:selectin)']);
  });

  test('options override defaults; dotted paths give every step the strategy; eagerLoad picks per kind', () => {
    const plan = buildPlan(author(), [raiseLoad(LpAuthor, 'books')]);
    expect(describePlan(plan.nodes)).toEqual(['books:raise']);
    expect(describePlan(buildPlan(author(), [selectinLoad(LpAuthor, 'books.shelves')]).nodes)).toEqual(['books:selectin(shelves:selectin)']);
    expect(describePlan(buildPlan(book(), eagerLoad(LpBook, 'editor', 'shelves')).nodes)).toEqual(['author:joined(books:selectin)', 'editor:joined(books:selectin)', 'shelves:selectin']);
  });

  test('INNER JOIN only for a NOT NULL key, and never below an outer join', () => {
    expect(describePlan(buildPlan(book(), [joinedLoad(LpBook, 'author', { innerJoin: true }), joinedLoad(LpBook, 'editor', { innerJoin: true })]).nodes)).toEqual([
      'author:joined:inner(books:selectin)',
      'editor:joined(books:selectin)',
    ]);
  });

  test('an unknown relationship in a path names the entity and lists what exists', () => {
    // @ts-expect-error LpBook has no 'covers', which the compiler now refuses; kept to test the run-time check
    expect(() => buildPlan(author(), [selectinLoad(LpAuthor, 'books.covers')])).toThrow(ArgumentError);
    // @ts-expect-error LpBook has no 'covers', which the compiler now refuses; kept to test the run-time check
    expect(() => buildPlan(author(), [selectinLoad(LpAuthor, 'books.covers')])).toThrow(/LpBook has no relationship 'covers'.*author, editor, shelves/);
  });

  test('orderBy must name a property; delete-orphan is refused on a many-to-many', () => {
    @Entity('lp_bad_a')
    class BadA {
      @PrimaryGeneratedColumn() id!: number;
      @OneToMany(() => BadB, 'a', { orderBy: 'nope' }) bs!: BadB[];
    }
    @Entity('lp_bad_b')
    class BadB {
      @PrimaryGeneratedColumn() id!: number;
      @ManyToOne(() => BadA, 'bs') a!: BadA;
      @ManyToMany(() => BadA, undefined, { joinTable: true, cascade: 'all, delete-orphan' }) many!: BadA[];
    }
    expect(() => new MetaData([BadA, BadB]).entity(BadA)).toThrow(MetadataError);
    expect(() => new MetaData([BadA, BadB]).entity(BadA)).toThrow(/delete-orphan does not apply to a many-to-many|orderBy item 'nope'/);
  });
});

describe('entity queries', () => {
  const root = () => ({ kind: 'entity' as const, entity: author(), alias: undefined });

  test('a joined collection under LIMIT wraps the limited query and repeats its ORDER BY outside', () => {
    const statement = select(LpAuthor).orderBy((a) => a.name).limit(20).offset(20);
    const plan = buildPlan(author(), [joinedLoad(LpAuthor, 'books')]);
    const query = entityQuery(statement.node, root(), plan.nodes);
    const { sql, params } = compile(new NodeStatement(query.node));
    expect(sql).toBe(
      'SELECT "anon_1"."id", "anon_1"."name", "lp_book_2"."id" AS "lp_book_2_id", "lp_book_2"."title" AS "lp_book_2_title", "lp_book_2"."author_id" AS "lp_book_2_author_id", "lp_book_2"."editor_id" AS "lp_book_2_editor_id" ' +
        'FROM (SELECT "lp_author"."id", "lp_author"."name" FROM "lp_author" ORDER BY "lp_author"."name" LIMIT ? OFFSET ?) AS "anon_1" ' +
        'LEFT OUTER JOIN "lp_book" AS "lp_book_2" ON "lp_book_2"."author_id" = "anon_1"."id" ORDER BY "anon_1"."name", "lp_book_2"."title" DESC',
    );
    expect(params).toEqual([20, 20]);
  });

  test('a joined to-one needs no wrapping, and a query without limits joins directly', () => {
    const books = select(LpBook).limit(5);
    const plan = buildPlan(book(), [joinedLoad(LpBook, 'editor')]);
    const { sql } = compile(new NodeStatement(entityQuery(books.node, { kind: 'entity', entity: book(), alias: undefined }, plan.nodes).node));
    expect(sql).not.toMatch(/anon_/);
    expect(sql).toMatch(/LEFT OUTER JOIN "lp_author" AS "lp_author_(\d)" ON "lp_book"\."editor_id" = "lp_author_\1"\."id"/);
    expect(sql).toMatch(/LIMIT \?$/);
  });
});
