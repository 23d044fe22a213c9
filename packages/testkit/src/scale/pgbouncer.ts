/*
 * A PgBouncer in transaction-pooling mode in front of the test PostgreSQL server, for the
 * suites that run through it: its own config and user list in a temporary directory, run
 * as the postgres OS user (PgBouncer refuses root), stopped and removed afterwards.
 */
import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A running PgBouncer. */
export interface PgBouncer {
  /** Rewrites a PostgreSQL URL to go through the bouncer, with `pgbouncer=true`. */
  url(direct: string): string;
  /** Transactions PgBouncer has passed on for `database` (its SHOW STATS), to prove traffic went through it. */
  transactions(database: string): Promise<number>;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts PgBouncer on `port` forwarding every database to `server` (host:port), in
 * transaction pooling with `poolSize` server connections per database, so client
 * connections are multiplexed over fewer server sessions.
 */
export async function startPgBouncer(port: number, server: { host: string; port: number }, poolSize = 4): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-pgbouncer-'));
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n"root" ""\n');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.host} port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'admin_users = postgres',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 1000',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  if (userInfo().uid === 0) {
    const [, , uid, gid] = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))!.split(':');
    for (const file of ['', 'pgbouncer.ini', 'userlist.txt']) chownSync(join(dir, file), Number(uid), Number(gid));
  }
  const command = userInfo().uid === 0 ? ['runuser', '-u', 'postgres', '--', 'pgbouncer', ini] : ['pgbouncer', ini];
  const child = spawn(command[0]!, command.slice(1), { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let n = 0; n < 100 && !(await listening(port)); n++) {
    if (exited) throw new Error(`PgBouncer exited at start; see ${join(dir, 'pgbouncer.log')}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url(direct) {
      const parsed = new URL(direct);
      parsed.host = `127.0.0.1:${port}`;
      parsed.searchParams.set('pgbouncer', 'true');
      return parsed.toString();
    },
    async transactions(database) {
      const { Client } = require('pg') as typeof import('pg');
      const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'pgbouncer' });
      await admin.connect();
      try {
        const { rows } = await admin.query('SHOW STATS');
        return Number(rows.find((r: { database: string }) => r.database === database)?.total_xact_count ?? 0);
      } finally {
        await admin.end();
      }
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        for (let n = 0; n < 50 && !exited; n++) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
