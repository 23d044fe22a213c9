/*
 * Many-to-many association rows of a flush: inserted after every entity INSERT (both keys
 * exist by then), deleted before every entity DELETE. A change seen on both sides of a
 * bidirectional pair is written once; an add and a remove of the same pair cancel out.
 */
import type { JoinTableMetadata } from '../../metadata/entity-metadata';
import type { InstanceState } from '../state/instance-state';
import { keyText } from '../state/key-text';
import type { AssociationCommand, AssociationRow, Placeholders, UnlinkAllCommand } from './flush-plan';
import type { AssociationPair, RelationshipWork } from './relationship-changes';

/** The association commands of a flush: rows to link (after the INSERTs) and to unlink (before the DELETEs). */
export function planAssociations(work: RelationshipWork, placeholders: Placeholders): { links: AssociationCommand[]; unlinks: (AssociationCommand | UnlinkAllCommand)[] } {
  if (work.pairsAdded.length === 0 && work.pairsRemoved.length === 0 && work.associationsCleared.length === 0) return NONE;
  const added = work.pairsAdded.map((p) => rowOf(p, placeholders));
  const removed = work.pairsRemoved.map((p) => rowOf(p, placeholders));
  const links = commandsOf('link', added, new Set(removed.map((r) => r.key)));
  const unlinks: (AssociationCommand | UnlinkAllCommand)[] = commandsOf('unlink', removed, new Set(added.map((r) => r.key)));
  unlinks.push(...unlinkAll(work.associationsCleared));
  return { links, unlinks };
}

const NONE = Object.freeze({ links: [], unlinks: [] });

/** A row with its table and a key that is the same for the same cells (whichever side the change was seen on). */
interface KeyedRow extends AssociationRow {
  readonly joinTable: JoinTableMetadata;
  readonly key: string;
}

function rowOf(pair: AssociationPair, placeholders: Placeholders): KeyedRow {
  const joinTable = pair.relation.joinTable!;
  const cell = (state: InstanceState, c: JoinTableMetadata['ownerColumns'][number]) => ({
    name: c.name,
    value: placeholders.valueOf(state, state.mapper.columns.indexOf(c.referenced)),
  });
  const cells = [...joinTable.ownerColumns.map((c) => cell(pair.owner, c)), ...joinTable.targetColumns.map((c) => cell(pair.target, c))].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const names = cells.map((c) => c.name);
  const values = cells.map((c) => c.value);
  // A placeholder's text names its row (`<Tag#2.id>`), so equal pairs of new rows key alike too.
  return { joinTable, names, values, key: `${joinTable.tableName}\u0002${names.join(',')}\u0002${keyText(values)}` };
}

/** One command per table of the rows not cancelled by `cancelled`, each row once. */
function commandsOf(kind: 'link' | 'unlink', rows: readonly KeyedRow[], cancelled: ReadonlySet<string>): AssociationCommand[] {
  const byTable = new Map<string, { joinTable: JoinTableMetadata; rows: AssociationRow[]; seen: Set<string> }>();
  for (const row of rows) {
    if (cancelled.has(row.key)) continue;
    // Both sides of a pair describe the same table, with the same column names.
    let entry = byTable.get(row.joinTable.tableName);
    if (!entry) byTable.set(row.joinTable.tableName, (entry = { joinTable: row.joinTable, rows: [], seen: new Set() }));
    if (entry.seen.has(row.key)) continue;
    entry.seen.add(row.key);
    entry.rows.push({ names: row.names, values: row.values });
  }
  return [...byTable.values()].map(({ joinTable, rows }) => ({ kind, joinTable, rows }));
}

/** Every association row of deleted objects, loaded or not: one command per table and owner columns. */
function unlinkAll(cleared: RelationshipWork['associationsCleared']): UnlinkAllCommand[] {
  const groups = new Map<string, { joinTable: JoinTableMetadata; keys: Map<string, unknown[]> }>();
  for (const { relation, state } of cleared) {
    const joinTable = relation.joinTable!;
    const group = `${joinTable.tableName}\u0001${joinTable.ownerColumns.map((c) => c.name).join(',')}`;
    let entry = groups.get(group);
    if (!entry) groups.set(group, (entry = { joinTable, keys: new Map() }));
    const values = joinTable.ownerColumns.map((c) => (state.snapshot ?? state.values)[state.mapper.columns.indexOf(c.referenced)]);
    entry.keys.set(keyText(values), values);
  }
  return [...groups.values()].map(({ joinTable, keys }) => ({ kind: 'unlink-all' as const, joinTable, keys: [...keys.values()] }));
}
