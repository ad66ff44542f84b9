/**
 * Idempotency markers in the `notifications-sent` table: one item per
 * `<eventId>#<recipient>`, claimed with a conditional put before the email
 * goes out, so a redelivered or concurrently duplicated event sends nothing twice.
 *
 * A marker is `sending` (with a lease) until SES accepts the email, then
 * `sent`. A `sending` marker whose lease ran out belongs to an invocation that
 * died mid-send (timeout, crash); the next delivery may take it over, so a
 * crash delays an email instead of losing it. See README "Delivery guarantees".
 */
import { TASK_EVENT_REPLAY_WINDOW_DAYS } from "../../contracts/events";
import { randomUUID } from "node:crypto";
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { NOTIFICATIONS_SENT_TABLE } from "../../contracts/tables";

/** Proof that this delivery holds a marker; only its holder may confirm or release it. */
export interface MarkerClaim {
  readonly notificationId: string;
  readonly attemptId: string;
}

export interface SentMarkers {
  /**
   * Claims the right to send one email, or returns undefined when it was sent
   * already or another delivery holds a live lease on it.
   */
  claim(notificationId: string, now: Date, leaseMs: number): Promise<MarkerClaim | undefined>;
  /** Marks the email sent; it is never sent again while the marker lives. */
  confirm(claim: MarkerClaim, messageId: string, now: Date): Promise<void>;
  /** Removes the claim after a failed send, so the next delivery sends at once. */
  release(claim: MarkerClaim): Promise<void>;
}

/**
 * Markers outlive every redelivery path: async retries (6 h), DLQ redrive
 * (14 days) and archive replay (the replay window), plus a day of margin.
 */
export const MARKER_RETENTION_SECONDS = (TASK_EVENT_REPLAY_WINDOW_DAYS + 1) * 24 * 60 * 60;

const ID = NOTIFICATIONS_SENT_TABLE.partitionKey.name;
const TTL = NOTIFICATIONS_SENT_TABLE.ttlAttribute;

/** The idempotency key of one email: `<eventId>#<recipient address>`. */
export function notificationIdOf(eventId: string, address: string): string {
  return `${eventId}#${address}`;
}

/** By name, not `instanceof`: a second copy of the SDK in a bundle would defeat the class check. */
function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

export function dynamoSentMarkers(client: DynamoDBDocumentClient, tableName: string): SentMarkers {
  return {
    async claim(notificationId, now, leaseMs) {
      const attemptId = randomUUID();
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [ID]: notificationId,
              [TTL]: Math.floor(now.getTime() / 1000) + MARKER_RETENTION_SECONDS,
              state: "sending",
              leaseUntil: now.getTime() + leaseMs,
              attemptId,
            },
            ConditionExpression: "attribute_not_exists(#id) OR (#state = :sending AND #leaseUntil < :now)",
            ExpressionAttributeNames: { "#id": ID, "#state": "state", "#leaseUntil": "leaseUntil" },
            ExpressionAttributeValues: { ":sending": "sending", ":now": now.getTime() },
          }),
        );
        return { notificationId, attemptId };
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    async confirm(claim, messageId, now) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [ID]: claim.notificationId },
          UpdateExpression: "SET #state = :sent, sentAt = :sentAt, messageId = :messageId REMOVE leaseUntil",
          ConditionExpression: "attemptId = :attemptId",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: {
            ":sent": "sent",
            ":sentAt": now.toISOString(),
            ":messageId": messageId,
            ":attemptId": claim.attemptId,
          },
        }),
      );
    },

    async release(claim) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { [ID]: claim.notificationId },
            // Never delete a marker another delivery took over after our lease ran out.
            ConditionExpression: "attemptId = :attemptId AND #state = :sending",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: { ":attemptId": claim.attemptId, ":sending": "sending" },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) return;
        throw error;
      }
    },
  };
}
