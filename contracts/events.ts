/**
 * Task events: what the tasks-api and the reminder write to the `task-events`
 * table, what the table's stream carries through the EventBridge Pipe, and
 * what the notifier mails. One schema for producers, consumers, site and tests.
 */
import { z } from "zod";
import { TASK_EDITABLE_FIELDS, TASK_STATUSES } from "./api";

export const TASK_EVENT_TYPES = [
  "task.created",
  "task.updated",
  "task.assigned",
  "task.status_changed",
  "task.deleted",
  "task.due_soon",
  "task.overdue",
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** Event types that send email; the Pipe filters the stream to these. */
export const NOTIFYING_EVENT_TYPES = [
  "task.assigned",
  "task.status_changed",
  "task.due_soon",
  "task.overdue",
] as const satisfies readonly TaskEventType[];

/** EventBridge envelope fields of task events on the bus. */
export const TASK_EVENT_SOURCE = "taskboard.task-events";
export const TASK_EVENT_DETAIL_TYPE = "TaskEvent";

/**
 * How far back task events can be replayed from the bus archive. The notifier
 * remembers each email it sent for longer than this, so a replay never mails
 * anyone twice; the archive must not keep events longer.
 */
export const TASK_EVENT_REPLAY_WINDOW_DAYS = 30;

/** Who caused an event: a signed-in user, or the reminder job. */
export const SYSTEM_ACTOR = "system:reminder";

export const fieldChangeSchema = z.strictObject({
  field: z.enum(TASK_EDITABLE_FIELDS),
  from: z.union([z.string(), z.number(), z.null()]),
  to: z.union([z.string(), z.number(), z.null()]),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

/** The task as it was after the event: enough to write an email without reading the database. */
export const taskSnapshotSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  status: z.enum(TASK_STATUSES),
  pic: z.string().nullable(),
  dueAt: z.string().nullable(),
  createdBy: z.string(),
  version: z.number().int(),
});
export type TaskSnapshot = z.infer<typeof taskSnapshotSchema>;

export const taskEventSchema = z.strictObject({
  /** Unique per event; the notifier's idempotency key. Deterministic for reminder events (one per task, type and day). */
  eventId: z.string().min(1),
  type: z.enum(TASK_EVENT_TYPES),
  taskId: z.string().min(1),
  /** When it happened (ISO-8601, UTC). */
  at: z.iso.datetime(),
  /** A user's email, or `system:reminder`. */
  actor: z.string().min(1),
  changes: z.array(fieldChangeSchema),
  task: taskSnapshotSchema,
});
export type TaskEvent = z.infer<typeof taskEventSchema>;
