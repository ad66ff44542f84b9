/**
 * The HTTP API's shapes, defined once as schemas: the handlers validate with
 * them, the site and the tests use the inferred types. Plain data and zod
 * only; nothing here may import infrastructure or runtime code.
 */
import { z } from "zod";

export const ROLES = ["supervisor", "pic"] as const;
export type Role = (typeof ROLES)[number];

/** Board columns, in display order. */
export const TASK_STATUSES = ["todo", "in_progress", "done"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const LIMITS = {
  titleLength: 200,
  contentLength: 10_000,
  nameLength: 100,
  /** scrypt cost is per call; a bound on input keeps a login from being a CPU bomb. */
  passwordMaxLength: 256,
  passwordMinLength: 10,
  pageSizeDefault: 50,
  pageSizeMax: 100,
  /** Request bodies above this get 413 before they are parsed. */
  bodyBytes: 64 * 1024,
} as const;

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an email address"))
  .refine((value) => value.length <= 254, "must be at most 254 characters");

/** An instant, as ISO-8601 with a timezone (`2026-11-21T09:00:00.000Z`); normalised to UTC. */
const instant = z.iso
  .datetime({ offset: true, message: "must be an ISO-8601 date-time with a timezone, e.g. 2026-11-21T09:00:00Z" })
  // ISO-8601 allows year 0000, which PostgreSQL refuses; a bound keeps such input a 400, not a database error.
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1970 && year <= 9999;
  }, "must be a date-time between the years 1970 and 9999")
  .transform((value) => new Date(value).toISOString());

export const roleSchema = z.enum(ROLES, `must be one of ${ROLES.join(", ")}`);
export const taskStatusSchema = z.enum(TASK_STATUSES, `must be one of ${TASK_STATUSES.join(", ")}`);

// ---- auth ---------------------------------------------------------------

export const loginRequestSchema = z.strictObject({
  email,
  password: z.string().min(1, "is required").max(LIMITS.passwordMaxLength, `must be at most ${LIMITS.passwordMaxLength} characters`),
});
export type LoginRequest = z.input<typeof loginRequestSchema>;

export interface UserProfile {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
}

export interface LoginResponse {
  readonly token: string;
  /** When the token stops being accepted (ISO-8601). */
  readonly expiresAt: string;
  readonly user: UserProfile;
}

export interface User extends UserProfile {
  readonly createdAt: string;
  readonly updatedAt: string;
}

const password = z
  .string()
  .min(LIMITS.passwordMinLength, `must be at least ${LIMITS.passwordMinLength} characters`)
  .max(LIMITS.passwordMaxLength, `must be at most ${LIMITS.passwordMaxLength} characters`);

const name = z.string().trim().min(1, "is required").max(LIMITS.nameLength, `must be at most ${LIMITS.nameLength} characters`);

export const createUserRequestSchema = z.strictObject({
  email,
  name,
  password,
  role: roleSchema.default("pic"),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

export const updateUserRequestSchema = z
  .strictObject({ name: name.optional(), password: password.optional(), role: roleSchema.optional() })
  .refine((body) => Object.keys(body).length > 0, "must change at least one of name, password, role");
export type UpdateUserRequest = z.input<typeof updateUserRequestSchema>;

// ---- tasks --------------------------------------------------------------

export interface Task {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly status: TaskStatus;
  /** The person in charge (a user's email), or null while unassigned. */
  readonly pic: string | null;
  readonly dueAt: string | null;
  /** Order within the column: cards sort ascending; a move sets a value between its new neighbours. */
  readonly position: number;
  /** Increases by one on every change; a PATCH must carry the version it saw. */
  readonly version: number;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const title = z.string().trim().min(1, "is required").max(LIMITS.titleLength, `must be at most ${LIMITS.titleLength} characters`);
const content = z.string().max(LIMITS.contentLength, `must be at most ${LIMITS.contentLength} characters`);
const position = z.number().finite("must be a finite number");

export const createTaskRequestSchema = z.strictObject({
  title,
  content: content.default(""),
  status: taskStatusSchema.default("todo"),
  pic: email.nullable().default(null),
  dueAt: instant.nullable().default(null),
  /** @default - after the last card of its column */
  position: position.optional(),
});
export type CreateTaskRequest = z.input<typeof createTaskRequestSchema>;
export type CreateTaskInput = z.output<typeof createTaskRequestSchema>;

/** The fields a PATCH may change; `version` is the optimistic-concurrency token. */
export const TASK_EDITABLE_FIELDS = ["title", "content", "status", "pic", "dueAt", "position"] as const;
export type TaskEditableField = (typeof TASK_EDITABLE_FIELDS)[number];

export const updateTaskRequestSchema = z
  .strictObject({
    version: z.number().int("must be a whole number").min(1, "must be at least 1"),
    title: title.optional(),
    content: content.optional(),
    status: taskStatusSchema.optional(),
    pic: email.nullable().optional(),
    dueAt: instant.nullable().optional(),
    position: position.optional(),
  })
  .refine((body) => TASK_EDITABLE_FIELDS.some((field) => body[field] !== undefined), {
    message: `must change at least one of ${TASK_EDITABLE_FIELDS.join(", ")}`,
  });
export type UpdateTaskRequest = z.input<typeof updateTaskRequestSchema>;
export type UpdateTaskInput = z.output<typeof updateTaskRequestSchema>;

/** Cursor pagination of every list route (`cursor`, `limit`); every value arrives as a string. */
export const pageQuerySchema = z.strictObject({
  cursor: z.string().max(512, "is not a cursor this API issued").optional(),
  limit: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(LIMITS.pageSizeMax, `must be at most ${LIMITS.pageSizeMax}`)
    .default(LIMITS.pageSizeDefault),
});

/** Query string of `GET /api/tasks`: the page, and the board's filters. */
export const listTasksQuerySchema = pageQuerySchema.extend({
  status: taskStatusSchema.optional(),
  pic: email.optional(),
  due_before: instant.optional(),
});
export type ListTasksQuery = z.input<typeof listTasksQuerySchema>;

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

// ---- errors -------------------------------------------------------------

export const ERROR_CODES = [
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
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every error body: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    /** For `validation_failed`: one entry per bad field. For `conflict`: `{ current: Task }`. */
    readonly details?: unknown;
  };
}

export interface FieldProblem {
  /** Dotted path of the field (`dueAt`, `items.0.title`). */
  readonly field: string;
  readonly message: string;
}

/** Turns a zod error into the API's per-field problems. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join(".") : issue.code === "unrecognized_keys" ? issue.keys.join(",") : "(body)",
    message: issue.code === "unrecognized_keys" ? "is not a known field" : issue.message,
  }));
}
