import pg from "pg";
import type { Database, Queryable, QueryResult, SqlParam } from "./database";

/** How the pool talks TLS, with the names of libpq's `sslmode`. */
export type DatabaseSslMode = "require" | "verify-full" | "disable";

export type PgConnection =
  | { readonly connectionString: string }
  | {
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      readonly password: string;
    };

export interface PgDatabaseOptions {
  readonly connection: PgConnection;
  readonly ssl: DatabaseSslMode;
  /** Upper bound of open connections per process; Aurora's max_connections is shared by every task. */
  readonly poolSize: number;
  /** Called for errors of idle pooled connections (a failover, a network cut); the pool replaces them. */
  readonly onIdleError?: (error: Error) => void;
}

/**
 * `require` encrypts without checking the certificate (libpq semantics);
 * `verify-full` checks chain and host name against Node's trust store plus
 * `NODE_EXTRA_CA_CERTS` (the image ships the RDS CA bundle there).
 */
function sslOption(mode: DatabaseSslMode): pg.PoolConfig["ssl"] {
  switch (mode) {
    case "disable":
      return false;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-full":
      return { rejectUnauthorized: true };
  }
}

function toResult<T>(result: pg.QueryResult): QueryResult<T> {
  return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
}

function queryOn(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: readonly SqlParam[] = []) {
      return toResult<T>(await client.query(sql, [...params]));
    },
  };
}

/** A `Database` over a `pg` connection pool (PostgreSQL, Aurora PostgreSQL). */
export function createPgDatabase(options: PgDatabaseOptions): Database {
  const pool = new pg.Pool({
    ...options.connection,
    ssl: sslOption(options.ssl),
    max: options.poolSize,
    // Fail a request quickly instead of queueing forever when the database is unreachable.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A runaway statement must not hold a pooled connection (and its row locks) indefinitely.
    statement_timeout: 15_000,
    application_name: "tasks-api",
  });
  // Without a listener an idle connection's error (e.g. an Aurora failover) would crash the process.
  pool.on("error", (error) => options.onIdleError?.(error));
  const direct = queryOn(pool);

  return {
    query: direct.query,
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        try {
          const result = await work(queryOn(client));
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch((rollbackError: unknown) => {
            // The connection is unusable; destroy it instead of returning it to the pool.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
          throw error;
        }
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
