/*
 * Read replicas on real replicated servers made in the set-up (a PostgreSQL primary with two
 * streaming replicas; a MariaDB primary with two binlog replicas): reads outside a transaction
 * go to the replicas round robin, transactions and read-your-writes sessions to the primary,
 * and a replica that stops is skipped until it answers again.
 */
import { Column, createEngine, Entity, insert, MetaData, PrimaryGeneratedColumn, select, sessionMaker, sql, type Engine, type SessionFactory } from '@strata/core';
import { mariadbReplication, postgresReplication, type ReplicatedCluster } from './clusters';

@Entity('rs_item')
class RsItem {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) label!: string;
}

const md = new MetaData([RsItem]);

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Registers the replica tests for a client/server dialect. */
export function replicaSuite(dialect: 'postgresql' | 'mysql'): void {
  describe(`${dialect}: read replicas`, () => {
    let cluster: ReplicatedCluster;
    let engine: Engine;
    let Session: SessionFactory;
    const portOf = (url: string) => Number(new URL(url).port);
    /** The port of the server a read connection is on. */
    const serverPort = async (conn: Awaited<ReturnType<Engine['connectForRead']>>) =>
      Number((await conn.execute(dialect === 'postgresql' ? 'SELECT inet_server_port() AS p' : 'SELECT @@port AS p')).scalar());
    /** The ports serving `n` read connections opened at once. */
    const readPorts = async (n: number): Promise<Set<number>> => {
      const conns = await Promise.all(Array.from({ length: n }, () => engine.connectForRead()));
      try {
        return new Set(await Promise.all(conns.map(serverPort)));
      } finally {
        for (const conn of conns) await conn.close();
      }
    };
    const labels = async (read: () => Promise<RsItem[]>) => (await read()).map((i) => i.label).sort();

    beforeAll(async () => {
      cluster = dialect === 'postgresql' ? await postgresReplication(5442, 2, 'strata_scale') : await mariadbReplication(3317, 2, 'strata_scale');
      engine = createEngine(cluster.primary, { replicas: cluster.replicas, replicaRetryAfter: 500, replicaRecycle: 300, poolSize: 4, maxOverflow: 4 });
      await md.createAll(engine);
      await cluster.caughtUp();
      Session = sessionMaker({ bind: engine, registry: md });
    }, 120_000);

    afterAll(async () => {
      await engine?.dispose();
      await cluster?.destroy();
    });

    beforeEach(async () => {
      await engine.execute('DELETE FROM rs_item');
      await cluster.caughtUp();
    });

    test('reads outside a transaction go to the replicas, round robin; transactions and read-your-writes sessions to the primary', async () => {
      const ports = await readPorts(6);
      expect([...ports].sort()).toEqual(cluster.replicas.map(portOf).sort());
      // With replication paused, a row written now is on the primary only: who sees it shows who served.
      await cluster.pauseReplication(0);
      await cluster.pauseReplication(1);
      try {
        await engine.execute(sql`INSERT INTO rs_item (label) VALUES (${'fresh'})`);
        expect(await labels(() => Session.run((s) => s.scalars(select(RsItem))))).toEqual([]);
        expect(await labels(() => Session.transaction((s) => s.scalars(select(RsItem))))).toEqual(['fresh']);
        const pinned = Session();
        try {
          pinned.usePrimary();
          expect(await labels(() => pinned.scalars(select(RsItem)))).toEqual(['fresh']);
        } finally {
          await pinned.close();
        }
        // readYourWrites: after its own write the session reads from the primary.
        const ryw = Session({ readYourWrites: true });
        try {
          expect(await labels(() => ryw.scalars(select(RsItem)))).toEqual([]);
          const item = new RsItem();
          item.label = 'mine';
          ryw.add(item);
          await ryw.commit();
          expect(await labels(() => ryw.scalars(select(RsItem)))).toEqual(['fresh', 'mine']);
        } finally {
          await ryw.close();
        }
        // The default: a bulk statement through session.execute pins the session's reads to the primary too.
        const bulk = Session();
        try {
          await bulk.execute(insert(RsItem).values([{ label: 'bulk' }]));
          await bulk.commit();
          expect(await labels(() => bulk.scalars(select(RsItem)))).toEqual(['bulk', 'fresh', 'mine']);
        } finally {
          await bulk.close();
        }
        // readYourWrites: false keeps reads outside transactions on the (paused) replicas even after writing.
        const lagging = Session({ readYourWrites: false });
        try {
          lagging.add(Object.assign(new RsItem(), { label: 'lagging' }));
          await lagging.commit();
          expect(await labels(() => lagging.scalars(select(RsItem)))).toEqual([]);
        } finally {
          await lagging.close();
        }
      } finally {
        await cluster.resumeReplication(0);
        await cluster.resumeReplication(1);
      }
      expect(await labels(() => Session.run((s) => s.scalars(select(RsItem))))).toEqual(['bulk', 'fresh', 'lagging', 'mine']);
    });

    test('a session that read from a replica writes through the primary', async () => {
      await engine.execute(sql`INSERT INTO rs_item (label) VALUES (${'before'})`);
      await cluster.caughtUp();
      await Session.run(async (s) => {
        const [item] = await s.scalars(select(RsItem));
        item!.label = 'after';
        s.add(Object.assign(new RsItem(), { label: 'added' }));
      });
      const onPrimary = (await engine.execute('SELECT label FROM rs_item ORDER BY label')).rows.map((r) => r.label);
      expect(onPrimary).toEqual(['added', 'after']);
    });

    test('a replica that stops is skipped without errors, and serves again once it is back', async () => {
      const events: string[] = [];
      const stop = engine.on('replica', (e) => events.push(`${portOf(e.target)} ${e.healthy ? 'up' : 'down'}`));
      const down = cluster.replicas[0]!;
      try {
        await engine.execute(sql`INSERT INTO rs_item (label) VALUES (${'one'})`);
        await cluster.caughtUp();
        await cluster.stopReplica(0);
        let errors = 0;
        const results = await Promise.all(
          Array.from({ length: 40 }, () => Session.run((s) => s.scalars(select(RsItem))).catch(() => (errors++, []))),
        );
        expect(errors).toBe(0);
        expect(results.every((r) => r.length === 1)).toBe(true);
        expect(engine.replicaStatus().find((r) => r.target === new URL(down).toString() || portOf(r.target) === portOf(down))!.healthy).toBe(false);
        expect(await readPorts(4)).not.toContain(portOf(down));
        await cluster.startReplica(0);
        await cluster.caughtUp();
        // After replicaRetryAfter, new connections (recycled ones included) reach it again.
        let back = false;
        for (let n = 0; n < 50 && !back; n++) {
          await pause(200);
          back = (await readPorts(4)).has(portOf(down));
        }
        expect(back).toBe(true);
        expect(events).toEqual([`${portOf(down)} down`, `${portOf(down)} up`]);
      } finally {
        stop();
      }
    });

    test('with every replica down, reads fall back to the primary', async () => {
      await engine.execute(sql`INSERT INTO rs_item (label) VALUES (${'primary only'})`);
      await cluster.stopReplica(0);
      await cluster.stopReplica(1);
      try {
        const results = await Promise.all(Array.from({ length: 10 }, () => Session.run((s) => s.scalars(select(RsItem)))));
        expect(results.every((r) => r.length === 1 && r[0]!.label === 'primary only')).toBe(true);
        expect(await readPorts(2)).toEqual(new Set([portOf(cluster.primary)]));
      } finally {
        await cluster.startReplica(0);
        await cluster.startReplica(1);
        await cluster.caughtUp();
      }
    });
  });
}
