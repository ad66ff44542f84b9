import { describe, expect, it } from "vitest";
import { LIMITS, type Task } from "../../../contracts/api";
import type { Principal } from "../../../contracts/auth";
import { taskEventSchema } from "../../../contracts/events";
import { ApiError } from "../../../handlers/lib/errors";
import { authorizeUpdate } from "../../../handlers/tasks-api/core/authorization";
import { decodeCursor, encodeCursor } from "../../../handlers/tasks-api/core/cursor";
import { eventsForCreate, eventsForDelete, eventsForUpdate } from "../../../handlers/tasks-api/core/task-events";
import { changedFields } from "../../../handlers/tasks-api/core/tasks";
import { fromTaskEventItem } from "../../../handlers/tasks-api/events/task-event-log";
import { toTaskEventItem } from "../../../contracts/task-event-item";
import { readJsonBody } from "../../../handlers/tasks-api/http/json-body";
import { createUuidV7Generator, isUuid } from "../../../handlers/tasks-api/ids";

const TASK: Task = {
  id: "0190a9f2-7b61-7c3e-8f00-00000000000a",
  title: "Write the report",
  content: "",
  status: "todo",
  pic: "alice@example.com",
  dueAt: null,
  position: 1024,
  version: 3,
  createdBy: "sam@example.com",
  createdAt: "2026-11-20T08:00:00.000Z",
  updatedAt: "2026-11-20T08:00:00.000Z",
};
const ALICE: Principal = { email: "alice@example.com", role: "pic", name: "Alice" };
const BOB: Principal = { email: "bob@example.com", role: "pic", name: "Bob" };
const SAM: Principal = { email: "sam@example.com", role: "supervisor", name: "Sam" };

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("keyset cursor", () => {
  const filters = { status: "todo", pic: undefined, dueBefore: undefined };
  const after = { statusRank: 0, position: 0.1 + 0.2, id: TASK.id };

  it("round-trips the board position exactly, doubles included", () => {
    expect(decodeCursor(encodeCursor(after, filters), filters)).toEqual(after);
  });

  it("is URL-safe base64", () => {
    expect(encodeCursor(after, filters)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["other filters", () => decodeCursor(encodeCursor(after, filters), { ...filters, status: "done" })],
    ["not base64url", () => decodeCursor("a+b/c=", filters)],
    ["not JSON", () => decodeCursor(Buffer.from("{").toString("base64url"), filters)],
    ["a rank beyond the columns", () => decodeCursor(encodeCursor({ ...after, statusRank: 3 }, filters), filters)],
    ["an id that is not a uuid", () => decodeCursor(encodeCursor({ ...after, id: "x' OR '1'='1" }, filters), filters)],
  ])("refuses a cursor with %s as a 400 on `cursor`", (_label, run) => {
    const error = apiError(run);
    expect(error.status).toBe(400);
    expect(error.body.error.details).toEqual([expect.objectContaining({ field: "cursor" })]);
  });
});

describe("changedFields", () => {
  it("lists only fields whose value differs, in contract order", () => {
    expect(changedFields(TASK, { version: 3, position: 1024, status: "done", title: "Write the report", pic: null })).toEqual([
      { field: "status", from: "todo", to: "done" },
      { field: "pic", from: "alice@example.com", to: null },
    ]);
  });

  it("compares instants as normalised ISO strings", () => {
    const due = { ...TASK, dueAt: "2030-01-01T00:00:00.000Z" };
    expect(changedFields(due, { version: 3, dueAt: "2030-01-01T00:00:00.000Z" })).toEqual([]);
  });
});

describe("task events", () => {
  const context = { actor: "sam@example.com", at: new Date("2026-11-21T10:00:00.000Z"), newId: createUuidV7Generator() };

  it("splits one change into one event per type, in a fixed order, each valid against the contract", () => {
    const after = { ...TASK, status: "done" as const, pic: "bob@example.com", title: "Renamed", version: 4 };
    const events = eventsForUpdate(
      after,
      [
        { field: "title", from: TASK.title, to: "Renamed" },
        { field: "status", from: "todo", to: "done" },
        { field: "pic", from: TASK.pic, to: "bob@example.com" },
      ],
      context,
    );
    expect(events.map((event) => event.type)).toEqual(["task.updated", "task.assigned", "task.status_changed"]);
    expect(events.map((event) => event.changes.map((change) => change.field))).toEqual([["title"], ["pic"], ["status"]]);
    for (const event of events) expect(taskEventSchema.parse(event)).toEqual(event);
    // Ids increase in emission order, so the log's `<at>#<eventId>` keys keep that order.
    const ids = events.map((event) => event.eventId);
    expect([...ids].sort()).toEqual(ids);
  });

  it("adds task.assigned to a task created with a PIC, and nothing else", () => {
    expect(eventsForCreate(TASK, context).map((event) => event.type)).toEqual(["task.created", "task.assigned"]);
    expect(eventsForCreate({ ...TASK, pic: null }, context).map((event) => event.type)).toEqual(["task.created"]);
    expect(eventsForDelete(TASK, context)[0]).toMatchObject({ type: "task.deleted", changes: [], task: { version: 3 } });
  });

  it("stores an event as a task-events item keyed `<at>#<eventId>` and reads it back unchanged", () => {
    const [event] = eventsForCreate(TASK, context);
    const item = toTaskEventItem(event!);
    expect(item).toMatchObject({ taskId: TASK.id, at: `2026-11-21T10:00:00.000Z#${event!.eventId}` });
    expect(fromTaskEventItem(item)).toEqual(event);
  });
});

describe("authorizeUpdate", () => {
  it("lets a supervisor change anything on any task", () => {
    expect(() => authorizeUpdate(SAM, { ...TASK, pic: null }, { version: 3, title: "x", pic: "bob@example.com" })).not.toThrow();
  });

  it("lets the task's PIC change status and position", () => {
    expect(() => authorizeUpdate(ALICE, TASK, { version: 3, status: "done", position: 1 })).not.toThrow();
  });

  it("refuses another PIC, and the task's PIC touching other fields", () => {
    expect(apiError(() => authorizeUpdate(BOB, TASK, { version: 3, status: "done" })).status).toBe(403);
    expect(apiError(() => authorizeUpdate(ALICE, TASK, { version: 3, content: "" })).body.error.details).toEqual({ fields: ["content"] });
  });
});

describe("UUIDv7 ids", () => {
  it("are valid UUIDs of version 7 that increase, even within one millisecond", () => {
    const next = createUuidV7Generator(() => 1_700_000_000_000);
    const ids = Array.from({ length: 5000 }, () => next());
    for (const id of ids.slice(0, 10)) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe("7");
      expect("89ab").toContain(id[19]);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("readJsonBody", () => {
  const post = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = { "content-type": "application/json" }) =>
    new Request("http://localhost/api/tasks", { method: "POST", body, headers, duplex: "half" } as RequestInit);

  it("parses JSON", async () => {
    await expect(readJsonBody(post('{"a":1}'))).resolves.toEqual({ a: 1 });
  });

  it("answers 413 from Content-Length alone, before reading, and closes the connection", async () => {
    const request = new Request("http://localhost/", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", "content-length": String(LIMITS.bodyBytes + 1) },
    });
    const error = await readJsonBody(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect((error as ApiError).headers).toEqual({ Connection: "close" });
  });

  it("answers 413 when the bytes received pass the limit, whatever the headers said", async () => {
    const error = await readJsonBody(post("x".repeat(101)), 100).catch((caught: unknown) => caught);
    expect((error as ApiError).status).toBe(413);
  });
});
