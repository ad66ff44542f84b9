import { createHash } from "node:crypto";
import { z } from "zod";
import { TASK_STATUSES } from "../../../contracts/api";
import { ApiError } from "../../lib/errors";

/**
 * Keyset pagination cursors for `GET /api/tasks`.
 *
 * Board order is `(status_rank, position, id)`: columns in TASK_STATUSES
 * order, cards by position, id breaking ties. A cursor holds the sort key of
 * the last card of a page; the next page is `WHERE (status_rank, position, id)
 * > cursor`, one index range scan however deep the page, and a card moved or
 * added meanwhile never causes a duplicate or shifts the rest of the pages.
 *
 * A cursor is base64url JSON, opaque to clients but not secret (it holds
 * nothing a caller cannot already read). It is bound to the filters it was
 * issued for: reused with other filters, altered, or not ours at all, it is a
 * 400 naming `cursor`, never a 500 or a silently wrong page.
 */
export interface BoardPosition {
  readonly statusRank: number;
  readonly position: number;
  readonly id: string;
}

export interface ListFilters {
  readonly status?: string | undefined;
  readonly pic?: string | undefined;
  readonly dueBefore?: string | undefined;
}

const CURSOR_VERSION = 1;

const cursorSchema = z.strictObject({
  v: z.literal(CURSOR_VERSION),
  r: z.number().int().min(0).max(TASK_STATUSES.length - 1),
  p: z.number().finite(),
  i: z.uuid(),
  f: z.string(),
});

function filterFingerprint(filters: ListFilters): string {
  const canonical = JSON.stringify([filters.status ?? null, filters.pic ?? null, filters.dueBefore ?? null]);
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}

export function encodeCursor(after: BoardPosition, filters: ListFilters): string {
  const payload: z.infer<typeof cursorSchema> = {
    v: CURSOR_VERSION,
    r: after.statusRank,
    p: after.position,
    i: after.id,
    f: filterFingerprint(filters),
  };
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

function invalidCursor(): ApiError {
  return ApiError.validation([{ field: "cursor", message: "is not a cursor this API issued for these filters; start again without it" }]);
}

/** @throws ApiError validation_failed (400, field `cursor`) for anything but an untouched cursor of the same filters */
export function decodeCursor(cursor: string, filters: ListFilters): BoardPosition {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success || parsed.data.f !== filterFingerprint(filters)) throw invalidCursor();
  return { statusRank: parsed.data.r, position: parsed.data.p, id: parsed.data.i.toLowerCase() };
}
