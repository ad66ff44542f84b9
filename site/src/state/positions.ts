/**
 * Card order is a number per task (`position`); a move sets a value between
 * the new neighbours, so only the moved task changes and one PATCH saves it.
 */
import type { Task, TaskStatus } from "../../../contracts/api";

/** Distance from a neighbour when a card goes to either end of a column (the API's own step). */
export const POSITION_GAP = 1024;

/**
 * A position strictly between two neighbours (either may be missing: an end
 * of the column, or an empty column). Halving leaves room for ~50 moves into
 * the same gap before doubles run out; after that the card lands next to its
 * neighbour rather than failing, which the next move evens out.
 */
export function positionBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined) return after === undefined ? POSITION_GAP : after - POSITION_GAP;
  if (after === undefined) return before + POSITION_GAP;
  return before + (after - before) / 2;
}

export interface PlannedMove {
  readonly status: TaskStatus;
  readonly position: number;
}

/**
 * Where a dropped task goes: `order` is the destination column's ids as the
 * user sees them after the drop (filters may hide cards; the visible
 * neighbours decide). Null when the task would not move.
 */
export function planMove(task: Task, status: TaskStatus, order: readonly string[], tasksById: ReadonlyMap<string, Task>): PlannedMove | null {
  const index = order.indexOf(task.id);
  if (index === -1) return null;
  const before = index > 0 ? tasksById.get(order[index - 1] ?? "") : undefined;
  const after = tasksById.get(order[index + 1] ?? "");
  if (status === task.status) {
    const alreadyThere = (before === undefined || before.position < task.position) && (after === undefined || task.position < after.position);
    if (alreadyThere) return null;
  }
  return { status, position: positionBetween(before?.position, after?.position) };
}
