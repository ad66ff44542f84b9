/**
 * A stand-in for the board's API on a real loopback HTTP server (node:http),
 * answering as the contracts say: ErrorBody errors, 401 for a bad token, 403
 * for a PIC touching another's task, 409 with `details.current`, 429 with
 * `Retry-After`, cursor pages. The site's tests talk to it over real HTTP, so
 * the client's fetch, headers and body handling are exercised, not mocked.
 * It is not the API: rules are the ones the site depends on, nothing more.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ErrorBody, ErrorCode, Role, Task, TaskEditableField, TaskStatus, User } from "../../../contracts/api";
import type { FieldChange, TaskEvent, TaskEventType } from "../../../contracts/events";

export interface FakeUser {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly password: string;
}

export interface FakeApiOptions {
  readonly users?: readonly FakeUser[];
  readonly tasks?: readonly Task[];
  /** @default - the system clock */
  readonly now?: () => Date;
  /** Failed sign-ins per email before 429. @default 5 */
  readonly maxFailures?: number;
  /** How long a locked email waits. @default 900 */
  readonly lockSeconds?: number;
  /** Largest page the server returns, whatever `limit` asks. @default 100 */
  readonly maxPageSize?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface FakeApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly tasks: Map<string, Task>;
  readonly events: TaskEvent[];
  readonly users: Map<string, FakeUser>;
  readonly requests: RecordedRequest[];
  /** Every token issued so far stops being accepted (what expiry looks like to the site). */
  revokeTokens(): void;
  /** Answer authenticated routes as API Gateway does when its authorizer refuses: bare 403. */
  denyAtGateway(deny: boolean): void;
  /** Another user changes a task (new version, an event), as a second browser would. */
  changeTask(id: string, change: Partial<Pick<Task, TaskEditableField>>, actor: string): Task;
  close(): Promise<void>;
}

export const SUPERVISOR: FakeUser = { email: "boss@example.com", name: "Boss Kim", role: "supervisor", password: "supervisor-pass" };
export const PIC_A: FakeUser = { email: "ana@example.com", name: "Ana Park", role: "pic", password: "ana-password" };
export const PIC_B: FakeUser = { email: "ben@example.com", name: "Ben Lee", role: "pic", password: "ben-password" };

const STATUS_RANK: Record<TaskStatus, number> = { todo: 0, in_progress: 1, done: 2 };

/** A task with sensible defaults, for fixtures. */
export function makeTask(fields: Partial<Task> & Pick<Task, "id" | "title">, now = new Date("2026-01-10T09:00:00.000Z")): Task {
  return {
    content: "",
    status: "todo",
    pic: null,
    dueAt: null,
    position: 1024,
    version: 1,
    createdBy: SUPERVISOR.email,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...fields,
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "bad_request", "request body is not valid JSON");
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const now = options.now ?? (() => new Date());
  const maxFailures = options.maxFailures ?? 5;
  const lockSeconds = options.lockSeconds ?? 900;
  const maxPageSize = options.maxPageSize ?? 100;
  const users = new Map((options.users ?? [SUPERVISOR, PIC_A, PIC_B]).map((user) => [user.email, user]));
  const tasks = new Map((options.tasks ?? []).map((task) => [task.id, task]));
  const events: TaskEvent[] = [];
  const requests: RecordedRequest[] = [];
  const tokens = new Map<string, string>();
  const failures = new Map<string, { count: number; lockedUntil: number }>();
  let gatewayDenies = false;

  function record(type: TaskEventType, task: Task, actor: string, changes: FieldChange[]): void {
    events.push({
      eventId: randomUUID(),
      type,
      taskId: task.id,
      at: now().toISOString(),
      actor,
      changes,
      task: { id: task.id, title: task.title, status: task.status, pic: task.pic, dueAt: task.dueAt, createdBy: task.createdBy, version: task.version },
    });
  }

  function applyChange(current: Task, change: Partial<Pick<Task, TaskEditableField>>, actor: string): Task {
    const fields: TaskEditableField[] = ["title", "content", "status", "pic", "dueAt", "position"];
    const changes: FieldChange[] = fields.flatMap((field): FieldChange[] => {
      const to = change[field];
      return to === undefined || to === current[field] ? [] : [{ field, from: current[field], to }];
    });
    if (changes.length === 0) return current;
    const updated: Task = { ...current, ...change, version: current.version + 1, updatedAt: now().toISOString() };
    tasks.set(updated.id, updated);
    const type: TaskEventType = changes.some((c) => c.field === "status")
      ? "task.status_changed"
      : changes.some((c) => c.field === "pic")
        ? "task.assigned"
        : "task.updated";
    record(type, updated, actor, changes);
    return updated;
  }

  function principalOf(request: IncomingMessage): FakeUser {
    const header = request.headers.authorization;
    if (gatewayDenies) throw new GatewayDenied();
    const token = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
    const email = token === undefined ? undefined : tokens.get(token);
    const user = email === undefined ? undefined : users.get(email);
    if (user === undefined) throw new HttpError(401, "unauthorized", "sign in first", undefined, { "WWW-Authenticate": "Bearer" });
    return user;
  }

  function page<T>(items: readonly T[], url: URL): { items: T[]; nextCursor: string | null } {
    const limit = Math.min(Number(url.searchParams.get("limit") ?? "50"), maxPageSize);
    const start = Number(url.searchParams.get("cursor") ?? "0");
    const slice = items.slice(start, start + limit);
    return { items: slice, nextCursor: start + limit < items.length ? String(start + limit) : null };
  }

  const publicUser = (user: FakeUser): User => ({
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  });

  async function route(request: IncomingMessage, url: URL): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const method = request.method ?? "GET";
    const path = url.pathname;
    const body = method === "GET" || method === "DELETE" ? undefined : await readBody(request);
    requests.push({ method, path: `${path}${url.search}`, authorization: request.headers.authorization, contentType: request.headers["content-type"], body });

    if (path === "/api/auth/login" && method === "POST") {
      if (!isObject(body) || typeof body.email !== "string" || typeof body.password !== "string" || body.password === "") {
        throw new HttpError(400, "validation_failed", "invalid field(s): password", [{ field: "password", message: "is required" }]);
      }
      const email = body.email.trim().toLowerCase();
      const state = failures.get(email) ?? { count: 0, lockedUntil: 0 };
      if (state.lockedUntil > now().getTime()) {
        const retryAfter = Math.ceil((state.lockedUntil - now().getTime()) / 1000);
        throw new HttpError(429, "too_many_requests", "too many failed sign-ins for this email; try again later", undefined, {
          "Retry-After": String(retryAfter),
        });
      }
      const user = users.get(email);
      if (user === undefined || user.password !== body.password) {
        const count = state.count + 1;
        failures.set(email, { count, lockedUntil: count >= maxFailures ? now().getTime() + lockSeconds * 1000 : 0 });
        throw new HttpError(401, "unauthorized", "email or password is incorrect");
      }
      failures.delete(email);
      const token = `token-${randomUUID()}`;
      tokens.set(token, email);
      return {
        status: 200,
        body: { token, expiresAt: new Date(now().getTime() + 3600_000).toISOString(), user: { email: user.email, name: user.name, role: user.role } },
      };
    }

    const principal = principalOf(request);

    if (path === "/api/auth/me" && method === "GET") return { status: 200, body: publicUser(principal) };
    if (path === "/api/users" && method === "GET") return { status: 200, body: { items: [...users.values()].map(publicUser), nextCursor: null } };
    if (path === "/api/users" && method === "POST") {
      if (principal.role !== "supervisor") throw new HttpError(403, "forbidden", "only a supervisor can manage users");
      if (!isObject(body) || typeof body.email !== "string" || typeof body.name !== "string" || typeof body.password !== "string") {
        throw new HttpError(400, "validation_failed", "invalid field(s): email", [{ field: "email", message: "is required" }]);
      }
      if (body.password.length < 10) {
        throw new HttpError(400, "validation_failed", "invalid field(s): password", [{ field: "password", message: "must be at least 10 characters" }]);
      }
      const email = body.email.trim().toLowerCase();
      if (users.has(email)) throw new HttpError(409, "conflict", `a user with email ${email} already exists`);
      const user: FakeUser = { email, name: body.name, role: body.role === "supervisor" ? "supervisor" : "pic", password: body.password };
      users.set(email, user);
      return { status: 201, body: publicUser(user) };
    }

    if (path === "/api/tasks" && method === "GET") {
      const ordered = [...tasks.values()].sort(
        (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.position - b.position || (a.id < b.id ? -1 : 1),
      );
      return { status: 200, body: page(ordered, url) };
    }
    if (path === "/api/tasks" && method === "POST") {
      if (principal.role !== "supervisor") throw new HttpError(403, "forbidden", "only a supervisor may create tasks");
      if (!isObject(body) || typeof body.title !== "string" || body.title.trim() === "") {
        throw new HttpError(400, "validation_failed", "invalid field(s): title", [{ field: "title", message: "is required" }]);
      }
      const status = (typeof body.status === "string" && body.status in STATUS_RANK ? body.status : "todo") as TaskStatus;
      const last = Math.max(0, ...[...tasks.values()].filter((t) => t.status === status).map((t) => t.position));
      const task = makeTask(
        {
          id: randomUUID(),
          title: body.title.trim(),
          content: typeof body.content === "string" ? body.content : "",
          status,
          pic: typeof body.pic === "string" ? body.pic : null,
          dueAt: typeof body.dueAt === "string" ? body.dueAt : null,
          position: typeof body.position === "number" ? body.position : last + 1024,
          createdBy: principal.email,
        },
        now(),
      );
      tasks.set(task.id, task);
      record("task.created", task, principal.email, []);
      return { status: 201, body: task, headers: { Location: `/api/tasks/${task.id}` } };
    }

    const taskMatch = /^\/api\/tasks\/([^/]+)(\/events)?$/.exec(path);
    if (taskMatch) {
      const id = decodeURIComponent(taskMatch[1] ?? "");
      if (taskMatch[2] === "/events" && method === "GET") {
        const log = events.filter((event) => event.taskId === id);
        if (log.length === 0 && !tasks.has(id)) throw new HttpError(404, "not_found", `task ${id} does not exist`);
        return { status: 200, body: page(log, url) };
      }
      if (taskMatch[2] !== undefined) throw new HttpError(405, "method_not_allowed", "use one of GET", undefined, { Allow: "GET, HEAD" });
      const current = tasks.get(id);
      if (method === "GET") {
        if (current === undefined) throw new HttpError(404, "not_found", `task ${id} does not exist`);
        return { status: 200, body: current };
      }
      if (method === "DELETE") {
        if (principal.role !== "supervisor") throw new HttpError(403, "forbidden", "only a supervisor may delete tasks");
        if (current === undefined) throw new HttpError(404, "not_found", `task ${id} does not exist`);
        tasks.delete(id);
        record("task.deleted", current, principal.email, []);
        return { status: 204 };
      }
      if (method === "PATCH") {
        if (!isObject(body) || typeof body.version !== "number") {
          throw new HttpError(400, "validation_failed", "invalid field(s): version", [{ field: "version", message: "is required" }]);
        }
        if (current === undefined) throw new HttpError(404, "not_found", `task ${id} does not exist`);
        if (principal.role !== "supervisor") {
          if (current.pic !== principal.email) throw new HttpError(403, "forbidden", "you may only move tasks assigned to you");
          const others = ["title", "content", "pic", "dueAt"].filter((field) => body[field] !== undefined);
          if (others.length > 0) throw new HttpError(403, "forbidden", `a PIC may change only status and position; not ${others.join(", ")}`);
        }
        if (body.version !== current.version) {
          throw new HttpError(409, "conflict", `the task changed since version ${body.version}; it is now at version ${current.version}`, { current });
        }
        const { version: _version, ...change } = body;
        return { status: 200, body: applyChange(current, change as Partial<Pick<Task, TaskEditableField>>, principal.email) };
      }
      throw new HttpError(405, "method_not_allowed", "use one of GET, PATCH, DELETE", undefined, { Allow: "GET, HEAD, PATCH, DELETE" });
    }
    throw new HttpError(404, "not_found", `no route for ${method} ${path}`);
  }

  function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    // CORS only because tests run the page on another origin; the real site is same-origin.
    const common = {
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "Retry-After, Location",
      "cache-control": "no-store",
      // No keep-alive: close() then only waits for requests in flight, never for idle sockets.
      connection: "close",
    };
    if (body === undefined) {
      response.writeHead(status, { ...common, ...headers });
      response.end();
      return;
    }
    response.writeHead(status, { ...common, "content-type": "application/json; charset=utf-8", ...headers });
    response.end(JSON.stringify(body));
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "OPTIONS") {
      send(response, 204, undefined, {
        "access-control-allow-methods": "GET, POST, PATCH, DELETE",
        "access-control-allow-headers": "Authorization, Content-Type, Accept",
        "access-control-max-age": "600",
      });
      return;
    }
    route(request, url).then(
      (result) => send(response, result.status, result.body, result.headers),
      (error: unknown) => {
        if (error instanceof GatewayDenied) return send(response, 403, { message: "Forbidden" });
        if (error instanceof HttpError) {
          const body: ErrorBody = { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
          return send(response, error.status, body, error.headers);
        }
        send(response, 500, { error: { code: "internal", message: "internal error" } });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    tasks,
    events,
    users,
    requests,
    revokeTokens: () => tokens.clear(),
    denyAtGateway: (deny) => {
      gatewayDenies = deny;
    },
    changeTask: (id, change, actor) => {
      const current = tasks.get(id);
      if (current === undefined) throw new Error(`no task ${id}`);
      return applyChange(current, change, actor);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** API Gateway's own refusal: not an ErrorBody. */
class GatewayDenied extends Error {}
