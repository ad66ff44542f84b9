import { existsSync, readFileSync } from "node:fs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../../contracts/events";
import { NotificationFailedError, type NotifierResult, type SqsBatchResponse } from "../../../handlers/notifier/handler";
import { MARKER_RETENTION_SECONDS, notificationIdOf } from "../../../handlers/notifier/sent-markers";
import { SEND_EMAIL_PATH, type SentEmail } from "../../../local/ses-outbox";
import {
  BOARD_URL,
  BOSS,
  CONFIGURATION_SET,
  MAIL_FROM,
  OTHER_BOSS,
  PIC,
  deliveredEvent,
  eventBridgeEvent,
  newImageOf,
  sqsBatch,
  startNotifierHarness,
  streamRecord,
  taskEvent,
  type NotifierHarness,
} from "./notifier-fixture";

let h: NotifierHarness;
beforeAll(async () => {
  h = await startNotifierHarness();
});
afterAll(async () => {
  await h.stop();
});

/** Emails the outbox accepted while `run` ran. */
async function emailsDuring(run: () => Promise<unknown>): Promise<SentEmail[]> {
  const before = h.outbox.emails().length;
  await run();
  return h.outbox.emails().slice(before);
}

function recipientsOf(emails: readonly SentEmail[]): string[] {
  return emails.flatMap((email) => email.to).sort();
}

async function markerOf(eventId: string, address: string) {
  const { Item } = await h.documents.send(
    new GetCommand({ TableName: h.sentTable, Key: { notificationId: notificationIdOf(eventId, address) }, ConsistentRead: true }),
  );
  return Item;
}

function isBatchResponse(result: NotifierResult): result is SqsBatchResponse {
  return "batchItemFailures" in result;
}

describe("task.assigned", () => {
  it("mails the new PIC through SES v2 SendEmail, as the request goes on the wire", async () => {
    const event = taskEvent("task.assigned", { actor: BOSS, changes: [{ field: "pic", from: null, to: PIC }] });
    let result: NotifierResult | undefined;
    const emails = await emailsDuring(async () => {
      result = await h.handler(await deliveredEvent(h, event));
    });

    expect(emails).toHaveLength(1);
    const [email] = emails;
    if (email === undefined) throw new Error("no email");
    // The HTTP request SES would have received.
    expect(email.request.method).toBe("POST");
    expect(email.request.path).toBe(SEND_EMAIL_PATH);
    expect(email.request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/ap-northeast-2\/ses\/aws4_request/);
    expect(email.request.headers["content-type"]).toBe("application/json");
    expect(email.request.body).toMatchObject({
      FromEmailAddress: MAIL_FROM,
      Destination: { ToAddresses: [PIC] },
      ConfigurationSetName: CONFIGURATION_SET,
      EmailTags: [
        { Name: "event_type", Value: "task_assigned" },
        { Name: "role", Value: "pic" },
      ],
      Content: {
        Simple: {
          Subject: { Data: "You have been assigned: Write the quarterly report", Charset: "UTF-8" },
          Body: { Text: { Charset: "UTF-8" }, Html: { Charset: "UTF-8" } },
        },
      },
    });
    expect(email.request.body.Destination).toEqual({ ToAddresses: [PIC] });

    const link = `${BOARD_URL}/tasks/task-1`;
    expect(email.text).toContain(`${BOSS} assigned this task to you.`);
    expect(email.text).toContain("Task:             Write the quarterly report");
    expect(email.text).toContain("Status:           To Do");
    // 09:00 UTC, written in the configured zone (Asia/Seoul).
    expect(email.text).toContain("Due:              Sat, 21 Nov 2026, 18:00 GMT+9");
    expect(email.text).toContain(`Change:           Person in charge: unassigned → ${PIC}`);
    expect(email.text).toContain(`Open the task: ${link}`);
    expect(email.text).toContain("because you are the person in charge");
    expect(email.html).toContain(`<a href="${link}"`);
    expect(email.html).toContain("<td style=\"padding:2px 0\">Write the quarterly report</td>");
    expect(email.html).toContain("Sat, 21 Nov 2026, 18:00 GMT+9");

    expect(result).toMatchObject({ outcome: "notified", report: { eventId: event.eventId, failed: 0, emails: [{ role: "pic", status: "sent", messageId: email.messageId }] } });

    // The outbox kept it readable, and said so in one line.
    expect(existsSync(email.files.json)).toBe(true);
    expect(readFileSync(email.files.text, "utf8")).toContain("Subject: You have been assigned: Write the quarterly report");
    expect(JSON.parse(readFileSync(email.files.json, "utf8"))).toMatchObject({ messageId: email.messageId, body: { FromEmailAddress: MAIL_FROM } });
    expect(h.outboxLines.at(-1)).toMatch(/^\[outbox\] to=kim@example\.com subject=You have been assigned: Write the quarterly report /);

    const marker = await markerOf(event.eventId, PIC);
    expect(marker).toMatchObject({ state: "sent", messageId: email.messageId, expiresAt: Math.floor(h.clock.now.getTime() / 1000) + MARKER_RETENTION_SECONDS });
    expect(marker?.leaseUntil).toBeUndefined();
  });

  it("also mails the owning supervisor when someone else assigns, and never the actor", async () => {
    const event = taskEvent("task.assigned", { actor: OTHER_BOSS, changes: [{ field: "pic", from: null, to: PIC }] });
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(recipientsOf(emails)).toEqual([BOSS, PIC]);
    const toOwner = emails.find((email) => email.to.includes(BOSS));
    expect(toOwner?.subject).toBe(`Assigned to ${PIC}: Write the quarterly report`);
    expect(toOwner?.text).toContain(`${OTHER_BOSS} assigned a task you created to ${PIC}.`);
    expect(toOwner?.text).toContain("because you created this task");
    expect(toOwner?.tags).toEqual({ event_type: "task_assigned", role: "owner" });
  });

  it("mails only the supervisor when the PIC takes the task themselves", async () => {
    const event = taskEvent("task.assigned", { actor: PIC, changes: [{ field: "pic", from: null, to: PIC }] });
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(recipientsOf(emails)).toEqual([BOSS]);
  });

  it("tells the supervisor when another supervisor unassigns their task", async () => {
    const event = taskEvent("task.assigned", { actor: OTHER_BOSS, changes: [{ field: "pic", from: PIC, to: null }], task: { pic: null } });
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(recipientsOf(emails)).toEqual([BOSS]);
    expect(emails[0]?.subject).toBe("Unassigned: Write the quarterly report");
    expect(emails[0]?.text).toContain(`Person in charge: ${PIC} → unassigned`);
  });
});

describe("task.status_changed", () => {
  const moved = (actor: string) =>
    taskEvent("task.status_changed", { actor, changes: [{ field: "status", from: "todo", to: "in_progress" }], task: { status: "in_progress" } });

  it("mails the supervisor, not the PIC, when the PIC moves the card", async () => {
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, moved(PIC))));
    expect(recipientsOf(emails)).toEqual([BOSS]);
    const [email] = emails;
    expect(email?.subject).toBe("Write the quarterly report: To Do → In Progress");
    expect(email?.text).toContain(`${PIC} moved a task you created from To Do to In Progress.`);
    expect(email?.text).toContain("Change:           Status: To Do → In Progress");
    expect(email?.html).toContain("Status: To Do → In Progress");
  });

  it("mails the PIC, not the supervisor, when the supervisor moves it", async () => {
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, moved(BOSS))));
    expect(recipientsOf(emails)).toEqual([PIC]);
    expect(emails[0]?.text).toContain(`${BOSS} moved your task from To Do to In Progress.`);
  });

  it("mails both when a third person moves it", async () => {
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, moved(OTHER_BOSS))));
    expect(recipientsOf(emails)).toEqual([BOSS, PIC]);
  });

  it("labels Done", async () => {
    const event = taskEvent("task.status_changed", { actor: PIC, changes: [{ field: "status", from: "in_progress", to: "done" }], task: { status: "done" } });
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(emails[0]?.subject).toBe("Write the quarterly report: In Progress → Done");
  });
});

describe("reminder events", () => {
  it("mails the PIC about task.due_soon", async () => {
    const event = taskEvent("task.due_soon", { actor: SYSTEM_ACTOR });
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(recipientsOf(emails)).toEqual([PIC]);
    expect(emails[0]?.subject).toBe("Due soon: Write the quarterly report");
    expect(emails[0]?.text).toContain("This task is due Sat, 21 Nov 2026, 18:00 GMT+9, within the next 24 hours.");
  });

  it("mails the PIC and the supervisor about task.overdue", async () => {
    const event = taskEvent("task.overdue", { actor: SYSTEM_ACTOR, task: { dueAt: "2026-11-19T09:00:00.000Z" } });
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(recipientsOf(emails)).toEqual([BOSS, PIC]);
    expect(emails.map((email) => email.subject)).toEqual(["Overdue: Write the quarterly report", "Overdue: Write the quarterly report"]);
    expect(emails.find((email) => email.to.includes(BOSS))?.text).toContain(`(person in charge: ${PIC})`);
  });

  it("mails nobody about task.due_soon when the task has no PIC", async () => {
    const event = taskEvent("task.due_soon", { actor: SYSTEM_ACTOR, task: { pic: null } });
    const emails = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(emails).toEqual([]);
  });
});

describe("user content in emails", () => {
  it("HTML-escapes a title carrying markup, and keeps it verbatim in the text part", async () => {
    const title = `<script>alert("x")</script> & 'quotes'`;
    const event = taskEvent("task.assigned", { actor: BOSS, task: { title }, changes: [{ field: "pic", from: null, to: PIC }] });
    const [email] = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(email?.html).not.toContain("<script>");
    expect(email?.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    expect(email?.text).toContain(`Task:             ${title}`);
    expect(email?.subject).toBe(`You have been assigned: ${title}`);
  });

  it("keeps Korean text intact in subject, text, HTML and on the wire", async () => {
    const title = "분기 보고서 작성 — 김민지 담당";
    const event = taskEvent("task.assigned", { actor: BOSS, task: { title }, changes: [{ field: "pic", from: null, to: PIC }] });
    const [email] = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(email?.subject).toBe(`You have been assigned: ${title}`);
    expect(email?.text).toContain(title);
    expect(email?.html).toContain(title);
    expect(email?.request.rawBody).toContain(title);
    expect(readFileSync(email?.files.text ?? "", "utf8")).toContain(`Subject: You have been assigned: ${title}`);
  });

  it("keeps a title's line break out of the Subject", async () => {
    const event = taskEvent("task.assigned", { actor: BOSS, task: { title: "Line one\r\nBcc: victim@example.com" }, changes: [] });
    const [email] = await emailsDuring(async () => h.handler(await deliveredEvent(h, event)));
    expect(email?.subject).toBe("You have been assigned: Line one Bcc: victim@example.com");
    expect(email?.request.body.Destination).toEqual({ ToAddresses: [PIC] });
  });
});

describe("idempotency", () => {
  it("sends one email per recipient when the same event is delivered again", async () => {
    const event = taskEvent("task.assigned", { actor: OTHER_BOSS, changes: [{ field: "pic", from: null, to: PIC }] });
    const record = streamRecord(await newImageOf(h, event));
    const first = eventBridgeEvent(record);
    const results: NotifierResult[] = [];
    const emails = await emailsDuring(async () => {
      results.push(await h.handler(first));
      results.push(await h.handler(first)); // Lambda async retry / duplicate delivery
      results.push(await h.handler(eventBridgeEvent(record))); // the Pipe delivering the record again: a new EventBridge id
    });
    expect(recipientsOf(emails)).toEqual([BOSS, PIC]);
    expect(results[1]).toMatchObject({ outcome: "notified", report: { failed: 0, emails: [{ status: "skipped_duplicate" }, { status: "skipped_duplicate" }] } });
    expect(results[2]).toMatchObject({ outcome: "notified", report: { failed: 0 } });
  });

  it("sends one email per recipient when duplicates arrive at the same time", async () => {
    const event = taskEvent("task.status_changed", { actor: OTHER_BOSS, changes: [{ field: "status", from: "todo", to: "done" }], task: { status: "done" } });
    const delivered = await deliveredEvent(h, event);
    const emails = await emailsDuring(async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => h.handler(delivered)));
      expect(results.every((result) => "outcome" in result && result.outcome === "notified")).toBe(true);
    });
    expect(recipientsOf(emails)).toEqual([BOSS, PIC]);
  });

  it("leaves a marker held by a live delivery alone, and takes over one whose invocation died", async () => {
    const event = taskEvent("task.due_soon", { actor: SYSTEM_ACTOR });
    const delivered = await deliveredEvent(h, event);
    // Another invocation claimed the email and is still within its deadline (or died mid-send).
    const claim = await h.deps.markers.claim(notificationIdOf(event.eventId, PIC), h.clock.now, 30_000);
    expect(claim).toBeDefined();

    const whileHeld = await emailsDuring(async () => {
      expect(await h.handler(delivered, { getRemainingTimeInMillis: () => 10_000 })).toMatchObject({
        outcome: "notified",
        report: { failed: 0, emails: [{ role: "pic", status: "skipped_duplicate" }] },
      });
    });
    expect(whileHeld).toEqual([]);

    // Lambda's async retry comes a minute later: the dead invocation's lease has run out.
    const saved = h.clock.now;
    h.clock.now = new Date(saved.getTime() + 60_000);
    try {
      const afterCrash = await emailsDuring(async () => h.handler(delivered, { getRemainingTimeInMillis: () => 10_000 }));
      expect(recipientsOf(afterCrash)).toEqual([PIC]);
    } finally {
      h.clock.now = saved;
    }
    expect(await markerOf(event.eventId, PIC)).toMatchObject({ state: "sent" });
  });
});

describe("SES failures", () => {
  it("throws for a single event, leaves no marker for the failed email, and the retry sends it once", async () => {
    const event = taskEvent("task.assigned", { actor: OTHER_BOSS, changes: [{ field: "pic", from: null, to: PIC }] });
    const delivered = await deliveredEvent(h, event);
    h.outbox.failNext({ status: 500, when: (request) => request.Destination?.ToAddresses?.includes(PIC) ?? false });

    const firstTry = await emailsDuring(async () => {
      await expect(h.handler(delivered)).rejects.toThrow(NotificationFailedError);
    });
    expect(recipientsOf(firstTry)).toEqual([BOSS]);
    expect(await markerOf(event.eventId, PIC)).toBeUndefined();
    expect(await markerOf(event.eventId, BOSS)).toMatchObject({ state: "sent" });
    expect(h.log.lines).toContainEqual(
      expect.objectContaining({ level: "error", message: "notifier.email_failed", fields: expect.objectContaining({ eventId: event.eventId, role: "pic" }) }),
    );

    const retry = await emailsDuring(async () => {
      expect(await h.handler(delivered)).toMatchObject({ outcome: "notified", report: { failed: 0 } });
    });
    expect(recipientsOf(retry)).toEqual([PIC]);
  });

  it("names only the failed message in batchItemFailures of an SQS batch; the others are sent or dropped", async () => {
    const ok = taskEvent("task.assigned", { actor: BOSS, changes: [{ field: "pic", from: null, to: PIC }] });
    const failing = taskEvent("task.assigned", { actor: BOSS, changes: [{ field: "pic", from: null, to: "lee@example.com" }], task: { pic: "lee@example.com" } });
    const wrapped = taskEvent("task.due_soon", { actor: SYSTEM_ACTOR, task: { pic: "park@example.com" } });
    h.outbox.failNext({ status: 429, when: (request) => request.Destination?.ToAddresses?.includes("lee@example.com") ?? false });

    // A Lambda on-failure destination wraps the failed invocation's event in an invocation record.
    const invocationRecord = {
      version: "1.0",
      timestamp: "2026-11-20T09:03:00.000Z",
      requestContext: { requestId: "r-1", functionArn: "arn:aws:lambda:ap-northeast-2:123456789012:function:notifier", condition: "RetriesExhausted", approximateInvokeCount: 3 },
      requestPayload: await deliveredEvent(h, wrapped),
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorType: "NotificationFailedError", errorMessage: "..." },
    };
    let response: NotifierResult | undefined;
    const emails = await emailsDuring(async () => {
      response = await h.handler(
        sqsBatch([
          { messageId: "m-ok", body: JSON.stringify(await deliveredEvent(h, ok)) },
          { messageId: "m-failing", body: JSON.stringify(await deliveredEvent(h, failing)) },
          { messageId: "m-garbage", body: "{ this is not json" },
          { messageId: "m-wrapped", body: JSON.stringify(invocationRecord) },
        ]),
      );
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-failing" }] });
    expect(recipientsOf(emails)).toEqual([PIC, "park@example.com"]);
    expect(await markerOf(failing.eventId, "lee@example.com")).toBeUndefined();
    expect(h.log.lines).toContainEqual(
      expect.objectContaining({ level: "error", message: "notifier.event_invalid", fields: expect.objectContaining({ sqsMessageId: "m-garbage" }) }),
    );

    // The redriven message alone, next time: sent, and the batch is clean.
    const redrive = await emailsDuring(async () => {
      const again = await h.handler(sqsBatch([{ messageId: "m-failing-2", body: JSON.stringify(await deliveredEvent(h, failing)) }]));
      expect(isBatchResponse(again) && again.batchItemFailures).toEqual([]);
    });
    expect(recipientsOf(redrive)).toEqual(["lee@example.com"]);
  });
});

describe("events with nothing to send", () => {
  it("logs and drops an event whose NewImage is not a TaskEvent, without throwing", async () => {
    const image = await newImageOf(h, taskEvent("task.assigned", { actor: BOSS }));
    delete image.task;
    const emails = await emailsDuring(async () => {
      expect(await h.handler(eventBridgeEvent(streamRecord(image)))).toMatchObject({ outcome: "invalid", reason: expect.stringContaining("task") });
    });
    expect(emails).toEqual([]);
    expect(h.log.lines.at(-1)).toMatchObject({ level: "error", message: "notifier.event_invalid", fields: { reason: expect.stringContaining("NewImage is not a TaskEvent") } });
  });

  it("logs and drops events from another source or without a stream record", async () => {
    const valid = await deliveredEvent(h, taskEvent("task.assigned", { actor: BOSS }));
    const emails = await emailsDuring(async () => {
      const wrongSource = { ...(valid as object), source: "someone.else" };
      expect(await h.handler(wrongSource)).toMatchObject({ outcome: "invalid", reason: expect.stringContaining("someone.else") });
      expect(await h.handler(eventBridgeEvent({ hello: "world" }))).toMatchObject({ outcome: "invalid", reason: expect.stringContaining("stream record") });
      expect(await h.handler("not an event")).toMatchObject({ outcome: "invalid" });
    });
    expect(emails).toEqual([]);
  });

  it("ignores event types that send no email, and removals", async () => {
    const emails = await emailsDuring(async () => {
      expect(await h.handler(await deliveredEvent(h, taskEvent("task.created", { actor: BOSS })))).toMatchObject({ outcome: "ignored" });
      expect(await h.handler(await deliveredEvent(h, taskEvent("task.updated", { actor: OTHER_BOSS })))).toMatchObject({ outcome: "ignored" });
      const image = await newImageOf(h, taskEvent("task.assigned", { actor: OTHER_BOSS }));
      expect(await h.handler(eventBridgeEvent(streamRecord(image, "REMOVE")))).toMatchObject({ outcome: "ignored" });
    });
    expect(emails).toEqual([]);
    expect(h.log.lines.at(-1)).toMatchObject({ level: "info", message: "notifier.event_ignored" });
  });

  it("skips an address that is not an email instead of failing the event forever", async () => {
    const event = taskEvent("task.status_changed", { actor: PIC, task: { createdBy: "not an address" }, changes: [{ field: "status", from: "todo", to: "done" }] });
    const emails = await emailsDuring(async () => {
      expect(await h.handler(await deliveredEvent(h, event))).toMatchObject({ outcome: "notified", report: { failed: 0, emails: [] } });
    });
    expect(emails).toEqual([]);
    expect(h.log.lines).toContainEqual(expect.objectContaining({ level: "warn", message: "notifier.recipient_unusable" }));
  });
});
