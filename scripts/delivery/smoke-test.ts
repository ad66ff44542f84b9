/**
 * Proves a deployed environment works end to end, through CloudFront, the
 * way a user reaches it: the sign-in page and its assets, the API refusing
 * an anonymous call, and an authenticated call with the smoke-test account.
 * Any failure exits 1, which stops promotion to the next environment.
 *
 *   node --import tsx scripts/delivery/smoke-test.ts --url https://board.example.com --secret-id taskboard-prod-smoke-test
 *   node --import tsx scripts/delivery/smoke-test.ts --url http://127.0.0.1:8080 --dry-run   # no AWS: credentials from
 *     SMOKE_TEST_EMAIL / SMOKE_TEST_PASSWORD
 *
 * The secret is JSON `{"email": "...", "password": "..."}` in Secrets Manager
 * (create it once per environment; the deploy role may read only this one).
 * The account should be a PIC with no tasks of its own: the test only reads.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { awsCli, type AwsCli } from "./lib/aws";

export interface SmokeCredentials {
  readonly email: string;
  readonly password: string;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly attempts: number;
  readonly millis: number;
}

export interface SmokeOptions {
  readonly baseUrl: string;
  readonly credentials: SmokeCredentials;
  /** Attempts per check: CloudFront and a fresh deployment can take a moment to settle. @default 5 */
  readonly attempts?: number;
  /** Wait between attempts. @default 3000 */
  readonly retryDelayMs?: number;
  /** Per-request timeout. @default 10000 */
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
}

class CheckFailed extends Error {}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** Script and stylesheet URLs `index.html` loads (root-relative, as Vite writes them). */
export function assetsOf(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(\/[^"]+)"/g)) {
    const url = match[1];
    if (url && !url.startsWith("//")) found.add(url);
  }
  return [...found].sort();
}

/** Runs every check in order; later checks that need a token are skipped (failed) when sign-in failed. */
export async function runSmokeTest(options: SmokeOptions): Promise<CheckResult[]> {
  const base = options.baseUrl.replace(/\/$/, "");
  const doFetch = options.fetchImpl ?? fetch;
  const attempts = options.attempts ?? 5;
  const delay = options.retryDelayMs ?? 3000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const results: CheckResult[] = [];
  const call = (path: string, init: RequestInit = {}) =>
    doFetch(`${base}${path}`, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });

  async function check(name: string, body: () => Promise<string>): Promise<boolean> {
    const started = Date.now();
    let lastError = "";
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const detail = await body();
        results.push({ name, ok: true, detail, attempts: attempt, millis: Date.now() - started });
        return true;
      } catch (error) {
        lastError = error instanceof CheckFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
        if (attempt < attempts) await new Promise((done) => setTimeout(done, delay));
      }
    }
    results.push({ name, ok: false, detail: lastError, attempts, millis: Date.now() - started });
    return false;
  }

  let html = "";
  await check("sign-in page (GET /)", async () => {
    const response = await call("/");
    html = await response.text();
    expect(response.status === 200, `status ${response.status}, expected 200`);
    expect((response.headers.get("content-type") ?? "").includes("text/html"), `content-type ${response.headers.get("content-type")}`);
    expect(/<script\b[^>]*type="module"/.test(html), "no module script in the page");
    for (const header of ["content-security-policy", "strict-transport-security", "x-content-type-options"]) {
      expect(response.headers.has(header), `security header ${header} missing`);
    }
    return `${html.length} bytes, security headers present`;
  });

  await check("site assets", async () => {
    const assets = assetsOf(html);
    expect(assets.length > 0, "index.html names no script or stylesheet");
    for (const asset of assets) {
      const response = await call(asset);
      await response.arrayBuffer();
      expect(response.status === 200, `${asset}: status ${response.status}`);
    }
    return `${assets.length} asset(s) served`;
  });

  await check("API refuses anonymous calls (GET /api/tasks)", async () => {
    const response = await call("/api/tasks");
    await response.arrayBuffer();
    expect(response.status === 401 || response.status === 403, `status ${response.status}, expected 401 (the authorizer runs first)`);
    return `status ${response.status}`;
  });

  let token = "";
  const signedIn = await check("sign in (POST /api/auth/login)", async () => {
    const response = await call("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: options.credentials.email, password: options.credentials.password }),
    });
    const body = (await response.json().catch(() => ({}))) as { token?: unknown };
    expect(response.status === 200, `status ${response.status}, expected 200 (is the smoke-test account in the users table?)`);
    expect(typeof body.token === "string" && body.token.length > 0, "no token in the answer");
    token = body.token as string;
    return "token received";
  });

  if (!signedIn) {
    results.push({ name: "authenticated API call (GET /api/tasks)", ok: false, detail: "skipped: sign-in failed", attempts: 0, millis: 0 });
    return results;
  }
  await check("who am I (GET /api/auth/me)", async () => {
    const response = await call("/api/auth/me", { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json().catch(() => ({}))) as { email?: unknown };
    expect(response.status === 200, `status ${response.status}, expected 200`);
    expect(body.email === options.credentials.email, "the token names another user");
    return "token accepted by the authorizer";
  });
  await check("authenticated API call (GET /api/tasks)", async () => {
    const response = await call("/api/tasks?limit=1", { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json().catch(() => ({}))) as { items?: unknown };
    expect(response.status === 200, `status ${response.status}, expected 200 (tasks-api behind the VPC link, Aurora)`);
    expect(Array.isArray(body.items), "no items list in the answer");
    return "tasks-api answered through the gateway";
  });
  return results;
}

export function renderResults(url: string, results: readonly CheckResult[]): string {
  const ok = results.every((result) => result.ok);
  return [
    `### ${ok ? "✅" : "❌"} Smoke test of ${url}`,
    "",
    "| check | result | attempts | time |",
    "| --- | --- | ---: | ---: |",
    ...results.map((r) => `| ${r.name} | ${r.ok ? "✅" : "❌"} ${r.detail.replace(/\|/g, "\\|")} | ${r.attempts} | ${(r.millis / 1000).toFixed(1)} s |`),
    "",
  ].join("\n");
}

export async function readCredentials(aws: AwsCli, secretId: string): Promise<SmokeCredentials> {
  const answer = await aws.json<{ SecretString?: string }>(["secretsmanager", "get-secret-value", "--secret-id", secretId]);
  const parsed = JSON.parse(answer?.SecretString ?? "{}") as Partial<SmokeCredentials>;
  if (typeof parsed.email !== "string" || typeof parsed.password !== "string") {
    throw new Error(`secret ${secretId} must be JSON {"email": "...", "password": "..."}`);
  }
  return { email: parsed.email, password: parsed.password };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      "secret-id": { type: "string" },
      attempts: { type: "string", default: "5" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  if (!values.url || (!values["dry-run"] && !values["secret-id"])) {
    console.error("usage: smoke-test.ts --url <site url> --secret-id <secret> | --url <url> --dry-run");
    return 2;
  }
  let credentials: SmokeCredentials;
  if (values["dry-run"]) {
    console.log(`[dry-run] aws secretsmanager get-secret-value --secret-id ${values["secret-id"] ?? "<taskboard-ENV-smoke-test>"} (skipped)`);
    const email = process.env.SMOKE_TEST_EMAIL;
    const password = process.env.SMOKE_TEST_PASSWORD;
    if (!email || !password) throw new Error("--dry-run takes the account from SMOKE_TEST_EMAIL and SMOKE_TEST_PASSWORD");
    credentials = { email, password };
  } else {
    credentials = await readCredentials(awsCli({ dryRun: false }), values["secret-id"] as string);
  }
  const results = await runSmokeTest({ baseUrl: values.url, credentials, attempts: Number(values.attempts) });
  process.stdout.write(renderResults(values.url, results));
  return results.every((result) => result.ok) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
