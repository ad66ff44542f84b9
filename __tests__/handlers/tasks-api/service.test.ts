import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../../contracts/api";
import { TASK_EVENTS_TABLE } from "../../../contracts/tables";
import { buildTasksApiBundle } from "../../../handlers/tasks-api/build";
import { runMigrate, runServe } from "../../../handlers/tasks-api/commands";
import { issueToken, LocalTokenSigner } from "../../../handlers/lib/tokens";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";
import { startPostgres, type PostgresHandle } from "../../support/postgres";
import { collectingLogger, SUPERVISOR } from "./harness";
import { createTestTokens } from "./tokens";

const outDir = resolve(".build", `tasks-api-test-${process.pid}`);
const bundle = resolve(outDir, "main.mjs");
let postgres: PostgresHandle;
let dynamo: DynaliteHandle;

beforeAll(async () => {
  [postgres, dynamo] = await Promise.all([startPostgres(), startDynalite([TASK_EVENTS_TABLE]), buildTasksApiBundle(bundle)]);
});
afterAll(async () => {
  await dynamo?.stop();
  await postgres?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

interface LogLine {
  readonly event: string;
  readonly [field: string]: unknown;
}

interface Running {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  readonly stderr: () => string;
  waitFor(event: string, timeoutMs?: number): Promise<LogLine>;
  readonly exited: Promise<number | null>;
}

/** Runs the built bundle with plain `node`, as the container does, and collects its JSON log lines. */
function runBundle(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [bundle, ...args], {
    cwd: outDir,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  let stderr = "";
  let buffered = "";
  const waiters: (() => void)[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
    waiters.forEach((wake) => wake());
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor: (event, timeoutMs = 60_000) =>
      new Promise<LogLine>((resolveLine, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${event}" log line; stdout: ${JSON.stringify(lines)}; stderr: ${stderr}`)), timeoutMs);
        const check = () => {
          const found = lines.find((line) => line.event === event);
          if (found) {
            clearTimeout(timer);
            resolveLine(found);
          }
        };
        waiters.push(check);
        void exited.then(() => setTimeout(check, 10));
        check();
      }),
  };
}

async function serviceEnv(databaseUrl: string): Promise<Record<string, string>> {
  return {
    DATABASE_URL: databaseUrl,
    DATABASE_SSL: "disable",
    DATABASE_POOL_SIZE: "4",
    TASK_EVENTS_TABLE_NAME: dynamo.tableNames[TASK_EVENTS_TABLE.purpose]!,
    AWS_REGION: "ap-northeast-2",
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    PORT: String(await freePort()),
    // The key the local stack signs with; the service verifies against its public half.
    LOCAL_TOKEN_KEY_FILE: join(mkdtempSync(join(tmpdir(), "tasks-api-key-")), "token-key.pem"),
  };
}

describe("the tasks-api bundle", () => {
  it("is one ES module that carries the migrations and loads PGlite only from outside", () => {
    const code = readFileSync(bundle, "utf8");
    expect(code).toContain("CREATE TABLE tasks (");
    expect(code).toContain("CREATE TABLE tasks_outbox (");
    expect(code).toMatch(/import\("@electric-sql\/pglite"\)/);
    expect(code).not.toContain("pglite.wasm");
  });

  it("runs `migrate` with plain node: the first run applies every migration, the second nothing", async () => {
    const env = await serviceEnv(await postgres.createDatabase("bundle_migrate"));
    const first = runBundle(["migrate"], env);
    expect(await first.exited).toBe(0);
    expect((await first.waitFor("migrate.done")).applied).toEqual([
      { version: 1, name: "create-tasks" },
      { version: 2, name: "create-tasks-outbox" },
    ]);
    const second = runBundle(["migrate"], env);
    expect(await second.exited).toBe(0);
    expect((await second.waitFor("migrate.done")).applied).toEqual([]);
  });

  it("serves /health on PostgreSQL, refuses requests without a valid token, and exits 0 on SIGTERM", async () => {
    const env = await serviceEnv(await postgres.createDatabase("bundle_serve"));
    expect(await runBundle(["migrate"], env).exited).toBe(0);
    const service = runBundle(["serve"], env);
    try {
      await service.waitFor("service.listening");
      const health = await fetch(`http://127.0.0.1:${env.PORT}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      expect((await fetch(`http://127.0.0.1:${env.PORT}/api/tasks`)).status).toBe(401);
      const { token } = await issueToken(LocalTokenSigner.fromKeyFile(env.LOCAL_TOKEN_KEY_FILE!), SUPERVISOR, { now: new Date() });
      const listed = await fetch(`http://127.0.0.1:${env.PORT}/api/tasks`, { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);

      const check = runBundle(["healthcheck"], { PORT: env.PORT! });
      expect(await check.exited).toBe(0);
    } finally {
      service.child.kill("SIGTERM");
    }
    expect(await service.exited).toBe(0);
    expect(service.lines.map((line) => line.event)).toEqual(expect.arrayContaining(["service.stopping", "service.stopped"]));
    expect(await runBundle(["healthcheck"], { PORT: env.PORT! }).exited).toBe(1);
  });

  it("refuses to serve a database that lacks migrations, naming the fix", async () => {
    const env = await serviceEnv(await postgres.createDatabase("bundle_unmigrated"));
    const service = runBundle(["serve"], env);
    expect(await service.exited).toBe(1);
    expect(JSON.stringify(await service.waitFor("tasks-api.failed"))).toContain("run `node main.mjs migrate` first");
  });

  it("exits 1 with the variable's name on bad configuration", async () => {
    const service = runBundle(["serve"], { DATABASE_URL: "postgresql://x/y", AWS_REGION: "ap-northeast-2" });
    expect(await service.exited).toBe(1);
    expect(service.stderr()).toContain("TASK_EVENTS_TABLE_NAME: is required");
  });

  it("serves on embedded PGlite (migrated on start) and answers /health", async () => {
    const env = await serviceEnv("");
    const service = runBundle(["serve"], { ...env, DATABASE_URL: "", PGLITE_DATA_DIR: "memory://" });
    try {
      await service.waitFor("service.listening", 90_000);
      expect((await fetch(`http://127.0.0.1:${env.PORT}/health`)).status).toBe(200);
    } finally {
      service.child.kill("SIGTERM");
    }
    expect(await service.exited).toBe(0);
  });
});

describe("graceful shutdown", () => {
  it("stops accepting, finishes the request in flight, delivers its events, then closes", async () => {
    const env = await serviceEnv(await postgres.createDatabase("graceful"));
    await runMigrate(env, collectingLogger());
    const tokens = await createTestTokens();
    const log = collectingLogger();
    const service = await runServe(env, { authenticate: tokens.authenticate, log, logRequests: false });

    const body = JSON.stringify({ title: "sent slowly", pic: "alice.pic@example.com" });
    const authorization = await tokens.bearer(SUPERVISOR);
    const response = new Promise<{ status: number; task: Task }>((resolveResponse, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port: service.port,
          method: "POST",
          path: "/api/tasks",
          headers: { authorization, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
          res.on("end", () => resolveResponse({ status: res.statusCode ?? 0, task: JSON.parse(text) as Task }));
        },
      );
      request.on("error", reject);
      request.write(body.slice(0, 10));
      // The rest arrives after shutdown has begun.
      setTimeout(() => request.end(body.slice(10)), 400);
    });
    await new Promise((resolveWait) => setTimeout(resolveWait, 150));

    const stopped = service.stop();
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    await expect(fetch(`http://127.0.0.1:${service.port}/health`)).rejects.toThrow();

    const { status, task } = await response;
    expect(status).toBe(201);
    await stopped;

    const { Items = [] } = await DynamoDBDocumentClient.from(dynamo.client).send(
      new QueryCommand({
        TableName: env.TASK_EVENTS_TABLE_NAME,
        KeyConditionExpression: "taskId = :id",
        ExpressionAttributeValues: { ":id": task.id },
      }),
    );
    expect(Items.map((item) => item.type)).toEqual(["task.created", "task.assigned"]);
    expect(log.errors).toEqual([]);
  });
});
