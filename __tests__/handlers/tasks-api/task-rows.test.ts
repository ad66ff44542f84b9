import { afterAll, describe, expect, it } from "vitest";
import { isoFromUtcText, TASK_COLUMNS, taskFromRow, type TaskRow } from "../../../handlers/tasks-api/core/task-rows";
import { migrate } from "../../../handlers/tasks-api/migrate";
import { createBackends } from "./backends";

const backends = createBackends();
afterAll(() => backends.stop());

const ID = "0190a9f2-7b61-7c3e-8f00-00000000000a";

describe.each(backends.list)("TASK_COLUMNS timestamps on $name", (backend) => {
  it("come back as Date.toISOString() would write them: UTC, milliseconds (truncated), whatever the session's TimeZone", async () => {
    const { db } = await backend.open("task_row_timestamps");
    try {
      await migrate(db);
      const cases = {
        due: "2026-11-21T09:00:00.123999+05:30", // sub-millisecond, not UTC
        created: "2026-01-02T03:04:05Z", // no fraction at all
        updated: "0999-12-31T23:59:59.5-08:00", // a three-digit year, crossing into the next year in UTC
      };
      const task = await db.transaction(async (tx) => {
        // The text a driver would get for a plain timestamptz depends on this; the formatted columns must not.
        await tx.query("SET LOCAL TimeZone = 'America/St_Johns'");
        await tx.query(
          `INSERT INTO tasks (id, title, status, position, created_by, due_at, created_at, updated_at)
           VALUES ($1, 't', 'todo', 1, 'x@example.com', $2::timestamptz, $3::timestamptz, $4::timestamptz)`,
          [ID, cases.due, cases.created, cases.updated],
        );
        const { rows } = await tx.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1`, [ID]);
        return taskFromRow(rows[0]!);
      });
      expect(task.dueAt).toBe(new Date(cases.due).toISOString());
      expect(task.dueAt).toBe("2026-11-21T03:30:00.123Z");
      expect(task.createdAt).toBe("2026-01-02T03:04:05.000Z");
      expect(task.updatedAt).toBe("1000-01-01T07:59:59.500Z");

      await db.query("UPDATE tasks SET due_at = NULL WHERE id = $1", [ID]);
      const { rows } = await db.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1`, [ID]);
      expect(taskFromRow(rows[0]!).dueAt).toBeNull();
    } finally {
      await db.close();
    }
  });
});

describe("isoFromUtcText", () => {
  it.each([
    ["2026-11-21 09:00:00", "2026-11-21T09:00:00.000Z"],
    ["2026-11-21 09:00:00.5", "2026-11-21T09:00:00.500Z"],
    ["2026-11-21 09:00:00.12", "2026-11-21T09:00:00.120Z"],
    ["2026-11-21 09:00:00.123999", "2026-11-21T09:00:00.123Z"],
    ["0999-12-31 23:59:59.000001", "0999-12-31T23:59:59.000Z"],
  ])("writes %s as Date.toISOString() would: %s", (text, iso) => {
    expect(isoFromUtcText(text)).toBe(iso);
    expect(new Date(iso).toISOString()).toBe(iso);
  });

  it.each(["10000-01-01 00:00:00", "0001-01-01 00:00:00 BC", "2026-11-21 09:00:00+00", "2026-11-21T09:00:00", ""])(
    "refuses %j with an error naming the text",
    (text) => {
      expect(() => isoFromUtcText(text)).toThrow(`tasks timestamp "${text}"`);
    },
  );
});
