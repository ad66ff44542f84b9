/**
 * The board's card order while a drag is under way: which ids each column
 * shows. Moving between columns happens as the card passes over them (so the
 * target column opens a gap, with the pointer and the keyboard alike); the
 * final order is read from here on drop.
 */
import type { TaskStatus } from "../../../contracts/api";
import { COLUMNS } from "./columns";

export type ColumnOrder = Readonly<Record<TaskStatus, readonly string[]>>;

const COLUMN_ID_PREFIX = "column:";

/** The droppable id of a column (an empty column is still a target). */
export const columnDropId = (status: TaskStatus): string => `${COLUMN_ID_PREFIX}${status}`;

export function statusOfDropId(id: string): TaskStatus | null {
  if (!id.startsWith(COLUMN_ID_PREFIX)) return null;
  const status = id.slice(COLUMN_ID_PREFIX.length);
  return COLUMNS.find((column) => column === status) ?? null;
}

/** The column that holds an id: a card's column, or the column a column-id names. */
export function columnOf(order: ColumnOrder, id: string): TaskStatus | null {
  return statusOfDropId(id) ?? COLUMNS.find((status) => order[status].includes(id)) ?? null;
}

/**
 * Moves the dragged card into the column of what it is over, at that card's
 * place (or after it when `after`), or at the end when over the column itself.
 * Same order back when both are already in one column: the sortable list
 * animates that case itself and {@link reorderWithin} settles it on drop.
 */
export function moveAcross(order: ColumnOrder, activeId: string, overId: string, after: boolean): ColumnOrder {
  const from = columnOf(order, activeId);
  const to = columnOf(order, overId);
  if (from === null || to === null || from === to) return order;
  const target = order[to];
  const overIndex = target.indexOf(overId);
  const index = overIndex === -1 ? target.length : overIndex + (after ? 1 : 0);
  return {
    ...order,
    [from]: order[from].filter((id) => id !== activeId),
    [to]: [...target.slice(0, index), activeId, ...target.slice(index)],
  };
}

/** Puts the dragged card at the place of the card it was dropped on, within one column. */
export function reorderWithin(order: ColumnOrder, activeId: string, overId: string): ColumnOrder {
  const status = columnOf(order, activeId);
  if (status === null || activeId === overId || columnOf(order, overId) !== status) return order;
  const ids = order[status];
  const from = ids.indexOf(activeId);
  const to = statusOfDropId(overId) === null ? ids.indexOf(overId) : ids.length - 1;
  if (from === -1 || to === -1) return order;
  const moved = ids.filter((id) => id !== activeId);
  moved.splice(to, 0, activeId);
  return { ...order, [status]: moved };
}
