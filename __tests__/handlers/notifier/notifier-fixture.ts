/**
 * Real servers for the notifier tests (dynalite, the SES outbox) and builders
 * of events exactly as AWS delivers them: the tasks-api's own event log writes
 * the item, the raw item read back is the stream record's NewImage, and the
 * record is wrapped as the Pipe → event bus → rule chain wraps it.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { TaskEvent } from "../../../contracts/events";
import { NOTIFICATIONS_SENT_TABLE, TASK_EVENTS_TABLE, taskEventAt } from "../../../contracts/tables";
import type { LogFields, Logger } from "../../../handlers/lib/apigw";
import { createNotifierHandler, type NotifierHandler } from "../../../handlers/notifier/handler";
import { sesMailer } from "../../../handlers/notifier/mailer";
import type { NotifierDeps } from "../../../handlers/notifier/notify";
import { dynamoSentMarkers } from "../../../handlers/notifier/sent-markers";
import { createDynamoTaskEventLog } from "../../../handlers/tasks-api/events/task-event-log";
import { eventBridgeEventOf, streamRecordOf } from "../../../local/pipe";
import { startSesOutbox, type SesOutbox } from "../../../local/ses-outbox";
import { startDynalite, type DynaliteHandle } from "../../support/dynalite";

export const REGION = "ap-northeast-2";
export const CREDENTIALS = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" };
export const MAIL_FROM = "Taskboard <no-reply@board.example.com>";
export const BOARD_URL = "https://board.example.com";
export const CONFIGURATION_SET = "taskboard-test-emails";

export const BOSS = "boss@example.com";
export const OTHER_BOSS = "second.boss@example.com";
export const PIC = "kim@example.com";

export interface LogLine {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  readonly fields: LogFields;
}

export function capturingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields = {}) => lines.push({ level: "info", message, fields }),
    warn: (message, fields = {}) => lines.push({ level: "warn", message, fields }),
    error: (message, fields = {}) => lines.push({ level: "error", message, fields }),
  };
}

export interface NotifierHarness {
  readonly dynamo: DynaliteHandle;
  readonly documents: DynamoDBDocumentClient;
  readonly outbox: SesOutbox;
  readonly outboxDir: string;
  readonly sentTable: string;
  readonly eventsTable: string;
  readonly log: Logger & { readonly lines: LogLine[] };
  /** The notifier's clock; tests move `clock.now`. */
  readonly clock: { now: Date };
  readonly deps: NotifierDeps;
  readonly handler: NotifierHandler;
  readonly outboxLines: string[];
  stop(): Promise<void>;
}

export async function startNotifierHarness(): Promise<NotifierHarness> {
  const dynamo = await startDynalite([TASK_EVENTS_TABLE, NOTIFICATIONS_SENT_TABLE]);
  const outboxDir = mkdtempSync(join(tmpdir(), "notifier-outbox-"));
  const outboxLines: string[] = [];
  const outbox = await startSesOutbox({ dir: outboxDir, log: (line) => outboxLines.push(line) });
  // One attempt: an injected SES failure must reach the notifier instead of being absorbed by SDK retries.
  const ses = new SESv2Client({ endpoint: outbox.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  const documents = DynamoDBDocumentClient.from(dynamo.client);
  const sentTable = dynamo.tableNames[NOTIFICATIONS_SENT_TABLE.purpose] ?? "";
  const log = capturingLogger();
  const clock = { now: new Date("2026-11-20T09:00:00.000Z") };
  const deps: NotifierDeps = {
    markers: dynamoSentMarkers(documents, sentTable),
    mailer: sesMailer(ses, { from: MAIL_FROM, configurationSet: CONFIGURATION_SET }),
    clock: () => clock.now,
    log,
    compose: { boardUrl: BOARD_URL, timeZone: "Asia/Seoul" },
  };
  const harness: NotifierHarness = {
    dynamo,
    documents,
    outbox,
    outboxDir,
    outboxLines,
    sentTable,
    eventsTable: dynamo.tableNames[TASK_EVENTS_TABLE.purpose] ?? "",
    log,
    clock,
    deps,
    handler: createNotifierHandler(deps),
    async stop() {
      ses.destroy();
      await outbox.stop();
      await dynamo.stop();
      rmSync(outboxDir, { recursive: true, force: true });
    },
  };
  return harness;
}

let sequence = 0;

/** A task event as the tasks-api emits it; `overrides.task` is merged into the snapshot. */
export function taskEvent(
  type: TaskEvent["type"],
  overrides: Partial<Omit<TaskEvent, "task">> & { task?: Partial<TaskEvent["task"]> } = {},
): TaskEvent {
  sequence += 1;
  const { task, ...rest } = overrides;
  return {
    eventId: `01JEVENT${String(sequence).padStart(6, "0")}${randomUUID().slice(0, 8)}`,
    type,
    taskId: task?.id ?? "task-1",
    at: "2026-11-20T08:59:59.123Z",
    actor: BOSS,
    changes: [],
    ...rest,
    task: {
      id: "task-1",
      title: "Write the quarterly report",
      status: "todo",
      pic: PIC,
      dueAt: "2026-11-21T09:00:00.000Z",
      createdBy: BOSS,
      version: 2,
      ...task,
    },
  };
}

/**
 * Stores the event with the tasks-api's own writer (lib-dynamodb marshalling,
 * `at` = `taskEventAt(...)`) and returns the item as DynamoDB JSON: exactly
 * what the table's NEW_IMAGE stream record carries.
 */
export async function newImageOf(harness: NotifierHarness, event: TaskEvent): Promise<Record<string, AttributeValue>> {
  const log = createDynamoTaskEventLog({ client: harness.documents, tableName: harness.eventsTable });
  await log.append([event]);
  const { Item } = await harness.dynamo.client.send(
    new GetItemCommand({
      TableName: harness.eventsTable,
      Key: { taskId: { S: event.taskId }, at: { S: taskEventAt(new Date(event.at), event.eventId) } },
      ConsistentRead: true,
    }),
  );
  if (Item === undefined) throw new Error(`event ${event.eventId} was not stored`);
  return Item;
}

/** The envelope builders the local stack's pipe uses: one definition of what EventBridge delivers. */
export { streamRecordOf as streamRecord, eventBridgeEventOf as eventBridgeEvent } from "../../../local/pipe";

/** Stores the event and wraps it as delivered: store → stream → Pipe → bus → rule → Lambda. */
export async function deliveredEvent(harness: NotifierHarness, event: TaskEvent): Promise<unknown> {
  return eventBridgeEventOf(streamRecordOf(await newImageOf(harness, event)));
}

/** An SQS event source mapping's batch; each body is a message as a DLQ holds it. */
export function sqsBatch(bodies: readonly { readonly messageId: string; readonly body: string }[]) {
  return {
    Records: bodies.map(({ messageId, body }) => ({
      messageId,
      receiptHandle: `handle-${messageId}`,
      body,
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: "1795000000000", SenderId: "AIDAEXAMPLE", ApproximateFirstReceiveTimestamp: "1795000000001" },
      messageAttributes: {},
      md5OfBody: "not-checked",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:${REGION}:123456789012:taskboard-dev-notifier-dlq`,
      awsRegion: REGION,
    })),
  };
}
