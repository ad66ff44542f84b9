import { TASK_STATUSES, type Task, type TaskStatus } from "../../../contracts/api";

/**
 * A `tasks` row as {@link TASK_COLUMNS} selects it: the timestamps arrive as
 * ISO-8601 text in UTC with milliseconds, already in the API's form.
 */
export interface TaskRow {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly status: TaskStatus;
  readonly status_rank: number;
  readonly pic: string | null;
  readonly due_at_iso: string | null;
  readonly position: number;
  readonly version: number;
  readonly created_by: string;
  readonly created_at_iso: string;
  readonly updated_at_iso: string;
}

/**
 * A timestamptz column formatted by PostgreSQL exactly as `Date.toISOString()`
 * would (UTC, milliseconds truncated like a JS Date, `Z`). Formatting in SQL
 * instead of letting the driver build a `Date` and formatting that again took
 * a fifth of the list route's CPU; it also behaves the same under `pg` and
 * PGlite (each parses timestamptz its own way) and whatever the session's
 * TimeZone is. The colons are quoted text (`":"`) so that the statement has no
 * `:name` that pgbench would take for a variable (bench/ runs this SQL). The alias differs from the column on purpose: an `ORDER BY
 * due_at` or `WHERE` in a query using these columns still means the real
 * timestamp (and its index), never this text.
 */
function isoColumn(column: "due_at" | "created_at" | "updated_at"): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"') AS ${column}_iso`;
}

export const TASK_COLUMNS = [
  "id, title, content, status, status_rank, pic",
  isoColumn("due_at"),
  "position, version, created_by",
  isoColumn("created_at"),
  isoColumn("updated_at"),
].join(", ");

export function taskFromRow(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    status: row.status,
    pic: row.pic,
    dueAt: row.due_at_iso,
    position: Number(row.position),
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: row.created_at_iso,
    updatedAt: row.updated_at_iso,
  };
}

/** Column order of a status (0 = first column); the database generates the same value as `status_rank`. */
export function statusRank(status: TaskStatus): number {
  return TASK_STATUSES.indexOf(status);
}
