import { Hono, type Context } from "hono";
import { z } from "zod";
import {
  createTaskRequestSchema,
  fieldProblems,
  LIMITS,
  listTasksQuerySchema,
  pageQuerySchema,
  updateTaskRequestSchema,
} from "../../../contracts/api";
import type { Principal } from "../../../contracts/auth";
import { ApiError, errorResponse } from "../../lib/errors";
import { createTasksCore, type TasksCore } from "../core/tasks";
import type { Database } from "../db/database";
import { OutboxRelay, type OutboxRelayOptions } from "../events/outbox-relay";
import type { TaskEventLog } from "../events/task-event-log";
import { createUuidV7Generator, isUuid, type IdGenerator } from "../ids";
import { createJsonLogger, type Logger } from "../log";
import { readJsonBody } from "./json-body";

/**
 * Turns an `Authorization` header into the signed-in user.
 * @throws ApiError `unauthorized` for a missing, malformed, expired or foreign token
 */
export type Authenticate = (authorizationHeader: string | undefined) => Promise<Principal>;

export interface TasksApiOptions {
  readonly db: Database;
  readonly eventLog: TaskEventLog;
  readonly authenticate: Authenticate;
  /** @default - the system clock */
  readonly clock?: () => Date;
  /** @default - UUIDv7 ids (time-ordered) */
  readonly newId?: IdGenerator;
  /** @default - JSON lines on stdout */
  readonly log?: Logger;
  /** @default true - one log line per request (method, path, status, duration; never headers or bodies) */
  readonly logRequests?: boolean;
  /** Tuning of the outbox relay (lease, retry delay, interval). */
  readonly outbox?: Omit<OutboxRelayOptions, "db" | "eventLog" | "log">;
}

export interface TasksApi {
  /** The Hono app: `app.fetch(request)` answers a WHATWG Request. */
  readonly app: Hono;
  readonly tasks: TasksCore;
  /** Drains `tasks_outbox` to the event log; created here so every write can nudge it. */
  readonly relay: OutboxRelay;
  /** From now on `/health` answers 503, so a load balancer stops sending new requests. */
  beginShutdown(): void;
}


function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw ApiError.validation(fieldProblems(parsed.error));
  return parsed.data;
}

/** The query string as an object; a parameter given twice is a 400, not a silent pick of one. */
function queryOf(c: Context): Record<string, string> {
  const params = new URL(c.req.url).searchParams;
  const query: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in query) throw ApiError.validation([{ field: key, message: "must be given once" }]);
    query[key] = value;
  }
  return query;
}

function errorJson(error: unknown): Response {
  const { status, body, headers } = errorResponse(error);
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

type Handler = (c: Context) => Promise<Response>;

/**
 * The tasks-api HTTP surface, built with Hono and served by
 * `@hono/node-server` (see service.ts). Routes:
 *
 * - `GET /health` (no auth): 200 when the database answers, 503 otherwise or while shutting down
 * - `GET /api/tasks?status&pic&due_before&cursor&limit`, `POST /api/tasks` (supervisor)
 * - `GET|PATCH /api/tasks/{id}`, `DELETE /api/tasks/{id}` (supervisor)
 * - `GET /api/tasks/{id}/events`: the activity log, oldest first
 *
 * Known paths with other methods are 405 with `Allow`; other paths 404.
 */
export function createApp(options: TasksApiOptions): TasksApi {
  const log = options.log ?? createJsonLogger();
  const relay = new OutboxRelay({ db: options.db, eventLog: options.eventLog, log, ...options.outbox });
  const tasks = createTasksCore({
    db: options.db,
    clock: options.clock ?? (() => new Date()),
    newId: options.newId ?? createUuidV7Generator(),
    onEventsRecorded: () => relay.nudge(),
  });
  const { authenticate } = options;
  let shuttingDown = false;

  const app = new Hono();

  if (options.logRequests ?? true) {
    app.use(async (c, next) => {
      const started = performance.now();
      await next();
      log.info("http.request", {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    });
  }

  const routes: { path: string; methods: Partial<Record<"GET" | "POST" | "PATCH" | "DELETE", Handler>> }[] = [
    {
      path: "/health",
      methods: {
        GET: async (c) => {
          if (shuttingDown) return errorJson(new HealthUnavailable("shutting down"));
          try {
            await options.db.query("SELECT 1");
          } catch (error) {
            log.error("health.database_unreachable", { error });
            return errorJson(new HealthUnavailable("database unavailable"));
          }
          return c.json({ status: "ok" });
        },
      },
    },
    {
      path: "/api/tasks",
      methods: {
        GET: async (c) => {
          const principal = await authenticate(c.req.header("authorization"));
          return c.json(await tasks.list(principal, parseWith(listTasksQuerySchema, queryOf(c))));
        },
        POST: async (c) => {
          const principal = await authenticate(c.req.header("authorization"));
          // Role first: a PIC's body is never read, let alone validated.
          if (principal.role !== "supervisor") throw new ApiError("forbidden", "only a supervisor may create tasks");
          const input = parseWith(createTaskRequestSchema, await readJsonBody(c.req.raw));
          const task = await tasks.create(principal, input);
          return c.json(task, { status: 201, headers: { Location: `/api/tasks/${task.id}` } });
        },
      },
    },
    {
      path: "/api/tasks/:id",
      methods: {
        GET: async (c) => {
          const principal = await authenticate(c.req.header("authorization"));
          return c.json(await tasks.get(principal, c.req.param("id") ?? ""));
        },
        PATCH: async (c) => {
          const principal = await authenticate(c.req.header("authorization"));
          const input = parseWith(updateTaskRequestSchema, await readJsonBody(c.req.raw));
          return c.json(await tasks.update(principal, c.req.param("id") ?? "", input));
        },
        DELETE: async (c) => {
          const principal = await authenticate(c.req.header("authorization"));
          await tasks.remove(principal, c.req.param("id") ?? "");
          return c.body(null, 204);
        },
      },
    },
    {
      path: "/api/tasks/:id/events",
      methods: {
        GET: async (c) => {
          await authenticate(c.req.header("authorization"));
          const id = (c.req.param("id") ?? "").toLowerCase();
          if (!isUuid(id)) throw new ApiError("not_found", `task ${id} does not exist`);
          const query = parseWith(pageQuerySchema, queryOf(c));
          // Deliver this instance's pending events first, so a client reads its own change.
          await relay.drain();
          const page = await options.eventLog.list(id, query);
          // The log outlives a deleted task; only a task with neither row nor history is unknown.
          if (page.items.length === 0 && query.cursor === undefined && !(await tasks.exists(id))) {
            throw new ApiError("not_found", `task ${id} does not exist`);
          }
          return c.json(page);
        },
      },
    },
  ];

  for (const { path, methods } of routes) {
    const allowed = Object.keys(methods);
    for (const [method, handler] of Object.entries(methods)) app.on(method, path, handler);
    // Registered after the real handlers, so it only answers the methods they do not.
    const allow = allowed.includes("GET") ? [...allowed, "HEAD"] : allowed;
    app.all(path, () => {
      throw ApiError.methodNotAllowed(allow);
    });
  }

  app.notFound((c) => errorJson(new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (!(error instanceof ApiError) && !(error instanceof HealthUnavailable)) {
      log.error("http.unhandled_error", { method: c.req.method, path: c.req.path, error });
    }
    return errorJson(error);
  });

  return {
    app,
    tasks,
    relay,
    beginShutdown: () => {
      shuttingDown = true;
    },
  };
}

/** 503 for `/health`; the contract's error codes have no "unavailable", so it is rendered here. */
class HealthUnavailable extends ApiError {
  override readonly status = 503;
  constructor(reason: string) {
    super("internal", reason);
  }
}
