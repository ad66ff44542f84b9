import type { Database } from "../../../handlers/tasks-api/db/database";
import { createPgDatabase } from "../../../handlers/tasks-api/db/pg-database";
import { createPgliteDatabase } from "../../../handlers/tasks-api/db/pglite-database";
import { startPostgres, type PostgresHandle } from "../../support/postgres";

export interface TestDatabase {
  readonly db: Database;
  /** Set for the PostgreSQL server backend: the database's URL (no TLS, trust auth). */
  readonly connectionString: string | undefined;
}

export interface Backend {
  readonly name: "pglite" | "postgres";
  /** A fresh, empty database (for PGlite: the file's one instance, with its schema dropped). */
  open(hint: string): Promise<TestDatabase>;
  /** Another connection (pool) to the same database, to race two migrators; PGlite has only one. */
  reopen(database: TestDatabase): Promise<Database>;
}

export interface Backends {
  readonly list: readonly Backend[];
  /** The file's PostgreSQL server, started on first use. */
  postgres(): Promise<PostgresHandle>;
  stop(): Promise<void>;
}

/**
 * The two database backends every suite runs against: PGlite (what the local
 * stack embeds) and a real PostgreSQL 15 server (what Aurora runs). One
 * server per test file, one database per `open`.
 */
export function createBackends(): Backends {
  let server: Promise<PostgresHandle> | undefined;
  const postgres = () => (server ??= startPostgres());
  // Starting PGlite takes seconds; one instance per file, emptied for each `open`.
  let pglite: Promise<Database> | undefined;
  const sharedPglite = async (): Promise<Database> => {
    const instance = await (pglite ??= createPgliteDatabase());
    await instance.query("DROP SCHEMA public CASCADE");
    await instance.query("CREATE SCHEMA public");
    // Callers close what they open; the shared instance closes in stop().
    return { query: instance.query, transaction: instance.transaction, close: async () => {} };
  };
  const pgPool = (connectionString: string) =>
    createPgDatabase({ connection: { connectionString }, ssl: "disable", poolSize: 10 });

  const list: Backend[] = [
    {
      name: "pglite",
      open: async () => ({ db: await sharedPglite(), connectionString: undefined }),
      reopen: async (database) => database.db,
    },
    {
      name: "postgres",
      open: async (hint) => {
        const connectionString = await (await postgres()).createDatabase(hint);
        return { db: pgPool(connectionString), connectionString };
      },
      reopen: async (database) => pgPool(database.connectionString ?? ""),
    },
  ];
  return {
    list,
    postgres,
    stop: async () => {
      if (pglite) await (await pglite).close();
      if (server) await (await server).stop();
    },
  };
}
