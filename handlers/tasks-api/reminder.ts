/**
 * The daily reminder: tasks not done whose due date falls within the next 24
 * hours (`task.due_soon`) or has passed (`task.overdue`) become task events in
 * the `task-events` table, which the notifier mails.
 *
 * At most one event per task, type and day: the event id and `at` depend only
 * on the task, the type and the day in the reminder's time zone, so a rerun on
 * the same day rewrites the same DynamoDB item (the Pipe forwards INSERTs only,
 * and the notifier deduplicates on eventId besides), and the next day is new.
 */
import type { Task } from "../../contracts/api";
import { SYSTEM_ACTOR, taskEventSchema, type TaskEvent, type TaskEventType } from "../../contracts/events";
import { taskEventAt } from "../../contracts/tables";
import { snapshotOf } from "./core/task-events";
import { TASK_COLUMNS, taskFromRow, type TaskRow } from "./core/task-rows";
import type { Queryable, SqlParam } from "./db/database";
import type { TaskEventLog } from "./events/task-event-log";

/** The board's users are in Korea; their "day" decides when a reminder is new. */
export const DEFAULT_REMINDER_TIME_ZONE = "Asia/Seoul";
/** A task due before `now` plus this is due soon. */
export const DUE_SOON_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Rows read per query: a large board never sits in memory at once. */
export const REMINDER_PAGE_SIZE = 500;

export type ReminderType = Extract<TaskEventType, "task.due_soon" | "task.overdue">;

/** A calendar day in the reminder's time zone. */
export interface ReminderDay {
  /** `YYYY-MM-DD` */
  readonly day: string;
  /** The first instant of that day in the zone: the `at` of every reminder of the day. */
  readonly startsAt: Date;
}

/** Whether the runtime's ICU knows this IANA time zone (`Asia/Seoul`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function dayFormatter(timeZone: string): (instant: number) => string {
  const format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return (instant) => {
    const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  };
}

/**
 * The day `now` falls on in `timeZone`, and when that day began.
 *
 * The start is found by bisection on the instants (first one whose local day
 * is this day) rather than by offset arithmetic, so it is exact on DST days
 * too, including zones whose clocks skip midnight.
 */
export function reminderDayOf(now: Date, timeZone: string): ReminderDay {
  const dayOf = dayFormatter(timeZone);
  const day = dayOf(now.getTime());
  const utcMidnight = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  // UTC offsets span -12 h to +14 h: local midnight lies strictly inside this bracket.
  let before = utcMidnight - 15 * 3_600_000;
  let from = Math.min(utcMidnight + 13 * 3_600_000, now.getTime());
  while (from - before > 1) {
    const middle = Math.floor((before + from) / 2);
    if (dayOf(middle) < day) before = middle;
    else from = middle;
  }
  return { day, startsAt: new Date(from) };
}

/** `reminder.<type>.<taskId>.<YYYY-MM-DD>`: one per task, type and day; usable in the `at` sort key (no `#`). */
export function reminderEventId(type: ReminderType, taskId: string, day: string): string {
  return `reminder.${type}.${taskId}.${day}`;
}

/** Which reminder a task gets at `now`, if any. Tasks without a PIC get none: nobody would be mailed. */
export function reminderTypeOf(task: Task, now: Date): ReminderType | undefined {
  if (task.status === "done" || task.pic === null || task.dueAt === null) return undefined;
  const due = Date.parse(task.dueAt);
  if (due < now.getTime()) return "task.overdue";
  if (due < now.getTime() + DUE_SOON_WINDOW_MS) return "task.due_soon";
  return undefined;
}

/** The reminder event of a task: actor `system:reminder`, no changes, the task as it is now. */
export function reminderEvent(type: ReminderType, task: Task, day: ReminderDay): TaskEvent {
  const event = taskEventSchema.parse({
    eventId: reminderEventId(type, task.id, day.day),
    type,
    taskId: task.id,
    at: day.startsAt.toISOString(),
    actor: SYSTEM_ACTOR,
    changes: [],
    task: snapshotOf(task),
  });
  // Fails here, before any write, if the id could not be a sort key.
  taskEventAt(day.startsAt, event.eventId);
  return event;
}

export interface ReminderDeps {
  readonly db: Queryable;
  readonly eventLog: Pick<TaskEventLog, "append">;
  readonly now: Date;
  /** @default DEFAULT_REMINDER_TIME_ZONE */
  readonly timeZone?: string;
  /** @default REMINDER_PAGE_SIZE */
  readonly pageSize?: number;
}

export interface ReminderOutcome {
  readonly day: string;
  readonly timeZone: string;
  readonly dueSoon: number;
  readonly overdue: number;
  /** Tasks due soon or overdue that nobody is in charge of: not reminded. */
  readonly withoutPic: number;
  readonly pages: number;
}

/** A page row: the task, plus its due date as PostgreSQL text, exact to the microsecond for the keyset. */
type ReminderRow = TaskRow & { readonly due_key: string };

/**
 * Reads tasks not done and due before `now + 24 h`, in pages keyset on
 * `(due_at, id)` (the `tasks_due_at` index), and writes each page's reminders
 * before reading the next. No transaction spans a DynamoDB call. A task whose
 * due date moves during the run may be seen twice (same event, an identical
 * rewrite) or missed until tomorrow.
 */
export async function sendReminders(deps: ReminderDeps): Promise<ReminderOutcome> {
  const timeZone = deps.timeZone ?? DEFAULT_REMINDER_TIME_ZONE;
  const pageSize = deps.pageSize ?? REMINDER_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`pageSize must be a positive whole number, not ${pageSize}`);
  const day = reminderDayOf(deps.now, timeZone);
  const horizon = new Date(deps.now.getTime() + DUE_SOON_WINDOW_MS).toISOString();
  const counts = { dueSoon: 0, overdue: 0, withoutPic: 0, pages: 0 };

  let after: { dueKey: string; id: string } | undefined;
  for (;;) {
    const params: SqlParam[] = [horizon, pageSize];
    // PostgreSQL turns the row comparison into `due_at >= $3` on the index: each page is one range scan.
    const keyset = after === undefined ? "" : "AND (due_at, id) > ($3::timestamptz, $4::uuid)";
    if (after !== undefined) params.push(after.dueKey, after.id);
    const { rows } = await deps.db.query<ReminderRow>(
      `SELECT ${TASK_COLUMNS}, due_at::text AS due_key FROM tasks
       WHERE due_at < $1::timestamptz AND status <> 'done' ${keyset}
       ORDER BY due_at, id LIMIT $2`,
      params,
    );
    if (rows.length === 0) break;
    counts.pages += 1;

    const events: TaskEvent[] = [];
    for (const row of rows) {
      const task = taskFromRow(row);
      if (task.pic === null) {
        counts.withoutPic += 1;
        continue;
      }
      const type = reminderTypeOf(task, deps.now);
      if (type === undefined) continue;
      events.push(reminderEvent(type, task, day));
      if (type === "task.due_soon") counts.dueSoon += 1;
      else counts.overdue += 1;
    }
    try {
      await deps.eventLog.append(events);
    } catch (error) {
      const written = counts.dueSoon + counts.overdue - events.length;
      throw new Error(`writing reminders failed after at least ${written} event(s) were written; rerunning today rewrites the same events`, {
        cause: error,
      });
    }

    const last = rows[rows.length - 1]!;
    after = { dueKey: last.due_key, id: last.id };
    if (rows.length < pageSize) break;
  }
  return { day: day.day, timeZone, ...counts };
}
