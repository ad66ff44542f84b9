import { TASK_STATUSES, type Task, type TaskStatus } from "../../../contracts/api";

/**
 * A `tasks` row as {@link TASK_COLUMNS} selects it: the timestamps arrive as
 * PostgreSQL's text of the UTC wall time (`2026-11-21 09:00:00.123456`).
 */
export interface TaskRow {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly status: TaskStatus;
  readonly status_rank: number;
  readonly pic: string | null;
  readonly due_at_utc: string | null;
  readonly position: number;
  readonly version: number;
  readonly created_by: string;
  readonly created_at_utc: string;
  readonly updated_at_utc: string;
}

/**
 * A timestamptz column as the text of its UTC wall time, which
 * {@link isoFromUtcText} turns into the API's ISO-8601 with string operations.
 *
 * Why this shape (bench/README.md has the figures): letting the driver build a
 * `Date` per value and formatting it again took a fifth of the list route's
 * service CPU, and `to_char` moved that cost into PostgreSQL at twice the
 * price (the list SQL ran at half the rate of plain columns). `AT TIME ZONE
 * 'UTC'` then `::text` costs PostgreSQL no more than the plain column, is plain
 * text under both `pg` and PGlite (each parses timestamptz its own way), and
 * does not depend on the session's TimeZone. The alias differs from the column
 * on purpose: an `ORDER BY due_at` or `WHERE` in a query using these columns
 * still means the real timestamp (and its index), never this text.
 */
function utcTextColumn(column: "due_at" | "created_at" | "updated_at"): string {
  return `(${column} AT TIME ZONE 'UTC')::text AS ${column}_utc`;
}

export const TASK_COLUMNS = [
  "id, title, content, status, status_rank, pic",
  utcTextColumn("due_at"),
  "position, version, created_by",
  utcTextColumn("created_at"),
  utcTextColumn("updated_at"),
].join(", ");

/** PostgreSQL's text of a `timestamp` (DateStyle ISO): microseconds present only when not zero, trailing zeros dropped. */
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;

/**
 * `2026-11-21 09:00:00.1239` → `2026-11-21T09:00:00.123Z`: exactly what
 * `Date.toISOString()` writes for that instant (milliseconds, truncated as a
 * `Date` truncates microseconds).
 * @throws Error naming the text when it is not a four-digit-year timestamp; the
 *   API never stores one (due dates are validated to 1970-9999).
 */
export function isoFromUtcText(text: string): string {
  const match = UTC_TEXT.exec(text);
  if (!match) throw new Error(`tasks timestamp "${text}" is not YYYY-MM-DD HH:MM:SS[.ffffff] (a year outside 0000-9999 or BC?)`);
  return `${match[1]}T${match[2]}.${(match[3] ?? "").padEnd(3, "0").slice(0, 3)}Z`;
}

export function taskFromRow(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    status: row.status,
    pic: row.pic,
    dueAt: row.due_at_utc === null ? null : isoFromUtcText(row.due_at_utc),
    position: Number(row.position),
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: isoFromUtcText(row.created_at_utc),
    updatedAt: isoFromUtcText(row.updated_at_utc),
  };
}

/** Column order of a status (0 = first column); the database generates the same value as `status_rank`. */
export function statusRank(status: TaskStatus): number {
  return TASK_STATUSES.indexOf(status);
}
