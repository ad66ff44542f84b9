import type { Database, Queryable, SqlParam } from "./database";

/** PGlite's data directory meaning "in memory, gone on close". */
export const PGLITE_IN_MEMORY = "memory://";

interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
}

function queryOn(target: PgliteLike): Queryable {
  return {
    async query<T>(sql: string, params: readonly SqlParam[] = []) {
      const result = await target.query<T>(sql, [...params]);
      // PGlite reports 0 affected rows for SELECT; count what came back instead.
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
  };
}

/**
 * A `Database` over PGlite (PostgreSQL compiled to WASM, in this process).
 *
 * PGlite is one connection: statements and transactions run one at a time,
 * which is exactly what the local stack needs and keeps the SQL identical to
 * the pooled server. Loaded with a dynamic import so the production bundle,
 * which marks PGlite external, never touches it unless asked to.
 *
 * @param dataDir a directory that keeps the data across restarts, or `memory://`
 */
export async function createPgliteDatabase(dataDir: string = PGLITE_IN_MEMORY): Promise<Database> {
  let PGlite: typeof import("@electric-sql/pglite").PGlite;
  try {
    ({ PGlite } = await import("@electric-sql/pglite"));
  } catch (error) {
    throw new Error(
      "PGLITE_DATA_DIR is set but @electric-sql/pglite cannot be loaded (the container image does not ship it); " +
        "unset PGLITE_DATA_DIR and set DATABASE_URL or DATABASE_HOST instead",
      { cause: error },
    );
  }
  const instance = await PGlite.create(dataDir);
  const direct = queryOn(instance);
  return {
    query: direct.query,
    transaction: (work) => instance.transaction((tx) => work(queryOn(tx))),
    close: () => instance.close(),
  };
}
