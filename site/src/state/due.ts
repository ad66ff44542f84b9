import type { Task } from "../../../contracts/api";

/** "Due soon" means within this long from now: the reminder emails use the same window. */
export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

export type DueState = "none" | "overdue" | "soon" | "later" | "done";

/** How urgent a task's due date is; finished tasks are never overdue. */
export function dueState(task: Pick<Task, "dueAt" | "status">, now: Date): DueState {
  if (task.dueAt === null) return "none";
  if (task.status === "done") return "done";
  const due = Date.parse(task.dueAt);
  if (Number.isNaN(due)) return "none";
  const remaining = due - now.getTime();
  if (remaining < 0) return "overdue";
  return remaining <= DUE_SOON_MS ? "soon" : "later";
}
