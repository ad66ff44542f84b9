import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assetsOf, renderResults, runSmokeTest } from "../../scripts/delivery/smoke-test";

const ACCOUNT = { email: "smoke@example.com", password: "correct horse battery staple" };
const TOKEN = "token-123";
const INDEX = '<!doctype html><html><head><link rel="stylesheet" href="/assets/index-D6.css"><script type="module" crossorigin src="/assets/index-B1.js"></script></head><body><div id="app"></div></body></html>';

interface Behaviour {
  readonly tasksStatus?: number;
  readonly missingAsset?: boolean;
  readonly noSecurityHeaders?: boolean;
}

/** CloudFront in front of the site bucket and API Gateway, as far as the smoke test can tell. */
function fakeEnvironment(behaviour: Behaviour = {}): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers: Record<string, string> = behaviour.noSecurityHeaders
      ? {}
      : { "content-security-policy": "default-src 'none'", "strict-transport-security": "max-age=63072000", "x-content-type-options": "nosniff" };
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { ...headers, "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
    if (url.pathname === "/") {
      res.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
      res.end(INDEX);
    } else if (url.pathname.startsWith("/assets/")) {
      if (behaviour.missingAsset && url.pathname.endsWith(".js")) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { ...headers, "cache-control": "public, max-age=31536000, immutable" });
      res.end("/* asset */");
    } else if (url.pathname === "/api/auth/login" && req.method === "POST") {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const { email, password } = JSON.parse(body) as typeof ACCOUNT;
        if (email === ACCOUNT.email && password === ACCOUNT.password) json(200, { token: TOKEN, expiresAt: "2099-01-01T00:00:00Z", user: { email } });
        else json(401, { error: { code: "invalid_credentials" } });
      });
    } else if (url.pathname === "/api/auth/me") {
      if (!authorized) json(401, { message: "Unauthorized" });
      else json(200, { email: ACCOUNT.email, name: "Smoke", role: "pic" });
    } else if (url.pathname === "/api/tasks") {
      if (!authorized) json(401, { message: "Unauthorized" });
      else if (behaviour.tasksStatus && behaviour.tasksStatus !== 200) json(behaviour.tasksStatus, { message: "Service Unavailable" });
      else json(200, { items: [], nextCursor: null });
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe("smoke test", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("passes against a healthy environment: page, assets, anonymous 401, sign-in, me, tasks", async () => {
    const env = await fakeEnvironment();
    server = env.server;
    const results = await runSmokeTest({ baseUrl: env.url, credentials: ACCOUNT, attempts: 1 });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ["sign-in page (GET /)", true],
      ["site assets", true],
      ["API refuses anonymous calls (GET /api/tasks)", true],
      ["sign in (POST /api/auth/login)", true],
      ["who am I (GET /api/auth/me)", true],
      ["authenticated API call (GET /api/tasks)", true],
    ]);
    expect(renderResults(env.url, results)).toContain(`### ✅ Smoke test of ${env.url}`);
  });

  it("fails when the service behind the gateway is down, after retrying", async () => {
    const env = await fakeEnvironment({ tasksStatus: 503 });
    server = env.server;
    const results = await runSmokeTest({ baseUrl: env.url, credentials: ACCOUNT, attempts: 2, retryDelayMs: 10 });
    const last = results.at(-1)!;
    expect(last).toMatchObject({ name: "authenticated API call (GET /api/tasks)", ok: false, attempts: 2 });
    expect(last.detail).toContain("status 503, expected 200");
  });

  it("fails on wrong credentials and skips the calls that need a token", async () => {
    const env = await fakeEnvironment();
    server = env.server;
    const results = await runSmokeTest({ baseUrl: env.url, credentials: { ...ACCOUNT, password: "wrong" }, attempts: 1 });
    expect(results.slice(-2).map((r) => [r.ok, r.detail])).toEqual([
      [false, "status 401, expected 200 (is the smoke-test account in the users table?)"],
      [false, "skipped: sign-in failed"],
    ]);
  });

  it("fails when an asset the page names is missing or the edge sends no security headers", async () => {
    const env = await fakeEnvironment({ missingAsset: true, noSecurityHeaders: true });
    server = env.server;
    const results = await runSmokeTest({ baseUrl: env.url, credentials: ACCOUNT, attempts: 1 });
    expect(results[0]).toMatchObject({ ok: false, detail: "security header content-security-policy missing" });
    expect(results[1]).toMatchObject({ ok: false, detail: "/assets/index-B1.js: status 404" });
  });

  it("finds the page's scripts and stylesheets", () => {
    expect(assetsOf(INDEX)).toEqual(["/assets/index-B1.js", "/assets/index-D6.css"]);
  });

  it("runs from the command line in dry-run mode against a local URL, exiting 0 or 1", async () => {
    const env = await fakeEnvironment();
    server = env.server;
    const run = (password: string) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/delivery/smoke-test.ts", "--url", env.url, "--dry-run", "--attempts", "1"],
          { cwd: join(__dirname, "..", ".."), env: { ...process.env, SMOKE_TEST_EMAIL: ACCOUNT.email, SMOKE_TEST_PASSWORD: password } },
          (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
        );
      });
    const ok = await run(ACCOUNT.password);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("[dry-run] aws secretsmanager get-secret-value");
    expect((await run("wrong")).code).toBe(1);
  });
});
