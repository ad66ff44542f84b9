import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR, TASK_EVENT_TYPES, type TaskEvent } from "../../../contracts/events";
import { composeEmail, escapeHtml, taskLink } from "../../../handlers/notifier/compose";
import { loadNotifierConfig } from "../../../handlers/notifier/config";
import { parseTaskEventEnvelope } from "../../../handlers/notifier/envelope";
import { parseTaskEventItem } from "../../../contracts/task-event-item";
import { leaseMsFor } from "../../../handlers/notifier/handler";
import { sendEmailInput, sesTagValue } from "../../../handlers/notifier/mailer";
import { chooseRecipients } from "../../../handlers/notifier/recipients";
import { BOSS, OTHER_BOSS, PIC, eventBridgeEvent, taskEvent } from "./notifier-fixture";

const addresses = (event: TaskEvent) => chooseRecipients(event).recipients.map((recipient) => `${recipient.role}:${recipient.address}`);

describe("who is mailed", () => {
  it.each([
    ["task.assigned", BOSS, [`pic:${PIC}`]],
    ["task.assigned", OTHER_BOSS, [`pic:${PIC}`, `owner:${BOSS}`]],
    ["task.assigned", PIC, [`owner:${BOSS}`]],
    ["task.status_changed", PIC, [`owner:${BOSS}`]],
    ["task.status_changed", BOSS, [`pic:${PIC}`]],
    ["task.status_changed", OTHER_BOSS, [`pic:${PIC}`, `owner:${BOSS}`]],
    ["task.due_soon", SYSTEM_ACTOR, [`pic:${PIC}`]],
    ["task.overdue", SYSTEM_ACTOR, [`pic:${PIC}`, `owner:${BOSS}`]],
    ["task.created", OTHER_BOSS, []],
    ["task.updated", OTHER_BOSS, []],
    ["task.deleted", OTHER_BOSS, []],
  ] as const)("%s by %s → %j", (type, actor, expected) => {
    expect(addresses(taskEvent(type, { actor }))).toEqual(expected);
  });

  it("covers every event type", () => {
    for (const type of TASK_EVENT_TYPES) expect(() => chooseRecipients(taskEvent(type))).not.toThrow();
  });

  it("compares addresses case-insensitively and mails each address once", () => {
    expect(addresses(taskEvent("task.status_changed", { actor: "Kim@Example.com" }))).toEqual([`owner:${BOSS}`]);
    expect(addresses(taskEvent("task.overdue", { actor: SYSTEM_ACTOR, task: { pic: " BOSS@example.com " } }))).toEqual([`pic:${BOSS}`]);
  });

  it("sets aside addresses that are not emails", () => {
    expect(chooseRecipients(taskEvent("task.overdue", { actor: SYSTEM_ACTOR, task: { pic: "nobody" } }))).toEqual({
      recipients: [{ role: "owner", address: BOSS }],
      unusable: ["nobody"],
    });
  });
});

describe("email content", () => {
  const options = { boardUrl: "https://board.example.com/app/", timeZone: "UTC" };

  it("escapes every HTML-significant character", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("links to the task under the board URL, encoding the id", () => {
    expect(taskLink("https://board.example.com", "t 1/2")).toBe("https://board.example.com/tasks/t%201%2F2");
    expect(taskLink("https://board.example.com/app/", "t1")).toBe("https://board.example.com/app/tasks/t1");
  });

  it("writes due dates in the configured zone, and says when there is none", () => {
    const email = composeEmail(taskEvent("task.due_soon", { actor: SYSTEM_ACTOR }), { role: "pic", address: PIC }, options);
    expect(email.text).toContain("Sat, 21 Nov 2026, 09:00 UTC");
    const undated = composeEmail(taskEvent("task.assigned", { task: { dueAt: null } }), { role: "pic", address: PIC }, options);
    expect(undated.text).toContain("Due:              No due date");
  });

  it("names the reminder, not its technical actor id", () => {
    const email = composeEmail(
      taskEvent("task.assigned", { actor: SYSTEM_ACTOR }),
      { role: "pic", address: PIC },
      options,
    );
    expect(email.text).toContain("The daily reminder assigned this task to you.");
    expect(email.text).not.toContain(SYSTEM_ACTOR);
  });
});

describe("the SES request", () => {
  it("is one recipient, UTF-8 throughout, with tags SES accepts and the configuration set when given", () => {
    const input = sendEmailInput(
      { to: PIC, content: { subject: "s", text: "t", html: "h" }, tags: { event_type: "task.assigned" } },
      { from: "Board <no-reply@board.example.com>", configurationSet: "set" },
    );
    expect(input).toEqual({
      FromEmailAddress: "Board <no-reply@board.example.com>",
      Destination: { ToAddresses: [PIC] },
      Content: {
        Simple: {
          Subject: { Data: "s", Charset: "UTF-8" },
          Body: { Text: { Data: "t", Charset: "UTF-8" }, Html: { Data: "h", Charset: "UTF-8" } },
        },
      },
      EmailTags: [{ Name: "event_type", Value: "task_assigned" }],
      ConfigurationSetName: "set",
    });
    expect(sendEmailInput({ to: PIC, content: { subject: "s", text: "t", html: "h" } }, { from: "a@example.com" })).not.toHaveProperty("ConfigurationSetName");
    expect(sesTagValue("")).toBe("_");
  });
});

describe("event parsing", () => {
  it("turns the sort key `at` back into the event time", () => {
    const event = taskEvent("task.assigned");
    const parsed = parseTaskEventItem({ ...event, at: `${event.at}#${event.eventId}` });
    expect(parsed.success && parsed.data).toEqual(event);
  });

  it("rejects a NewImage that is not DynamoDB JSON", () => {
    const envelope = eventBridgeEvent({ eventName: "INSERT", dynamodb: { NewImage: { eventId: "plain, not {S: ...}" } } });
    expect(parseTaskEventEnvelope(envelope)).toMatchObject({ kind: "invalid", reason: expect.stringContaining("not a DynamoDB stream record") });
  });

  it("rejects a stream record without a new image", () => {
    expect(parseTaskEventEnvelope(eventBridgeEvent({ eventName: "INSERT", dynamodb: { Keys: {} } }))).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("NEW_IMAGE"),
    });
  });
});

describe("claim lease", () => {
  it("lasts until the invocation's deadline plus a margin, or a minute without a Lambda context", () => {
    expect(leaseMsFor({ getRemainingTimeInMillis: () => 25_000 })).toBe(30_000);
    expect(leaseMsFor(undefined)).toBe(60_000);
  });
});

describe("configuration", () => {
  const valid = {
    NOTIFICATIONS_SENT_TABLE_NAME: "taskboard-dev-notifications-sent",
    MAIL_FROM: "Taskboard <no-reply@board.example.com>",
    BOARD_URL: "https://board.example.com",
  };

  it("reads the required variables and defaults the rest", () => {
    expect(loadNotifierConfig(valid)).toEqual({
      notificationsSentTableName: "taskboard-dev-notifications-sent",
      mailFrom: "Taskboard <no-reply@board.example.com>",
      boardUrl: "https://board.example.com",
      mailTimeZone: "UTC",
    });
    expect(
      loadNotifierConfig({ ...valid, SES_CONFIGURATION_SET: "set", MAIL_TIME_ZONE: "Asia/Seoul", SES_ENDPOINT: "http://127.0.0.1:8005", DYNAMODB_ENDPOINT: "" }),
    ).toMatchObject({ sesConfigurationSet: "set", mailTimeZone: "Asia/Seoul", sesEndpoint: "http://127.0.0.1:8005" });
  });

  it.each([
    [{ NOTIFICATIONS_SENT_TABLE_NAME: undefined }, /NOTIFICATIONS_SENT_TABLE_NAME is required/],
    [{ MAIL_FROM: undefined }, /MAIL_FROM is required/],
    [{ MAIL_FROM: "Taskboard" }, /MAIL_FROM must be an address or `Display Name <address>`/],
    [{ MAIL_FROM: "a@example.com\r\nBcc: x@example.com" }, /MAIL_FROM must be an address/],
    [{ BOARD_URL: "board.example.com" }, /BOARD_URL must be a URL such as https:\/\/board\.example\.com/],
    [{ BOARD_URL: "ftp://board.example.com" }, /BOARD_URL must be an http\(s\) URL/],
    [{ MAIL_TIME_ZONE: "Mars/Olympus" }, /MAIL_TIME_ZONE must be an IANA time zone/],
  ])("throws when %j", (override, message) => {
    expect(() => loadNotifierConfig({ ...valid, ...override })).toThrow(message);
  });
});
