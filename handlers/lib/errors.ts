import type { ErrorBody, ErrorCode, FieldProblem } from "../../contracts/api";

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
};

/**
 * An error the API answers with on purpose. Anything else that is thrown is a
 * bug: it becomes a 500 with a generic message, and the details go to the log only.
 */
export class ApiError extends Error {
  readonly status: number;
  /** Extra response headers (`Retry-After`, `Allow`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = STATUS_BY_CODE[code];
    this.headers = headers;
  }

  get body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }

  static validation(problems: readonly FieldProblem[]): ApiError {
    const fields = [...new Set(problems.map((p) => p.field))].join(", ");
    return new ApiError("validation_failed", `invalid field(s): ${fields}`, problems);
  }

  static methodNotAllowed(allowed: readonly string[]): ApiError {
    return new ApiError("method_not_allowed", `use one of ${allowed.join(", ")}`, undefined, { Allow: allowed.join(", ") });
  }
}

/** The response for any thrown value: the ApiError's own, or a 500 that reveals nothing. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody; headers: Readonly<Record<string, string>> } {
  if (error instanceof ApiError) return { status: error.status, body: error.body, headers: error.headers };
  return { status: 500, body: { error: { code: "internal", message: "internal error" } }, headers: {} };
}
