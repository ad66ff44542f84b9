import { afterAll, describe, expect, it } from "vitest";
import { TASK_STATUSES } from "../../../contracts/api";
import { MIGRATIONS, type Migration } from "../../../handlers/tasks-api/migrations";
import { migrate, migrationChecksum, pendingMigrations } from "../../../handlers/tasks-api/migrate";
import { createBackends } from "./backends";

const backends = createBackends();
afterAll(() => backends.stop());

const insertTask = (status: string) =>
  `INSERT INTO tasks (id, title, status, position, created_by, created_at, updated_at)
   VALUES (gen_random_uuid(), 't', '${status}', 1, 'x@example.com', now(), now())`;

describe.each(backends.list)("migrations on $name", (backend) => {
  it("applies every migration on an empty database, then running again is a no-op", async () => {
    const { db } = await backend.open("migrate_twice");
    try {
      expect((await pendingMigrations(db)).map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const first = await migrate(db);
      expect(first.applied.map((m) => m.name)).toEqual(["create-tasks", "create-tasks-outbox"]);
      const second = await migrate(db);
      expect(second.applied).toEqual([]);
      expect(second.schemaVersion).toBe(MIGRATIONS.length);
      expect(await pendingMigrations(db)).toEqual([]);
      const { rows } = await db.query<{ version: number; name: string; checksum: string }>(
        "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
      );
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: migrationChecksum(m) })));
    } finally {
      await db.close();
    }
  });

  it("is safe to run from two connections at the same time: each migration applied once", async () => {
    const database = await backend.open("migrate_concurrently");
    const second = await backend.reopen(database);
    try {
      const outcomes = await Promise.all([migrate(database.db), migrate(second)]);
      const applied = outcomes.flatMap((outcome) => outcome.applied.map((m) => m.version)).sort();
      expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
      const { rows } = await database.db.query<{ count: number }>("SELECT count(*)::int AS count FROM schema_migrations");
      expect(rows[0]?.count).toBe(MIGRATIONS.length);
    } finally {
      if (second !== database.db) await second.close();
      await database.db.close();
    }
  });

  it("rolls back a failing migration completely and applies nothing after it", async () => {
    const { db } = await backend.open("migrate_failure");
    const broken: Migration = { version: 3, name: "broken", statements: ["CREATE TABLE half_done (id int)", "SELECT no_such_function()"] };
    const after: Migration = { version: 4, name: "after", statements: ["CREATE TABLE after_broken (id int)"] };
    try {
      await expect(migrate(db, [...MIGRATIONS, broken, after])).rejects.toThrow(/no_such_function/);
      const { rows } = await db.query<{ half: boolean; after: boolean }>(
        "SELECT to_regclass('half_done') IS NOT NULL AS half, to_regclass('after_broken') IS NOT NULL AS after",
      );
      expect(rows[0]).toEqual({ half: false, after: false });
      expect((await pendingMigrations(db, [...MIGRATIONS, broken, after])).map((m) => m.version)).toEqual([3, 4]);
    } finally {
      await db.close();
    }
  });

  it("refuses to run when an applied migration was edited", async () => {
    const { db } = await backend.open("migrate_edited");
    try {
      await migrate(db);
      const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, statements: [...m.statements, "SELECT 1"] } : m));
      await expect(migrate(db, edited)).rejects.toThrow(/migration 1 "create-tasks" was edited after it was applied/);
    } finally {
      await db.close();
    }
  });

  it("refuses migration lists that are not numbered 1, 2, 3...", async () => {
    const { db } = await backend.open("migrate_numbering");
    try {
      const gap: Migration = { version: 5, name: "gap", statements: ["SELECT 1"] };
      await expect(migrate(db, [...MIGRATIONS, gap])).rejects.toThrow(/has version 5; expected 3/);
    } finally {
      await db.close();
    }
  });

  it("creates a tasks table whose status check accepts exactly the contract's statuses and ranks them in column order", async () => {
    const { db } = await backend.open("migrate_statuses");
    try {
      await migrate(db);
      for (const status of TASK_STATUSES) await db.query(insertTask(status));
      await expect(db.query(insertTask("blocked"))).rejects.toThrow(/tasks_status_check/);
      const { rows } = await db.query<{ status: string; status_rank: number }>("SELECT status, status_rank FROM tasks ORDER BY status_rank");
      // If this fails, TASK_STATUSES changed: add a migration that updates the check and the rank.
      expect(rows).toEqual(TASK_STATUSES.map((status, rank) => ({ status, status_rank: rank })));
    } finally {
      await db.close();
    }
  });

  it("indexes the list filters and the board order", async () => {
    const { db } = await backend.open("migrate_indexes");
    try {
      await migrate(db);
      const { rows } = await db.query<{ indexname: string; indexdef: string }>(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks' ORDER BY indexname",
      );
      const byName = Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef]));
      expect(byName.tasks_board_order).toContain("(status_rank, \"position\", id)");
      expect(byName.tasks_pic_board_order).toContain("(pic, status_rank, \"position\", id)");
      expect(byName.tasks_due_at).toMatch(/\(due_at\) WHERE \(due_at IS NOT NULL\)/);
    } finally {
      await db.close();
    }
  });
});
