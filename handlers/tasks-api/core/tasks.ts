import {
  TASK_EDITABLE_FIELDS,
  type CreateTaskInput,
  type Page,
  type Task,
  type TaskEditableField,
  type UpdateTaskInput,
  listTasksQuerySchema,
} from "../../../contracts/api";
import type { Principal } from "../../../contracts/auth";
import type { FieldChange, TaskEvent } from "../../../contracts/events";
import type { z } from "zod";
import { ApiError } from "../../lib/errors";
import type { Database, Queryable, SqlParam } from "../db/database";
import { isUuid, type IdGenerator } from "../ids";
import { authorizeUpdate, requireSupervisor } from "./authorization";
import { decodeCursor, encodeCursor, type ListFilters } from "./cursor";
import { eventsForCreate, eventsForDelete, eventsForUpdate } from "./task-events";
import { statusRank, TASK_COLUMNS, taskFromRow, type TaskRow } from "./task-rows";

export type ListTasksInput = z.output<typeof listTasksQuerySchema>;

/** Gap between default positions: room for many moves between two cards before positions get close. */
export const POSITION_STEP = 1024;

export interface TasksCoreDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly newId: IdGenerator;
  /** Called after a commit that put events in the outbox; the service nudges its outbox relay here. */
  readonly onEventsRecorded?: () => void;
}

export interface TasksCore {
  list(principal: Principal, query: ListTasksInput): Promise<Page<Task>>;
  get(principal: Principal, id: string): Promise<Task>;
  create(principal: Principal, input: CreateTaskInput): Promise<Task>;
  update(principal: Principal, id: string, input: UpdateTaskInput): Promise<Task>;
  remove(principal: Principal, id: string): Promise<void>;
  /** Whether a task with this id exists now (the activity log outlives a deleted task). */
  exists(id: string): Promise<boolean>;
}

function notFound(id: string): ApiError {
  return new ApiError("not_found", `task ${id} does not exist`);
}

function conflict(current: Task, sentVersion: number): ApiError {
  return new ApiError(
    "conflict",
    `the task changed since version ${sentVersion}; it is now at version ${current.version}. Reapply your change to the current task`,
    { current },
  );
}

async function selectTask(db: Queryable, id: string): Promise<Task | undefined> {
  const { rows } = await db.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1`, [id]);
  return rows[0] ? taskFromRow(rows[0]) : undefined;
}

/**
 * The one way events enter the outbox: `param` holds them as a JSON array (`JSON.stringify(events)`), inserted in
 * array order (outbox ids, and so delivery, follow it), only when `condition` holds.
 */
function outboxInsert(param: string, condition = "true"): string {
  return `INSERT INTO tasks_outbox (event)
          SELECT event FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS events (event, n)
          WHERE ${condition}
          ORDER BY n`;
}

async function recordEvents(tx: Queryable, events: readonly TaskEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(outboxInsert("$1"), [JSON.stringify(events)]);
}

/** Column written for each editable field, and how its value travels as a parameter. */
const COLUMN_OF: Record<TaskEditableField, { column: string; cast: string }> = {
  title: { column: "title", cast: "text" },
  content: { column: "content", cast: "text" },
  status: { column: "status", cast: "text" },
  pic: { column: "pic", cast: "text" },
  dueAt: { column: "due_at", cast: "timestamptz" },
  position: { column: "position", cast: "double precision" },
};

/** The fields of `input` whose value differs from `current`, in TASK_EDITABLE_FIELDS order. */
export function changedFields(current: Task, input: UpdateTaskInput): FieldChange[] {
  return TASK_EDITABLE_FIELDS.flatMap((field): FieldChange[] => {
    const to = input[field];
    if (to === undefined || to === current[field]) return [];
    return [{ field, from: current[field], to }];
  });
}

/** The task API's behaviour, independent of HTTP. Every write and its events commit together. */
export function createTasksCore(deps: TasksCoreDeps): TasksCore {
  const { db, clock, newId } = deps;

  async function writeWithEvents<T>(work: (tx: Queryable) => Promise<{ result: T; events: TaskEvent[] }>): Promise<T> {
    const { result, events } = await db.transaction(async (tx) => {
      const outcome = await work(tx);
      await recordEvents(tx, outcome.events);
      return outcome;
    });
    if (events.length > 0) deps.onEventsRecorded?.();
    return result;
  }

  return {
    async list(_principal, query) {
      const filters: ListFilters = { status: query.status, pic: query.pic, dueBefore: query.due_before };
      const conditions: string[] = [];
      const params: SqlParam[] = [];
      const bind = (value: SqlParam): string => {
        params.push(value);
        return `$${params.length}`;
      };
      // status_rank rather than status, so a column filter is a prefix of the board-order index.
      if (query.status !== undefined) conditions.push(`status_rank = ${bind(statusRank(query.status))}`);
      if (query.pic !== undefined) conditions.push(`pic = ${bind(query.pic)}`);
      if (query.due_before !== undefined) conditions.push(`due_at < ${bind(query.due_before)}::timestamptz`);
      if (query.cursor !== undefined) {
        const after = decodeCursor(query.cursor, filters);
        conditions.push(
          `(status_rank, position, id) > (${bind(after.statusRank)}::smallint, ${bind(after.position)}::double precision, ${bind(after.id)}::uuid)`,
        );
      }
      const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
      // One row more than asked tells whether another page exists without a COUNT.
      const { rows } = await db.query<TaskRow>(
        `SELECT ${TASK_COLUMNS} FROM tasks ${where} ORDER BY status_rank, position, id LIMIT ${bind(query.limit + 1)}`,
        params,
      );
      const pageRows = rows.slice(0, query.limit);
      const last = pageRows[pageRows.length - 1];
      const nextCursor =
        rows.length > query.limit && last
          ? encodeCursor({ statusRank: last.status_rank, position: Number(last.position), id: last.id }, filters)
          : null;
      return { items: pageRows.map(taskFromRow), nextCursor };
    },

    async get(_principal, id) {
      const task = isUuid(id) ? await selectTask(db, id.toLowerCase()) : undefined;
      if (!task) throw notFound(id);
      return task;
    },

    async create(principal, input) {
      requireSupervisor(principal, "create tasks");
      const now = clock();
      const id = newId();
      return writeWithEvents(async (tx) => {
        let position = input.position;
        if (position === undefined) {
          const { rows } = await tx.query<{ last: number | null }>("SELECT MAX(position) AS last FROM tasks WHERE status_rank = $1", [
            statusRank(input.status),
          ]);
          position = (rows[0]?.last === null || rows[0]?.last === undefined ? 0 : Number(rows[0].last)) + POSITION_STEP;
        }
        const { rows } = await tx.query<TaskRow>(
          `INSERT INTO tasks (id, title, content, status, pic, due_at, position, version, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7, 1, $8, $9::timestamptz, $9::timestamptz)
           RETURNING ${TASK_COLUMNS}`,
          [id, input.title, input.content, input.status, input.pic, input.dueAt, position, principal.email, now.toISOString()],
        );
        const task = taskFromRow(rows[0]!);
        return { result: task, events: eventsForCreate(task, { actor: principal.email, at: now, newId }) };
      });
    },

    async update(principal, rawId, input) {
      if (!isUuid(rawId)) throw notFound(rawId);
      const id = rawId.toLowerCase();
      const now = clock();
      const current = await selectTask(db, id);
      if (!current) throw notFound(id);
      authorizeUpdate(principal, current, input);
      if (current.version !== input.version) throw conflict(current, input.version);
      const changes = changedFields(current, input);
      // Nothing would change: no new version, no event, and the caller's copy stays current.
      if (changes.length === 0) return current;

      // The events describe the task as this statement will leave it; every changed value is already in the
      // database's form (instants normalised by the contract), so the snapshot equals the row it returns.
      const after: Task = {
        ...current,
        ...Object.fromEntries(changes.map((change) => [change.field, change.to])),
        version: current.version + 1,
        updatedAt: now.toISOString(),
      };
      const events = eventsForUpdate(after, changes, { actor: principal.email, at: now, newId });
      const params: SqlParam[] = [id, input.version, now.toISOString(), JSON.stringify(events)];
      const assignments = changes.map((change) => {
        const { column, cast } = COLUMN_OF[change.field];
        params.push(change.to);
        return `${column} = $${params.length}::${cast}`;
      });
      // One statement, so no transaction: the version predicate is the optimistic lock (a writer that committed
      // first makes it match no row; PostgreSQL re-checks it after waiting for the row lock), and the events go
      // into the outbox only together with the row they describe. Two round trips per PATCH instead of five.
      const { rows } = await db.query<TaskRow>(
        `WITH updated AS (
           UPDATE tasks SET ${assignments.join(", ")}, version = version + 1, updated_at = $3::timestamptz
           WHERE id = $1 AND version = $2
           RETURNING *
         ), recorded AS (
           ${outboxInsert("$4", "EXISTS (SELECT 1 FROM updated)")}
         )
         SELECT ${TASK_COLUMNS} FROM updated`,
        params,
      );
      if (!rows[0]) {
        const latest = await selectTask(db, id);
        if (!latest) throw notFound(id);
        throw conflict(latest, input.version);
      }
      deps.onEventsRecorded?.();
      return taskFromRow(rows[0]);
    },

    async remove(principal, rawId) {
      requireSupervisor(principal, "delete tasks");
      if (!isUuid(rawId)) throw notFound(rawId);
      const id = rawId.toLowerCase();
      const now = clock();
      await writeWithEvents(async (tx) => {
        const { rows } = await tx.query<TaskRow>(`DELETE FROM tasks WHERE id = $1 RETURNING ${TASK_COLUMNS}`, [id]);
        if (!rows[0]) throw notFound(id);
        return { result: undefined, events: eventsForDelete(taskFromRow(rows[0]), { actor: principal.email, at: now, newId }) };
      });
    },

    async exists(rawId) {
      if (!isUuid(rawId)) return false;
      const { rows } = await db.query<{ found: boolean }>("SELECT EXISTS (SELECT 1 FROM tasks WHERE id = $1) AS found", [rawId.toLowerCase()]);
      return rows[0]?.found === true;
    },
  };
}
