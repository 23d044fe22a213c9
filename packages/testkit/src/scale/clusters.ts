/*
 * Throw-away primary / replica clusters for the scale-out suite, made in the test set-up
 * from the machine's own server binaries: PostgreSQL streaming replicas (initdb, then
 * pg_basebackup -R) and MariaDB binlog replicas (mariadb-install-db, CHANGE MASTER), on
 * ports of their own under a temporary directory, stopped and removed afterwards.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A primary with replicas, and the controls the tests need. */
export interface ReplicatedCluster {
  /** URL of the primary's test database. */
  readonly primary: string;
  /** URLs of the replicas' copy of it. */
  readonly replicas: readonly string[];
  /** Stops replica `i` (as a crash would, for the engine). */
  stopReplica(i: number): Promise<void>;
  /** Starts replica `i` again and waits until it answers. */
  startReplica(i: number): Promise<void>;
  /** Stops applying the primary's changes on replica `i` (it keeps serving reads). */
  pauseReplication(i: number): Promise<void>;
  /** Applies them again and waits until replica `i` has caught up. */
  resumeReplication(i: number): Promise<void>;
  /** Waits until every running replica (or just replica `only`) has the primary's latest change. */
  caughtUp(only?: number): Promise<void>;
  /** Stops every server and removes the directory. */
  destroy(): Promise<void>;
}

/** Removes a directory a server may still be finishing writes in. */
export async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await pause(100);
    }
  }
}

/** Runs a command as an OS user (the servers refuse to run as root). */
export function runAs(user: string, command: string, args: string[]): Promise<unknown> {
  if (userInfo().username === user) return run(command, args);
  return run('runuser', ['-u', user, '--', command, ...args]);
}

/** Makes `dir` (and its parents), owned by the OS user a server runs as when the tests run as root. */
export function owned(dir: string, user: 'postgres' | 'mysql'): string {
  mkdirSync(dir, { recursive: true });
  if (userInfo().uid === 0) {
    const ids = idsOf(user);
    chownSync(dir, ids.uid, ids.gid);
  }
  return dir;
}

/** The uid and gid of an OS user. */
export function idsOf(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`There is no '${user}' OS user to run the ${user} server as.`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The newest PostgreSQL server binaries on the machine. */
export function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return join('/usr/lib/postgresql', versions[versions.length - 1]!, 'bin');
}

/** A PostgreSQL primary on `port` with `replicas` streaming replicas on the next ports, holding database `database`. */
export async function postgresReplication(port: number, replicas: number, database: string): Promise<ReplicatedCluster> {
  const bin = postgresBin();
  const root = owned(mkdtempSync(join(tmpdir(), 'strata-pg-replication-')), 'postgres');
  const dataOf = (i: number) => join(root, i < 0 ? 'primary' : `replica${i}`);
  const portOf = (i: number) => port + 1 + i;
  const pgCtl = (dir: string, ...args: string[]) => runAs('postgres', join(bin, 'pg_ctl'), ['-D', dir, '-l', `${dir}.log`, '-w', ...args]);
  const sql = async (p: number, text: string, db = 'postgres'): Promise<string> => {
    const { stdout } = (await run('psql', ['-h', '127.0.0.1', '-p', String(p), '-U', 'postgres', '-d', db, '-tAc', text])) as { stdout: string };
    return stdout.trim();
  };
  await runAs('postgres', join(bin, 'initdb'), ['-D', dataOf(-1), '-U', 'postgres', '--auth=trust', '--no-sync']);
  await pgCtl(dataOf(-1), '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=10 -c fsync=off -c synchronous_commit=off`, 'start');
  await sql(port, `CREATE DATABASE "${database}"`);
  const startReplica = async (i: number) => {
    await pgCtl(dataOf(i), '-o', `-p ${portOf(i)} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on`, 'start');
  };
  for (let i = 0; i < replicas; i++) {
    await runAs('postgres', join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-D', dataOf(i), '-R', '-X', 'stream', '-c', 'fast']);
    await startReplica(i);
  }
  const url = (p: number) => `postgresql://postgres@127.0.0.1:${p}/${database}`;
  const running = new Set(Array.from({ length: replicas }, (_, i) => i));
  const cluster: ReplicatedCluster = {
    primary: url(port),
    replicas: Array.from({ length: replicas }, (_, i) => url(portOf(i))),
    async stopReplica(i) {
      await pgCtl(dataOf(i), '-m', 'immediate', 'stop');
      running.delete(i);
    },
    async startReplica(i) {
      await startReplica(i);
      running.add(i);
    },
    async pauseReplication(i) {
      await sql(portOf(i), 'SELECT pg_wal_replay_pause()');
    },
    async resumeReplication(i) {
      await sql(portOf(i), 'SELECT pg_wal_replay_resume()');
      await cluster.caughtUp(i);
    },
    async caughtUp(only) {
      // The insert position, not the write position: with synchronous_commit off a COMMIT
      // returns before its record is written, and the write position can be short of it.
      const target = await sql(port, 'SELECT pg_current_wal_insert_lsn()');
      for (const i of only === undefined ? running : [only]) {
        for (let n = 0; ; n++) {
          const behind = await sql(portOf(i), `SELECT pg_last_wal_replay_lsn() < '${target}'::pg_lsn`);
          if (behind === 'f') break;
          if (n === 200) throw new Error(`PostgreSQL replica ${i} (port ${portOf(i)}) has not replayed up to ${target} after 10 s.`);
          await pause(50);
        }
      }
    },
    async destroy() {
      for (const i of running) await pgCtl(dataOf(i), '-m', 'immediate', 'stop').catch(() => undefined);
      await pgCtl(dataOf(-1), '-m', 'immediate', 'stop').catch(() => undefined);
      await removeDir(root);
    },
  };
  return cluster;
}

/** A MariaDB primary on `port` with `replicas` binlog replicas on the next ports, holding database `database`. */
export async function mariadbReplication(port: number, replicas: number, database: string): Promise<ReplicatedCluster> {
  const root = owned(mkdtempSync(join(tmpdir(), 'strata-mariadb-replication-')), 'mysql');
  const dirOf = (i: number) => join(root, i < 0 ? 'primary' : `replica${i}`);
  const portOf = (i: number) => (i < 0 ? port : port + 1 + i);
  const sql = async (p: number, text: string): Promise<string> => {
    const { stdout } = (await run('mariadb', ['-h', '127.0.0.1', '-P', String(p), '-u', 'root', '-N', '-B', '-e', text])) as { stdout: string };
    return stdout.trim();
  };
  const answers = async (p: number) => sql(p, 'SELECT 1').then(() => true, () => false);
  const start = async (i: number) => {
    const dir = dirOf(i);
    // Private instances: no grant tables (127.0.0.1 only), binary log on the primary, read-only replicas.
    const args = [
      '--no-defaults',
      `--datadir=${dir}`,
      `--port=${portOf(i)}`,
      '--bind-address=127.0.0.1',
      `--socket=${dir}.sock`,
      `--pid-file=${dir}.pid`,
      `--server-id=${i + 2}`,
      '--skip-grant-tables',
      '--user=mysql',
      '--innodb-flush-log-at-trx-commit=2',
      ...(i < 0 ? [`--log-bin=${dir}/bin`, '--binlog-format=ROW'] : [`--relay-log=${dir}/relay`, '--read-only']),
    ];
    const child = spawn('/usr/sbin/mariadbd', args, { detached: true, stdio: 'ignore' });
    // Reaped when it exits; never keeps the test process alive.
    child.on('exit', () => undefined);
    child.unref();
    for (let n = 0; n < 300 && !(await answers(portOf(i))); n++) await pause(100);
    if (!(await answers(portOf(i)))) throw new Error(`The MariaDB ${i < 0 ? 'primary' : `replica ${i}`} on port ${portOf(i)} did not start.`);
  };
  const stop = async (i: number) => {
    await run('mariadb-admin', ['-h', '127.0.0.1', '-P', String(portOf(i)), '-u', 'root', 'shutdown']).catch(() => undefined);
    for (let n = 0; n < 300 && (await answers(portOf(i))); n++) await pause(100);
  };
  for (let i = -1; i < replicas; i++) {
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${owned(dirOf(i), 'mysql')}`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db']);
  }
  await start(-1);
  const [file, position] = (await sql(port, 'SHOW MASTER STATUS')).split('\t');
  for (let i = 0; i < replicas; i++) {
    await start(i);
    await sql(portOf(i), `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${port}, MASTER_USER='root', MASTER_LOG_FILE='${file}', MASTER_LOG_POS=${position}; START SLAVE`);
  }
  await sql(port, `CREATE DATABASE \`${database}\``);
  const running = new Set(Array.from({ length: replicas }, (_, i) => i));
  const url = (p: number) => `mysql://root@127.0.0.1:${p}/${database}`;
  const cluster: ReplicatedCluster = {
    primary: url(port),
    replicas: Array.from({ length: replicas }, (_, i) => url(portOf(i))),
    async stopReplica(i) {
      await stop(i);
      running.delete(i);
    },
    async startReplica(i) {
      await start(i);
      running.add(i);
    },
    async pauseReplication(i) {
      await sql(portOf(i), 'STOP SLAVE SQL_THREAD');
    },
    async resumeReplication(i) {
      await sql(portOf(i), 'START SLAVE SQL_THREAD');
      await cluster.caughtUp(i);
    },
    async caughtUp(only) {
      const [file, position] = (await sql(port, 'SHOW MASTER STATUS')).split('\t');
      for (const i of only === undefined ? running : [only]) {
        for (let n = 0; ; n++) {
          const done = await sql(portOf(i), `SELECT MASTER_POS_WAIT('${file}', ${position}, 1)`);
          if (done !== '-1' && done !== 'NULL') break;
          if (n === 200) throw new Error(`MariaDB replica ${i} (port ${portOf(i)}) has not applied ${file}:${position} after 200 tries.`);
          await pause(50);
        }
      }
    },
    async destroy() {
      for (const i of running) await stop(i);
      await stop(-1);
      await removeDir(root);
    },
  };
  return cluster;
}
