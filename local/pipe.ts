import { randomUUID } from "node:crypto";
import { ScanCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { NOTIFYING_EVENT_TYPES, TASK_EVENT_DETAIL_TYPE, TASK_EVENT_SOURCE } from "../contracts/events";
import { TASK_EVENTS_TABLE } from "../contracts/tables";

/**
 * The local stand-in for the path DynamoDB Streams → EventBridge Pipe → bus →
 * rule → notifier, which dynalite (no streams) cannot provide: it polls the
 * `task-events` table, applies the Pipe's filter, and hands each new item to
 * the notifier in exactly the envelope EventBridge delivers.
 */

const REGION = "ap-northeast-2";
const LOCAL_ACCOUNT = "000000000000";
const KEY_NAMES = [TASK_EVENTS_TABLE.partitionKey.name, TASK_EVENTS_TABLE.sortKey.name];
const NOTIFYING: ReadonlySet<string> = new Set(NOTIFYING_EVENT_TYPES);

let sequence = 0;

/** The DynamoDB stream record of an item (NEW_IMAGE view), as Streams and Pipes serialise it. */
export function streamRecordOf(newImage: Record<string, AttributeValue>, eventName: "INSERT" | "MODIFY" | "REMOVE" = "INSERT") {
  const keys: Record<string, AttributeValue> = {};
  for (const name of KEY_NAMES) {
    const value = newImage[name];
    if (value !== undefined) keys[name] = value;
  }
  sequence += 1;
  return {
    eventID: randomUUID().replaceAll("-", ""),
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: keys,
      ...(eventName === "REMOVE" ? { OldImage: newImage } : { NewImage: newImage }),
      SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(sequence)),
      SizeBytes: JSON.stringify(newImage).length,
      StreamViewType: "NEW_IMAGE",
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT}:table/${TASK_EVENTS_TABLE.purpose}/stream/local`,
  };
}

/** What the rule's Lambda target receives: the Pipe put the stream record on the bus as `detail`. */
export function eventBridgeEventOf(detail: unknown, id: string = randomUUID()): unknown {
  // Through JSON, as on the wire: no object identity or undefined members survive.
  return JSON.parse(
    JSON.stringify({
      version: "0",
      id,
      "detail-type": TASK_EVENT_DETAIL_TYPE,
      source: TASK_EVENT_SOURCE,
      account: LOCAL_ACCOUNT,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: REGION,
      resources: [],
      detail,
    }),
  ) as unknown;
}

export interface LocalPipeOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The notifier's handler; a rejection is retried like EventBridge's retry policy. */
  readonly deliver: (event: unknown) => Promise<unknown>;
  readonly intervalMs?: number;
  /** Attempts per event before it is reported as dead-lettered. @default 3 */
  readonly maxAttempts?: number;
  readonly log?: (line: Record<string, unknown>) => void;
}

export interface LocalPipe {
  /** Delivers what is new now; resolves when done (the poller calls it on a timer). */
  poll(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts polling. Every item is delivered once per process; after a restart
 * the whole log is offered again, and the notifier's idempotency records
 * (the same ones that absorb EventBridge redeliveries) keep it from mailing twice.
 */
export function startLocalPipe(options: LocalPipeOptions): LocalPipe {
  const log = options.log ?? (() => undefined);
  const seen = new Set<string>();
  const maxAttempts = options.maxAttempts ?? 3;
  let running: Promise<number> | undefined;
  let stopped = false;

  const deliverWithRetries = async (event: unknown, key: string) => {
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        await options.deliver(event);
        return;
      } catch (error) {
        log({ event: "pipe.delivery_failed", key, attempt, error: error instanceof Error ? error.message : String(error) });
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
    log({ event: "pipe.dead_lettered", key });
  };

  const pollOnce = async (): Promise<number> => {
    let delivered = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await options.client.send(new ScanCommand({ TableName: options.tableName, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) {
        const key = KEY_NAMES.map((name) => item[name]?.S ?? "").join("|");
        if (seen.has(key)) continue;
        seen.add(key);
        // The Pipe's filter: only inserts of the event types that send email.
        if (!NOTIFYING.has(item.type?.S ?? "")) continue;
        await deliverWithRetries(eventBridgeEventOf(streamRecordOf(item)), key);
        delivered += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && !stopped);
    return delivered;
  };

  const poll = () => {
    running ??= pollOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    poll().catch((error: unknown) => log({ event: "pipe.poll_failed", error: error instanceof Error ? error.message : String(error) }));
  }, options.intervalMs ?? 500);

  return {
    poll,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
