import { Agent, request as httpRequest } from "node:http";
import { listRequestAt, patchBody, syncSlot, type ListRequests, type LoadFigures, type PatchSlot } from "./load";
import { percentile } from "./percentile";

/** One request of a paced run. */
export interface PacedRequest {
  readonly method: "GET" | "PATCH";
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Called with the answer (status and body), e.g. to take a task's new version. */
  readonly onAnswer?: (status: number, body: string) => void;
}

export interface PacedOptions {
  readonly url: string;
  /** Upper bound of open keep-alive connections; a request due while all are busy waits for one, and that wait counts. */
  readonly connections: number;
  readonly durationSeconds: number;
  /** Seconds sent at the same rate before the measured ones, on the same connections; their answers are not counted. */
  readonly warmupSeconds: number;
  /** Requests per second, spread evenly: request i is due at start + i / rate. */
  readonly rate: number;
  /** The request to send as the i-th (0-based). */
  readonly nextRequest: (index: number) => PacedRequest;
}

/** Seconds before an unanswered request counts as an error (autocannon's default too). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * An open-loop load at a fixed rate: request i is due at start + i / rate
 * whether or not earlier ones were answered, and its latency runs from that
 * due time to the last byte of its answer, so time spent waiting for a free
 * connection or a busy service counts (no coordinated omission).
 *
 * Why not autocannon for this: its `overallRate` lets each connection send its
 * whole quota of a second at once and then pause until the next second, so it
 * measures bursts of 32 (at 500 requests/s: p50 12 ms, p99 121 ms on a service
 * that answers a lone request in 2 ms). A closed loop at full speed (autocannon
 * without a rate) measures a saturated service instead, whose latency is its
 * queue: connections / rate by Little's law.
 */
export function loadPaced(options: PacedOptions): Promise<LoadFigures> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const warmup = Math.floor(options.rate * options.warmupSeconds);
  const measuredCount = Math.floor(options.rate * options.durationSeconds);
  if (measuredCount < 1) throw new Error(`a paced run of ${options.durationSeconds} s at ${options.rate} requests/s sends no request`);
  const total = warmup + measuredCount;
  const latencies = new Float64Array(measuredCount);
  const statusCodes: Record<string, number> = {};
  let answered = 0;
  let errors = 0;
  let non2xx = 0;
  let okBytes = 0;
  let ok = 0;
  let dispatched = 0;
  let settled = 0;
  const start = performance.now();
  let measuredFrom = Number.NaN;

  return new Promise((resolve, reject) => {
    const finish = () => {
      const elapsedSeconds = (performance.now() - measuredFrom) / 1000;
      agent.destroy();
      const measured = latencies.subarray(0, answered).sort();
      resolve({
        requestsPerSecond: answered / elapsedSeconds,
        p50Ms: percentile(measured, 0.5),
        p99Ms: percentile(measured, 0.99),
        requests: answered,
        bytesPerResponse: okBytes / Math.max(ok, 1),
        non2xx,
        errors,
        statusCodes,
      });
    };
    const settle = () => {
      if (++settled === total) finish();
    };

    const send = (index: number, dueAt: number) => {
      const spec = options.nextRequest(index);
      const measured = index >= warmup;
      if (index === warmup) measuredFrom = dueAt;
      const headers = spec.body === undefined ? spec.headers : { ...spec.headers, "content-length": String(Buffer.byteLength(spec.body)) };
      const outgoing = httpRequest(
        { agent, host: target.hostname, port: target.port, method: spec.method, path: spec.path, headers, timeout: REQUEST_TIMEOUT_MS },
        (response) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          response.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            bytes += chunk.length;
          });
          response.on("end", () => {
            const latencyMs = performance.now() - dueAt;
            const status = response.statusCode ?? 0;
            spec.onAnswer?.(status, Buffer.concat(chunks).toString("utf8"));
            if (measured) {
              latencies[answered++] = latencyMs;
              statusCodes[status] = (statusCodes[status] ?? 0) + 1;
              if (status >= 200 && status < 300) {
                ok += 1;
                okBytes += bytes;
              } else non2xx += 1;
            }
            settle();
          });
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      outgoing.on("error", () => {
        if (measured) errors += 1;
        settle();
      });
      outgoing.end(spec.body);
    };

    // Dispatch everything due by now, then look again in a millisecond (Node's timer resolution).
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * options.rate) + 1);
      try {
        for (; dispatched < due; dispatched++) send(dispatched, start + (dispatched * 1000) / options.rate);
      } catch (error) {
        agent.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (dispatched < total) setTimeout(tick, 1);
    };
    tick();
  });
}

/** The list requests of {@link ListRequests} in the order `loadList` sends them. */
export function pacedList(requests: ListRequests): (index: number) => PacedRequest {
  return (index) => {
    const { path, authorization } = listRequestAt(requests, index);
    return { method: "GET", path, headers: { authorization } };
  };
}

/**
 * Status moves over a pool of tasks, each on the version its last answer
 * returned. A task waits while its own PATCH is in flight (another would carry
 * a stale version), so the pool must be larger than the requests in flight at
 * once; a run that finds every task busy stops with an error saying so. A
 * task whose PATCH got no answer at all stays out of the run: whether it
 * committed, and so its version, is unknown.
 */
export function pacedPatch(slots: readonly PatchSlot[]): (index: number) => PacedRequest {
  const busy = new Set<PatchSlot>();
  let cursor = 0;
  return () => {
    for (let tried = 0; tried < slots.length; tried++) {
      const slot = slots[cursor++ % slots.length]!;
      if (busy.has(slot)) continue;
      busy.add(slot);
      return {
        method: "PATCH",
        path: `/api/tasks/${slot.id}`,
        headers: { "content-type": "application/json", authorization: slot.bearer },
        body: patchBody(slot),
        onAnswer: (status, body) => {
          syncSlot(slot, status, body);
          busy.delete(slot);
        },
      };
    }
    throw new Error(`all ${slots.length} tasks of the paced PATCH run are in flight at once: give it more tasks or a lower rate`);
  };
}
