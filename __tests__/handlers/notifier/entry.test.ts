import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM_ACTOR } from "../../../contracts/events";
import { BOARD_URL, CREDENTIALS, PIC, REGION, deliveredEvent, startNotifierHarness, taskEvent, type NotifierHarness } from "./notifier-fixture";

describe("Lambda entry (handlers/notifier/index.ts, export handler) configured from the environment", () => {
  let h: NotifierHarness;
  const saved = { ...process.env };
  beforeAll(async () => {
    h = await startNotifierHarness();
  });
  afterAll(async () => {
    process.env = saved;
    await h.stop();
  });

  async function coldStart() {
    vi.resetModules();
    return (await import("../../../handlers/notifier/index")).handler;
  }

  it("sends through the configured SES endpoint and table, once per event", async () => {
    process.env = {
      ...saved,
      NOTIFICATIONS_SENT_TABLE_NAME: h.sentTable,
      MAIL_FROM: "Entry Test <entry@board.example.com>",
      BOARD_URL,
      SES_CONFIGURATION_SET: "entry-set",
      SES_ENDPOINT: h.outbox.endpoint,
      DYNAMODB_ENDPOINT: h.dynamo.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    };
    const handler = await coldStart();
    const delivered = await deliveredEvent(h, taskEvent("task.due_soon", { actor: SYSTEM_ACTOR }));
    const before = h.outbox.emails().length;
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const context = { getRemainingTimeInMillis: () => 20_000 };
      expect(await handler(delivered, context)).toMatchObject({ outcome: "notified", report: { failed: 0, emails: [{ status: "sent" }] } });
      expect(await handler(delivered, context)).toMatchObject({ outcome: "notified", report: { emails: [{ status: "skipped_duplicate" }] } });
    } finally {
      vi.restoreAllMocks();
    }
    const emails = h.outbox.emails().slice(before);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ from: "Entry Test <entry@board.example.com>", to: [PIC], configurationSetName: "entry-set" });
  });

  it("fails the first invocation with a message naming a missing variable", async () => {
    process.env = { ...saved, MAIL_FROM: "entry@board.example.com", BOARD_URL };
    delete process.env.NOTIFICATIONS_SENT_TABLE_NAME;
    const handler = await coldStart();
    await expect(handler({})).rejects.toThrow(/invalid notifier configuration: NOTIFICATIONS_SENT_TABLE_NAME is required/);
  });
});
