import { describe, expect, it } from "vitest";
import { ConfigError, readDatabaseConfig, readServeTls, readServiceConfig } from "../../../handlers/tasks-api/config";

const SERVICE = { TASK_EVENTS_TABLE_NAME: "taskboard-dev-task-events", AWS_REGION: "ap-northeast-2" };
const ECS = {
  ...SERVICE,
  DATABASE_HOST: "taskboard-dev.cluster-abc.ap-northeast-2.rds.amazonaws.com",
  DATABASE_NAME: "taskboard",
  DATABASE_USER: "taskboard_app",
  DATABASE_PASSWORD: "from-the-secret",
};

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("tasks-api configuration", () => {
  it("reads the ECS shape: host, port, name, user and password, TLS required, pool of 10", () => {
    expect(readServiceConfig(ECS)).toEqual({
      database: {
        kind: "postgres",
        connection: { host: ECS.DATABASE_HOST, port: 5432, database: "taskboard", user: "taskboard_app", password: "from-the-secret" },
        ssl: "require",
        poolSize: 10,
      },
      port: 8080,
      taskEventsTableName: SERVICE.TASK_EVENTS_TABLE_NAME,
      awsRegion: "ap-northeast-2",
      dynamodbEndpoint: undefined,
      migrateOnStart: false,
      shutdownTimeoutSeconds: 20,
      serveTls: "off",
    });
  });

  it("serves TLS with a self-signed certificate when SERVE_TLS says so, and names the variable when it is wrong", () => {
    expect(readServiceConfig({ ...ECS, SERVE_TLS: "self-signed" }).serveTls).toBe("self-signed");
    expect(readServeTls({ SERVE_TLS: "self-signed" })).toBe("self-signed");
    expect(readServeTls({})).toBe("off");
    expect(configError(() => readServiceConfig({ ...ECS, SERVE_TLS: "on" }))).toContain("SERVE_TLS: must be off or self-signed");
    expect(configError(() => readServeTls({ SERVE_TLS: "true" }))).toContain("SERVE_TLS: must be off or self-signed");
  });

  it("reads DATABASE_URL with TLS mode and pool size", () => {
    expect(readDatabaseConfig({ DATABASE_URL: "postgresql://u:p@localhost:5432/db", DATABASE_SSL: "disable", DATABASE_POOL_SIZE: "32" })).toEqual({
      kind: "postgres",
      connection: { connectionString: "postgresql://u:p@localhost:5432/db" },
      ssl: "disable",
      poolSize: 32,
    });
  });

  it("uses PGlite for PGLITE_DATA_DIR and always migrates it on start", () => {
    const config = readServiceConfig({ ...SERVICE, PGLITE_DATA_DIR: ".local/pglite", DYNAMODB_ENDPOINT: "http://127.0.0.1:4567" });
    expect(config.database).toEqual({ kind: "pglite", dataDir: ".local/pglite" });
    expect(config.migrateOnStart).toBe(true);
    expect(config.dynamodbEndpoint).toBe("http://127.0.0.1:4567");
  });

  it("treats empty variables as unset", () => {
    expect(readDatabaseConfig({ DATABASE_URL: "", PGLITE_DATA_DIR: "memory://", DATABASE_SSL: "" })).toEqual({ kind: "pglite", dataDir: "memory://" });
  });

  it.each([
    [{}, /DATABASE_URL, DATABASE_HOST or PGLITE_DATA_DIR: set one/],
    [{ DATABASE_URL: "postgresql://x/y", PGLITE_DATA_DIR: "memory://" }, /PGLITE_DATA_DIR, DATABASE_URL: set only one of them/],
    [{ DATABASE_URL: "mysql://x/y" }, /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ DATABASE_HOST: "db", DATABASE_NAME: "n" }, /DATABASE_USER: is required with DATABASE_HOST[\s\S]*DATABASE_PASSWORD: is required/],
    [{ DATABASE_URL: "postgresql://x/y", DATABASE_SSL: "prefer" }, /DATABASE_SSL: must be require, verify-full or disable/],
    [{ DATABASE_URL: "postgresql://x/y", DATABASE_POOL_SIZE: "0" }, /DATABASE_POOL_SIZE: must be at least 1/],
    [{ DATABASE_URL: "postgresql://x/y", DATABASE_PORT: "99999" }, /DATABASE_PORT: must be 1-65535/],
  ])("refuses database settings %j, naming the variable", (env, message) => {
    expect(configError(() => readDatabaseConfig(env))).toMatch(message);
  });

  it("reports every problem of the service at once", () => {
    const message = configError(() => readServiceConfig({ PORT: "http", DYNAMODB_ENDPOINT: "localhost", MIGRATE_ON_START: "yes" }));
    for (const variable of ["DATABASE_URL", "PORT", "TASK_EVENTS_TABLE_NAME", "AWS_REGION", "DYNAMODB_ENDPOINT", "MIGRATE_ON_START"]) {
      expect(message).toContain(`${variable}`);
    }
    expect(message).toContain("TASK_EVENTS_TABLE_NAME: is required");
  });

  it("never echoes the database password in an error", () => {
    expect(configError(() => readServiceConfig({ ...ECS, PORT: "x" }))).not.toContain("from-the-secret");
  });
});
