/*
 * session.stream: rows from the dialect's cursor, read inside the session's transaction
 * after an autoflush, turned into session objects one at a time. The clean objects it makes
 * are held weakly by the identity map, so a long stream keeps only what the caller keeps.
 * The session refuses to flush or commit under an open stream and ends it before a rollback.
 */
import { ArgumentError, InvalidStateError } from '../../errors/errors';
import type { StreamOptions } from '../../engine/connection';
import type { Statement } from '../../query/statement';
import { arrayHydrator, hydrate, placementOf } from './hydrate';
import type { Session } from '../session/session';
import { builtStatement } from './session-loader';
import { contextOf } from '../session/session-context';

/** The streams open on each session, so commit can refuse to run under one and rollback can end them. */
const openStreams = new WeakMap<Session, Set<AsyncGenerator<unknown>>>();

/**
 * Yields a statement's results through the session: objects for `select(Entity)`, rows
 * (with entities hydrated in place) for other selections, raw rows when no entity is selected.
 */
export function streamResults(session: Session, statement: Statement<unknown>, options: StreamOptions = {}): AsyncGenerator<unknown> {
  const generator = results(session, statement, options, () => generator);
  return generator;
}

async function* results(session: Session, statement: Statement<unknown>, options: StreamOptions, self: () => AsyncGenerator<unknown>): AsyncGenerator<unknown> {
  const { batchSize } = options;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    throw new ArgumentError(`session.stream(): batchSize must be a positive integer; got ${String(batchSize)}.`);
  }
  const placement = placementOf(builtStatement(statement).node);
  const context = contextOf(session);
  const connection = await context.connectionForQuery();
  const target = context.hydrationTarget({ weak: true });
  let open = openStreams.get(session);
  if (!open) openStreams.set(session, (open = new Set()));
  open.add(self());
  try {
    if (placement.kind === 'row') {
      // Value arrays from the driver, read into objects a batch at a time by the entity's row mapper.
      const mapper = context.mapperFor(placement.entity);
      const { batches, compiled } = connection.streamArrays(statement, options);
      const read = arrayHydrator(target, mapper, compiled);
      for await (const batch of batches) {
        for (let i = 0; i < batch.length; i++) {
          const object = read(batch[i]!);
          // The batch lets go of each row as it is handed out, so the caller's loop alone decides what stays alive.
          batch[i] = undefined as never;
          yield object;
        }
      }
      return;
    }
    const rows = connection.stream(statement, options) as AsyncGenerator<Record<string | number, unknown>>;
    if (placement.kind === 'none') {
      yield* rows;
    } else {
      const mappers = placement.items.map((item) => ({ at: item.at, mapper: context.mapperFor(item.entity) }));
      for await (const row of rows) {
        for (const { at, mapper } of mappers) {
          const bag = row[at];
          if (bag) row[at] = hydrate(target, mapper, bag as Record<string, unknown>);
        }
        yield row;
      }
    }
  } finally {
    open.delete(self());
  }
}

/** Throws when a stream is open on the session: its connection is busy until the loop ends. */
export function assertNoOpenStream(session: Session, what: string): void {
  if ((openStreams.get(session)?.size ?? 0) === 0) return;
  throw new InvalidStateError(`${what} cannot run while a session.stream() loop is open on this session; finish the loop or break out of it first.`);
}

/**
 * Ends the session's open streams (their loops see the end), closing their cursors, so a
 * rollback or close does not wait behind a cursor nobody may read again.
 */
export async function closeOpenStreams(session: Session): Promise<void> {
  const open = openStreams.get(session);
  if (!open || open.size === 0) return;
  await Promise.all([...open].map((stream) => stream.return(undefined).catch(() => undefined)));
}
