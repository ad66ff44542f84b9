import autocannon, { type Client, type Options, type Result } from "autocannon";
import { z } from "zod";
import { LIMITS, TASK_STATUSES, taskStatusSchema, type TaskStatus } from "../../contracts/api";

/** What one autocannon run measured. */
export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Mean response size (headers and body), 2xx responses. */
  readonly bytesPerResponse: number;
  readonly non2xx: number;
  /** Connection errors and timeouts (no HTTP answer at all). */
  readonly errors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

function figuresOf(result: Result): LoadFigures {
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    bytesPerResponse: result.throughput.total / Math.max(result.requests.total - result.non2xx, 1),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)])),
  };
}

function run(options: Options): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(figuresOf(result))));
  });
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
}

const pageSchema = z.object({ items: z.array(z.object({ id: z.string() })), nextCursor: z.string().nullable() });

/**
 * Every full page (50 cards) of the board as a client would walk it: the
 * whole board, then each column (`status` filter), following `nextCursor`.
 * About 200 distinct requests for 5,000 tasks, each a different index range
 * and a different response body.
 */
export async function collectListPaths(url: string, bearer: string): Promise<string[]> {
  const paths: string[] = [];
  for (const status of [undefined, ...TASK_STATUSES]) {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(LIMITS.pageSizeDefault) });
      if (status) query.set("status", status);
      if (cursor) query.set("cursor", cursor);
      const path = `/api/tasks?${query}`;
      const response = await fetch(`${url}${path}`, { headers: { authorization: bearer } });
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
      const page = pageSchema.parse(await response.json());
      if (page.items.length === LIMITS.pageSizeDefault) paths.push(path);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return paths;
}

/** The list requests to rotate through: each full page of the board, and a token of each user. */
export interface ListRequests {
  readonly paths: readonly string[];
  readonly bearers: readonly string[];
}

/** Request n of a list run: page n and the token of user n, each modulo their count. */
export function listRequestAt(requests: ListRequests, n: number): { readonly path: string; readonly authorization: string } {
  return { path: requests.paths[n % requests.paths.length]!, authorization: requests.bearers[n % requests.bearers.length]! };
}

/**
 * `GET /api/tasks?limit=50` at full speed. Request n takes page n mod the
 * number of pages and token n mod the number of users, so consecutive
 * requests read different rows and verify different tokens.
 */
export function loadList(options: LoadOptions & ListRequests): Promise<LoadFigures> {
  let sent = 0;
  return run({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const { path, authorization } = listRequestAt(options, sent++);
          return { ...request, path, headers: { ...request.headers, authorization } };
        },
      },
    ],
  });
}

/** One task a connection moves: its own, so no two connections ever race on a version. */
export interface PatchSlot {
  readonly id: string;
  /** `Bearer <token>` of the task's PIC: a PIC moving their own card, the board's most common write. */
  readonly bearer: string;
  version: number;
  status: TaskStatus;
}

const taskStateSchema = z.object({ version: z.number().int(), status: taskStatusSchema });
const conflictSchema = z.object({ error: z.object({ details: z.object({ current: taskStateSchema }) }) });

function nextStatus(status: TaskStatus): TaskStatus {
  return TASK_STATUSES[(TASK_STATUSES.indexOf(status) + 1) % TASK_STATUSES.length]!;
}

/** The next move of the slot's task: from the version the last answer returned to the next status. */
export function patchBody(slot: PatchSlot): string {
  return JSON.stringify({ version: slot.version, status: nextStatus(slot.status) });
}

/** Takes the task's version and status from a 200, or from the current task a 409 carries. */
export function syncSlot(slot: PatchSlot, status: number, body: string): void {
  const state = status === 200 ? taskStateSchema.safeParse(JSON.parse(body)) : undefined;
  const current = status === 409 ? conflictSchema.safeParse(JSON.parse(body)) : undefined;
  const latest = state?.success ? state.data : current?.success ? current.data.error.details.current : undefined;
  if (latest) {
    slot.version = latest.version;
    slot.status = latest.status;
  }
}

/**
 * `PATCH /api/tasks/{id}` with `{ version, status }` at full speed.
 *
 * How every PATCH stays a real 200: connection i owns slot i (assigned in
 * `setupClient`, one task per connection), and a connection sends its next
 * request only after the previous response arrived (no pipelining). So the
 * version a request carries is the one the previous response returned, read
 * in `onResponse`, and nobody else writes that task. A 409 (only possible if
 * a response was lost, e.g. a timeout) re-syncs from `details.current` and is
 * counted in non-2xx; a 200 always carries a status change, so it writes a
 * new version and an outbox event, never the no-op path.
 */
export function loadPatch(options: LoadOptions & { readonly slots: readonly PatchSlot[] }): Promise<LoadFigures> {
  if (options.slots.length < options.connections) {
    throw new Error(`${options.connections} connections need ${options.connections} tasks, one each; got ${options.slots.length}`);
  }
  let assigned = 0;
  return run({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    setupClient: (client: Client) => {
      const slot = options.slots[assigned++]!;
      client.setRequests([
        {
          method: "PATCH",
          path: `/api/tasks/${slot.id}`,
          headers: { "content-type": "application/json", authorization: slot.bearer },
          setupRequest: (request) => ({ ...request, body: patchBody(slot) }),
          onResponse: (status, body) => syncSlot(slot, status, body),
        },
      ]);
    },
  });
}
