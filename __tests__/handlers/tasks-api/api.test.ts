import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LIMITS, type FieldProblem, type Page, type Task } from "../../../contracts/api";
import type { Principal } from "../../../contracts/auth";
import { taskEventSchema, type TaskEvent } from "../../../contracts/events";
import { taskEventAt } from "../../../contracts/tables";
import { snapshotOf } from "../../../handlers/tasks-api/core/task-events";
import { createTasksCore } from "../../../handlers/tasks-api/core/tasks";
import type { Database } from "../../../handlers/tasks-api/db/database";
import { OutboxRelay } from "../../../handlers/tasks-api/events/outbox-relay";
import { createDynamoTaskEventLog, type TaskEventLog } from "../../../handlers/tasks-api/events/task-event-log";
import { createUuidV7Generator } from "../../../handlers/tasks-api/ids";
import { createBackends } from "./backends";
import { ALICE, BOB, collectingLogger, errorOf, startHarness, SUPERVISOR, type Harness, type TestResponse } from "./harness";

const backends = createBackends();
afterAll(() => backends.stop());

function problems(response: TestResponse): FieldProblem[] {
  return errorOf(response).details as FieldProblem[];
}

function expectValidation(response: TestResponse, field: string): void {
  expect(response.status).toBe(400);
  expect(errorOf(response).code).toBe("validation_failed");
  expect(problems(response).map((problem) => problem.field)).toContain(field);
  expect(errorOf(response).message).toContain(field);
}

describe.each(backends.list)("tasks-api over HTTP on $name", (backend) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(backend, "api");
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.reset();
    h.log.errors.length = 0;
  });
  // An error log line means some request answered 500 or an event failed to deliver.
  afterEach(() => {
    expect(h.log.errors).toEqual([]);
  });

  const patch = (task: Pick<Task, "id">, json: Record<string, unknown>, as: Principal = SUPERVISOR) =>
    h.request("PATCH", `/api/tasks/${task.id}`, { as, json });

  async function eventsOf(taskId: string): Promise<TaskEvent[]> {
    const response = await h.request("GET", `/api/tasks/${taskId}/events`, { as: SUPERVISOR });
    expect(response.status).toBe(200);
    return (response.body as Page<TaskEvent>).items.map((item) => taskEventSchema.parse(item));
  }

  describe("health and routing", () => {
    it("answers GET /health with 200 without a token, after asking the database", async () => {
      const response = await h.request("GET", "/health");
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: "ok" });
    });

    it.each([
      ["GET", "/api/nope"],
      ["GET", "/"],
      ["POST", "/api/tasks/extra/segments/here"],
      ["GET", "/api/users"],
    ])("answers %s %s with a 404 error body", async (method, path) => {
      const response = await h.request(method, path, { as: SUPERVISOR });
      expect(response.status).toBe(404);
      expect(errorOf(response).code).toBe("not_found");
    });

    it.each([
      ["PUT", "/api/tasks", ["GET", "POST"]],
      ["DELETE", "/api/tasks", ["GET", "POST"]],
      ["POST", "/api/tasks/0190a9f2-7b61-7c3e-8f00-000000000001", ["GET", "PATCH", "DELETE"]],
      ["PUT", "/api/tasks/0190a9f2-7b61-7c3e-8f00-000000000001", ["GET", "PATCH", "DELETE"]],
      ["POST", "/api/tasks/0190a9f2-7b61-7c3e-8f00-000000000001/events", ["GET"]],
      ["POST", "/health", ["GET"]],
    ])("answers %s %s with 405 and an Allow header", async (method, path, allowed) => {
      const response = await h.request(method, path, { as: SUPERVISOR });
      expect(response.status).toBe(405);
      expect(errorOf(response).code).toBe("method_not_allowed");
      const allow = (response.headers.get("allow") ?? "").split(", ");
      for (const permitted of allowed) expect(allow).toContain(permitted);
      expect(allow).not.toContain(method);
    });
  });

  describe("authorization on every route", () => {
    type Outcome = { anonymous: number; pic: number; supervisor: number };
    interface RouteCase {
      readonly route: string;
      readonly method: string;
      readonly path: (task: Task) => string;
      readonly json?: (task: Task) => unknown;
      readonly expected: Outcome;
    }
    const cases: RouteCase[] = [
      { route: "list", method: "GET", path: () => "/api/tasks", expected: { anonymous: 401, pic: 200, supervisor: 200 } },
      {
        route: "create",
        method: "POST",
        path: () => "/api/tasks",
        json: () => ({ title: "new card" }),
        expected: { anonymous: 401, pic: 403, supervisor: 201 },
      },
      { route: "get", method: "GET", path: (t) => `/api/tasks/${t.id}`, expected: { anonymous: 401, pic: 200, supervisor: 200 } },
      {
        route: "move own task",
        method: "PATCH",
        path: (t) => `/api/tasks/${t.id}`,
        json: (t) => ({ version: t.version, status: "in_progress" }),
        expected: { anonymous: 401, pic: 200, supervisor: 200 },
      },
      { route: "delete", method: "DELETE", path: (t) => `/api/tasks/${t.id}`, expected: { anonymous: 401, pic: 403, supervisor: 204 } },
      {
        route: "events",
        method: "GET",
        path: (t) => `/api/tasks/${t.id}/events`,
        expected: { anonymous: 401, pic: 200, supervisor: 200 },
      },
    ];
    const callers: [keyof Outcome, Principal | undefined][] = [
      ["anonymous", undefined],
      ["pic", ALICE],
      ["supervisor", SUPERVISOR],
    ];
    const matrix = cases.flatMap((c) => callers.map(([role, principal]) => ({ ...c, role, principal, status: c.expected[role] })));

    it.each(matrix)("$method $route as $role → $status", async ({ method, path, json, principal, status }) => {
      const task = await h.createTask({ title: "Alice's card", pic: ALICE.email });
      const response = await h.request(method, path(task), { ...(principal ? { as: principal } : {}), json: json?.(task) });
      expect(response.status).toBe(status);
      if (status >= 400) expect(errorOf(response).code).toBe(status === 401 ? "unauthorized" : "forbidden");
    });

    it("refuses a PIC moving someone else's task (403) and leaves it untouched", async () => {
      const bobs = await h.createTask({ title: "Bob's card", pic: BOB.email });
      const response = await patch(bobs, { version: 1, status: "done" }, ALICE);
      expect(response.status).toBe(403);
      expect(errorOf(response).code).toBe("forbidden");
      const after = await h.request("GET", `/api/tasks/${bobs.id}`, { as: SUPERVISOR });
      expect(after.body).toEqual(bobs);
    });

    it("refuses a PIC moving an unassigned task", async () => {
      const unassigned = await h.createTask({ title: "nobody's" });
      expect((await patch(unassigned, { version: 1, status: "done" }, ALICE)).status).toBe(403);
    });

    it.each([
      [{ title: "renamed" }, "title"],
      [{ content: "rewritten" }, "content"],
      [{ pic: BOB.email }, "pic"],
      [{ dueAt: "2030-01-01T00:00:00Z" }, "dueAt"],
      [{ status: "done", title: "sneaky" }, "title"],
    ])("refuses a PIC changing %j on their own task (only status and position)", async (change, field) => {
      const own = await h.createTask({ title: "Alice's card", pic: ALICE.email });
      const response = await patch(own, { version: 1, ...change }, ALICE);
      expect(response.status).toBe(403);
      expect(errorOf(response).message).toContain(field);
      expect(((await h.request("GET", `/api/tasks/${own.id}`, { as: ALICE })).body as Task).version).toBe(1);
    });

    it("lets a PIC set status and position of their own task", async () => {
      const own = await h.createTask({ title: "Alice's card", pic: ALICE.email });
      const response = await patch(own, { version: 1, status: "done", position: 5.5 }, ALICE);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: "done", position: 5.5, version: 2 });
    });

    it("lets a supervisor change every field", async () => {
      const task = await h.createTask({ title: "card", pic: ALICE.email });
      const change = { title: "new", content: "body", status: "in_progress", pic: BOB.email, dueAt: "2030-01-01T00:00:00.000Z", position: 7 };
      const response = await patch(task, { version: 1, ...change });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ ...change, version: 2 });
    });

    it("refuses a PIC's create before reading the body", async () => {
      const response = await h.request("POST", "/api/tasks", { as: ALICE, rawBody: "not json", headers: { "content-type": "text/plain" } });
      expect(response.status).toBe(403);
    });

    it.each([
      ["expired", { expiresInSeconds: -60 }],
      ["for another audience", { audience: "someone-else" }],
      ["from another issuer", { issuer: "evil" }],
      ["signed by an unknown key", { foreignKey: true }],
    ])("answers 401 to a token %s", async (_label, options) => {
      const authorization = await h.tokens.bearer(SUPERVISOR, options);
      const response = await h.request("GET", "/api/tasks", { authorization });
      expect(response.status).toBe(401);
      expect(errorOf(response).code).toBe("unauthorized");
    });

    it.each(["Basic c2FtOnB3", "Bearer", "Bearer not.a.jwt", "token"])("answers 401 to Authorization: %s", async (authorization) => {
      expect((await h.request("GET", "/api/tasks", { authorization })).status).toBe(401);
    });
  });

  describe("validation names the bad field", () => {
    it.each([
      [{}, "title"],
      [{ title: "   " }, "title"],
      [{ title: "x".repeat(LIMITS.titleLength + 1) }, "title"],
      [{ title: "t", content: "x".repeat(LIMITS.contentLength + 1) }, "content"],
      [{ title: "t", status: "blocked" }, "status"],
      [{ title: "t", pic: "not-an-email" }, "pic"],
      [{ title: "t", dueAt: "tomorrow" }, "dueAt"],
      [{ title: "t", dueAt: "2030-01-01T00:00:00" }, "dueAt"],
      // Valid ISO-8601 that PostgreSQL refuses: must be a 400 naming the field, never a database error.
      [{ title: "t", dueAt: "0000-01-01T00:00:00Z" }, "dueAt"],
      [{ title: "t", position: "1" }, "position"],
      [{ title: "t", owner: "me" }, "owner"],
      [[], "(body)"],
      ["a string", "(body)"],
    ])("POST /api/tasks %j → 400 on %s", async (json, field) => {
      expectValidation(await h.request("POST", "/api/tasks", { as: SUPERVISOR, json }), field);
    });

    it.each([
      [{ title: "x" }, "version"],
      [{ version: 1 }, "(body)"],
      [{ version: 0, title: "x" }, "version"],
      [{ version: 1.5, title: "x" }, "version"],
      [{ version: 1, status: "nope" }, "status"],
      [{ version: 1, position: null }, "position"],
      [{ version: 1, id: "other" }, "id"],
    ])("PATCH /api/tasks/{id} %j → 400 on %s", async (json, field) => {
      const task = await h.createTask({ title: "card" });
      expectValidation(await patch(task, json), field);
    });

    it.each([
      ["status=blocked", "status"],
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      [`limit=${LIMITS.pageSizeMax + 1}`, "limit"],
      ["pic=someone", "pic"],
      ["due_before=yesterday", "due_before"],
      ["color=red", "color"],
      ["status=todo&status=done", "status"],
      [`cursor=${"a".repeat(600)}`, "cursor"],
    ])("GET /api/tasks?%s → 400 on %s", async (query, field) => {
      expectValidation(await h.request("GET", `/api/tasks?${query}`, { as: ALICE }), field);
    });

    it.each([
      ["limit=0", "limit"],
      ["cursor=%21%21", "cursor"],
      ["since=now", "since"],
    ])("GET /api/tasks/{id}/events?%s → 400 on %s", async (query, field) => {
      const task = await h.createTask({ title: "card" });
      expectValidation(await h.request("GET", `/api/tasks/${task.id}/events?${query}`, { as: ALICE }), field);
    });
  });

  describe("request bodies are checked before they are trusted", () => {
    it("answers 413 when Content-Length announces more than the limit", async () => {
      const json = { title: "big", content: "x".repeat(LIMITS.bodyBytes) };
      const response = await h.request("POST", "/api/tasks", { as: SUPERVISOR, json });
      expect(response.status).toBe(413);
      expect(errorOf(response).code).toBe("payload_too_large");
    });

    it("answers 413 when a chunked body without Content-Length grows past the limit", async () => {
      const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"title":"t","content":"'));
          if (sent >= 8) controller.close();
          else controller.enqueue(chunk);
          sent += 1;
        },
      });
      const response = await h.request("PATCH", "/api/tasks/0190a9f2-7b61-7c3e-8f00-000000000001", {
        as: SUPERVISOR,
        rawBody: body,
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(413);
    });

    it("reads a body of exactly the limit and judges it by the schema (400, not 413)", async () => {
      const prefix = '{"title":"t","content":"';
      const content = "x".repeat(LIMITS.bodyBytes - prefix.length - 2);
      const raw = `${prefix}${content}"}`;
      expect(Buffer.byteLength(raw)).toBe(LIMITS.bodyBytes);
      const response = await h.request("POST", "/api/tasks", { as: SUPERVISOR, rawBody: raw, headers: { "content-type": "application/json" } });
      expectValidation(response, "content");
    });

    it.each([["text/plain"], ["application/x-www-form-urlencoded"], [undefined]])("answers 415 to content-type %s", async (type) => {
      const response = await h.request("POST", "/api/tasks", {
        as: SUPERVISOR,
        rawBody: '{"title":"t"}',
        headers: type ? { "content-type": type } : {},
      });
      expect(response.status).toBe(415);
      expect(errorOf(response).code).toBe("unsupported_media_type");
    });

    it("accepts application/json with a charset parameter", async () => {
      const response = await h.request("POST", "/api/tasks", {
        as: SUPERVISOR,
        rawBody: '{"title":"t"}',
        headers: { "content-type": "application/json; charset=utf-8" },
      });
      expect(response.status).toBe(201);
    });

    it.each([['{"title":'], [""], ["{title: 't'}"]])("answers 400 bad_request to malformed JSON %j", async (raw) => {
      const response = await h.request("POST", "/api/tasks", { as: SUPERVISOR, rawBody: raw, headers: { "content-type": "application/json" } });
      expect(response.status).toBe(400);
      expect(errorOf(response).code).toBe("bad_request");
    });

    it("answers 400 to bytes that are not UTF-8", async () => {
      const raw = new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      const response = await h.request("POST", "/api/tasks", { as: SUPERVISOR, rawBody: raw, headers: { "content-type": "application/json" } });
      expect(response.status).toBe(400);
      expect(errorOf(response).code).toBe("bad_request");
    });
  });

  describe("create, read, update, delete", () => {
    it("creates with defaults: todo, empty content, unassigned, version 1, after the last card of the column", async () => {
      const first = await h.createTask({ title: "  first  " });
      const second = await h.createTask({ title: "second" });
      const elsewhere = await h.createTask({ title: "in progress", status: "in_progress" });
      expect(first).toMatchObject({ title: "first", content: "", status: "todo", pic: null, dueAt: null, version: 1, createdBy: SUPERVISOR.email });
      expect(second.position).toBeGreaterThan(first.position);
      expect(elsewhere.position).toBe(first.position);
      expect(first.createdAt).toBe(first.updatedAt);
    });

    it("normalises emails and instants and answers 201 with Location", async () => {
      const response = await h.request("POST", "/api/tasks", {
        as: SUPERVISOR,
        json: { title: "t", pic: " Alice.PIC@Example.com ", dueAt: "2030-12-01T09:00:00+09:00", position: -3.25 },
      });
      expect(response.status).toBe(201);
      const task = response.body as Task;
      expect(task).toMatchObject({ pic: ALICE.email, dueAt: "2030-12-01T00:00:00.000Z", position: -3.25 });
      expect(response.headers.get("location")).toBe(`/api/tasks/${task.id}`);
      expect((await h.request("GET", `/api/tasks/${task.id}`, { as: BOB })).body).toEqual(task);
    });

    it.each([["0190a9f2-7b61-7c3e-8f00-000000000009"], ["not-a-uuid"], ["1%27%20OR%201%3D1"]])("answers 404 for task %s", async (id) => {
      for (const method of ["GET", "DELETE"]) {
        expect((await h.request(method, `/api/tasks/${id}`, { as: SUPERVISOR })).status).toBe(404);
      }
      expect((await h.request("PATCH", `/api/tasks/${id}`, { as: SUPERVISOR, json: { version: 1, title: "x" } })).status).toBe(404);
      expect((await h.request("GET", `/api/tasks/${id}/events`, { as: SUPERVISOR })).status).toBe(404);
    });

    it("updates, increments the version, and moves updatedAt", async () => {
      const task = await h.createTask({ title: "card" });
      const response = await patch(task, { version: 1, title: "renamed", dueAt: null, content: "details" });
      expect(response.status).toBe(200);
      const updated = response.body as Task;
      expect(updated).toMatchObject({ id: task.id, title: "renamed", content: "details", version: 2, createdAt: task.createdAt });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));
    });

    it("treats a PATCH that changes nothing as a no-op: same version, no event", async () => {
      const task = await h.createTask({ title: "card", status: "done" });
      const response = await patch(task, { version: 1, title: "card", status: "done" });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(task);
      expect((await eventsOf(task.id)).map((e) => e.type)).toEqual(["task.created"]);
    });

    it("answers a stale version with 409 carrying the current task", async () => {
      const task = await h.createTask({ title: "card" });
      const current = (await patch(task, { version: 1, title: "v2" })).body as Task;
      const stale = await patch(task, { version: 1, status: "done" });
      expect(stale.status).toBe(409);
      expect(errorOf(stale).code).toBe("conflict");
      expect(errorOf(stale).details).toEqual({ current });
    });

    it("deletes (204), then the task is gone", async () => {
      const task = await h.createTask({ title: "card" });
      const response = await h.request("DELETE", `/api/tasks/${task.id}`, { as: SUPERVISOR });
      expect(response.status).toBe(204);
      expect(response.body).toBeUndefined();
      expect((await h.request("GET", `/api/tasks/${task.id}`, { as: SUPERVISOR })).status).toBe(404);
      expect((await h.request("DELETE", `/api/tasks/${task.id}`, { as: SUPERVISOR })).status).toBe(404);
      expect((await patch(task, { version: 1, title: "late" })).status).toBe(404);
    });
  });

  describe("listing with filters and keyset pagination", () => {
    const STATUSES = ["todo", "in_progress", "done"] as const;
    let seeded: Task[];

    /** Board order: column order, then position, then id. */
    const boardOrder = (a: Task, b: Task) =>
      STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) || a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

    beforeEach(async () => {
      seeded = [];
      for (let i = 0; i < 23; i += 1) {
        seeded.push(
          await h.createTask({
            title: `card ${i}`,
            status: STATUSES[i % 3],
            pic: [ALICE.email, BOB.email, null][i % 4 === 3 ? 2 : i % 2] ?? null,
            // Equal positions on purpose: the id must break the tie.
            position: (i % 5) * 10,
            dueAt: i % 3 === 1 ? null : new Date(Date.UTC(2030, 0, 1 + i)).toISOString(),
          }),
        );
      }
    });

    async function walk(query: string, limit: number, as: Principal = ALICE): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const params = new URLSearchParams(query);
        params.set("limit", String(limit));
        if (cursor) params.set("cursor", cursor);
        const response = await h.request("GET", `/api/tasks?${params}`, { as });
        expect(response.status).toBe(200);
        const page = response.body as Page<Task>;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        ids.push(...page.items.map((task) => task.id));
        cursor = page.nextCursor;
        pages += 1;
        expect(pages).toBeLessThan(50);
      } while (cursor !== null);
      return { ids, pages };
    }

    it("returns the whole board in board order across pages: no duplicates, no gaps", async () => {
      const { ids, pages } = await walk("", 4);
      expect(ids).toEqual([...seeded].sort(boardOrder).map((task) => task.id));
      expect(pages).toBe(6);
    });

    it("defaults to a page of 50 with no next cursor when everything fits", async () => {
      const response = await h.request("GET", "/api/tasks", { as: BOB });
      const page = response.body as Page<Task>;
      expect(page.items).toHaveLength(seeded.length);
      expect(page.nextCursor).toBeNull();
    });

    it.each([
      ["status=in_progress", (t: Task) => t.status === "in_progress"],
      [`pic=${ALICE.email}`, (t: Task) => t.pic === ALICE.email],
      ["due_before=2030-01-12T00:00:00Z", (t: Task) => t.dueAt !== null && t.dueAt < "2030-01-12T00:00:00.000Z"],
      [`status=done&pic=${BOB.email}`, (t: Task) => t.status === "done" && t.pic === BOB.email],
      [`pic=${ALICE.email}&due_before=2030-01-20T00:00:00Z`, (t: Task) => t.pic === ALICE.email && t.dueAt !== null && t.dueAt < "2030-01-20"],
    ])("pages through %s exactly", async (query, keep) => {
      const expected = seeded.filter(keep).sort(boardOrder).map((task) => task.id);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      const { ids, pages } = await walk(query, 1);
      expect(ids).toEqual(expected);
      // The look-ahead row means a full last page already says "no more": no empty trailing page.
      expect(pages).toBe(expected.length);
    });

    it("does not repeat or skip cards when one is added before the cursor mid-walk", async () => {
      const first = (await h.request("GET", "/api/tasks?limit=5", { as: ALICE })).body as Page<Task>;
      await h.createTask({ title: "jumps the queue", status: "todo", position: -100 });
      const late = await h.createTask({ title: "at the end", status: "done", position: 1e6 });
      let cursor = first.nextCursor;
      const continued: string[] = [];
      while (cursor) {
        const page = (await h.request("GET", `/api/tasks?limit=5&cursor=${cursor}`, { as: ALICE })).body as Page<Task>;
        continued.push(...page.items.map((task) => task.id));
        cursor = page.nextCursor;
      }
      const expected = [...seeded].sort(boardOrder).slice(5).map((task) => task.id);
      expect(continued).toEqual([...expected, late.id]);
    });
  });

  describe("cursors", () => {
    async function firstCursor(query = ""): Promise<string> {
      for (let i = 0; i < 3; i += 1) await h.createTask({ title: `card ${i}`, status: "todo" });
      const page = (await h.request("GET", `/api/tasks?limit=1${query}`, { as: ALICE })).body as Page<Task>;
      expect(page.nextCursor).toEqual(expect.any(String));
      return page.nextCursor ?? "";
    }

    it("refuses a cursor with one character changed", async () => {
      const cursor = await firstCursor();
      const tampered = `${cursor.slice(0, 10)}${cursor[10] === "A" ? "B" : "A"}${cursor.slice(11)}`;
      expectValidation(await h.request("GET", `/api/tasks?limit=1&cursor=${tampered}`, { as: ALICE }), "cursor");
    });

    it("refuses a cursor with an edited id or an extra field", async () => {
      const cursor = await firstCursor();
      const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
      const edited = Buffer.from(JSON.stringify({ ...decoded, i: "drop table tasks" })).toString("base64url");
      expectValidation(await h.request("GET", `/api/tasks?cursor=${edited}`, { as: ALICE }), "cursor");
      const extra = Buffer.from(JSON.stringify({ ...decoded, admin: true })).toString("base64url");
      expectValidation(await h.request("GET", `/api/tasks?cursor=${extra}`, { as: ALICE }), "cursor");
    });

    it("refuses a cursor issued for other filters", async () => {
      const cursor = await firstCursor("&status=todo");
      expectValidation(await h.request("GET", `/api/tasks?status=done&cursor=${cursor}`, { as: ALICE }), "cursor");
      expectValidation(await h.request("GET", `/api/tasks?cursor=${cursor}`, { as: ALICE }), "cursor");
      expect((await h.request("GET", `/api/tasks?status=todo&cursor=${cursor}`, { as: ALICE })).status).toBe(200);
    });

    it.each([["!!!"], ["bm90IGpzb24"], [Buffer.from("[1,2,3]").toString("base64url")], [Buffer.from('{"v":2}').toString("base64url")]])(
      "refuses the cursor %s",
      async (cursor) => {
        expectValidation(await h.request("GET", `/api/tasks?cursor=${encodeURIComponent(cursor)}`, { as: ALICE }), "cursor");
      },
    );
  });

  describe("concurrent edits", () => {
    it("lets exactly one of two PATCHes on the same version win; the other gets 409 with the winner's state; nothing is lost", async () => {
      for (let round = 0; round < 6; round += 1) {
        const task = await h.createTask({ title: `race ${round}`, pic: ALICE.email });
        const [a, b] = await Promise.all([
          patch(task, { version: 1, title: `renamed ${round}` }),
          patch(task, { version: 1, status: "done" }, ALICE),
        ]);
        const statuses = [a.status, b.status].sort();
        expect(statuses).toEqual([200, 409]);
        const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
        const won = winner.body as Task;
        expect(won.version).toBe(2);
        expect(errorOf(loser).details).toEqual({ current: won });

        // The loser reapplies its change on the current version: both changes survive.
        const retry = loser === a ? await patch(task, { version: 2, title: `renamed ${round}` }) : await patch(task, { version: 2, status: "done" }, ALICE);
        expect(retry.status).toBe(200);
        expect(retry.body).toMatchObject({ title: `renamed ${round}`, status: "done", version: 3 });
        const types = (await eventsOf(task.id)).map((event) => event.type);
        expect(types.filter((type) => type === "task.updated")).toHaveLength(1);
        expect(types.filter((type) => type === "task.status_changed")).toHaveLength(1);
      }
    });

    it.runIf(backend.name === "postgres")(
      "answers 409 when the row changes between its read and the UPDATE (the version predicate, not only the pre-check)",
      async () => {
        const task = await h.createTask({ title: "locked" });
        const other = new pg.Client({ connectionString: h.connectionString });
        await other.connect();
        try {
          await other.query("BEGIN");
          await other.query("UPDATE tasks SET title = 'sneaked in', version = version + 1 WHERE id = $1", [task.id]);
          // The PATCH reads version 1 (the change above is uncommitted), then waits on the row lock.
          const pending = patch(task, { version: 1, status: "done" });
          for (let waited = 0; ; waited += 20) {
            const { rows } = await other.query<{ waiting: number }>(
              "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            );
            if (rows[0]?.waiting === 1) break;
            if (waited > 10_000) throw new Error("the PATCH never waited on the row lock");
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          await other.query("COMMIT");
          const response = await pending;
          expect(response.status).toBe(409);
          expect((errorOf(response).details as { current: Task }).current).toMatchObject({ title: "sneaked in", status: "todo", version: 2 });
        } finally {
          await other.end();
        }
      },
    );
  });

  describe("task events", () => {
    it("writes task.created and task.assigned to the task-events table for a task created with a PIC", async () => {
      const task = await h.createTask({ title: "card", pic: ALICE.email });
      await h.api.relay.drain();
      const items = await h.eventItems(task.id);
      expect(items.map((item) => item.type)).toEqual(["task.created", "task.assigned"]);
      for (const item of items) {
        expect(item).toMatchObject({ taskId: task.id, actor: SUPERVISOR.email });
        // The sort key is `<at>#<eventId>`, built by the contract's helper.
        expect(item.at).toBe(taskEventAt(new Date(task.createdAt), String(item.eventId)));
        expect(item.task).toEqual({ id: task.id, title: "card", status: "todo", pic: ALICE.email, dueAt: null, createdBy: SUPERVISOR.email, version: 1 });
      }
      expect(items[0]?.changes).toEqual([]);
      expect(items[1]?.changes).toEqual([{ field: "pic", from: null, to: ALICE.email }]);
    });

    it("records one PATCH of pic and status as task.assigned and task.status_changed, each with its own change", async () => {
      const task = await h.createTask({ title: "card", pic: ALICE.email });
      await patch(task, { version: 1, pic: BOB.email, status: "in_progress" });
      const events = (await eventsOf(task.id)).slice(2);
      expect(events.map((event) => [event.type, event.changes, event.actor, event.task.version])).toEqual([
        ["task.assigned", [{ field: "pic", from: ALICE.email, to: BOB.email }], SUPERVISOR.email, 2],
        ["task.status_changed", [{ field: "status", from: "todo", to: "in_progress" }], SUPERVISOR.email, 2],
      ]);
      expect(events[0]?.at).toBe(events[1]?.at);
    });

    it("snapshots the task in each PATCH's events exactly as the PATCH answered it", async () => {
      const task = await h.createTask({ title: "card", pic: ALICE.email });
      // Values the database normalises: an instant with an offset and microseconds, an email in capitals, a long double.
      const response = await patch(task, {
        version: 1,
        title: "renamed",
        pic: BOB.email.toUpperCase(),
        status: "done",
        dueAt: "2031-05-01T21:00:00.123456+09:00",
        position: 0.1 + 0.2,
      });
      expect(response.status).toBe(200);
      const answered = response.body as Task;
      const events = (await eventsOf(task.id)).slice(2);
      expect(events.map((event) => event.type)).toEqual(["task.updated", "task.assigned", "task.status_changed"]);
      for (const event of events) expect(event.task).toEqual(snapshotOf(answered));
      expect(answered).toMatchObject({ pic: BOB.email, dueAt: "2031-05-01T12:00:00.123Z", position: 0.30000000000000004, version: 2 });
    });

    it("records a PIC's move with the PIC as actor", async () => {
      const task = await h.createTask({ title: "card", pic: ALICE.email });
      await patch(task, { version: 1, status: "done" }, ALICE);
      const moved = (await eventsOf(task.id)).at(-1);
      expect(moved).toMatchObject({ type: "task.status_changed", actor: ALICE.email, changes: [{ field: "status", from: "todo", to: "done" }] });
    });

    it("records edits of title, content, due date and position as one task.updated", async () => {
      const task = await h.createTask({ title: "card", position: 1 });
      await patch(task, { version: 1, title: "renamed", content: "more", dueAt: "2031-05-01T12:00:00Z", position: 2.5 });
      const updated = (await eventsOf(task.id)).at(-1);
      expect(updated).toMatchObject({
        type: "task.updated",
        changes: [
          { field: "title", from: "card", to: "renamed" },
          { field: "content", from: "", to: "more" },
          { field: "dueAt", from: null, to: "2031-05-01T12:00:00.000Z" },
          { field: "position", from: 1, to: 2.5 },
        ],
      });
    });

    it("serves the log oldest first, in pages, and keeps it after the task is deleted", async () => {
      const task = await h.createTask({ title: "card", pic: ALICE.email });
      await patch(task, { version: 1, status: "in_progress" }, ALICE);
      await patch(task, { version: 2, title: "renamed" });
      await h.request("DELETE", `/api/tasks/${task.id}`, { as: SUPERVISOR });
      const all = await eventsOf(task.id);
      expect(all.map((event) => event.type)).toEqual(["task.created", "task.assigned", "task.status_changed", "task.updated", "task.deleted"]);
      expect(all.at(-1)?.task).toMatchObject({ title: "renamed", version: 3 });
      const paged: TaskEvent[] = [];
      let cursor: string | null = null;
      do {
        const response = await h.request("GET", `/api/tasks/${task.id}/events?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { as: BOB });
        const page = response.body as Page<TaskEvent>;
        paged.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all);
    });

    it("writes no event for a refused change (403, 409, 400, 404)", async () => {
      const task = await h.createTask({ title: "card", pic: BOB.email });
      await patch(task, { version: 1, status: "done" }, ALICE);
      await patch(task, { version: 7, status: "done" });
      await patch(task, { version: 1, status: "nope" });
      await h.request("DELETE", `/api/tasks/${task.id}`, { as: ALICE });
      await h.api.relay.drain();
      expect((await h.eventItems(task.id)).map((item) => item.type)).toEqual(["task.created", "task.assigned"]);
      expect(await h.api.relay.backlog()).toBe(0);
    });
  });

  describe("outbox", () => {
    const core = () => createTasksCore({ db: h.db, clock: () => new Date(), newId: createUuidV7Generator() });
    /** The real event log, remembering each batch appended to it. */
    const recordingLog = (batches: (readonly TaskEvent[])[]): TaskEventLog => ({
      append: async (events) => {
        batches.push(events);
        await h.eventLog.append(events);
      },
      list: (taskId, page) => h.eventLog.list(taskId, page),
    });

    beforeEach(async () => {
      // This test drives relays by hand; the service's own background drain would race it.
      await h.api.relay.stop();
    });
    afterEach(() => {
      h.api.relay.start();
    });

    it("keeps events while DynamoDB refuses them, logs loudly, and delivers them later", async () => {
      const brokenLog = createDynamoTaskEventLog({ client: DynamoDBDocumentClient.from(h.dynamo.client), tableName: "no-such-table" });
      const log = collectingLogger();
      const broken = new OutboxRelay({ db: h.db, eventLog: brokenLog, log, retryDelaySeconds: 60 });
      const task = await core().create(SUPERVISOR, { title: "card", content: "", status: "todo", pic: ALICE.email, dueAt: null });

      expect(await broken.drain()).toBe(0);
      expect(log.errors.map((entry) => entry.event)).toEqual(["outbox.delivery_failed"]);
      expect(await h.api.relay.backlog()).toBe(2);
      expect(await h.eventItems(task.id)).toEqual([]);
      // Leased for the retry delay: a healthy relay leaves the batch alone until then...
      expect(await h.api.relay.drain()).toBe(0);
      // ...and delivers it once the lease has passed.
      await h.db.query("UPDATE tasks_outbox SET claimed_until = now() - interval '1 second'");
      expect(await h.api.relay.drain()).toBe(2);
      expect((await h.eventItems(task.id)).map((item) => item.type)).toEqual(["task.created", "task.assigned"]);
      expect(await h.api.relay.backlog()).toBe(0);
    });

    it("delivers every event exactly once when two relays drain at the same time", async () => {
      const batches: (readonly TaskEvent[])[] = [];
      const countingLog = recordingLog(batches);
      const tasks = core();
      for (let i = 0; i < 30; i += 1) {
        await tasks.create(SUPERVISOR, { title: `card ${i}`, content: "", status: "todo", pic: BOB.email, dueAt: null });
      }
      const relays = [0, 1].map(() => new OutboxRelay({ db: h.db, eventLog: countingLog, log: h.log, batchSize: 5 }));
      const delivered = await Promise.all(relays.map((relay) => relay.drain()));
      expect(delivered[0]! + delivered[1]!).toBe(60);
      const appended = batches.flat().map((event) => event.eventId);
      expect(appended).toHaveLength(60);
      expect(new Set(appended).size).toBe(60);
      expect(await h.api.relay.backlog()).toBe(0);
    });

    it("ends a pass on a short batch: three events cost one claim, not a second one that finds nothing", async () => {
      const claims: string[] = [];
      const db: Database = {
        query: (sql, params) => {
          if (/^\s*UPDATE tasks_outbox\s+SET claimed_until = now\(\) \+ make_interval\(secs => \$1\), attempts/.test(sql)) claims.push(sql);
          return h.db.query(sql, params);
        },
        transaction: (work) => h.db.transaction(work),
        close: () => h.db.close(),
      };
      for (const n of [1, 2, 3]) await core().create(SUPERVISOR, { title: `card ${n}`, content: "", status: "todo", pic: null, dueAt: null });
      const relay = new OutboxRelay({ db, eventLog: h.eventLog, log: h.log });
      expect(await relay.drain()).toBe(3);
      expect(claims).toHaveLength(1);
      expect(await relay.drain()).toBe(0);
      expect(claims).toHaveLength(2);
    });

    it("delivers the writes of one moment in one pass: nudges within the delay join one claim and one BatchWriteItem", async () => {
      const batches: (readonly TaskEvent[])[] = [];
      const relay = new OutboxRelay({ db: h.db, eventLog: recordingLog(batches), log: h.log, nudgeDelayMs: 1_000 });
      const tasks = createTasksCore({ db: h.db, clock: () => new Date(), newId: createUuidV7Generator(), onEventsRecorded: () => relay.nudge() });
      const created = await Promise.all([1, 2, 3].map((n) => tasks.create(SUPERVISOR, { title: `card ${n}`, content: "", status: "todo", pic: null, dueAt: null })));
      expect(batches).toEqual([]);
      await expect.poll(() => relay.backlog(), { timeout: 5_000, interval: 50 }).toBe(0);
      expect(batches.map((batch) => batch.length)).toEqual([3]);
      for (const task of created) expect((await h.eventItems(task.id)).map((item) => item.type)).toEqual(["task.created"]);
      await relay.stop();
    });
  });
});
