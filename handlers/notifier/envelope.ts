/**
 * From what Lambda receives to a validated `TaskEvent`.
 *
 * Path in AWS: `task-events` table → stream record (NEW_IMAGE) → EventBridge
 * Pipe → event bus (source `taskboard.task-events`, detail-type `TaskEvent`,
 * `detail` = the stream record, unchanged) → rule → this Lambda. The record's
 * `dynamodb.NewImage` is the item in DynamoDB JSON; its attributes are the
 * `TaskEvent` fields, except `at`, which is the sort key `<ISO time>#<eventId>`.
 */
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { z } from "zod";
import { NOTIFYING_EVENT_TYPES, TASK_EVENT_DETAIL_TYPE, TASK_EVENT_SOURCE, type TaskEvent } from "../../contracts/events";
import { parseTaskEventItem } from "../../contracts/task-event-item";

/** What one delivered event amounts to. Only `task-event` leads to email; the others are logged and dropped. */
export type ParsedDelivery =
  | { readonly kind: "task-event"; readonly event: TaskEvent }
  /** Well-formed, but nothing to mail (a removal, an event type that does not notify). */
  | { readonly kind: "ignored"; readonly reason: string; readonly eventId?: string }
  /** Malformed: retrying cannot fix it, so it is dropped with an error log rather than retried into the DLQ. */
  | { readonly kind: "invalid"; readonly reason: string };

/** An attribute value as DynamoDB Streams write it in JSON (binary types never occur in task events). */
type WireAttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly SS: string[] }
  | { readonly NS: string[] }
  | { readonly L: WireAttributeValue[] }
  | { readonly M: Record<string, WireAttributeValue> };

const attributeValueSchema: z.ZodType<WireAttributeValue> = z.lazy(() =>
  z.union([
    z.strictObject({ S: z.string() }),
    z.strictObject({ N: z.string() }),
    z.strictObject({ BOOL: z.boolean() }),
    z.strictObject({ NULL: z.literal(true) }),
    z.strictObject({ SS: z.array(z.string()) }),
    z.strictObject({ NS: z.array(z.string()) }),
    z.strictObject({ L: z.array(attributeValueSchema) }),
    z.strictObject({ M: z.record(z.string(), attributeValueSchema) }),
  ]),
);

/** A DynamoDB stream record as the Pipe forwards it; fields the notifier does not read are let through. */
const streamRecordSchema = z.looseObject({
  eventID: z.string().optional(),
  eventName: z.enum(["INSERT", "MODIFY", "REMOVE"]),
  eventSource: z.literal("aws:dynamodb").optional(),
  dynamodb: z.looseObject({
    NewImage: z.record(z.string(), attributeValueSchema).optional(),
    SequenceNumber: z.string().optional(),
  }),
});

/** The EventBridge event a rule target receives. */
const eventBridgeEventSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  "detail-type": z.string(),
  source: z.string(),
  detail: z.unknown(),
});

const notifying: ReadonlySet<string> = new Set(NOTIFYING_EVENT_TYPES);

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Validates an EventBridge event down to the task event inside its stream record. */
export function parseTaskEventEnvelope(input: unknown): ParsedDelivery {
  const envelope = eventBridgeEventSchema.safeParse(input);
  if (!envelope.success) return { kind: "invalid", reason: `not an EventBridge event: ${describe(envelope.error)}` };
  const { source, "detail-type": detailType, detail } = envelope.data;
  if (source !== TASK_EVENT_SOURCE || detailType !== TASK_EVENT_DETAIL_TYPE) {
    return { kind: "invalid", reason: `unexpected source/detail-type "${source}"/"${detailType}"` };
  }

  const record = streamRecordSchema.safeParse(detail);
  if (!record.success) return { kind: "invalid", reason: `detail is not a DynamoDB stream record: ${describe(record.error)}` };
  // TTL expiry and deletions carry no new image, and nothing to mail.
  if (record.data.eventName === "REMOVE") return { kind: "ignored", reason: "stream record is a REMOVE" };
  const image = record.data.dynamodb.NewImage;
  if (image === undefined) return { kind: "invalid", reason: "stream record has no NewImage (the stream view type must include NEW_IMAGE)" };

  let item: Record<string, unknown>;
  try {
    item = unmarshall(image);
  } catch (error) {
    return { kind: "invalid", reason: `NewImage does not unmarshall: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = parseTaskEventItem(item);
  if (!parsed.success) return { kind: "invalid", reason: `NewImage is not a TaskEvent: ${describe(parsed.error)}` };
  if (!notifying.has(parsed.data.type)) {
    return { kind: "ignored", reason: `event type ${parsed.data.type} sends no email`, eventId: parsed.data.eventId };
  }
  return { kind: "task-event", event: parsed.data };
}

/** A Lambda on-failure destination record (SQS): the failed invocation's event is its `requestPayload`. */
const invocationRecordSchema = z.looseObject({
  requestContext: z.looseObject({ functionArn: z.string().optional() }),
  requestPayload: z.unknown(),
});

/**
 * Reads an SQS message body holding a task event: either the EventBridge
 * event itself (a rule target's DLQ, or a Lambda dead-letter queue) or a
 * Lambda on-failure destination record that wraps it.
 */
export function parseQueuedTaskEvent(body: string): ParsedDelivery {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: "invalid", reason: "SQS message body is not JSON" };
  }
  const wrapped = invocationRecordSchema.safeParse(json);
  return parseTaskEventEnvelope(wrapped.success ? wrapped.data.requestPayload : json);
}
