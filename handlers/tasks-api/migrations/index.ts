import { createTasks } from "./0001-create-tasks";
import { createTasksOutbox } from "./0002-create-tasks-outbox";
import type { Migration } from "./migration";

export type { Migration } from "./migration";

/** Every migration, in version order. Append only. */
export const MIGRATIONS: readonly Migration[] = [createTasks, createTasksOutbox];
