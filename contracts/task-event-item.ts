/**
 * How a `TaskEvent` is stored in the `task-events` table: its own fields, with
 * `at` replaced by the sort key `<at>#<eventId>` so two events of one task in
 * the same millisecond never collide. The tasks-api and the reminder write
 * items this way; the notifier (through the stream) and the activity log read them.
 */
import type { z } from "zod";
import { taskEventSchema, type TaskEvent } from "./events";
import { TASK_EVENTS_TABLE, TASK_EVENT_AT_SEPARATOR, taskEventAt } from "./tables";

const SORT_KEY = TASK_EVENTS_TABLE.sortKey.name;

export type TaskEventItem = Omit<TaskEvent, "at"> & { readonly at: string };

export function toTaskEventItem(event: TaskEvent): TaskEventItem {
  return { ...event, [SORT_KEY]: taskEventAt(new Date(event.at), event.eventId) };
}

/** Reads an (unmarshalled) item back as a `TaskEvent`: the sort key's time part becomes `at`. */
export function parseTaskEventItem(item: Readonly<Record<string, unknown>>): z.ZodSafeParseResult<TaskEvent> {
  const sortKey = item[SORT_KEY];
  const at = typeof sortKey === "string" ? sortKey.split(TASK_EVENT_AT_SEPARATOR)[0] : sortKey;
  return taskEventSchema.safeParse({ ...item, at });
}
