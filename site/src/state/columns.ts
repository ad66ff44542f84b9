import type { Task, TaskStatus } from "../../../contracts/api";
import { TASK_STATUS_ORDER } from "../api/contract-values";

export const COLUMNS: readonly TaskStatus[] = TASK_STATUS_ORDER;

export type Columns<T> = Readonly<Record<TaskStatus, readonly T[]>>;

/** The API's board order: position ascending, id breaking ties (`ORDER BY status_rank, position, id`). */
export function compareTasks(a: Task, b: Task): number {
  return a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Tasks split into their columns, each in board order. */
export function groupByColumn(tasks: readonly Task[]): Columns<Task> {
  const columns: Record<TaskStatus, Task[]> = { todo: [], in_progress: [], done: [] };
  for (const task of tasks) columns[task.status].push(task);
  for (const status of COLUMNS) columns[status].sort(compareTasks);
  return columns;
}
