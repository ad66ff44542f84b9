/**
 * Sign-in attempts per email in the `login-attempts` table (LOGIN_ATTEMPTS_TABLE),
 * counted in a fixed window that starts at the first attempt; a successful
 * sign-in deletes the counter, so what accumulates is failures.
 *
 * Each item carries `expiresAt` (epoch seconds, the table's TTL attribute), so
 * DynamoDB deletes stale counters by itself. TTL deletion is lazy (it can lag
 * by days), so the code also treats an item past `expiresAt` as absent.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { LOGIN_ATTEMPTS_TABLE } from "../../contracts/tables";

const EMAIL = LOGIN_ATTEMPTS_TABLE.partitionKey.name;
const EXPIRES_AT = LOGIN_ATTEMPTS_TABLE.ttlAttribute;

export interface ThrottlePolicy {
  /** Failed attempts allowed in one window; the next attempt is refused until the window ends. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

/** Five tries per quarter hour: enough for typos, too few to guess a password. */
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60 };

export type ThrottleState =
  | { readonly locked: false; readonly attempts: number }
  | { readonly locked: true; readonly attempts: number; readonly retryAfterSeconds: number };

export interface LoginThrottle {
  /**
   * Counts a sign-in attempt before the password is checked, and says whether
   * it may go ahead. Counting first makes the limit exact under concurrency: a
   * burst of parallel guesses gets `maxFailures` password checks, no more.
   */
  admit(email: string, now: Date): Promise<ThrottleState>;
  /** Forgets the attempts (after a successful sign-in), so only failures accumulate. */
  clear(email: string): Promise<void>;
}

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

interface Window {
  readonly attempts: number;
  readonly expiresAt: number;
}

export function dynamoLoginThrottle(client: DynamoDBDocumentClient, tableName: string, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY): LoginThrottle {
  /** Adds one to a live window atomically (ADD), or starts a window if there is no item; undefined if an expired one is in the way. */
  const addToLiveWindow = async (email: string, now: number): Promise<Window | undefined> => {
    try {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [EMAIL]: email },
          UpdateExpression: "ADD #attempts :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)",
          ConditionExpression: "attribute_not_exists(#email) OR #expiresAt > :now",
          ExpressionAttributeNames: { "#email": EMAIL, "#expiresAt": EXPIRES_AT, "#attempts": "attempts" },
          ExpressionAttributeValues: { ":one": 1, ":expiresAt": now + policy.windowSeconds, ":now": now },
          ReturnValues: "ALL_NEW",
        }),
      );
      return { attempts: Number(Attributes?.attempts), expiresAt: Number(Attributes?.[EXPIRES_AT]) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  };

  /** Replaces an expired window with a fresh one, unless a concurrent request already did. */
  const restartExpiredWindow = async (email: string, now: number): Promise<Window | undefined> => {
    const fresh = { attempts: 1, expiresAt: now + policy.windowSeconds };
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { [EMAIL]: email, attempts: fresh.attempts, [EXPIRES_AT]: fresh.expiresAt },
          ConditionExpression: "#expiresAt <= :now",
          ExpressionAttributeNames: { "#expiresAt": EXPIRES_AT },
          ExpressionAttributeValues: { ":now": now },
        }),
      );
      return fresh;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  };

  return {
    async admit(email, now) {
      const nowSeconds = epochSeconds(now);
      // Each step is atomic; the loop only repeats when another request changed the item in between.
      for (let race = 0; race < 5; race += 1) {
        const window = (await addToLiveWindow(email, nowSeconds)) ?? (await restartExpiredWindow(email, nowSeconds));
        if (window === undefined) continue;
        if (window.attempts <= policy.maxFailures) return { locked: false, attempts: window.attempts };
        return { locked: true, attempts: window.attempts, retryAfterSeconds: Math.max(1, window.expiresAt - nowSeconds) };
      }
      throw new Error("could not count a sign-in attempt: the counter kept changing");
    },

    async clear(email) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { [EMAIL]: email } }));
    },
  };
}
