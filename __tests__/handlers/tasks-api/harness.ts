import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ErrorBody, Task } from "../../../contracts/api";
import type { Principal } from "../../../contracts/auth";
import { TASK_EVENTS_TABLE } from "../../../contracts/tables";
import type { Database } from "../../../handlers/tasks-api/db/database";
import { createDynamoTaskEventLog, type TaskEventLog } from "../../../handlers/tasks-api/events/task-event-log";
import { createApp, type TasksApi } from "../../../handlers/tasks-api/http/app";
import type { Logger } from "../../../handlers/tasks-api/log";
import { migrate } from "../../../handlers/tasks-api/migrate";
import { startService } from "../../../handlers/tasks-api/service";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";
import type { Backend } from "./backends";
import { createTestTokens, type TestTokens } from "./tokens";

export const SUPERVISOR: Principal = { email: "sam.supervisor@example.com", role: "supervisor", name: "Sam" };
export const ALICE: Principal = { email: "alice.pic@example.com", role: "pic", name: "Alice" };
export const BOB: Principal = { email: "bob.pic@example.com", role: "pic", name: "Bob" };

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
}

export interface RequestOptions {
  /** Who calls; undefined = anonymous. */
  readonly as?: Principal;
  readonly authorization?: string;
  /** Sent as JSON with `content-type: application/json` unless `rawBody`/`headers` say otherwise. */
  readonly json?: unknown;
  readonly rawBody?: RequestInit["body"];
  readonly headers?: Record<string, string>;
}

/** Collects error log lines: a test run that logs an unhandled error has answered a 500 somewhere. */
export interface CollectingLogger extends Logger {
  readonly errors: { event: string; fields: Readonly<Record<string, unknown>> }[];
}

export function collectingLogger(): CollectingLogger {
  const errors: CollectingLogger["errors"] = [];
  return { errors, info: () => {}, warn: () => {}, error: (event, fields = {}) => errors.push({ event, fields }) };
}

export interface Harness {
  readonly url: string;
  readonly db: Database;
  /** The PostgreSQL server backend's database URL; undefined on PGlite. */
  readonly connectionString: string | undefined;
  readonly api: TasksApi;
  readonly dynamo: DynaliteHandle;
  readonly eventsTableName: string;
  readonly eventLog: TaskEventLog;
  readonly tokens: TestTokens;
  readonly log: CollectingLogger;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** POST /api/tasks as the supervisor; fails the test unless 201. */
  createTask(input: Record<string, unknown>): Promise<Task>;
  /** Raw items of the task-events table for one task, in key order. */
  eventItems(taskId: string): Promise<Record<string, unknown>[]>;
  /** Empties tasks and the outbox between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function errorOf(response: TestResponse): ErrorBody["error"] {
  return (response.body as ErrorBody).error;
}

/** The service as it runs: real HTTP server on loopback, real database, dynalite, real ES256 tokens. */
export async function startHarness(backend: Backend, hint: string): Promise<Harness> {
  const database = await backend.open(hint);
  const { db } = database;
  await migrate(db);
  const dynamo = await startDynalite([TASK_EVENTS_TABLE]);
  const eventsTableName = dynamo.tableNames[TASK_EVENTS_TABLE.purpose]!;
  const documents = DynamoDBDocumentClient.from(dynamo.client);
  const eventLog = createDynamoTaskEventLog({ client: documents, tableName: eventsTableName });
  const tokens = await createTestTokens();
  const log = collectingLogger();
  const api = createApp({ db, eventLog, authenticate: tokens.authenticate, log, logRequests: false, outbox: { retryDelaySeconds: 0 } });
  const service = await startService({ api, db, log, port: 0, hostname: "127.0.0.1", shutdownTimeoutMs: 5_000 });

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = {};
    if (options.as) headers.authorization = await tokens.bearer(options.as);
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    let body: RequestInit["body"] = options.rawBody;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] = "application/json";
    }
    Object.assign(headers, options.headers);
    const init: RequestInit & { duplex?: "half" } = { method, headers, body };
    if (body instanceof ReadableStream) init.duplex = "half";
    const response = await fetch(`${service.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
  };

  return {
    url: service.url,
    db,
    connectionString: database.connectionString,
    api,
    dynamo,
    eventsTableName,
    eventLog,
    tokens,
    log,
    request,
    async createTask(input) {
      const response = await request("POST", "/api/tasks", { as: SUPERVISOR, json: input });
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as Task;
    },
    async eventItems(taskId) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: eventsTableName,
          KeyConditionExpression: "taskId = :id",
          ExpressionAttributeValues: { ":id": taskId },
        }),
      );
      return Items;
    },
    async reset() {
      await api.relay.drain();
      await db.query("TRUNCATE tasks, tasks_outbox");
    },
    async close() {
      await service.stop();
      await dynamo.stop();
    },
  };
}
