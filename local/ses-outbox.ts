/**
 * A local stand-in for Amazon SES v2 `SendEmail`: the REST operation as the
 * SDK puts it on the wire (`POST /v2/email/outbound-emails`, JSON body,
 * SigV4-signed), answering `{ MessageId }` like SES. Every email lands in an
 * outbox folder as `<stamp>-<id>.json` (the full request) and `<stamp>-<id>.txt`
 * (readable, .eml-like), with one `[outbox] to=... subject=...` log line.
 *
 * Signatures are not verified (no AWS account holds the key), but an
 * `Authorization` header must be present: a client that forgot to sign fails
 * here as it would against SES. Used by the notifier tests and `npm start`.
 *
 *   const outbox = await startSesOutbox({ dir: ".local/outbox" });
 *   new SESv2Client({ endpoint: outbox.endpoint, region: "ap-northeast-2", credentials });
 */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { z } from "zod";

export const SEND_EMAIL_PATH = "/v2/email/outbound-emails";
/** SES accepts up to 40 MB; a local outbox needs far less, and a bound keeps a runaway client from filling memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** SES v2 allows 50 recipients per message, To, Cc and Bcc together. */
const MAX_RECIPIENTS = 50;

const contentSchema = z.looseObject({ Data: z.string(), Charset: z.string().optional() });
const sendEmailRequestSchema = z.looseObject({
  FromEmailAddress: z.string().optional(),
  Destination: z
    .looseObject({
      ToAddresses: z.array(z.string()).optional(),
      CcAddresses: z.array(z.string()).optional(),
      BccAddresses: z.array(z.string()).optional(),
    })
    .optional(),
  ReplyToAddresses: z.array(z.string()).optional(),
  Content: z.looseObject({
    Simple: z
      .looseObject({
        Subject: contentSchema,
        Body: z.looseObject({ Text: contentSchema.optional(), Html: contentSchema.optional() }),
      })
      .optional(),
    Raw: z.looseObject({ Data: z.string() }).optional(),
    Template: z.looseObject({ TemplateName: z.string().optional(), TemplateData: z.string().optional() }).optional(),
  }),
  ConfigurationSetName: z.string().optional(),
  EmailTags: z.array(z.looseObject({ Name: z.string(), Value: z.string() })).optional(),
});
/** The `SendEmail` request body as it arrived (members the outbox does not read are kept). */
export type SendEmailWireRequest = z.infer<typeof sendEmailRequestSchema>;

/** One accepted email: the parsed fields, and the request exactly as it went on the wire. */
export interface SentEmail {
  readonly messageId: string;
  readonly receivedAt: string;
  readonly from: string | undefined;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject: string | undefined;
  readonly text: string | undefined;
  readonly html: string | undefined;
  readonly configurationSetName: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly request: {
    readonly method: string;
    readonly path: string;
    /** Lower-cased names, as node reports them. */
    readonly headers: Readonly<Record<string, string>>;
    /** The body as received, decoded as UTF-8. */
    readonly rawBody: string;
    readonly body: SendEmailWireRequest;
  };
  readonly files: { readonly json: string; readonly text: string };
}

/** An injected failure: the next `count` matching requests get this error instead of being sent. */
export interface FailureRule {
  /** @default 1 */
  readonly count?: number;
  /** @default 500 */
  readonly status?: number;
  /** SES error code, sent as `x-amzn-ErrorType`. @default "InternalFailure" (500) or "TooManyRequestsException" (429) */
  readonly errorType?: string;
  /** @default every request */
  readonly when?: (request: SendEmailWireRequest) => boolean;
}

export interface SesOutboxOptions {
  /** Where emails are written; created if missing. */
  readonly dir: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** Receives one line per email. @default console.log */
  readonly log?: (line: string) => void;
}

export interface SesOutbox {
  /** `http://127.0.0.1:<port>`: the SES client's `endpoint`. */
  readonly endpoint: string;
  /** Emails accepted since start, oldest first. */
  emails(): readonly SentEmail[];
  /** Requests answered with an error (injected or invalid), since start. */
  rejected(): number;
  /** Makes upcoming requests fail, as SES does when throttling or failing. */
  failNext(rule?: FailureRule): void;
  stop(): Promise<void>;
}

interface PendingFailure {
  remaining: number;
  readonly status: number;
  readonly errorType: string;
  readonly when: (request: SendEmailWireRequest) => boolean;
}

class OutboxError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** SES-style message ids: hex time, a UUID, a sequence suffix. */
function newMessageId(): string {
  return `${Date.now().toString(16).padStart(16, "0")}-${randomUUID()}-000000`;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new OutboxError(400, "BadRequestException", `request body exceeds ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Text and HTML of a raw MIME message are not parsed; the readable file shows it decoded as it is. */
function rawMessageText(body: SendEmailWireRequest): string | undefined {
  const raw = body.Content.Raw?.Data;
  return raw === undefined ? undefined : Buffer.from(raw, "base64").toString("utf8");
}

function readableEmail(email: Omit<SentEmail, "files">): string {
  const header = (name: string, value: string | undefined) => (value === undefined || value === "" ? [] : [`${name}: ${value}`]);
  const tags = Object.entries(email.tags).map(([name, value]) => `${name}=${value}`).join("; ");
  const body = email.request.body;
  const raw = rawMessageText(body);
  return [
    ...header("Message-ID", `<${email.messageId}@outbox.local>`),
    ...header("Date", new Date(email.receivedAt).toUTCString()),
    ...header("From", email.from),
    ...header("To", email.to.join(", ")),
    ...header("Cc", email.cc.join(", ")),
    ...header("Bcc", email.bcc.join(", ")),
    ...header("Reply-To", body.ReplyToAddresses?.join(", ")),
    ...header("Subject", email.subject),
    ...header("X-SES-Configuration-Set", email.configurationSetName),
    ...header("X-SES-Message-Tags", tags),
    ...header("X-SES-Template", body.Content.Template?.TemplateName),
    "",
    ...(email.text === undefined ? [] : [`----- text/plain; charset=${body.Content.Simple?.Body.Text?.Charset ?? "UTF-8"} -----`, email.text, ""]),
    ...(email.html === undefined ? [] : [`----- text/html; charset=${body.Content.Simple?.Body.Html?.Charset ?? "UTF-8"} -----`, email.html, ""]),
    ...(raw === undefined ? [] : ["----- raw MIME message -----", raw, ""]),
  ].join("\n");
}

export async function startSesOutbox(options: SesOutboxOptions): Promise<SesOutbox> {
  const log = options.log ?? ((line: string) => console.log(line));
  await mkdir(options.dir, { recursive: true });
  const sent: SentEmail[] = [];
  const failures: PendingFailure[] = [];
  let rejected = 0;

  async function accept(request: IncomingMessage): Promise<SentEmail> {
    if (request.method !== "POST" || (request.url ?? "").split("?")[0] !== SEND_EMAIL_PATH) {
      throw new OutboxError(404, "UnknownOperationException", `the outbox implements only POST ${SEND_EMAIL_PATH} (SES v2 SendEmail)`);
    }
    if (!request.headers.authorization) {
      throw new OutboxError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    const rawBody = (await readBody(request)).toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      throw new OutboxError(400, "BadRequestException", "request body is not JSON");
    }
    const parsed = sendEmailRequestSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
      throw new OutboxError(400, "BadRequestException", problems);
    }
    const body = parsed.data;
    const to = body.Destination?.ToAddresses ?? [];
    const cc = body.Destination?.CcAddresses ?? [];
    const bcc = body.Destination?.BccAddresses ?? [];
    if (to.length + cc.length + bcc.length === 0 && body.Content.Raw === undefined) {
      throw new OutboxError(400, "BadRequestException", "Missing required recipients: set Destination.ToAddresses");
    }
    if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
      throw new OutboxError(400, "MessageRejected", `at most ${MAX_RECIPIENTS} recipients per message`);
    }
    if (body.Content.Simple === undefined && body.Content.Raw === undefined && body.Content.Template === undefined) {
      throw new OutboxError(400, "BadRequestException", "Content needs one of Simple, Raw or Template");
    }

    const failure = failures.find((rule) => rule.when(body));
    if (failure !== undefined) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
      throw new OutboxError(failure.status, failure.errorType, `injected failure (${failure.status} ${failure.errorType})`);
    }

    const receivedAt = new Date();
    const messageId = newMessageId();
    const email: Omit<SentEmail, "files"> = {
      messageId,
      receivedAt: receivedAt.toISOString(),
      from: body.FromEmailAddress,
      to,
      cc,
      bcc,
      subject: body.Content.Simple?.Subject.Data,
      text: body.Content.Simple?.Body.Text?.Data,
      html: body.Content.Simple?.Body.Html?.Data,
      configurationSetName: body.ConfigurationSetName,
      tags: Object.fromEntries((body.EmailTags ?? []).map((tag) => [tag.Name, tag.Value])),
      request: { method: "POST", path: SEND_EMAIL_PATH, headers: flatHeaders(request), rawBody, body },
    };
    const stem = join(options.dir, `${receivedAt.toISOString().replace(/[-:.]/g, "")}-${messageId}`);
    const files = { json: `${stem}.json`, text: `${stem}.txt` };
    // The stored request drops the signature and session token: credentials have no business in a folder.
    const storedHeaders = Object.fromEntries(
      Object.entries(email.request.headers).filter(([name]) => name !== "authorization" && name !== "x-amz-security-token"),
    );
    await writeFile(files.json, `${JSON.stringify({ messageId, receivedAt: email.receivedAt, headers: storedHeaders, body }, null, 2)}\n`);
    await writeFile(files.text, readableEmail(email));
    const stored: SentEmail = { ...email, files };
    sent.push(stored);
    log(`[outbox] to=${[...to, ...cc, ...bcc].join(",") || "(raw)"} subject=${email.subject ?? "(none)"} file=${files.text}`);
    return stored;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const email = await accept(request);
      response.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": randomUUID() });
      response.end(JSON.stringify({ MessageId: email.messageId }));
    } catch (error) {
      rejected += 1;
      const failure = error instanceof OutboxError ? error : new OutboxError(500, "InternalFailure", "the outbox failed to store the email");
      if (!(error instanceof OutboxError)) console.error("[outbox] failed to store an email", error);
      response.writeHead(failure.status, {
        "content-type": "application/json",
        "x-amzn-errortype": failure.errorType,
        "x-amzn-requestid": randomUUID(),
      });
      response.end(JSON.stringify({ message: failure.message }));
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;

  return {
    endpoint: `http://${host}:${port}`,
    emails: () => [...sent],
    rejected: () => rejected,
    failNext(rule = {}) {
      const status = rule.status ?? 500;
      failures.push({
        remaining: rule.count ?? 1,
        status,
        errorType: rule.errorType ?? (status === 429 ? "TooManyRequestsException" : "InternalFailure"),
        when: rule.when ?? (() => true),
      });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
