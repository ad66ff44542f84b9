import type { ErrorBody, ErrorCode, FieldProblem, Task } from "../../../contracts/api";
import { KNOWN_ERROR_CODES } from "./contract-values";

/** Why a request failed: an API error code, or a failure before an API answer existed. */
export type FailureCode = ErrorCode | "network" | "unexpected_response";

/** A request the API (or the network) refused. `status` is 0 when no HTTP answer arrived. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: FailureCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** The token is missing, expired or no longer accepted; the app has already gone back to sign-in. */
export class SessionExpiredError extends ApiRequestError {
  constructor(status: number, message: string) {
    super(status, "unauthorized", message);
    this.name = "SessionExpiredError";
  }
}

/** 429: too many failed sign-ins; `retryAfterSeconds` comes from the `Retry-After` header when it was sent. */
export class ThrottledError extends ApiRequestError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(429, "too_many_requests", message);
    this.name = "ThrottledError";
  }
}

/** 409: for a task, `current` is the version on the server the change was refused against. */
export class ConflictError extends ApiRequestError {
  constructor(
    message: string,
    readonly current: Task | null,
  ) {
    super(409, "conflict", message);
    this.name = "ConflictError";
  }
}

/** 400 `validation_failed`, with one problem per bad field. */
export class ValidationError extends ApiRequestError {
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(400, "validation_failed", message, problems);
    this.name = "ValidationError";
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const isErrorCode = (value: unknown): value is ErrorCode => KNOWN_ERROR_CODES.some((code) => code === value);

/** Whether a response body is the API's `{ error: { code, message } }` (API Gateway's own refusals are not). */
export function isErrorBody(value: unknown): value is ErrorBody {
  return isRecord(value) && isRecord(value.error) && isErrorCode(value.error.code) && typeof value.error.message === "string";
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return isRecord(value) && typeof value.field === "string" && typeof value.message === "string";
}

/** Enough of a Task to trust it as the conflict's current version; the API sends the whole task. */
export function looksLikeTask(value: unknown): value is Task {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.title === "string" &&
    typeof value.content === "string" &&
    typeof value.status === "string" &&
    typeof value.position === "number" &&
    typeof value.version === "number" &&
    (value.pic === null || typeof value.pic === "string") &&
    (value.dueAt === null || typeof value.dueAt === "string")
  );
}

export function fieldProblemsOf(details: unknown): FieldProblem[] {
  return Array.isArray(details) ? details.filter(isFieldProblem) : [];
}

export function conflictCurrentOf(details: unknown): Task | null {
  return isRecord(details) && looksLikeTask(details.current) ? details.current : null;
}

/** `Retry-After` as seconds from now: either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: Date): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
