import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTaskRequestSchema, type CreateTaskRequest, type Task } from "../../../contracts/api";
import { SYSTEM_ACTOR, taskEventSchema } from "../../../contracts/events";
import { TASK_EVENTS_TABLE, taskEventAt } from "../../../contracts/tables";
import { snapshotOf } from "../../../handlers/tasks-api/core/task-events";
import { createTasksCore } from "../../../handlers/tasks-api/core/tasks";
import type { Database } from "../../../handlers/tasks-api/db/database";
import { createPgDatabase } from "../../../handlers/tasks-api/db/pg-database";
import { createDynamoTaskEventLog, type TaskEventLog } from "../../../handlers/tasks-api/events/task-event-log";
import { createUuidV7Generator } from "../../../handlers/tasks-api/ids";
import { migrate } from "../../../handlers/tasks-api/migrate";
import {
  DUE_SOON_WINDOW_MS,
  isTimeZone,
  reminderDayOf,
  reminderEvent,
  reminderEventId,
  reminderTypeOf,
  sendReminders,
} from "../../../handlers/tasks-api/reminder";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";
import { ensureTable } from "../../../local/dynamo-tables";
import { createBackends } from "./backends";
import { buildTestBundle, type TestBundle } from "./bundle";
import { ALICE, BOB, SUPERVISOR } from "./harness";

const HOUR = 3_600_000;
/** 10:00 in Seoul on 2026-11-21. */
const NOW = new Date("2026-11-21T01:00:00.000Z");
/** 00:00 in Seoul on 2026-11-21, in UTC. */
const SEOUL_DAY_START = "2026-11-20T15:00:00.000Z";

const backends = createBackends();
let dynamo: DynaliteHandle;
let documents: DynamoDBDocumentClient;
let bundle: TestBundle | undefined;
let tableCounter = 0;

beforeAll(async () => {
  dynamo = await startDynalite([]);
  documents = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => {
  await dynamo?.stop();
  await backends.stop();
  bundle?.remove();
});

/** A fresh, empty task-events table (same keys and stream as in AWS), so counts are the reminder's alone. */
async function freshEventsTable(): Promise<{ tableName: string; eventLog: TaskEventLog }> {
  tableCounter += 1;
  const tableName = `reminder-task-events-${tableCounter}`;
  await ensureTable(dynamo.client, TASK_EVENTS_TABLE, tableName);
  return { tableName, eventLog: createDynamoTaskEventLog({ client: documents, tableName }) };
}

async function scanItems(tableName: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await documents.send(new ScanCommand({ TableName: tableName }));
  return Items.sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)));
}

/** Creates tasks as the service does (same SQL, same columns), at a fixed creation time. */
function taskFactory(db: Database) {
  const core = createTasksCore({ db, clock: () => new Date(NOW.getTime() - 72 * HOUR), newId: createUuidV7Generator() });
  return (input: CreateTaskRequest): Promise<Task> => core.create(SUPERVISOR, createTaskRequestSchema.parse(input));
}

const dueIn = (ms: number, from: Date = NOW) => new Date(from.getTime() + ms).toISOString();

const TASK: Task = {
  id: "0190a9f2-7b61-7c3e-8f00-00000000000a",
  title: "Write the report",
  content: "",
  status: "todo",
  pic: ALICE.email,
  dueAt: dueIn(HOUR),
  position: 1024,
  version: 1,
  createdBy: SUPERVISOR.email,
  createdAt: "2026-11-20T08:00:00.000Z",
  updatedAt: "2026-11-20T08:00:00.000Z",
};

describe("the reminder's day", () => {
  it("is the calendar day in Asia/Seoul, starting at 15:00 UTC the day before", () => {
    expect(reminderDayOf(NOW, "Asia/Seoul")).toEqual({ day: "2026-11-21", startsAt: new Date(SEOUL_DAY_START) });
  });

  it("turns at midnight in the zone, not in UTC: 23:30 UTC is already the next day in Seoul", () => {
    const lateUtc = new Date("2026-11-21T23:30:00.000Z");
    expect(reminderDayOf(lateUtc, "Asia/Seoul")).toEqual({ day: "2026-11-22", startsAt: new Date("2026-11-21T15:00:00.000Z") });
    expect(reminderDayOf(lateUtc, "UTC")).toEqual({ day: "2026-11-21", startsAt: new Date("2026-11-21T00:00:00.000Z") });
    expect(reminderDayOf(new Date("2026-11-21T14:59:59.999Z"), "Asia/Seoul").day).toBe("2026-11-21");
    expect(reminderDayOf(new Date("2026-11-21T15:00:00.000Z"), "Asia/Seoul").day).toBe("2026-11-22");
  });

  it("starts at the zone's real first instant on daylight-saving days", () => {
    // New York springs forward at 02:00: the day still starts at midnight EST, the next one at midnight EDT.
    expect(reminderDayOf(new Date("2026-03-08T12:00:00Z"), "America/New_York").startsAt.toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(reminderDayOf(new Date("2026-03-09T12:00:00Z"), "America/New_York").startsAt.toISOString()).toBe("2026-03-09T04:00:00.000Z");
    // Santiago skips 00:00-01:00: the day begins at 01:00 local (-03).
    expect(reminderDayOf(new Date("2026-09-06T12:00:00Z"), "America/Santiago").startsAt.toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("is the same for every run of the day", () => {
    const runs = [NOW, new Date(NOW.getTime() + 5 * HOUR), new Date("2026-11-21T14:59:59.999Z")];
    expect(new Set(runs.map((now) => JSON.stringify(reminderDayOf(now, "Asia/Seoul"))))).toEqual(
      new Set([JSON.stringify({ day: "2026-11-21", startsAt: SEOUL_DAY_START })]),
    );
  });

  it("knows IANA zones and refuses made-up ones", () => {
    expect(isTimeZone("Asia/Seoul")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Asia/Atlantis")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("reminder events", () => {
  it("classifies: overdue before now, due soon within 24 hours, nothing after, done or without a PIC", () => {
    expect(reminderTypeOf({ ...TASK, dueAt: dueIn(-1) }, NOW)).toBe("task.overdue");
    expect(reminderTypeOf({ ...TASK, dueAt: dueIn(0) }, NOW)).toBe("task.due_soon");
    expect(reminderTypeOf({ ...TASK, dueAt: dueIn(DUE_SOON_WINDOW_MS - 1) }, NOW)).toBe("task.due_soon");
    expect(reminderTypeOf({ ...TASK, dueAt: dueIn(DUE_SOON_WINDOW_MS) }, NOW)).toBeUndefined();
    expect(reminderTypeOf({ ...TASK, dueAt: dueIn(48 * HOUR) }, NOW)).toBeUndefined();
    expect(reminderTypeOf({ ...TASK, dueAt: null }, NOW)).toBeUndefined();
    expect(reminderTypeOf({ ...TASK, status: "done", dueAt: dueIn(-HOUR) }, NOW)).toBeUndefined();
    expect(reminderTypeOf({ ...TASK, pic: null }, NOW)).toBeUndefined();
    expect(reminderTypeOf({ ...TASK, status: "in_progress" }, NOW)).toBe("task.due_soon");
  });

  it("is a contract TaskEvent from the system actor with a deterministic id that fits the table's sort key", () => {
    const event = reminderEvent("task.due_soon", TASK, reminderDayOf(NOW, "Asia/Seoul"));
    expect(event).toEqual({
      eventId: `reminder.task.due_soon.${TASK.id}.2026-11-21`,
      type: "task.due_soon",
      taskId: TASK.id,
      at: SEOUL_DAY_START,
      actor: SYSTEM_ACTOR,
      changes: [],
      task: snapshotOf(TASK),
    });
    expect(taskEventSchema.parse(event)).toEqual(event);
    expect(event.eventId).not.toContain("#");
    expect(taskEventAt(new Date(event.at), event.eventId)).toBe(`${SEOUL_DAY_START}#${event.eventId}`);
    expect(reminderEventId("task.overdue", TASK.id, "2026-11-22")).toBe(`reminder.task.overdue.${TASK.id}.2026-11-22`);
  });
});

describe.each(backends.list)("sendReminders on $name", (backend) => {
  let db: Database;
  let createTask: (input: CreateTaskRequest) => Promise<Task>;

  beforeAll(async () => {
    ({ db } = await backend.open("reminder"));
    await migrate(db);
    createTask = taskFactory(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  const reset = () => db.query("TRUNCATE tasks, tasks_outbox");

  it("writes due_soon and overdue events, and nothing for done tasks, tasks without a PIC or due later", async () => {
    await reset();
    const { tableName, eventLog } = await freshEventsTable();
    const soon = await createTask({ title: "soon", pic: ALICE.email, dueAt: dueIn(3 * HOUR) });
    const lastMinute = await createTask({ title: "last minute", pic: BOB.email, status: "in_progress", dueAt: dueIn(DUE_SOON_WINDOW_MS - 60_000) });
    const late = await createTask({ title: "late", pic: BOB.email, status: "in_progress", dueAt: dueIn(-48 * HOUR) });
    await createTask({ title: "done late", pic: ALICE.email, status: "done", dueAt: dueIn(-HOUR) });
    await createTask({ title: "nobody's", pic: null, dueAt: dueIn(HOUR) });
    await createTask({ title: "nobody's and late", pic: null, dueAt: dueIn(-HOUR) });
    await createTask({ title: "in two days", pic: ALICE.email, dueAt: dueIn(48 * HOUR) });
    await createTask({ title: "exactly a day", pic: ALICE.email, dueAt: dueIn(DUE_SOON_WINDOW_MS) });
    await createTask({ title: "no due date", pic: ALICE.email });

    const outcome = await sendReminders({ db, eventLog, now: NOW, timeZone: "Asia/Seoul", pageSize: 2 });
    // 5 rows match the scan (3 reminded + 2 without a PIC): pages of 2, 2 and 1.
    expect(outcome).toEqual({ day: "2026-11-21", timeZone: "Asia/Seoul", dueSoon: 2, overdue: 1, withoutPic: 2, pages: 3 });

    const items = await scanItems(tableName);
    const expected = [
      { type: "task.due_soon", task: soon },
      { type: "task.due_soon", task: lastMinute },
      { type: "task.overdue", task: late },
    ].map(({ type, task }) => {
      const eventId = `reminder.${type}.${task.id}.2026-11-21`;
      return { eventId, type, taskId: task.id, at: `${SEOUL_DAY_START}#${eventId}`, actor: SYSTEM_ACTOR, changes: [], task: snapshotOf(task) };
    });
    expect(items).toEqual(expected.sort((a, b) => a.eventId.localeCompare(b.eventId)));
    // The activity log reads them back as contract events.
    expect((await eventLog.list(late.id, { limit: 10 })).items).toEqual([
      expect.objectContaining({ type: "task.overdue", at: SEOUL_DAY_START, actor: SYSTEM_ACTOR }),
    ]);
  });

  it("rewrites the same items when run again the same day, and writes new ones the next day", async () => {
    await reset();
    const { tableName, eventLog } = await freshEventsTable();
    const soon = await createTask({ title: "soon", pic: ALICE.email, dueAt: dueIn(8 * HOUR) });
    const late = await createTask({ title: "late", pic: BOB.email, dueAt: dueIn(-HOUR) });

    await sendReminders({ db, eventLog, now: NOW, timeZone: "Asia/Seoul" });
    const first = await scanItems(tableName);
    expect(first.map((item) => item.eventId)).toEqual([
      `reminder.task.due_soon.${soon.id}.2026-11-21`,
      `reminder.task.overdue.${late.id}.2026-11-21`,
    ]);

    // Five hours later: 15:00 in Seoul, still the 21st. Same keys, same content, no new item.
    const again = await sendReminders({ db, eventLog, now: new Date(NOW.getTime() + 5 * HOUR), timeZone: "Asia/Seoul" });
    expect(again).toMatchObject({ day: "2026-11-21", dueSoon: 1, overdue: 1 });
    expect(await scanItems(tableName)).toEqual(first);

    // The next day the due-soon task is overdue too: two new events, the first day's stay.
    const nextDay = await sendReminders({ db, eventLog, now: new Date(NOW.getTime() + 24 * HOUR), timeZone: "Asia/Seoul" });
    expect(nextDay).toMatchObject({ day: "2026-11-22", dueSoon: 0, overdue: 2 });
    const items = await scanItems(tableName);
    expect(items).toHaveLength(4);
    expect(items.map((item) => item.eventId)).toEqual(
      [
        `reminder.task.due_soon.${soon.id}.2026-11-21`,
        `reminder.task.overdue.${late.id}.2026-11-21`,
        `reminder.task.overdue.${soon.id}.2026-11-22`,
        `reminder.task.overdue.${late.id}.2026-11-22`,
      ].sort(),
    );
    expect(items.filter((item) => String(item.eventId).endsWith("2026-11-22")).map((item) => item.at)).toEqual([
      expect.stringMatching(/^2026-11-21T15:00:00\.000Z#reminder\./),
      expect.stringMatching(/^2026-11-21T15:00:00\.000Z#reminder\./),
    ]);
  });

  it("counts days in the configured zone: at 23:30 UTC Seoul is on the next day, UTC is not", async () => {
    await reset();
    const lateUtc = new Date("2026-11-21T23:30:00.000Z");
    const task = await createTask({ title: "tomorrow morning", pic: ALICE.email, dueAt: dueIn(2 * HOUR, lateUtc) });

    const seoul = await freshEventsTable();
    expect(await sendReminders({ db, eventLog: seoul.eventLog, now: lateUtc, timeZone: "Asia/Seoul" })).toMatchObject({ day: "2026-11-22", dueSoon: 1 });
    expect(await scanItems(seoul.tableName)).toEqual([
      expect.objectContaining({
        eventId: `reminder.task.due_soon.${task.id}.2026-11-22`,
        at: `2026-11-21T15:00:00.000Z#reminder.task.due_soon.${task.id}.2026-11-22`,
      }),
    ]);

    const utc = await freshEventsTable();
    expect(await sendReminders({ db, eventLog: utc.eventLog, now: lateUtc, timeZone: "UTC" })).toMatchObject({ day: "2026-11-21", dueSoon: 1 });
    expect(await scanItems(utc.tableName)).toEqual([
      expect.objectContaining({
        eventId: `reminder.task.due_soon.${task.id}.2026-11-21`,
        at: `2026-11-21T00:00:00.000Z#reminder.task.due_soon.${task.id}.2026-11-21`,
      }),
    ]);
  });

  it("pages exactly through equal and sub-millisecond due dates: every task once, no page repeated", async () => {
    await reset();
    const { tableName, eventLog } = await freshEventsTable();
    const due = dueIn(2 * HOUR);
    const tasks = await Promise.all([1, 2, 3].map((n) => createTask({ title: `tie ${n}`, pic: ALICE.email, dueAt: due })));
    const precise = await createTask({ title: "precise", pic: ALICE.email, dueAt: due });
    // JavaScript dates stop at milliseconds, PostgreSQL keeps microseconds: the keyset must not lose them.
    await db.query("UPDATE tasks SET due_at = due_at + interval '1 microsecond' WHERE id = $1", [precise.id]);

    const outcome = await sendReminders({ db, eventLog, now: NOW, timeZone: "Asia/Seoul", pageSize: 1 });
    expect(outcome).toMatchObject({ dueSoon: 4, overdue: 0, pages: 4 });
    expect((await scanItems(tableName)).map((item) => item.taskId).sort()).toEqual([...tasks, precise].map((task) => task.id).sort());
  });

  it("writes more than one BatchWriteItem's worth (25) per page", async () => {
    await reset();
    const { tableName, eventLog } = await freshEventsTable();
    for (let n = 0; n < 30; n += 1) await createTask({ title: `late ${n}`, pic: BOB.email, dueAt: dueIn(-(n + 1) * HOUR) });
    const outcome = await sendReminders({ db, eventLog, now: NOW, timeZone: "Asia/Seoul" });
    expect(outcome).toMatchObject({ overdue: 30, pages: 1 });
    expect(await scanItems(tableName)).toHaveLength(30);
  });

  it("fails naming what was written when DynamoDB refuses, and a rerun completes it", async () => {
    await reset();
    const { tableName, eventLog } = await freshEventsTable();
    await createTask({ title: "late", pic: BOB.email, dueAt: dueIn(-HOUR) });
    const missingTable = createDynamoTaskEventLog({ client: documents, tableName: "no-such-table" });
    await expect(sendReminders({ db, eventLog: missingTable, now: NOW })).rejects.toThrow(
      "writing reminders failed after at least 0 event(s) were written; rerunning today rewrites the same events",
    );
    await sendReminders({ db, eventLog, now: NOW });
    expect(await scanItems(tableName)).toHaveLength(1);
  });
});

describe("`node main.mjs remind` (the bundle, plain node, real PostgreSQL)", () => {
  let databaseUrl: string;

  beforeAll(async () => {
    const [postgres, built] = await Promise.all([backends.postgres(), buildTestBundle("tasks-api-reminder-test")]);
    bundle = built;
    databaseUrl = await postgres.createDatabase("bundle_remind");
  });

  const env = (tableName: string, extra: Record<string, string> = {}): Record<string, string> => ({
    DATABASE_URL: databaseUrl,
    DATABASE_SSL: "disable",
    DATABASE_POOL_SIZE: "2",
    TASK_EVENTS_TABLE_NAME: tableName,
    AWS_REGION: "ap-northeast-2",
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    ...extra,
  });

  it("refuses an unmigrated database with exit 1, naming the fix", async () => {
    const { tableName } = await freshEventsTable();
    const run = bundle!.run(["remind"], env(tableName));
    expect(await run.exited).toBe(1);
    expect(JSON.stringify(await run.waitFor("tasks-api.failed"))).toContain("run `node main.mjs migrate` first");
    expect(await scanItems(tableName)).toEqual([]);
  });

  it("exits 1 naming REMINDER_TIME_ZONE when the zone is unknown", async () => {
    const run = bundle!.run(["remind"], env("unused", { REMINDER_TIME_ZONE: "Asia/Atlantis" }));
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain("REMINDER_TIME_ZONE: must be an IANA time zone");
  });

  it("writes today's reminders, logs reminder.done with the counts, exits 0; a second run changes nothing", async () => {
    const db = createPgDatabase({ connection: { connectionString: databaseUrl }, ssl: "disable", poolSize: 2 });
    let soon: Task;
    let late: Task;
    try {
      await migrate(db);
      const now = new Date();
      const core = createTasksCore({ db, clock: () => now, newId: createUuidV7Generator() });
      const create = (input: CreateTaskRequest) => core.create(SUPERVISOR, createTaskRequestSchema.parse(input));
      soon = await create({ title: "soon", pic: ALICE.email, dueAt: dueIn(2 * HOUR, now) });
      late = await create({ title: "late", pic: BOB.email, dueAt: dueIn(-2 * HOUR, now) });
      await create({ title: "later", pic: BOB.email, dueAt: dueIn(48 * HOUR, now) });
      await create({ title: "nobody's", pic: null, dueAt: dueIn(HOUR, now) });
    } finally {
      await db.close();
    }
    const { tableName } = await freshEventsTable();
    // The real clock decides the day: accept either side of a Seoul midnight falling inside the run.
    const daysAround = [reminderDayOf(new Date(), "Asia/Seoul").day];

    const first = bundle!.run(["remind"], env(tableName));
    expect(await first.exited).toBe(0);
    daysAround.push(reminderDayOf(new Date(), "Asia/Seoul").day);
    const done = await first.waitFor("reminder.done");
    expect(done).toMatchObject({ level: "info", timeZone: "Asia/Seoul", dueSoon: 1, overdue: 1, withoutPic: 1, pages: 1 });
    expect(daysAround).toContain(done.day);

    const items = await scanItems(tableName);
    expect(items.map((item) => item.eventId)).toEqual(
      [`reminder.task.due_soon.${soon.id}.${String(done.day)}`, `reminder.task.overdue.${late.id}.${String(done.day)}`].sort(),
    );
    expect(items.every((item) => item.actor === SYSTEM_ACTOR)).toBe(true);

    const second = bundle!.run(["remind"], env(tableName));
    expect(await second.exited).toBe(0);
    const again = await second.waitFor("reminder.done");
    if (again.day === done.day) expect(await scanItems(tableName)).toEqual(items);
    expect([...first.lines, ...second.lines].filter((line) => line.level !== "info")).toEqual([]);
  });
});
