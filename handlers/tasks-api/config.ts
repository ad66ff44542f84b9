import { z } from "zod";
import type { DatabaseSslMode, PgConnection } from "./db/pg-database";

/**
 * The tasks-api's configuration, from environment variables, validated once
 * at start. Every error names the variable and how to fix it.
 */
export type DatabaseConfig =
  | { readonly kind: "pglite"; readonly dataDir: string }
  | { readonly kind: "postgres"; readonly connection: PgConnection; readonly ssl: DatabaseSslMode; readonly poolSize: number };

export interface ServiceConfig {
  readonly database: DatabaseConfig;
  readonly port: number;
  readonly taskEventsTableName: string;
  readonly awsRegion: string;
  /** A local DynamoDB-protocol server (dynalite); unset in AWS. */
  readonly dynamodbEndpoint: string | undefined;
  /** Apply pending migrations before serving (always on for PGlite, whose data only this process can reach). */
  readonly migrateOnStart: boolean;
  readonly shutdownTimeoutSeconds: number;
  /**
   * `self-signed`: serve HTTPS with a key and certificate made in memory at
   * start (the ALB encrypts to the task but verifies no certificate).
   * `off`: plain HTTP, for the local stack and tests.
   */
  readonly serveTls: ServeTls;
}

export const SERVE_TLS_MODES = ["off", "self-signed"] as const;
export type ServeTls = (typeof SERVE_TLS_MODES)[number];

export class ConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`invalid tasks-api configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const port = (fallback: number) =>
  z.coerce.number("must be a number").int("must be a whole number").min(1, "must be 1-65535").max(65535, "must be 1-65535").default(fallback);

const flag = z.enum(["true", "false"], "must be true or false").default("false").transform((value) => value === "true");

const databaseEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL, e.g. postgresql://user:password@host:5432/taskboard")
    .optional(),
  DATABASE_HOST: z.string().optional(),
  DATABASE_PORT: port(5432),
  DATABASE_NAME: z.string().optional(),
  DATABASE_USER: z.string().optional(),
  DATABASE_PASSWORD: z.string().optional(),
  DATABASE_SSL: z.enum(["require", "verify-full", "disable"], "must be require, verify-full or disable").default("require"),
  DATABASE_POOL_SIZE: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(200, "must be at most 200 (every task's pool shares the database's max_connections)")
    .default(10),
  PGLITE_DATA_DIR: z.string().optional(),
});

const serveTlsSchema = z.enum(SERVE_TLS_MODES, `must be ${SERVE_TLS_MODES.join(" or ")}`).default("off");

const serviceEnvSchema = z.object({
  PORT: port(8080),
  TASK_EVENTS_TABLE_NAME: z.string("is required: the DynamoDB task-events table name").min(1, "is required: the DynamoDB task-events table name"),
  AWS_REGION: z.string("is required, e.g. ap-northeast-2").min(1, "is required, e.g. ap-northeast-2"),
  DYNAMODB_ENDPOINT: z.url("must be a URL such as http://127.0.0.1:4567").optional(),
  MIGRATE_ON_START: flag,
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number("must be a number").min(1, "must be at least 1").max(120, "must be at most 120").default(20),
  SERVE_TLS: serveTlsSchema,
});

/** ECS and shells pass unset variables as empty strings; both mean "not set". */
function present(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(environment)"}: ${issue.message}`);
}

export function readDatabaseConfig(env: Env = process.env): DatabaseConfig {
  const parsed = databaseEnvSchema.safeParse(present(env));
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  const e = parsed.data;
  const sources = (["PGLITE_DATA_DIR", "DATABASE_URL", "DATABASE_HOST"] as const).filter((name) => e[name] !== undefined);
  if (sources.length === 0) {
    throw new ConfigError([
      "DATABASE_URL, DATABASE_HOST or PGLITE_DATA_DIR: set one. DATABASE_URL=postgresql://... or DATABASE_HOST with DATABASE_NAME, " +
        "DATABASE_USER and DATABASE_PASSWORD for a server; PGLITE_DATA_DIR=<directory> (or memory://) for the embedded database",
    ]);
  }
  if (sources.length > 1) throw new ConfigError([`${sources.join(", ")}: set only one of them`]);
  if (e.PGLITE_DATA_DIR !== undefined) return { kind: "pglite", dataDir: e.PGLITE_DATA_DIR };

  const server = { ssl: e.DATABASE_SSL, poolSize: e.DATABASE_POOL_SIZE };
  if (e.DATABASE_URL !== undefined) return { kind: "postgres", connection: { connectionString: e.DATABASE_URL }, ...server };
  const missing = (["DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD"] as const).filter((name) => e[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name}: is required with DATABASE_HOST (ECS injects user and password from the Aurora-managed secret)`));
  }
  return {
    kind: "postgres",
    connection: {
      host: e.DATABASE_HOST!,
      port: e.DATABASE_PORT,
      database: e.DATABASE_NAME!,
      user: e.DATABASE_USER!,
      password: e.DATABASE_PASSWORD!,
    },
    ...server,
  };
}

export function readServiceConfig(env: Env = process.env): ServiceConfig {
  const problems: string[] = [];
  let database: DatabaseConfig | undefined;
  try {
    database = readDatabaseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.message.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, "")));
  }
  const parsed = serviceEnvSchema.safeParse(present(env));
  if (!parsed.success) problems.push(...problemsOf(parsed.error));
  if (problems.length > 0 || !database || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    database,
    port: e.PORT,
    taskEventsTableName: e.TASK_EVENTS_TABLE_NAME,
    awsRegion: e.AWS_REGION,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    migrateOnStart: e.MIGRATE_ON_START || database.kind === "pglite",
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    serveTls: e.SERVE_TLS,
  };
}

/** How the health check reaches this container: the same `SERVE_TLS` the service reads. */
export function readServeTls(env: Env = process.env): ServeTls {
  const parsed = z.object({ SERVE_TLS: serveTlsSchema }).safeParse(present(env));
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return parsed.data.SERVE_TLS;
}
