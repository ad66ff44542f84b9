import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { serve } from "@hono/node-server";
import type { Database } from "./db/database";
import type { TasksApi } from "./http/app";
import type { Logger } from "./log";

export interface StartServiceOptions {
  readonly api: TasksApi;
  readonly db: Database;
  readonly log: Logger;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default "0.0.0.0" - the ALB reaches the task on its ENI address */
  readonly hostname?: string;
  /** Upper bound of {@link RunningService.stop}; ECS sends SIGKILL 30 s after SIGTERM by default. */
  readonly shutdownTimeoutMs: number;
  /** PEM key and certificate to serve HTTPS with. @default - plain HTTP */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export interface RunningService {
  readonly port: number;
  /** `http://127.0.0.1:<port>`, or `https://` when serving TLS. */
  readonly url: string;
  /** The bound `stop()` keeps to. */
  readonly shutdownTimeoutMs: number;
  /**
   * Graceful stop: `/health` turns 503, the listener closes (no new
   * connections), in-flight requests finish, the outbox is drained, the pool
   * closes. Connections still open at the deadline are cut, so this always
   * resolves within `shutdownTimeoutMs` (plus the pool close).
   */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Serves the app over HTTP/1.1 (inside TLS when `tls` is given) and starts the outbox relay's background drain. */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { api, db, log } = options;
  const server = await new Promise<Server>((resolve, reject) => {
    const listen = { fetch: api.app.fetch, port: options.port, hostname: options.hostname ?? "0.0.0.0" };
    // An https.Server is a tls.Server whose connections carry the same HTTP/1.1 server logic; `Server` covers what is used here.
    const created = options.tls
      ? serve({ ...listen, createServer: createHttpsServer, serverOptions: { key: options.tls.key, cert: options.tls.cert } }, () =>
          resolve(created as Server),
        )
      : serve(listen, () => resolve(created as Server));
    created.once("error", reject);
  });
  // Behind an ALB (idle timeout 60 s) the server must keep connections longer than the balancer does.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  api.relay.start();
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const deadline = Date.now() + options.shutdownTimeoutMs;
    api.beginShutdown();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() waits for every connection; idle keep-alive ones are closed as soon as their request is done.
    let done = false;
    void closed.then(() => {
      done = true;
    });
    while (!done && Date.now() < deadline) {
      server.closeIdleConnections();
      await Promise.race([closed, sleep(50)]);
    }
    if (!done) {
      log.warn("service.shutdown_cut_connections", { timeoutMs: options.shutdownTimeoutMs });
      server.closeAllConnections();
      await closed;
    }
    await api.relay.stop();
    const remaining = Math.max(deadline - Date.now(), 1_000);
    const delivered = await Promise.race([api.relay.drain(), sleep(remaining).then(() => -1)]);
    if (delivered < 0) log.warn("service.outbox_not_drained", { reason: "shutdown deadline; the next instance delivers the rest" });
    await db.close();
  };

  return {
    port,
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    stop: () => (stopping ??= stop()),
  };
}
