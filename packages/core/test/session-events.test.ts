/*
 * Session events and the weak identity map without a database: listener order and
 * inheritance, unsubscribing, settled events reporting failures, and the sweep that drops
 * the map slots of collected streamed objects.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ArgumentError, Column, Entity, EntityRegistry, PrimaryColumn } from '@strata/core';
import type { Session } from '@strata/core';
import { SessionEvents } from '../src/orm/session/session-events';
import { IdentityMap } from '../src/orm/identity/identity-map';
import { EntityMapper } from '../src/orm/state/entity-mapper';

@Entity('ev_row')
class EvRow {
  @PrimaryColumn() id!: number;
  @Column({ type: 'integer' }) n!: number;
}

const session = {} as Session;

describe('session events', () => {
  test('inherited listeners run first; on() returns an unsubscribe; unknown names are refused', async () => {
    const factory = new SessionEvents();
    const own = new SessionEvents();
    own.inherit(factory);
    const log: string[] = [];
    factory.on('beforeFlush', () => void log.push('factory'));
    const stop = own.on('beforeFlush', (s) => void log.push(s === session ? 'own' : 'wrong session'));
    await own.emit('beforeFlush', session);
    stop();
    await own.emit('beforeFlush', session);
    expect(log).toEqual(['factory', 'own', 'factory']);
    expect(own.has('afterFlush')).toBe(false);
    expect(() => own.on('beforeCommit' as never, (() => undefined) as never)).toThrow(ArgumentError);
  });

  test('emit stops at the first listener that throws; emitSettled reports it and runs the rest', async () => {
    const events = new SessionEvents();
    const ran: string[] = [];
    events.on('afterFlush', () => {
      throw new Error('first');
    });
    events.on('afterFlush', () => void ran.push('flush-second'));
    await expect(events.emit('afterFlush', session)).rejects.toThrow('first');
    events.on('afterCommit', () => {
      throw new Error('commit-first');
    });
    events.on('afterCommit', () => void ran.push('commit-second'));
    const reported: string[] = [];
    events.on('hookError', (error, failure) => void reported.push(`${failure.hook}:${(error as Error).message}`));
    await events.emitSettled('afterCommit', session);
    expect(ran).toEqual(['commit-second']);
    expect(reported).toEqual(['afterCommit:commit-first']);
  });

  test('without a hookError listener a failure becomes a STRATA_HOOK_FAILED warning', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await new SessionEvents().report(new Error('lost'), { session, hook: 'onCommit' });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/onCommit hook threw: Error: lost/), { code: 'STRATA_HOOK_FAILED' });
    } finally {
      warn.mockRestore();
    }
  });
});

describe('weak identity map', () => {
  test('slots of collected streamed objects are swept, so the map does not grow with the stream', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const mapper = EntityMapper.for(new EntityRegistry([EvRow]).entity(EvRow));
    const map = new IdentityMap();
    const pinned = mapper.materialize([0, 0], 'persistent');
    pinned.toPersistent(0);
    map.add(pinned, true);
    map.pin(pinned);
    let largest = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 1; i <= 20_000; i++) {
        const state = mapper.materialize([round * 20_000 + i, i], 'persistent');
        state.toPersistent(round * 20_000 + i);
        map.add(state, true);
      }
      largest = Math.max(largest, map.size);
      // WeakRef targets live until the current job ends; then a full collection frees them.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(largest).toBeLessThan(50_000);
    expect(map.get(mapper.metadata, 0)).toBe(pinned);
  });
});
