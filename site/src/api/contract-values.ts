/**
 * Values the site needs from the shared contracts, mirrored here on purpose:
 * `contracts/api.ts` builds zod schemas at load time, so importing any value
 * from it would bundle zod (measured: +24 KB of gzipped JavaScript, half the
 * budget). Each mirror `satisfies` the contract's literal type, so a change on
 * either side that makes them differ is a compile error, not a silent drift.
 * Types are imported from the contracts directly.
 */
import type { ERROR_CODES, LIMITS, ROLES, TASK_STATUSES } from "../../../contracts/api";
import type { SYSTEM_ACTOR } from "../../../contracts/events";

/** Board columns, in display order. */
export const TASK_STATUS_ORDER = ["todo", "in_progress", "done"] as const satisfies typeof TASK_STATUSES;

export const ROLE_NAMES = ["supervisor", "pic"] as const satisfies typeof ROLES;

export const KNOWN_ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "too_many_requests",
  "internal",
] as const satisfies typeof ERROR_CODES;

/** The limits the forms enforce before the server does. */
export const FORM_LIMITS = {
  titleLength: 200,
  contentLength: 10_000,
  nameLength: 100,
  passwordMinLength: 10,
  passwordMaxLength: 256,
  pageSizeMax: 100,
} as const satisfies Pick<
  typeof LIMITS,
  "titleLength" | "contentLength" | "nameLength" | "passwordMinLength" | "passwordMaxLength" | "pageSizeMax"
>;

/** The actor of events the reminder job writes (`SYSTEM_ACTOR` in contracts/events.ts). */
export const REMINDER_ACTOR = "system:reminder" as const satisfies typeof SYSTEM_ACTOR;
