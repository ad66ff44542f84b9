import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiClient, type ApiClient, type Credentials } from "../../src/api/client";
import { ApiRequestError, ConflictError, parseRetryAfter, SessionExpiredError, ThrottledError, ValidationError } from "../../src/api/errors";
import { makeTask, PIC_A, PIC_B, startFakeApi, SUPERVISOR, type FakeApi } from "../support/fake-api";

let server: FakeApi;
let credentials: Credentials | null;
let expiredCalls: number;
let client: ApiClient;

const taskOfA = makeTask({ id: "aaaaaaaa-0000-4000-8000-000000000001", title: "Write report", pic: PIC_A.email, version: 2 });
const taskOfB = makeTask({ id: "aaaaaaaa-0000-4000-8000-000000000002", title: "Fix printer", pic: PIC_B.email, position: 2048 });

async function signIn(email: string, password: string): Promise<void> {
  const response = await client.login({ email, password });
  credentials = { token: response.token, expiresAt: response.expiresAt };
}

beforeEach(async () => {
  server = await startFakeApi({ tasks: [taskOfA, taskOfB], maxFailures: 2, lockSeconds: 840 });
  credentials = null;
  expiredCalls = 0;
  client = createApiClient({
    baseUrl: server.url,
    credentials: () => credentials,
    onSessionExpired: () => {
      expiredCalls += 1;
    },
  });
});

afterEach(() => server.close());

describe("sign-in", () => {
  it("returns the token, its expiry and the user", async () => {
    const response = await client.login({ email: PIC_A.email, password: PIC_A.password });
    expect(response.user).toEqual({ email: PIC_A.email, name: PIC_A.name, role: "pic" });
    expect(Date.parse(response.expiresAt)).toBeGreaterThan(Date.now());
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/api/auth/login", authorization: undefined, contentType: "application/json" });
  });

  it("reports wrong credentials as unauthorized without ending any session", async () => {
    const failure = await client.login({ email: PIC_A.email, password: "wrong-password" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiRequestError);
    expect(failure).not.toBeInstanceOf(SessionExpiredError);
    expect(failure).toMatchObject({ status: 401, code: "unauthorized", message: "email or password is incorrect" });
    expect(expiredCalls).toBe(0);
  });

  it("reports throttling with the Retry-After wait in seconds", async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) await client.login({ email: PIC_A.email, password: "wrong-password" }).catch(() => {});
    const failure = await client.login({ email: PIC_A.email, password: PIC_A.password }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ThrottledError);
    expect(failure).toMatchObject({ status: 429, code: "too_many_requests", retryAfterSeconds: 840 });
  });

  it("reports a rejected body as a validation error naming the field", async () => {
    const failure = await client.login({ email: PIC_A.email, password: "" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).problems).toEqual([{ field: "password", message: "is required" }]);
  });
});

describe("authenticated requests", () => {
  it("send the token only in the Authorization header and follow every page", async () => {
    const many = Array.from({ length: 5 }, (_, i) => makeTask({ id: `bbbbbbbb-0000-4000-8000-00000000000${i}`, title: `T${i}`, position: i }));
    await server.close();
    server = await startFakeApi({ tasks: many, maxPageSize: 2 });
    client = createApiClient({ baseUrl: server.url, credentials: () => credentials, onSessionExpired: () => {} });
    await signIn(SUPERVISOR.email, SUPERVISOR.password);
    const tasks = await client.listTasks();
    expect(tasks.map((task) => task.title)).toEqual(["T0", "T1", "T2", "T3", "T4"]);
    const pages = server.requests.filter((request) => request.path.startsWith("/api/tasks"));
    expect(pages.map((request) => request.path)).toEqual(["/api/tasks?limit=100", "/api/tasks?limit=100&cursor=2", "/api/tasks?limit=100&cursor=4"]);
    expect(pages.every((request) => request.authorization === `Bearer ${credentials?.token}`)).toBe(true);
  });

  it("saves a move with the version it saw and gets the new version back", async () => {
    await signIn(PIC_A.email, PIC_A.password);
    const saved = await client.updateTask(taskOfA.id, { version: 2, status: "done", position: 512 });
    expect(saved).toMatchObject({ status: "done", position: 512, version: 3 });
    expect(server.requests.at(-1)?.body).toEqual({ version: 2, status: "done", position: 512 });
  });

  it("turns a PIC moving another's task into a forbidden error, not a session expiry", async () => {
    await signIn(PIC_A.email, PIC_A.password);
    const failure = await client.updateTask(taskOfB.id, { version: 1, status: "done" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiRequestError);
    expect(failure).not.toBeInstanceOf(SessionExpiredError);
    expect(failure).toMatchObject({ status: 403, code: "forbidden" });
    expect(expiredCalls).toBe(0);
  });

  it("turns a stale version into a conflict carrying the current task", async () => {
    await signIn(SUPERVISOR.email, SUPERVISOR.password);
    const current = server.changeTask(taskOfA.id, { title: "Write the report" }, PIC_B.email);
    const failure = await client.updateTask(taskOfA.id, { version: 2, status: "done" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConflictError);
    expect((failure as ConflictError).current).toEqual(current);
  });

  it("creates, lists events for and deletes a task", async () => {
    await signIn(SUPERVISOR.email, SUPERVISOR.password);
    const created = await client.createTask({ title: "Plan offsite", pic: PIC_A.email, dueAt: "2026-12-01T09:00:00.000Z" });
    expect(created).toMatchObject({ title: "Plan offsite", pic: PIC_A.email, version: 1 });
    await client.updateTask(created.id, { version: 1, status: "in_progress" });
    const events = await client.listTaskEvents(created.id);
    expect(events.map((event) => event.type)).toEqual(["task.created", "task.status_changed"]);
    expect(events[1]?.changes).toEqual([{ field: "status", from: "todo", to: "in_progress" }]);
    await expect(client.deleteTask(created.id)).resolves.toBeUndefined();
    await expect(client.deleteTask(created.id)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("creates a PIC account and reports a duplicate as a conflict without a task", async () => {
    await signIn(SUPERVISOR.email, SUPERVISOR.password);
    await expect(client.createUser({ email: "cho@example.com", name: "Cho", password: "a-long-password", role: "pic" })).resolves.toMatchObject({ role: "pic" });
    const duplicate = await client.createUser({ email: "cho@example.com", name: "Cho", password: "a-long-password" }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect((duplicate as ConflictError).current).toBeNull();
    expect((await client.listUsers()).map((user) => user.email)).toContain("cho@example.com");
  });
});

describe("session expiry", () => {
  it("treats a 401 on an authenticated route as an expired session", async () => {
    await signIn(PIC_A.email, PIC_A.password);
    server.revokeTokens();
    await expect(client.listTasks()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(expiredCalls).toBe(1);
  });

  it("treats API Gateway's bare 403 (authorizer refused the token) as an expired session", async () => {
    await signIn(PIC_A.email, PIC_A.password);
    server.denyAtGateway(true);
    await expect(client.me()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(expiredCalls).toBe(1);
  });

  it("does not even send a token that has expired", async () => {
    await signIn(PIC_A.email, PIC_A.password);
    credentials = { token: credentials?.token ?? "", expiresAt: new Date(Date.now() - 1000).toISOString() };
    const before = server.requests.length;
    await expect(client.listUsers()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(server.requests.length).toBe(before);
    expect(expiredCalls).toBe(1);
  });
});

describe("failures before an answer", () => {
  it("reports an unreachable server as a network failure", async () => {
    const url = server.url;
    await server.close();
    server = await startFakeApi();
    const offline = createApiClient({ baseUrl: url, credentials: () => null, onSessionExpired: () => {} });
    await expect(offline.login({ email: PIC_A.email, password: "x" })).rejects.toMatchObject({ status: 0, code: "network" });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2026-03-10T12:00:00.000Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Tue, 10 Mar 2026 12:05:00 GMT", now)).toBe(300);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
