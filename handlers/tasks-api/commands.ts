import { X509Certificate } from "node:crypto";
import { get as httpsGet } from "node:https";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { createProductionAuthenticate } from "./authenticate";
import { ConfigError, readDatabaseConfig, readServeTls, readServiceConfig, type ServiceConfig } from "./config";
import type { Queryable } from "./db/database";
import { openDatabase } from "./db/open";
import { createDynamoTaskEventLog, type TaskEventLog } from "./events/task-event-log";
import { createApp, type Authenticate } from "./http/app";
import { createSelfSignedCertificate } from "./http/self-signed-certificate";
import { createJsonLogger, type Logger } from "./log";
import { migrate, pendingMigrations } from "./migrate";
import { DEFAULT_REMINDER_TIME_ZONE, isTimeZone, sendReminders, type ReminderOutcome } from "./reminder";
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

/** Throws, naming the fix, when the database lacks a migration this code needs. */
async function requireMigrated(db: Queryable, alternative = ""): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length > 0) {
    throw new Error(
      `the database lacks migration(s) ${pending.map((m) => `${m.version} ${m.name}`).join(", ")}: ` +
        `run \`node main.mjs migrate\` first${alternative}`,
    );
  }
}

/** The DynamoDB task-events log the configuration names; `close` releases its client's sockets. */
function openTaskEventLog(config: ServiceConfig, env: Env): { eventLog: TaskEventLog; close: () => void } {
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
  const eventLog = createDynamoTaskEventLog({ client: DynamoDBDocumentClient.from(dynamo), tableName: config.taskEventsTableName });
  return { eventLog, close: () => dynamo.destroy() };
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
      await requireMigrated(db, " (or set MIGRATE_ON_START=true)");
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  const { eventLog, close: closeEventLog } = openTaskEventLog(config, env);
  const api = createApp({
    db,
    eventLog,
    authenticate: overrides.authenticate ?? createProductionAuthenticate(env),
    log,
    ...(overrides.logRequests === undefined ? {} : { logRequests: overrides.logRequests }),
  });
  const tls = config.serveTls === "self-signed" ? createSelfSignedCertificate({ hostName: "tasks-api" }) : undefined;
  const service = await startService({
    api,
    db,
    log,
    port: config.port,
    shutdownTimeoutMs: config.shutdownTimeoutSeconds * 1000,
    ...(tls ? { tls } : {}),
  });
  log.info("service.listening", {
    port: service.port,
    database: config.database.kind,
    protocol: tls ? "https" : "http",
    // The ALB verifies no certificate; the fingerprint lets an operator match a task to the one it served.
    ...(tls ? { certificateSha256: new X509Certificate(tls.cert).fingerprint256 } : {}),
  });
  return {
    ...service,
    stop: async () => {
      await service.stop();
      closeEventLog();
    },
  };
}

const reminderEnvSchema = z.object({
  REMINDER_TIME_ZONE: z
    .string()
    .refine(isTimeZone, "must be an IANA time zone such as Asia/Seoul or UTC")
    .default(DEFAULT_REMINDER_TIME_ZONE),
});

/** The service's database and task-events settings, plus the time zone whose days the reminder counts in. */
export function readReminderConfig(env: Env): { readonly service: ServiceConfig; readonly timeZone: string } {
  const problems: string[] = [];
  let service: ServiceConfig | undefined;
  try {
    service = readServiceConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.message.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, "")));
  }
  const timeZone = env.REMINDER_TIME_ZONE === "" ? undefined : env.REMINDER_TIME_ZONE;
  const parsed = reminderEnvSchema.safeParse({ REMINDER_TIME_ZONE: timeZone });
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `REMINDER_TIME_ZONE: ${issue.message}`));
  if (problems.length > 0 || !service || !parsed.success) throw new ConfigError(problems);
  return { service, timeZone: parsed.data.REMINDER_TIME_ZONE };
}

/**
 * `remind`: writes today's `task.due_soon` / `task.overdue` events and
 * returns. Run once a day (EventBridge Scheduler starts it as a one-off ECS
 * task); a second run the same day rewrites the same events.
 */
export async function runRemind(env: Env, log: Logger = createJsonLogger(), now: Date = new Date()): Promise<ReminderOutcome> {
  const config = readReminderConfig(env);
  const db = await openDatabase(config.service.database, log);
  const { eventLog, close: closeEventLog } = openTaskEventLog(config.service, env);
  try {
    await requireMigrated(db);
    const outcome = await sendReminders({ db, eventLog, now, timeZone: config.timeZone });
    log.info("reminder.done", { ...outcome });
    return outcome;
  } finally {
    closeEventLog();
    await db.close();
  }
}

const HEALTHCHECK_TIMEOUT_MS = 3_000;

/** `healthcheck`: exit status of `GET /health` on this container, for a Docker or ECS health check. */
export async function runHealthcheck(env: Env): Promise<boolean> {
  const port = Number(env.PORT ?? 8080);
  try {
    if (readServeTls(env) === "off") {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(HEALTHCHECK_TIMEOUT_MS) });
      return response.ok;
    }
    return await httpsHealthy(port);
  } catch {
    return false;
  }
}

/**
 * `GET /health` over TLS to this container's own port. The certificate is the
 * one the service made at start, known to no one else, so it is not verified:
 * the check asks only whether the service answers, over the loopback.
 */
function httpsHealthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpsGet({ host: "127.0.0.1", port, path: "/health", rejectUnauthorized: false, timeout: HEALTHCHECK_TIMEOUT_MS }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300);
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(false));
  });
}
