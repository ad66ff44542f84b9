/**
 * tasks-api entrypoint: `node main.mjs [serve|migrate|remind|healthcheck]`.
 *
 * serve (default)  HTTP service on PORT; SIGTERM/SIGINT stop it gracefully, exit 0
 * migrate          apply pending database migrations, exit 0
 * remind           write today's due-soon / overdue task events, exit 0 (daily scheduled ECS task)
 * healthcheck      exit 0 when GET /health on this container answers 200
 */
import { ConfigError } from "./config";
import { runHealthcheck, runMigrate, runRemind, runServe } from "./commands";
import { createJsonLogger } from "./log";

const log = createJsonLogger();

async function main(command: string): Promise<number> {
  switch (command) {
    case "migrate":
      await runMigrate(process.env, log);
      return 0;
    case "remind":
      await runRemind(process.env, log);
      return 0;
    case "healthcheck":
      return (await runHealthcheck(process.env)) ? 0 : 1;
    case "serve": {
      const service = await runServe(process.env, { log });
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        log.info("service.stopping", { signal });
        // Backstop: whatever hangs, the process ends before ECS escalates to SIGKILL.
        setTimeout(() => {
          log.error("service.stop_timed_out", {});
          process.exit(1);
        }, service.shutdownTimeoutMs + 5_000).unref();
        service.stop().then(
          () => {
            log.info("service.stopped", {});
            process.exit(0);
          },
          (error: unknown) => {
            log.error("service.stop_failed", { error });
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
      return -1;
    }
    default:
      process.stderr.write(`unknown command "${command}"; use serve, migrate, remind or healthcheck\n`);
      return 2;
  }
}

main(process.argv[2] ?? "serve").then(
  (code) => {
    // serve keeps running until a signal; the other commands end here.
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else log.error("tasks-api.failed", { error });
    process.exit(1);
  },
);
