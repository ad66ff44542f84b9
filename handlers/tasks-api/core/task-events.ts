import type { Task, TaskEditableField } from "../../../contracts/api";
import { taskEventSchema, type FieldChange, type TaskEvent, type TaskEventType, type TaskSnapshot } from "../../../contracts/events";
import type { IdGenerator } from "../ids";

export function snapshotOf(task: Task): TaskSnapshot {
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    pic: task.pic,
    dueAt: task.dueAt,
    createdBy: task.createdBy,
    version: task.version,
  };
}

/** Which event a changed field belongs to: assignment and status moves are their own (they notify); the rest is an edit. */
function eventTypeOf(field: TaskEditableField): TaskEventType {
  if (field === "pic") return "task.assigned";
  if (field === "status") return "task.status_changed";
  return "task.updated";
}

/** Emission order within one change; event ids increase in this order, so the log reads the same way. */
const CHANGE_EVENT_ORDER: readonly TaskEventType[] = ["task.updated", "task.assigned", "task.status_changed"];

interface EventContext {
  readonly actor: string;
  readonly at: Date;
  readonly newId: IdGenerator;
}

function event(type: TaskEventType, task: Task, changes: FieldChange[], context: EventContext): TaskEvent {
  // Parsing is cheap and keeps anything off-contract out of the outbox, where it would block delivery.
  return taskEventSchema.parse({
    eventId: context.newId(),
    type,
    taskId: task.id,
    at: context.at.toISOString(),
    actor: context.actor,
    changes,
    task: snapshotOf(task),
  });
}

/**
 * The events of one PATCH: at most one per type, each carrying only its own
 * fields (`task.assigned` → pic, `task.status_changed` → status,
 * `task.updated` → title/content/dueAt/position). A PATCH that moves a card
 * and reassigns it yields two events.
 */
export function eventsForUpdate(after: Task, changes: readonly FieldChange[], context: EventContext): TaskEvent[] {
  return CHANGE_EVENT_ORDER.flatMap((type) => {
    const own = changes.filter((change) => eventTypeOf(change.field) === type);
    return own.length > 0 ? [event(type, after, own, context)] : [];
  });
}

/**
 * `task.created` carries no changes (its snapshot is the initial state); a
 * task created with a PIC also gets `task.assigned`, so the PIC is notified
 * exactly as if assigned later.
 */
export function eventsForCreate(task: Task, context: EventContext): TaskEvent[] {
  const created = event("task.created", task, [], context);
  if (task.pic === null) return [created];
  return [created, event("task.assigned", task, [{ field: "pic", from: null, to: task.pic }], context)];
}

/** `task.deleted` carries the task as it was when deleted. */
export function eventsForDelete(task: Task, context: EventContext): TaskEvent[] {
  return [event("task.deleted", task, [], context)];
}
