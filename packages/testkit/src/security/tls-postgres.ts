/*
 * A throw-away PostgreSQL server with TLS for the sslmode tests: initdb in a temporary
 * directory, a certificate authority and a server certificate for `localhost` made by
 * openssl, a free port of its own. The shared servers are never touched.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { idsOf, owned, postgresBin, removeDir, runAs } from '../scale/clusters';

const run = promisify(execFile);

/** A running TLS-enabled server and what the tests need to reach it. */
export interface TlsPostgres {
  readonly port: number;
  /** The CA certificate (PEM file) the server's certificate is signed by. */
  readonly caFile: string;
  /** A role that may connect only with TLS (pg_hba `hostnossl ... reject`). */
  readonly tlsOnlyUser: string;
  /** A URL of this server's `postgres` database. */
  url(options: { user?: string; host?: string; query?: string }): string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Writes a CA and a server certificate for `localhost` (no IP address in it) into `dir`. */
async function makeCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=Strata test CA']);
  await run('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost\n');
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.crt'), '-days', '2', '-extfile', file('server.ext')]);
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

/**
 * Starts a PostgreSQL server with ssl = on on a free port, trusting every local
 * connection except plain ones of `tlsOnlyUser`.
 * @example
 * const server = await startTlsPostgres();
 * try { ... server.url({ query: 'sslmode=prefer' }) ... } finally { await server.stop(); }
 */
export async function startTlsPostgres(): Promise<TlsPostgres> {
  const bin = postgresBin();
  const root = owned(mkdtempSync(join(tmpdir(), 'strata-pg-tls-')), 'postgres');
  const data = join(root, 'data');
  const pgCtl = (...args: string[]) => runAs('postgres', join(bin, 'pg_ctl'), ['-D', data, '-l', `${data}.log`, '-w', ...args]);
  const { ca, cert, key } = await makeCertificates(root);
  if (userInfo().uid === 0) {
    const ids = idsOf('postgres');
    for (const path of [cert, key]) chownSync(path, ids.uid, ids.gid);
  }
  chmodSync(key, 0o600);
  const tlsOnlyUser = 'strata_tls_only';
  await runAs('postgres', join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  writeFileSync(join(data, 'pg_hba.conf'), `local all all trust\nhostnossl all ${tlsOnlyUser} 127.0.0.1/32 reject\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n`);
  const port = await freePort();
  const settings = [`-p ${port}`, `-k ${root}`, "-c listen_addresses='127.0.0.1,::1'", '-c fsync=off', '-c ssl=on', `-c ssl_cert_file=${cert}`, `-c ssl_key_file=${key}`];
  await pgCtl('-o', settings.join(' '), 'start');
  await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-tAc', `CREATE ROLE ${tlsOnlyUser} LOGIN SUPERUSER`]);
  return {
    port,
    caFile: ca,
    tlsOnlyUser,
    url: ({ user = 'postgres', host = '127.0.0.1', query = '' }) => `postgresql://${user}@${host}:${port}/postgres${query ? `?${query}` : ''}`,
    async stop() {
      await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      await removeDir(root);
    },
  };
}
