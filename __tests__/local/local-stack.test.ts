import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoginResponse, Page, Task } from "../../contracts/api";
import { contentSecurityPolicy } from "../../contracts/site-headers";
import { startLocalStack, type LocalStack } from "../../local/start";
import { DEMO_ACCOUNTS } from "../../local/seed";
import { freePort } from "../../local/ports";

const [supervisor, minji] = DEMO_ACCOUNTS as [(typeof DEMO_ACCOUNTS)[number], (typeof DEMO_ACCOUNTS)[number]];

/** A stand-in for `dist/site`: the gateway serves whatever the build wrote. */
function fakeSite(): string {
  const dir = mkdtempSync(join(tmpdir(), "site-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>Task board</title>");
  writeFileSync(join(dir, "assets", "app-abc123.js"), "console.log('board')");
  return dir;
}

describe("the local stack (npm start)", () => {
  let stack: LocalStack;
  let dataDir: string;

  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, headers: response.headers, body: (await response.text()) || "null" };
  };
  const signIn = async (account: { email: string; password: string }) => {
    const response = await api("POST", "/api/auth/login", undefined, { email: account.email, password: account.password });
    expect(response.status).toBe(200);
    return (JSON.parse(response.body) as LoginResponse).token;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "local-stack-"));
    stack = await startLocalStack({ port: await freePort(), dataDir, siteDir: fakeSite(), log: () => undefined });
  }, 120_000);
  afterAll(() => stack?.stop());

  it("seeds the demo accounts and sample tasks, which the supervisor sees through the API", async () => {
    const token = await signIn(supervisor);
    const tasks = JSON.parse((await api("GET", "/api/tasks?limit=50", token)).body) as Page<Task>;
    expect(tasks.items.length).toBeGreaterThanOrEqual(5);
    expect(DEMO_ACCOUNTS.map((a) => a.role)).toEqual(["supervisor", "pic", "pic"]);
  });

  it("answers like API Gateway: 401 without a token, 403 for a bad one, 404 for an unknown route", async () => {
    expect((await api("GET", "/api/tasks")).status).toBe(401);
    expect((await api("GET", "/api/tasks", "not-a-token")).status).toBe(403);
    expect((await api("GET", "/api/nothing-here", await signIn(supervisor))).status).toBe(404);
  });

  it("refuses a PIC who claims to be a supervisor in a header: the service trusts only its token", async () => {
    const token = await signIn(minji);
    const response = await fetch(`${stack.url}/api/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-taskboard-role": "supervisor" },
      body: JSON.stringify({ title: "smuggled" }),
    });
    expect(response.status).toBe(403);
  });

  it("mails the PIC when a supervisor assigns a task, through the pipe, the notifier and SES", async () => {
    const token = await signIn(supervisor);
    const before = stack.outbox.emails().length;
    const created = await api("POST", "/api/tasks", token, { title: "Check the local pipe", pic: minji.email });
    expect(created.status).toBe(201);
    await expect.poll(() => stack.flushEvents().then(() => stack.outbox.emails().length), { timeout: 20_000 }).toBeGreaterThan(before);
    const email = stack.outbox.emails().find((e) => JSON.stringify(e).includes("Check the local pipe"));
    expect(JSON.stringify(email)).toContain(minji.email);
  });

  it("serves the site with the production security headers, caching and deep links", async () => {
    const index = await fetch(`${stack.url}/`);
    expect(index.headers.get("content-security-policy")).toBe(contentSecurityPolicy());
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("strict-transport-security")).toMatch(/^max-age=63072000/);
    const asset = await fetch(`${stack.url}/assets/app-abc123.js`);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const deepLink = await fetch(`${stack.url}/tasks/42`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain("<title>Task board</title>");
    expect((await fetch(`${stack.url}/assets/missing.js`)).status).toBe(404);
  });


});

describe("npm start as a command", () => {
  const startCli = async (port: number, dataDir: string) => {
    const child = spawn(process.execPath, ["--import", "tsx", "local/start.ts", "--port", String(port), "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 90_000, interval: 200 }).toContain("Task board running at");
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { output: () => output, stop: () => (child.kill("SIGINT"), exited) };
  };

  it("prints the demo accounts, keeps data across a restart, and stops cleanly on Ctrl-C", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "local-cli-"));
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const first = await startCli(port, dataDir);
    expect(first.output()).toContain(`supervisor supervisor@taskboard.local  password: ${supervisor.password}`);
    const login = (await (
      await fetch(`${url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: supervisor.email, password: supervisor.password }),
      })
    ).json()) as LoginResponse;
    const created = await fetch(`${url}/api/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${login.token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Survives a restart" }),
    });
    expect(created.status).toBe(201);
    expect(await first.stop()).toBe(0);

    const second = await startCli(port, dataDir);
    try {
      // The token also survives: the signing key is kept in the data folder.
      const tasks = (await (await fetch(`${url}/api/tasks?limit=100`, { headers: { authorization: `Bearer ${login.token}` } })).json()) as Page<Task>;
      expect(tasks.items.map((t) => t.title)).toContain("Survives a restart");
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 200_000);
});
