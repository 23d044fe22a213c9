/*
 * The Session's public face is its API: the members its collaborators use live on its
 * SessionContext. The typecheck (npm run typecheck) fails if one of them comes back on the
 * class, since each `@ts-expect-error` below then has no error to expect; the test checks
 * the same at run time.
 */
import { Session } from '@strata/core';

/** Never called: compiled by the typecheck only. */
export function formerInternalMembers(session: Session): void {
  // Property reads only: a call could fail on its arguments and satisfy the expectation by accident.
  // @ts-expect-error state callbacks belong to the session's context
  void session.markDirty;
  // @ts-expect-error state callbacks belong to the session's context
  void session.collectionChanged;
  // @ts-expect-error state callbacks belong to the session's context
  void session.relationChanging;
  // @ts-expect-error state callbacks belong to the session's context
  void session.relatedByKey;
  // @ts-expect-error the transaction runner forks through the context
  void session.fork;
  // @ts-expect-error the factory links listeners through the context
  void session.events;
  // @ts-expect-error loaders and streams get connections through the context
  void session.connectionForQuery;
  // @ts-expect-error loaders and streams map entities through the context
  void session.mapperFor;
  // @ts-expect-error request scopes retire a session through the context
  void session.retire;
  // @ts-expect-error loaders hydrate through the context
  void session.hydrationTarget;
}

const FORMER_INTERNALS = [
  'markDirty',
  'collectionChanged',
  'relationChanging',
  'relatedByKey',
  'fork',
  'events',
  'connectionForQuery',
  'mapperFor',
  'retire',
  'hydrationTarget',
];

describe('Session surface', () => {
  test('the members collaborators use are not on Session', () => {
    const members = Object.getOwnPropertyNames(Session.prototype);
    for (const name of FORMER_INTERNALS) expect(members).not.toContain(name);
  });
});
