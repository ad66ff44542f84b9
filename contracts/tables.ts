/**
 * Key schemas of the system's DynamoDB tables, defined once.
 *
 * Imported by the infrastructure (which creates the tables from these
 * descriptors) and by runtime code (which reads attribute names from them
 * instead of repeating string literals). Plain data and types only: this file
 * must import nothing, so a Lambda bundle that uses it stays free of cdktf.
 */

/** DynamoDB scalar types a key attribute may have: string, number, binary. */
export type KeyAttributeType = "S" | "N" | "B";

/** What a table's stream records carry for each change. */
export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** One table's contract: the part both the infrastructure and the runtime depend on. */
export interface TableDescriptor {
  /** Logical name; the physical name is `<app>-<environment>-<purpose>`. */
  readonly purpose: string;
  readonly description?: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** A Number attribute holding an epoch-seconds expiry; DynamoDB deletes the item after it. */
  readonly ttlAttribute?: string;
  readonly stream?: StreamViewType;
}

/**
 * Accounts, one item per user, looked up by sign-in email.
 *
 * Passwords are never part of a key and never stored in clear: the runtime
 * stores a scrypt hash (with its salt and parameters) in a non-key attribute.
 */
export const USERS_TABLE = {
  purpose: "users",
  description: "Board users, keyed by sign-in email",
  partitionKey: { name: "email", type: "S" },
} as const satisfies TableDescriptor;

/**
 * The log of task changes: one item per event, a task's history read with a
 * Query on `taskId` in `at` order. The stream feeds consumers of new events.
 *
 * `at` is an ISO-8601 UTC timestamp with milliseconds, `#`, then the event's
 * unique id, e.g. `2026-11-21T10:00:00.000Z#01JD3K7Q8X`: sorting as strings
 * sorts by time, and two events in the same millisecond still get distinct
 * keys. Build it with {@link taskEventAt}.
 */
export const TASK_EVENTS_TABLE = {
  purpose: "task-events",
  description: "Task change log, keyed by task and event time",
  partitionKey: { name: "taskId", type: "S" },
  sortKey: { name: "at", type: "S" },
  stream: "NEW_IMAGE",
} as const satisfies TableDescriptor;

/** Separates the timestamp from the event id in a task event's `at`. */
/**
 * Failed sign-ins per email, for throttling. Items expire by themselves
 * (DynamoDB TTL on `expiresAt`, epoch seconds), so a throttle never needs clearing.
 * Keyed by the normalised email whether or not such a user exists, so the
 * throttle answers the same for known and unknown accounts.
 */
export const LOGIN_ATTEMPTS_TABLE = {
  purpose: "login-attempts",
  description: "Failed sign-in counters per email, expiring by TTL",
  partitionKey: { name: "email", type: "S" },
  ttlAttribute: "expiresAt",
} as const satisfies TableDescriptor;

/**
 * Emails already sent, keyed by `<eventId>#<recipient>`: the notifier writes
 * one item per email with a conditional put before sending, so a redelivered
 * event sends nothing twice. Expires after the event bus's retry window.
 */
export const NOTIFICATIONS_SENT_TABLE = {
  purpose: "notifications-sent",
  description: "Idempotency records of emails sent per event and recipient",
  partitionKey: { name: "notificationId", type: "S" },
  ttlAttribute: "expiresAt",
} as const satisfies TableDescriptor;

/** Every table of the system, for code that creates them all (local stack, tests). */
export const ALL_TABLES = [USERS_TABLE, TASK_EVENTS_TABLE, LOGIN_ATTEMPTS_TABLE, NOTIFICATIONS_SENT_TABLE] as const;

export const TASK_EVENT_AT_SEPARATOR = "#";

/** The sort key of a task event: `<ISO-8601 UTC timestamp>#<eventId>`. */
export type TaskEventAt = `${string}${typeof TASK_EVENT_AT_SEPARATOR}${string}`;

/** Builds a task event's sort key; `eventId` must be unique per event and free of `#`. */
export function taskEventAt(time: Date, eventId: string): TaskEventAt {
  if (eventId.length === 0 || eventId.includes(TASK_EVENT_AT_SEPARATOR)) {
    throw new Error(`task event id "${eventId}" must be non-empty and must not contain "${TASK_EVENT_AT_SEPARATOR}"`);
  }
  return `${time.toISOString()}${TASK_EVENT_AT_SEPARATOR}${eventId}`;
}

/** The TypeScript value of a key attribute of each DynamoDB type. */
type KeyValue<T extends KeyAttributeType> = T extends "S" ? string : T extends "N" ? number : Uint8Array;

type KeyAttributesOf<D extends TableDescriptor> = D["partitionKey"] | (D extends { readonly sortKey: infer S } ? S : never);

/** The key object of a table (what GetItem/DeleteItem take), derived from its descriptor. */
export type KeyOf<D extends TableDescriptor> = {
  readonly [A in KeyAttributesOf<D> as A extends KeyAttribute ? A["name"] : never]: A extends KeyAttribute
    ? KeyValue<A["type"]>
    : never;
};

/** `{ email: string }` */
export type UsersKey = KeyOf<typeof USERS_TABLE>;
/** `{ taskId: string; at: string }` */
export type TaskEventsKey = KeyOf<typeof TASK_EVENTS_TABLE>;
