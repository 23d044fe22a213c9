/*
 * Unit of work, ordering step within one table: the rows of a self-referencing entity that
 * one flush inserts, parents before children, with rows caught in a cycle set apart for a
 * post-update. Pure, and linear in rows plus parent links.
 */

/** The result of {@link orderRows}. */
export interface RowOrder<T> {
  /** Rows in INSERT order: every row after its parents in the batch; rows of equal depth keep their input order. */
  readonly ordered: T[];
  /** Rows on a cycle of parent links (including a row that is its own parent), in input order. */
  readonly cyclic: T[];
}

/**
 * Orders the rows of one self-referencing table for INSERT: parents before children, as a
 * stable sort by depth (roots first, then their children, ...), so each depth can be one
 * multi-row INSERT whose keys the previous one generated.
 *
 * `parentsOf` returns a row's parents; parents that are not among `rows` (already in the
 * database, or not in this flush) are ignored, and a row listed twice counts once. Rows on a
 * cycle (a -> b -> a, or a -> a) come back in `cyclic`: insert them first with their keys to
 * rows of this batch NULL, then `ordered`, then UPDATE those keys. Rows below a cycle are in
 * `ordered`, since the cyclic rows exist by then.
 *
 * For DELETE use `ordered.reverse()` (children first), after setting the cyclic rows' keys NULL.
 * @example
 * const { ordered, cyclic } = orderRows(newCategories, (c) => (c.parent ? [c.parent] : []));
 */
export function orderRows<T>(rows: readonly T[], parentsOf: (row: T) => readonly T[]): RowOrder<T> {
  const index = new Map<T, number>();
  const unique: T[] = [];
  for (const row of rows) {
    if (index.has(row)) continue;
    index.set(row, unique.length);
    unique.push(row);
  }
  const parents = unique.map((row) => {
    const found: number[] = [];
    for (const parent of parentsOf(row)) {
      const i = index.get(parent);
      if (i !== undefined) found.push(i);
    }
    return found;
  });
  const onCycle = cycleMembers(parents);
  const depth = depths(parents, onCycle);

  // A counting sort by depth over the input order: stable and linear.
  let deepest = -1;
  for (const d of depth) if (d > deepest) deepest = d;
  const starts = new Array<number>(deepest + 2).fill(0);
  for (const d of depth) if (d >= 0) starts[d + 1]!++;
  for (let d = 1; d < starts.length; d++) starts[d]! += starts[d - 1]!;
  const ordered = new Array<T>(starts[starts.length - 1]!);
  const cyclic: T[] = [];
  unique.forEach((row, i) => {
    if (onCycle[i]) cyclic.push(row);
    else ordered[starts[depth[i]!]!++] = row;
  });
  return { ordered, cyclic };
}

/** Which rows lie on a cycle: Tarjan's strongly connected components, iterative so deep trees cannot overflow the stack. */
function cycleMembers(parents: readonly (readonly number[])[]): boolean[] {
  const count = parents.length;
  const discovered = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const onCycle = new Array<boolean>(count).fill(false);
  const stack: number[] = [];
  const callRow: number[] = [];
  const callNext: number[] = [];
  let counter = 0;
  const visit = (row: number): void => {
    discovered[row] = low[row] = counter++;
    stack.push(row);
    onStack[row] = true;
    callRow.push(row);
    callNext.push(0);
  };
  for (let root = 0; root < count; root++) {
    if (discovered[root] !== -1) continue;
    visit(root);
    while (callRow.length > 0) {
      const top = callRow.length - 1;
      const row = callRow[top]!;
      const next = callNext[top]!;
      if (next < parents[row]!.length) {
        callNext[top] = next + 1;
        const parent = parents[row]![next]!;
        if (discovered[parent] === -1) visit(parent);
        else if (onStack[parent]) low[row] = Math.min(low[row]!, discovered[parent]!);
        continue;
      }
      callRow.pop();
      callNext.pop();
      if (callRow.length > 0) {
        const caller = callRow[callRow.length - 1]!;
        low[caller] = Math.min(low[caller]!, low[row]!);
      }
      if (low[row] !== discovered[row]) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = false;
        component.push(member);
      } while (member !== row);
      if (component.length > 1 || parents[row]!.includes(row)) for (const m of component) onCycle[m] = true;
    }
  }
  return onCycle;
}

/** Each acyclic row's depth: 0 without parents in the batch, else one more than its deepest parent; -1 for cyclic rows. */
function depths(parents: readonly (readonly number[])[], onCycle: readonly boolean[]): number[] {
  const count = parents.length;
  const depth = new Array<number>(count).fill(0);
  const waiting = new Array<number>(count).fill(0);
  const children: number[][] = Array.from({ length: count }, () => []);
  for (let row = 0; row < count; row++) {
    if (onCycle[row]) {
      depth[row] = -1;
      continue;
    }
    // A cyclic parent is inserted before every ordered row, so it does not constrain the order.
    for (const parent of parents[row]!) {
      if (onCycle[parent]) continue;
      waiting[row]!++;
      children[parent]!.push(row);
    }
  }
  const queue: number[] = [];
  for (let row = 0; row < count; row++) if (!onCycle[row] && waiting[row] === 0) queue.push(row);
  for (let head = 0; head < queue.length; head++) {
    const row = queue[head]!;
    for (const child of children[row]!) {
      depth[child] = Math.max(depth[child]!, depth[row]! + 1);
      if (--waiting[child]! === 0) queue.push(child);
    }
  }
  return depth;
}
