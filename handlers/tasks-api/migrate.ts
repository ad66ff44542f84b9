import { createHash } from "node:crypto";
import type { Database, Queryable } from "./db/database";
import { MIGRATIONS, type Migration } from "./migrations";

/**
 * Key of the PostgreSQL advisory lock that serialises migration runs: two
 * `migrate` tasks started together (a deploy and a retry, two ECS tasks)
 * apply each migration once; the second waits, then finds nothing to do.
 */
export const MIGRATION_LOCK_KEY = 7_311_020_001;

export interface MigrationOutcome {
  /** Migrations this run applied, in order. */
  readonly applied: readonly Pick<Migration, "version" | "name">[];
  /** The schema version after the run. */
  readonly schemaVersion: number;
}

interface AppliedRow {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

export function migrationChecksum(migration: Migration): string {
  return createHash("sha256").update(migration.statements.join("\n;\n")).digest("hex");
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}; expected ${index + 1} (versions are 1, 2, 3... in order)`);
    }
  });
}

async function readApplied(tx: Queryable, migrations: readonly Migration[]): Promise<Set<number>> {
  const { rows } = await tx.query<AppliedRow>("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
  for (const row of rows) {
    const known = migrations.find((migration) => migration.version === row.version);
    // A version this code does not know was applied by a newer release: fine, it is additive.
    if (known && migrationChecksum(known) !== row.checksum) {
      throw new Error(
        `migration ${row.version} "${row.name}" was edited after it was applied; ` +
          "restore its original statements and put the change in a new migration",
      );
    }
  }
  return new Set(rows.map((row) => row.version));
}

/**
 * Applies every pending migration, each in its own transaction under the
 * advisory lock, and records it in `schema_migrations`. Running it again is a
 * no-op; running it twice at once is safe.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationOutcome> {
  assertOrdered(migrations);
  const applied: Pick<Migration, "version" | "name">[] = [];
  for (;;) {
    const next = await db.transaction(async (tx) => {
      // Transaction-scoped: released by COMMIT/ROLLBACK, so a crash can never leave it held.
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
          version    integer PRIMARY KEY,
          name       text NOT NULL,
          checksum   text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
      const done = await readApplied(tx, migrations);
      const pending = migrations.find((migration) => !done.has(migration.version));
      if (!pending) return undefined;
      for (const statement of pending.statements) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        pending.version,
        pending.name,
        migrationChecksum(pending),
      ]);
      return pending;
    });
    if (!next) break;
    applied.push({ version: next.version, name: next.name });
  }
  return { applied, schemaVersion: migrations.length };
}

/** Migrations this code needs that the database lacks; `serve` refuses to start while any are pending. */
export async function pendingMigrations(db: Queryable, migrations: readonly Migration[] = MIGRATIONS): Promise<Migration[]> {
  const { rows } = await db.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!rows[0]?.present) return [...migrations];
  const done = await readApplied(db, migrations);
  return migrations.filter((migration) => !done.has(migration.version));
}
