/*
 * The writing half of the SQL expression suite: multi-row INSERT, RETURNING where the
 * server has it (NotSupportedError where not), UPDATE with expressions, DELETE, upserts,
 * and FOR UPDATE with SKIP LOCKED / NOWAIT seen from a second connection.
 */
import { deleteFrom, insert, NotSupportedError, select, StrataError, update, type Engine } from '@strata/core';
import type { QueryModel } from './query-fixtures';

/** The state the suite shares with these checks. */
export interface QueryContext {
  readonly engine: Engine;
  /** Seeded ids by name; every name the checks read is seeded, so a lookup's `!` only drops the `undefined` a Record index is typed with. */
  readonly ids: Record<string, number>;
  readonly m: QueryModel;
}

/** Registers the writing checks inside the query suite's describe block. */
export function queryWriteChecks(ctx: QueryContext): void {
  const users = async () => (await ctx.engine.execute(select(ctx.m.User).orderBy((u) => u.name))).rows;

  test('a multi-row insert fills JavaScript defaults; RETURNING reads rows back where the server has it', async () => {
    const { User } = ctx.m;
    // Every row gives the same properties: SQLite has no DEFAULT inside a multi-row VALUES list.
    const statement = insert(User).values([{ name: 'dee', email: 'dee@x.io', age: null }, { name: 'eve', email: 'eve@x.io', age: 41 }]);
    expect((await ctx.engine.execute(statement)).rowCount).toBe(2);
    const returning = insert(User).values({ name: 'fay', email: 'fay@x.io', active: false }).returning();
    if (!ctx.engine.capabilities.returning) {
      await expect(ctx.engine.execute(returning)).rejects.toThrow(NotSupportedError);
      return;
    }
    const { rows } = await ctx.engine.execute(returning);
    expect(rows).toEqual([{ id: expect.any(Number), name: 'fay', email: 'fay@x.io', age: null, active: false, managerId: null }]);
    const keyed = await ctx.engine.execute(insert(User).values({ name: 'gus', email: 'gus@x.io' }).returning((u) => ({ key: u.id, on: u.active })));
    expect(keyed.rows).toEqual([{ key: expect.any(Number), on: true }]);
  });

  test('update sets values and expressions over the row; delete removes what matches', async () => {
    const { User, Post } = ctx.m;
    const bumped = await ctx.engine.execute(update(Post).set((p) => ({ views: p.views.add(100) })).where((p) => p.author.eq(ctx.ids.ann!)));
    expect(bumped.rowCount).toBe(2);
    const views = await ctx.engine.execute(select({ views: Post.views }).where(Post.title.eq('Joins')));
    expect(views.rows).toEqual([{ views: 105 }]);
    await ctx.engine.execute(update(User).set({ manager: null, age: 26 }).where({ name: 'cy' }));
    const cy = (await users()).find((u) => u.name === 'cy')!;
    expect([cy.managerId, cy.age]).toEqual([null, 26]);
    const withReturning = update(User).set({ active: true }).where({ name: 'bob' }).returning((u) => ({ name: u.name, active: u.active }));
    if (ctx.engine.capabilities.updateReturning) expect((await ctx.engine.execute(withReturning)).rows).toEqual([{ name: 'bob', active: true }]);
    else await expect(ctx.engine.execute(withReturning)).rejects.toThrow(NotSupportedError);
    await ctx.engine.execute(deleteFrom(Post).where((p) => p.author.eq(ctx.ids.bob!)));
    const removed = deleteFrom(User).where((u) => u.name.eq('bob')).returning((u) => ({ name: u.name }));
    if (ctx.engine.capabilities.returning) expect((await ctx.engine.execute(removed)).rows).toEqual([{ name: 'bob' }]);
    else expect((await ctx.engine.execute(deleteFrom(User).where({ name: 'bob' }))).rowCount).toBe(1);
    expect((await users()).map((u) => u.name)).toEqual(['ann', 'cy']);
  });

  test('upserts: copy from the proposed row, compute from both, or do nothing', async () => {
    const { User } = ctx.m;
    await ctx.engine.execute(insert(User).values({ name: 'ANN', email: 'ann@x.io', age: 99 }).onConflict({ target: ['email'], set: ['name'] }));
    await ctx.engine.execute(insert(User).values({ name: 'x', email: 'cy@x.io', age: 1 }).onConflict({ target: ['email'], set: (proposed, current) => ({ age: current.age.add(proposed.age) }) }));
    await ctx.engine.execute(insert(User).values({ name: 'nobody', email: 'bob@x.io' }).onConflict({ target: ['email'], set: 'nothing' }));
    await ctx.engine.execute(insert(User).values({ name: 'new', email: 'new@x.io' }).onConflict({ target: ['email'], set: 'nothing' }));
    const rows = (await users()).map((u) => [u.name, u.age]);
    expect(rows).toEqual([['ANN', 30], ['bob', null], ['cy', 26], ['new', null]]);
  });

  test('FOR UPDATE locks rows for the transaction; SKIP LOCKED passes them over and NOWAIT refuses to wait', async () => {
    const { User } = ctx.m;
    const holder = await ctx.engine.connect();
    const other = await ctx.engine.connect();
    try {
      await holder.begin();
      const locked = await holder.execute(select(User).where({ id: ctx.ids.ann }).forUpdate());
      expect(locked.rows.map((u) => u.name)).toEqual(['ann']);
      if (!ctx.engine.capabilities.forUpdate) {
        // SQLite: FOR UPDATE adds nothing; the write transaction already holds the database's lock.
        await holder.rollback();
        return;
      }
      await other.begin();
      if (ctx.engine.capabilities.skipLocked) {
        const free = await other.execute(select(User).orderBy((u) => u.name).forUpdate({ skipLocked: true }));
        expect(free.rows.map((u) => u.name)).toEqual(['bob', 'cy']);
      }
      if (ctx.engine.capabilities.nowait) {
        await expect(other.execute(select(User).where({ id: ctx.ids.ann }).forUpdate({ nowait: true }))).rejects.toThrow(StrataError);
      }
      await other.rollback();
      const lockOf = select(User).join((u) => u.posts).where({ id: ctx.ids.ann }).forUpdate({ of: [User], skipLocked: ctx.engine.capabilities.skipLocked });
      if (ctx.engine.capabilities.forUpdateOf) expect((await holder.execute(lockOf)).rows).toHaveLength(2);
      else await expect(holder.execute(lockOf)).rejects.toThrow(NotSupportedError);
      await holder.rollback();
    } finally {
      await holder.close();
      await other.close();
    }
  });
}
