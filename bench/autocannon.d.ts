// autocannon 8 ships no types; this declares the slice of its programmatic API the benchmarks use.
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

  interface RequestParams {
    method?: Method;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  interface Request extends RequestParams {
    /** Called before every send of this request; returns the request to send (a falsy value restarts the sequence). */
    setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams | undefined;
    /** Called with every response to this request. */
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
  }

  /** One connection. */
  interface Client extends EventEmitter {
    setRequests(requests: Request[]): void;
  }

  interface Options extends RequestParams {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** Seconds before a request counts as timed out. @default 10 */
    timeout?: number;
    requests?: Request[];
    /** Called once per connection as it is created. */
    setupClient?: (client: Client) => void;
  }

  /** hdr-histogram-percentiles-obj. */
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
  }

  interface Result {
    /** Seconds. */
    duration: number;
    /** Milliseconds; 2xx responses only. */
    latency: Histogram;
    /** Per-second samples; `total` is every completed request. */
    requests: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  interface Instance extends EventEmitter {
    stop(): void;
  }

  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
  export type { Client, Options, Request, RequestParams, Result };
}
