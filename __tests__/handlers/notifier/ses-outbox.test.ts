import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEND_EMAIL_PATH, startSesOutbox, type SesOutbox } from "../../../local/ses-outbox";
import { CREDENTIALS, REGION } from "./notifier-fixture";

describe("local SES v2 outbox", () => {
  let dir: string;
  let outbox: SesOutbox;
  let ses: SESv2Client;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), "ses-outbox-")), "nested", "outbox");
    outbox = await startSesOutbox({ dir, log: (line) => lines.push(line) });
    ses = new SESv2Client({ endpoint: outbox.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    ses.destroy();
    await outbox.stop();
    rmSync(join(dir, "..", ".."), { recursive: true, force: true });
  });

  const simple = (to: string, subject: string) =>
    new SendEmailCommand({
      FromEmailAddress: "Board <no-reply@board.example.com>",
      Destination: { ToAddresses: [to], CcAddresses: ["cc@example.com"] },
      Content: { Simple: { Subject: { Data: subject, Charset: "UTF-8" }, Body: { Text: { Data: "안녕하세요" }, Html: { Data: "<p>안녕하세요</p>" } } } },
      ConfigurationSetName: "local-set",
      EmailTags: [{ Name: "kind", Value: "test" }],
    });

  it("answers the SDK's SendEmail with a MessageId and writes the email as .json and .txt, logging one line", async () => {
    const { MessageId } = await ses.send(simple("to@example.com", "인사 / Hello"));
    expect(MessageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
    const [email] = outbox.emails().slice(-1);
    expect(email).toMatchObject({
      messageId: MessageId,
      from: "Board <no-reply@board.example.com>",
      to: ["to@example.com"],
      cc: ["cc@example.com"],
      subject: "인사 / Hello",
      text: "안녕하세요",
      html: "<p>안녕하세요</p>",
      configurationSetName: "local-set",
      tags: { kind: "test" },
    });
    expect(readdirSync(dir).sort()).toEqual([expect.stringMatching(/\.json$/), expect.stringMatching(/\.txt$/)]);
    const stored = JSON.parse(readFileSync(email?.files.json ?? "", "utf8"));
    expect(stored.body.Content.Simple.Subject.Data).toBe("인사 / Hello");
    // The signature is not kept on disk.
    expect(stored.headers.authorization).toBeUndefined();
    expect(email?.request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    const readable = readFileSync(email?.files.text ?? "", "utf8");
    expect(readable).toContain("To: to@example.com\nCc: cc@example.com\nSubject: 인사 / Hello\nX-SES-Configuration-Set: local-set");
    expect(readable).toContain("----- text/plain; charset=UTF-8 -----\n안녕하세요");
    expect(lines.at(-1)).toBe(`[outbox] to=to@example.com,cc@example.com subject=인사 / Hello file=${email?.files.text}`);
  });

  it("refuses an unsigned request, an unknown operation and a request without recipients, as SES does", async () => {
    const body = JSON.stringify({ FromEmailAddress: "a@example.com", Destination: { ToAddresses: ["b@example.com"] }, Content: { Simple: { Subject: { Data: "s" }, Body: {} } } });
    const unsigned = await fetch(`${outbox.endpoint}${SEND_EMAIL_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");

    const unknown = await fetch(`${outbox.endpoint}/v2/email/identities`, { headers: { authorization: "AWS4-HMAC-SHA256 x" } });
    expect(unknown.status).toBe(404);

    const before = outbox.emails().length;
    await expect(
      ses.send(new SendEmailCommand({ FromEmailAddress: "a@example.com", Destination: { ToAddresses: [] }, Content: { Simple: { Subject: { Data: "s" }, Body: {} } } })),
    ).rejects.toMatchObject({ name: "BadRequestException", $metadata: { httpStatusCode: 400 } });
    expect(outbox.emails()).toHaveLength(before);
  });

  it("fails the requests it is told to, with the SES error code, then accepts again", async () => {
    const before = outbox.emails().length;
    const rejectedBefore = outbox.rejected();
    outbox.failNext({ status: 429, when: (request) => request.Destination?.ToAddresses?.includes("slow@example.com") ?? false });
    await ses.send(simple("fast@example.com", "not matched"));
    await expect(ses.send(simple("slow@example.com", "throttled"))).rejects.toMatchObject({ name: "TooManyRequestsException", $metadata: { httpStatusCode: 429 } });
    await ses.send(simple("slow@example.com", "accepted"));
    expect(outbox.emails().slice(before).map((email) => email.subject)).toEqual(["not matched", "accepted"]);
    expect(outbox.rejected()).toBe(rejectedBefore + 1);
  });

  it("retries absorb a single 500 with the SDK's default retry policy", async () => {
    const retrying = new SESv2Client({ endpoint: outbox.endpoint, region: REGION, credentials: CREDENTIALS });
    try {
      outbox.failNext({ status: 500 });
      const { MessageId } = await retrying.send(simple("retry@example.com", "after one 500"));
      expect(outbox.emails().at(-1)).toMatchObject({ messageId: MessageId, subject: "after one 500" });
    } finally {
      retrying.destroy();
    }
  });
});
