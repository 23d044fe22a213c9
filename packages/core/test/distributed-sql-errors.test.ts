/*
 * Distributed SQL engines on the PostgreSQL and MySQL protocols report contention with
 * their own codes; these are the errors `session.transaction({ retry })` must re-run. The
 * engines are not on this machine, so their errors are written out here as the drivers
 * deliver them (code / errno fields), and sorted by the dialects' classifiers.
 */
import { classifyMysqlError } from '@strata/mysql';
import { classifyPostgresError } from '@strata/postgres';

describe('errors of distributed SQL engines', () => {
  test.each([
    ['CockroachDB / YugabyteDB restart: 40001', { code: '40001', message: 'restart transaction: TransactionRetryWithProtoRefreshError' }, 'serialization'],
    ['a deadlock: 40P01', { code: '40P01', message: 'deadlock detected' }, 'serialization'],
    ['CockroachDB ambiguous result: 40003 (its fate is unknown: never re-run)', { code: '40003', message: 'result is ambiguous' }, 'operational'],
  ])('PostgreSQL protocol: %s', (_name, error, kind) => {
    expect(classifyPostgresError(error).kind).toBe(kind);
  });

  test.each([
    ['TiDB write conflict 9007', 9007],
    ['TiDB write conflict on a stale start timestamp 8005', 8005],
    ['TiDB retryable KV error 8022', 8022],
    ['TiDB schema changed meanwhile 8028', 8028],
    ['TiDB SELECT FOR UPDATE conflict 8002', 8002],
    ['a deadlock 1213', 1213],
  ])('MySQL protocol: %s is a serialization failure that ends the transaction', (_name, errno) => {
    expect(classifyMysqlError({ errno, message: 'try again later' })).toMatchObject({ kind: 'serialization', endsTransaction: true });
  });
});
