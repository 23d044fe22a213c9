/*
 * The name of strata's GET_LOCK, without a server: one per database, within MySQL's 64
 * characters, the same in every process. The conformance suite proves on the server that
 * the lock of one database leaves the others alone.
 */
import { migrationLockName } from '@strata/mysql';

describe('the MySQL migration lock name', () => {
  test('names the database, so migrations of other databases on the server do not wait for it', () => {
    expect(migrationLockName('shop')).toBe('strata_migrations:shop');
    expect(migrationLockName('shop')).not.toBe(migrationLockName('shop_test'));
  });

  test('a database name too long for GET_LOCK becomes a hash of it: 64 characters, stable, different per database', () => {
    const long = 'd'.repeat(64);
    const name = migrationLockName(long);
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^strata_migrations:[0-9a-f]{46}$/);
    expect(migrationLockName(long)).toBe(name);
    expect(migrationLockName(`${'d'.repeat(63)}e`)).not.toBe(name);
    expect(migrationLockName('x'.repeat(46))).toHaveLength(64);
    expect(migrationLockName('x'.repeat(47))).toMatch(/^strata_migrations:[0-9a-f]{46}$/);
  });
});
