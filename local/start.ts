/**
 * `npm start`: the whole task board on one machine, with no AWS and no Docker,
 * running the same handler code that ships.
 *
 *   http://localhost:3000   the built site, and /api routed as API Gateway routes it
 *
 * - DynamoDB: dynalite, tables created from the shared contracts, data in `.local/dynamodb`
 * - PostgreSQL: PGlite in `.local/pglite`, or a real server with DATABASE_URL
 * - the tasks-api: its production bundle, as a child process (as in its container)
 * - auth, authorizer, notifier: the Lambda handlers, invoked with real event payloads
 * - task events: delivered to the notifier in the EventBridge shape (local/pipe.ts)
 * - email: written to `.local/outbox`, one log line per email
 *
 * Flags: --port <n> (or PORT), --data-dir <dir>, --reset (wipe the data first).
 * Ctrl-C stops everything.
 */
import { createServer, type Server } from "node:http";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import dynalite from "dynalite";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { siteSecurityHeaders } from "../contracts/site-headers";
import {
  ALL_TABLES,
  LOGIN_ATTEMPTS_TABLE,
  NOTIFICATIONS_SENT_TABLE,
  TASK_EVENTS_TABLE,
  USERS_TABLE,
  type TableDescriptor,
} from "../contracts/tables";
import { buildTasksApiBundle } from "../handlers/tasks-api/build";
import { ensureTable } from "./dynamo-tables";
import { createGatewayHandler } from "./gateway";
import { startLocalPipe, type LocalPipe } from "./pipe";
import { startSesOutbox, type SesOutbox } from "./ses-outbox";
import { seedDemoData, type DemoAccount } from "./seed";
import { freePort } from "./ports";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const REGION = "ap-northeast-2";
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export interface LocalStackOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly reset?: boolean;
  /** A real PostgreSQL instead of PGlite. */
  readonly databaseUrl?: string;
  /** The built site; without it only the API is served. @default `dist/site` */
  readonly siteDir?: string;
  readonly log?: (line: string) => void;
}

export interface LocalStack {
  readonly url: string;
  readonly outboxDir: string;
  readonly accounts: readonly DemoAccount[];
  /** Delivers pending task events to the notifier now (the pipe also polls by itself). */
  flushEvents(): Promise<number>;
  readonly outbox: SesOutbox;
  stop(): Promise<void>;
}

/** Table name per contract table: `local-<purpose>`. */
function tableName(table: TableDescriptor): string {
  return `local-${table.purpose}`;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir);
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, "dynamodb"), { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };

  try {
    // ---- DynamoDB (persisted) ----
    const dynamoServer = dynalite({ path: join(dataDir, "dynamodb"), createTableMs: 0 });
    const dynamoPort = await listen(dynamoServer);
    stops.push(() => new Promise((done) => dynamoServer.close(() => done())));
    const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
    const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
    stops.push(async () => dynamo.destroy());
    for (const table of ALL_TABLES) await ensureTable(dynamo, table, tableName(table));

    // ---- email outbox ----
    const outboxDir = join(dataDir, "outbox");
    const outbox = await startSesOutbox({ dir: outboxDir, log });
    stops.push(() => outbox.stop());

    // ---- environment the Lambda entries read at cold start, as the stack sets it in AWS ----
    // (they run in this process, so this process's environment is theirs)
    const tokenKeyFile = join(dataDir, "token-key.pem");
    const port = options.port;
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      USERS_TABLE_NAME: tableName(USERS_TABLE),
      LOGIN_ATTEMPTS_TABLE_NAME: tableName(LOGIN_ATTEMPTS_TABLE),
      NOTIFICATIONS_SENT_TABLE_NAME: tableName(NOTIFICATIONS_SENT_TABLE),
      LOCAL_TOKEN_KEY_FILE: tokenKeyFile,
      MAIL_FROM: "Taskboard <no-reply@taskboard.local>",
      BOARD_URL: `http://localhost:${port}`,
      MAIL_TIME_ZONE: "Asia/Seoul",
      SES_ENDPOINT: outbox.endpoint,
    });
    const [{ handler: auth }, { handler: authorizer }, { handler: notifier }] = await Promise.all([
      import("../handlers/auth/index"),
      import("../handlers/authorizer/index"),
      import("../handlers/notifier/index"),
    ]);

    // ---- tasks-api: the production bundle, as its container runs it ----
    const bundle = await buildTasksApiBundle(join(ROOT, "dist", "tasks-api", "main.mjs"));
    const tasksApiPort = await freePort();
    const tasksApi = await startTasksApi(bundle.outfile, {
      PORT: String(tasksApiPort),
      AWS_REGION: REGION,
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      TASK_EVENTS_TABLE_NAME: tableName(TASK_EVENTS_TABLE),
      LOCAL_TOKEN_KEY_FILE: tokenKeyFile,
      MIGRATE_ON_START: "true",
      ...(options.databaseUrl
        ? { DATABASE_URL: options.databaseUrl, DATABASE_SSL: "disable" }
        : { PGLITE_DATA_DIR: join(dataDir, "pglite") }),
    }, log);
    stops.push(() => tasksApi.stop());

    // ---- events: task-events "stream" → notifier ----
    const pipe: LocalPipe = startLocalPipe({
      client: dynamo,
      tableName: tableName(TASK_EVENTS_TABLE),
      deliver: (event) => notifier(event),
      log: (line) => log(`[pipe] ${JSON.stringify(line)}`),
    });
    stops.push(() => pipe.stop());

    // ---- the gateway: site + API ----
    const siteDir = options.siteDir ?? join(ROOT, "dist", "site");
    const gateway = createServer(
      createGatewayHandler({
        ...(existsSync(join(siteDir, "index.html")) ? { siteDir } : {}),
        auth,
        authorizer,
        tasksApiUrl: `http://127.0.0.1:${tasksApiPort}`,
        securityHeaders: siteSecurityHeaders(),
      }),
    );
    await listen(gateway, port, "127.0.0.1");
    stops.push(() => closeServer(gateway));
    const url = `http://localhost:${port}`;

    const accounts = await seedDemoData({
      documents: DynamoDBDocumentClient.from(dynamo),
      usersTableName: tableName(USERS_TABLE),
      apiUrl: url,
    });
    return { url, outboxDir, accounts, outbox, flushEvents: () => pipe.poll(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface RunningChild {
  stop(): Promise<void>;
}

/** Starts the bundle with plain node and waits for its `service.listening` log line. */
function startTasksApi(bundleFile: string, env: Record<string, string>, log: (line: string) => void): Promise<RunningChild> {
  return new Promise((resolveStart, rejectStart) => {
    const child: ChildProcess = spawn(process.execPath, [bundleFile, "serve"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let started = false;
    let output = "";
    const onLine = (line: string) => {
      if (line.includes('"service.listening"')) {
        started = true;
        resolveStart({
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
      if (/"level":"(warn|error)"/.test(line)) log(`[tasks-api] ${line}`);
    };
    const reader = (chunk: Buffer) => {
      output += chunk.toString();
      let newline: number;
      while ((newline = output.indexOf("\n")) >= 0) {
        onLine(output.slice(0, newline));
        output = output.slice(newline + 1);
      }
    };
    child.stdout?.on("data", reader);
    child.stderr?.on("data", reader);
    child.once("exit", (code) => {
      if (!started) rejectStart(new Error(`the tasks-api exited with ${code} before listening:\n${output}`));
    });
  });
}

function listen(server: Server, port = 0, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(port, host, () => {
      const address = server.address();
      resolveListen(typeof address === "object" && address ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "data-dir": { type: "string", default: join(ROOT, ".local") },
      reset: { type: "boolean", default: false },
    },
  });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--port ${values.port ?? process.env.PORT} is not a port number; use 1-65535, e.g. --port 3000`);
  }
  const stack = await startLocalStack({
    port,
    dataDir: values["data-dir"],
    reset: values.reset,
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  });
  console.log(`\nTask board running at ${stack.url}`);
  console.log("Demo accounts:");
  for (const account of stack.accounts) console.log(`  ${account.role.padEnd(10)} ${account.email}  password: ${account.password}`);
  console.log(`Emails are written to ${stack.outboxDir}. Ctrl-C stops everything.\n`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping...");
    stack.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
