import { TASK_STATUSES, type Task, type TaskStatus } from "../../../contracts/api";

/** A `tasks` row as both drivers return it (pg gives Date for timestamptz; the mapping accepts strings too). */
export interface TaskRow {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly status: TaskStatus;
  readonly status_rank: number;
  readonly pic: string | null;
  readonly due_at: Date | string | null;
  readonly position: number;
  readonly version: number;
  readonly created_by: string;
  readonly created_at: Date | string;
  readonly updated_at: Date | string;
}

export const TASK_COLUMNS =
  "id, title, content, status, status_rank, pic, due_at, position, version, created_by, created_at, updated_at";

function isoString(value: Date | string): string {
  return new Date(value).toISOString();
}

export function taskFromRow(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    status: row.status,
    pic: row.pic,
    dueAt: row.due_at === null ? null : isoString(row.due_at),
    position: Number(row.position),
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: isoString(row.created_at),
    updatedAt: isoString(row.updated_at),
  };
}

/** Column order of a status (0 = first column); the database generates the same value as `status_rank`. */
export function statusRank(status: TaskStatus): number {
  return TASK_STATUSES.indexOf(status);
}
