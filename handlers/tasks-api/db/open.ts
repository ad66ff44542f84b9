import type { DatabaseConfig } from "../config";
import type { Logger } from "../log";
import type { Database } from "./database";
import { createPgDatabase } from "./pg-database";
import { createPgliteDatabase } from "./pglite-database";

/** Opens the database the configuration names: a `pg` pool for a server, PGlite for a data directory. */
export async function openDatabase(config: DatabaseConfig, log: Logger): Promise<Database> {
  if (config.kind === "pglite") return createPgliteDatabase(config.dataDir);
  return createPgDatabase({
    connection: config.connection,
    ssl: config.ssl,
    poolSize: config.poolSize,
    onIdleError: (error) => log.warn("database.idle_connection_error", { error }),
  });
}
