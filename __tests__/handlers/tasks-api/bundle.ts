import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { buildTasksApiBundle } from "../../../handlers/tasks-api/build";
export { freePort } from "../../../local/ports";

export interface LogLine {
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface Running {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  readonly stderr: () => string;
  waitFor(event: string, timeoutMs?: number): Promise<LogLine>;
  readonly exited: Promise<number | null>;
}

export interface TestBundle {
  /** The built `main.mjs`. */
  readonly file: string;
  /** Runs the bundle with plain `node`, as the container does, and collects its JSON log lines. */
  run(args: readonly string[], env: Record<string, string>): Running;
  /** Deletes the bundle's folder. */
  remove(): void;
}

/** Builds the tasks-api bundle into `.build/<name>-<pid>/main.mjs`, as the Dockerfile does. */
export async function buildTestBundle(name: string): Promise<TestBundle> {
  const outDir = resolve(".build", `${name}-${process.pid}`);
  const file = resolve(outDir, "main.mjs");
  await buildTasksApiBundle(file);
  return {
    file,
    run: (args, env) => runBundle(file, outDir, args, env),
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

function runBundle(file: string, cwd: string, args: readonly string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [file, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  let stderr = "";
  let buffered = "";
  const waiters: (() => void)[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
    waiters.forEach((wake) => wake());
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor: (event, timeoutMs = 60_000) =>
      new Promise<LogLine>((resolveLine, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${event}" log line; stdout: ${JSON.stringify(lines)}; stderr: ${stderr}`)), timeoutMs);
        const check = () => {
          const found = lines.find((line) => line.event === event);
          if (found) {
            clearTimeout(timer);
            resolveLine(found);
          }
        };
        waiters.push(check);
        void exited.then(() => setTimeout(check, 10));
        check();
      }),
  };
}
