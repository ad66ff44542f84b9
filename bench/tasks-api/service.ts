import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
export { freePort } from "../../local/ports";

/** Runs a one-shot command of the bundle (`migrate`) with plain node, as the container does; throws on failure. */
export function runBundleCommand(bundle: string, command: string, env: Record<string, string>): void {
  const result = spawnSync(process.execPath, [bundle, command], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`node ${bundle} ${command} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

export interface BundleService {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM and wait for the graceful stop (the CPU profile is written on exit); SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export interface StartBundleOptions {
  readonly bundle: string;
  readonly env: Record<string, string>;
  readonly port: number;
  /** Its JSON log lines go here: a file, as the awslogs driver would take them off stdout. */
  readonly logFile: string;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
}

/** `node <bundle> serve`, as the container runs it; resolves once `/health` answers 200. */
export async function startBundleService(options: StartBundleOptions): Promise<BundleService> {
  const logFd = openSync(options.logFile, "a");
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeFlags ?? []), options.bundle, "serve"], {
    env: { PATH: process.env.PATH ?? "", ...options.env, PORT: String(options.port) },
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // The benchmark must never leave the service behind, even when it crashes.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 30_000;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`the tasks-api exited (${exitCode}) before answering /health:\n${readFileSync(options.logFile, "utf8").slice(-4_000)}`);
    }
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the tasks-api did not answer /health within 30 s:\n${readFileSync(options.logFile, "utf8").slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid ?? -1,
    async stop(timeoutMs = 25_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      process.removeListener("exit", killOnExit);
      return code;
    },
  };
}
