import { request as httpRequest } from "node:http";
import { get as httpsGet } from "node:https";
import type { TLSSocket } from "node:tls";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../../contracts/api";
import { TASK_EVENTS_TABLE } from "../../../contracts/tables";
import { runMigrate, runServe } from "../../../handlers/tasks-api/commands";
import { issueToken, LocalTokenSigner } from "../../../handlers/lib/tokens";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";
import { startPostgres, type PostgresHandle } from "../../support/postgres";
import { buildTestBundle, freePort, type TestBundle } from "./bundle";
import { collectingLogger, SUPERVISOR } from "./harness";
import { createTestTokens } from "./tokens";

let bundle: TestBundle;
let postgres: PostgresHandle;
let dynamo: DynaliteHandle;

beforeAll(async () => {
  [postgres, dynamo, bundle] = await Promise.all([startPostgres(), startDynalite([TASK_EVENTS_TABLE]), buildTestBundle("tasks-api-test")]);
});
afterAll(async () => {
  await dynamo?.stop();
  await postgres?.stop();
  bundle?.remove();
});

/** Runs the built bundle with plain `node`, as the container does. */
const runBundle = (args: string[], env: Record<string, string>) => bundle.run(args, env);

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
    const code = readFileSync(bundle.file, "utf8");
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

  it("serves HTTPS with a key it made at start when SERVE_TLS=self-signed, and its healthcheck follows", async () => {
    const env: Record<string, string> = { ...(await serviceEnv(await postgres.createDatabase("bundle_tls"))), SERVE_TLS: "self-signed" };
    expect(await runBundle(["migrate"], env).exited).toBe(0);
    const service = runBundle(["serve"], env);
    try {
      const listening = await service.waitFor("service.listening");
      expect(listening).toMatchObject({ protocol: "https" });
      // As the ALB does: TLS to the task, no verification of the certificate.
      const answer = await new Promise<{ status: number; body: string; fingerprint: string }>((resolve, reject) => {
        const request = httpsGet({ host: "127.0.0.1", port: Number(env.PORT), path: "/health", rejectUnauthorized: false }, (response) => {
          const fingerprint = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body, fingerprint }));
        });
        request.on("error", reject);
      });
      expect(answer).toMatchObject({ status: 200, body: JSON.stringify({ status: "ok" }) });
      expect(answer.fingerprint).toBe(listening.certificateSha256);
      // Plain HTTP on the same port gets no answer.
      await expect(fetch(`http://127.0.0.1:${env.PORT}/health`)).rejects.toThrow();

      expect(await runBundle(["healthcheck"], { PORT: env.PORT!, SERVE_TLS: "self-signed" }).exited).toBe(0);
      expect(await runBundle(["healthcheck"], { PORT: env.PORT! }).exited).toBe(1);
    } finally {
      service.child.kill("SIGTERM");
    }
    expect(await service.exited).toBe(0);
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
    // `Expect: 100-continue`: the server's "100 Continue" says it has taken the request in (no timer guesses
    // when), and the body is sent in two parts around the start of the shutdown.
    const request = httpRequest({
      host: "127.0.0.1",
      port: service.port,
      method: "POST",
      path: "/api/tasks",
      headers: { authorization, "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
    });
    const response = new Promise<{ status: number; task: Task }>((resolveResponse, reject) => {
      request.on("error", reject);
      request.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        res.on("end", () => resolveResponse({ status: res.statusCode ?? 0, task: JSON.parse(text) as Task }));
      });
    });
    await new Promise((accepted) => request.once("continue", accepted));
    request.write(body.slice(0, 10));

    const stopped = service.stop();
    await expect(fetch(`http://127.0.0.1:${service.port}/health`)).rejects.toThrow();
    // The rest of the body arrives after shutdown has begun.
    request.end(body.slice(10));

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
