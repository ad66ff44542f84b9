import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createProductionAuthenticate } from "./authenticate";
import { readDatabaseConfig, readServiceConfig } from "./config";
import { openDatabase } from "./db/open";
import { createDynamoTaskEventLog } from "./events/task-event-log";
import { createApp, type Authenticate } from "./http/app";
import { createJsonLogger, type Logger } from "./log";
import { migrate, pendingMigrations } from "./migrate";
import { startService, type RunningService } from "./service";

type Env = Readonly<Record<string, string | undefined>>;

export interface ServeOverrides {
  /** @default - the production verifier (see authenticate.ts) */
  readonly authenticate?: Authenticate;
  readonly log?: Logger;
  /** @default true */
  readonly logRequests?: boolean;
}

/** `migrate`: applies pending migrations and returns; safe to run twice, and twice at once. */
export async function runMigrate(env: Env, log: Logger = createJsonLogger()): Promise<void> {
  const db = await openDatabase(readDatabaseConfig(env), log);
  try {
    const outcome = await migrate(db);
    log.info("migrate.done", { applied: outcome.applied, schemaVersion: outcome.schemaVersion });
  } finally {
    await db.close();
  }
}

/**
 * `serve`: the HTTP service. Refuses to start on a database that lacks a
 * migration this code needs (run `migrate` first, or set MIGRATE_ON_START).
 */
export async function runServe(env: Env, overrides: ServeOverrides = {}): Promise<RunningService> {
  const log = overrides.log ?? createJsonLogger();
  const config = readServiceConfig(env);
  const db = await openDatabase(config.database, log);
  try {
    if (config.migrateOnStart) {
      const outcome = await migrate(db);
      log.info("migrate.done", { applied: outcome.applied, schemaVersion: outcome.schemaVersion });
    } else {
      const pending = await pendingMigrations(db);
      if (pending.length > 0) {
        throw new Error(
          `the database lacks migration(s) ${pending.map((m) => `${m.version} ${m.name}`).join(", ")}: ` +
            "run `node main.mjs migrate` first (or set MIGRATE_ON_START=true)",
        );
      }
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  const dynamo = new DynamoDBClient({
    region: config.awsRegion,
    ...(config.dynamodbEndpoint === undefined
      ? {}
      : {
          endpoint: config.dynamodbEndpoint,
          // A local endpoint accepts any key; do not make developers export fake AWS credentials.
          ...(env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
        }),
  });
  const eventLog = createDynamoTaskEventLog({
    client: DynamoDBDocumentClient.from(dynamo),
    tableName: config.taskEventsTableName,
  });
  const api = createApp({
    db,
    eventLog,
    authenticate: overrides.authenticate ?? createProductionAuthenticate(env),
    log,
    ...(overrides.logRequests === undefined ? {} : { logRequests: overrides.logRequests }),
  });
  const service = await startService({ api, db, log, port: config.port, shutdownTimeoutMs: config.shutdownTimeoutSeconds * 1000 });
  log.info("service.listening", { port: service.port, database: config.database.kind });
  return {
    ...service,
    stop: async () => {
      await service.stop();
      dynamo.destroy();
    },
  };
}

/** `healthcheck`: exit status of `GET /health` on this container, for a Docker or ECS health check. */
export async function runHealthcheck(env: Env): Promise<boolean> {
  const port = Number(env.PORT ?? 8080);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3_000) });
    return response.ok;
  } catch {
    return false;
  }
}
