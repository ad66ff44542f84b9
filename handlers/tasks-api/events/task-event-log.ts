import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { Page } from "../../../contracts/api";
import type { TaskEvent } from "../../../contracts/events";
import { TASK_EVENTS_TABLE } from "../../../contracts/tables";
import { parseTaskEventItem, toTaskEventItem } from "../../../contracts/task-event-item";
import { ApiError } from "../../lib/errors";

/** The task activity log: where the outbox relay appends and `GET /api/tasks/{id}/events` reads. */
export interface TaskEventLog {
  /** Writes every event, or throws; writing the same event again overwrites it with identical content. */
  append(events: readonly TaskEvent[]): Promise<void>;
  /** One task's events, oldest first. */
  list(taskId: string, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<Page<TaskEvent>>;
}

const PARTITION_KEY = TASK_EVENTS_TABLE.partitionKey.name;
const SORT_KEY = TASK_EVENTS_TABLE.sortKey.name;

/** Reads an item of this log; an item off the contract is a bug in a writer, not bad input. */
export function fromTaskEventItem(item: Record<string, unknown>): TaskEvent {
  const parsed = parseTaskEventItem(item);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

const eventsCursorSchema = z.strictObject({ at: z.string().min(1).max(200) });

function invalidCursor(): ApiError {
  return ApiError.validation([{ field: "cursor", message: "is not a cursor this API issued for this task's events" }]);
}

function decodeEventsCursor(cursor: string): string {
  try {
    const parsed = eventsCursorSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data.at;
  } catch {
    // falls through to the 400 below
  }
  throw invalidCursor();
}

/** BatchWriteItem takes at most 25 items. */
const BATCH_SIZE = 25;
/** Throttled items come back as UnprocessedItems; retry them with backoff this many times before failing. */
const UNPROCESSED_RETRIES = 5;

export interface DynamoTaskEventLogOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoTaskEventLog({ client, tableName }: DynamoTaskEventLogOptions): TaskEventLog {
  return {
    async append(events) {
      for (let start = 0; start < events.length; start += BATCH_SIZE) {
        let requests: { PutRequest: { Item: Record<string, unknown> } }[] = events
          .slice(start, start + BATCH_SIZE)
          .map((event) => ({ PutRequest: { Item: toTaskEventItem(event) } }));
        for (let attempt = 0; requests.length > 0; attempt += 1) {
          if (attempt > UNPROCESSED_RETRIES) throw new Error(`${requests.length} task event(s) stayed unprocessed by DynamoDB`);
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
            request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
          );
        }
      }
    },

    async list(taskId, { limit, cursor }) {
      const after = cursor === undefined ? undefined : decodeEventsCursor(cursor);
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "#task = :task",
          ExpressionAttributeNames: { "#task": PARTITION_KEY },
          ExpressionAttributeValues: { ":task": taskId },
          ScanIndexForward: true,
          Limit: limit,
          ...(after === undefined ? {} : { ExclusiveStartKey: { [PARTITION_KEY]: taskId, [SORT_KEY]: after } }),
        }),
      );
      const lastAt = LastEvaluatedKey?.[SORT_KEY];
      return {
        items: Items.map(fromTaskEventItem),
        nextCursor: typeof lastAt === "string" ? Buffer.from(JSON.stringify({ at: lastAt })).toString("base64url") : null,
      };
    },
  };
}
