/*
 * The URL's sslmode, as libpq documents it, on real servers: the shared one (no TLS) and
 * a throw-away one started here with TLS and a certificate for `localhost` signed by a
 * test CA. Whether a connection uses TLS is read from pg_stat_ssl.
 */
import { ConfigurationError, ConnectionFailedError, createEngine } from '@strata/core';
import '@strata/postgres';
import { connectFailure, startTlsPostgres, testUrl, type TlsPostgres } from '@strata/testkit';

/** Whether the engine's connection to `url` uses TLS. */
async function usesTls(url: string): Promise<boolean> {
  const engine = createEngine(url, { poolSize: 1 });
  try {
    return (await engine.execute('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).scalar() as boolean;
  } finally {
    await engine.dispose();
  }
}

describe('postgresql: sslmode against a server without TLS', () => {
  const url = (mode: string) => `${testUrl('postgresql')}?sslmode=${mode}`;

  test('prefer tries TLS, is refused, and connects without it', async () => {
    expect(await usesTls(url('prefer'))).toBe(false);
  });

  test('disable and allow connect without TLS', async () => {
    expect(await usesTls(url('disable'))).toBe(false);
    expect(await usesTls(url('allow'))).toBe(false);
  });

  test('require fails with a ConnectionFailedError saying no TLS connection could be made', async () => {
    for (const mode of ['require', 'verify-ca', 'verify-full']) {
      const error = await connectFailure(url(mode));
      expect(error).toBeInstanceOf(ConnectionFailedError);
      expect(error.message).toMatch(/no TLS connection could be made as the URL's sslmode asks.*The server does not support SSL connections/);
    }
  });

  test('an sslmode libpq does not know is a ConfigurationError listing the modes', async () => {
    const error = await connectFailure(url('always')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full; got "always"/);
  });
});

describe('postgresql: sslmode against a server with TLS', () => {
  let server: TlsPostgres;

  beforeAll(async () => {
    server = await startTlsPostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('prefer uses TLS when the server offers it', async () => {
    expect(await usesTls(server.url({ query: 'sslmode=prefer' }))).toBe(true);
  });

  test('allow connects without TLS first, and with TLS when the server refuses a plain connection', async () => {
    expect(await usesTls(server.url({ query: 'sslmode=allow' }))).toBe(false);
    expect(await usesTls(server.url({ user: server.tlsOnlyUser, query: 'sslmode=allow' }))).toBe(true);
    expect(await usesTls(server.url({ user: server.tlsOnlyUser, query: 'sslmode=prefer' }))).toBe(true);
  });

  test('when both of prefer\'s attempts fail, the error names what each one met', async () => {
    const error = await connectFailure(server.url({ user: 'no_such_role_strata', query: 'sslmode=prefer' }));
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/authentication failed.*\(with TLS: role "no_such_role_strata" does not exist; then without TLS: role "no_such_role_strata" does not exist\)/);
  });

  test('disable never uses TLS, so a role the server admits only over TLS is turned away', async () => {
    expect(await usesTls(server.url({ query: 'sslmode=disable' }))).toBe(false);
    const error = await connectFailure(server.url({ user: server.tlsOnlyUser, query: 'sslmode=disable' }));
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/no encryption/);
  });

  test('require uses TLS without checking the certificate; with sslrootcert it checks the chain, as verify-ca', async () => {
    expect(await usesTls(server.url({ query: 'sslmode=require' }))).toBe(true);
    expect(await usesTls(server.url({ query: `sslmode=require&sslrootcert=${encodeURIComponent(server.caFile)}` }))).toBe(true);
    const wrongRoot = server.caFile.replace(/ca\.crt$/, 'server.crt');
    const error = await connectFailure(server.url({ query: `sslmode=require&sslrootcert=${encodeURIComponent(wrongRoot)}` }));
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/no TLS connection could be made.*\((unable to|self[- ]signed)[^)]*certificate/i);
  });

  test('verify-ca accepts a certificate signed by sslrootcert whatever the host name, and refuses one it cannot check', async () => {
    expect(await usesTls(server.url({ query: `sslmode=verify-ca&sslrootcert=${encodeURIComponent(server.caFile)}` }))).toBe(true);
    const error = await connectFailure(server.url({ query: 'sslmode=verify-ca' }));
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/no TLS connection could be made.*\((unable to|self[- ]signed)[^)]*certificate/i);
  });

  test('verify-full accepts the certificate for the host it names and rejects a wrong host name', async () => {
    const query = `sslmode=verify-full&sslrootcert=${encodeURIComponent(server.caFile)}`;
    expect(await usesTls(server.url({ host: 'localhost', query }))).toBe(true);
    const error = await connectFailure(server.url({ host: '127.0.0.1', query }));
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/no TLS connection could be made.*\(.*127\.0\.0\.1 is not in the cert's list/);
  });

  test('an sslrootcert that cannot be read is a ConfigurationError naming the file', async () => {
    const error = await connectFailure(server.url({ query: 'sslmode=verify-full&sslrootcert=/no/such/ca.pem' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/sslrootcert names "\/no\/such\/ca\.pem", which cannot be read/);
  });
});
