/**
 * The typed client for the board's HTTP API. Same-origin by default (`/api`,
 * which CloudFront routes to API Gateway), so the site needs no CORS. The
 * token travels only in the `Authorization` header; nothing ambient (cookies)
 * is sent, which is what keeps other sites from using it.
 */
import type {
  CreateTaskRequest,
  CreateUserRequest,
  LoginRequest,
  LoginResponse,
  Page,
  Task,
  UpdateTaskRequest,
  User,
} from "../../../contracts/api";
import type { TaskEvent } from "../../../contracts/events";
import { FORM_LIMITS } from "./contract-values";
import {
  ApiRequestError,
  ConflictError,
  SessionExpiredError,
  ThrottledError,
  ValidationError,
  conflictCurrentOf,
  fieldProblemsOf,
  isErrorBody,
  parseRetryAfter,
} from "./errors";

/** What the client needs to know about the signed-in user's token. */
export interface Credentials {
  readonly token: string;
  /** ISO-8601; a token past it is not sent at all. */
  readonly expiresAt: string;
}

export interface ApiClientOptions {
  /** Origin (and path prefix) in front of `/api/...`. @default "" - the page's own origin */
  readonly baseUrl?: string;
  /** The current credentials, read on every request; null when signed out. */
  readonly credentials: () => Credentials | null;
  /** Called once per refused token, before the request's promise rejects with SessionExpiredError. */
  readonly onSessionExpired: () => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default - the system clock */
  readonly now?: () => Date;
}

export interface ApiClient {
  login(request: LoginRequest): Promise<LoginResponse>;
  me(): Promise<User>;
  listUsers(): Promise<User[]>;
  createUser(request: CreateUserRequest): Promise<User>;
  /** Every task on the board, following `nextCursor` to the last page. */
  listTasks(): Promise<Task[]>;
  createTask(request: CreateTaskRequest): Promise<Task>;
  updateTask(id: string, request: UpdateTaskRequest): Promise<Task>;
  deleteTask(id: string): Promise<void>;
  /** The task's activity log, oldest first, every page. */
  listTaskEvents(id: string): Promise<TaskEvent[]>;
}

interface RequestSpec {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
  /** @default true */
  readonly authenticated?: boolean;
}

/** Stops a broken cursor chain from looping forever. */
const MAX_PAGES = 1000;

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? "";
  const now = options.now ?? (() => new Date());

  function sessionExpired(status: number, message: string): SessionExpiredError {
    options.onSessionExpired();
    return new SessionExpiredError(status, message);
  }

  async function request<T>(spec: RequestSpec): Promise<T> {
    const authenticated = spec.authenticated ?? true;
    const headers: Record<string, string> = { accept: "application/json" };
    if (authenticated) {
      const credentials = options.credentials();
      // An expired token would only earn a 401: go back to sign-in without the round trip.
      if (credentials === null || Date.parse(credentials.expiresAt) <= now().getTime()) {
        throw sessionExpired(0, "the session has expired");
      }
      headers.authorization = `Bearer ${credentials.token}`;
    }
    if (spec.body !== undefined) headers["content-type"] = "application/json";

    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${spec.path}`, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        // The token is the only credential; no cookie is ever sent or stored.
        credentials: "omit",
        cache: "no-store",
      });
    } catch (error) {
      throw new ApiRequestError(0, "network", error instanceof Error ? error.message : "network error");
    }

    const body = await readJson(response);
    if (response.ok) return body as T;
    throw failure(response, body, authenticated);
  }

  function failure(response: Response, body: unknown, authenticated: boolean): ApiRequestError {
    const { status } = response;
    const apiError = isErrorBody(body) ? body.error : null;
    // 401 from the API, or API Gateway's bare 401/403 when its authorizer refuses the token:
    // the API's own 403 (a PIC touching another's task) always carries an ErrorBody.
    if (authenticated && (status === 401 || (status === 403 && apiError === null))) {
      return sessionExpired(status, apiError?.message ?? "the session is no longer valid");
    }
    const message = apiError?.message ?? `unexpected response ${status}`;
    if (status === 429) return new ThrottledError(message, parseRetryAfter(response.headers.get("retry-after"), now()));
    if (apiError === null) return new ApiRequestError(status, "unexpected_response", message);
    if (apiError.code === "conflict") return new ConflictError(message, conflictCurrentOf(apiError.details));
    if (apiError.code === "validation_failed") return new ValidationError(message, fieldProblemsOf(apiError.details));
    return new ApiRequestError(status, apiError.code, message, apiError.details);
  }

  async function allPages<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ limit: String(FORM_LIMITS.pageSizeMax) });
      if (cursor !== null) query.set("cursor", cursor);
      const result: Page<T> = await request<Page<T>>({ method: "GET", path: `${path}?${query}` });
      items.push(...result.items);
      cursor = result.nextCursor;
      if (cursor === null) return items;
    }
    throw new ApiRequestError(0, "unexpected_response", `more than ${MAX_PAGES} pages at ${path}`);
  }

  const taskPath = (id: string): string => `/api/tasks/${encodeURIComponent(id)}`;

  return {
    login: (body) => request<LoginResponse>({ method: "POST", path: "/api/auth/login", body, authenticated: false }),
    me: () => request<User>({ method: "GET", path: "/api/auth/me" }),
    listUsers: async () => (await request<Page<User>>({ method: "GET", path: "/api/users" })).items.slice(),
    createUser: (body) => request<User>({ method: "POST", path: "/api/users", body }),
    listTasks: () => allPages<Task>("/api/tasks"),
    createTask: (body) => request<Task>({ method: "POST", path: "/api/tasks", body }),
    updateTask: (id, body) => request<Task>({ method: "PATCH", path: taskPath(id), body }),
    deleteTask: (id) => request<undefined>({ method: "DELETE", path: taskPath(id) }),
    listTaskEvents: (id) => allPages<TaskEvent>(`${taskPath(id)}/events`),
  };
}
