import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  COMMENT_MARKER,
  MAX_COMMENT_CHARS,
  decideCommentAction,
  readPlansDir,
  renderPlanComment,
  truncateLines,
  upsertPlanComment,
  type EnvironmentPlan,
} from "../../scripts/delivery/pr-comment";
import { restClient, type IssueComment } from "../../scripts/delivery/lib/github";
import type { PlanJson, ResourceChange } from "../../scripts/delivery/lib/plan-json";

const FIXTURES = join(__dirname, "..", "fixtures", "delivery");
const bot = { login: "github-actions[bot]", type: "Bot" };

function change(address: string, actions: ResourceChange["change"]["actions"]): ResourceChange {
  const type = address.split(".")[0] as string;
  return { address, mode: "managed", type, name: "x", change: { actions, before: actions.includes("create") ? null : {}, after: {} } };
}

function planWith(changes: ResourceChange[]): PlanJson {
  return { format_version: "1.2", resource_changes: changes };
}

/** A plan as long as a first apply of an environment: hundreds of resources, thousands of lines. */
function hugePlan(resources: number): EnvironmentPlan {
  const changes = Array.from({ length: resources }, (_, i) => change(`aws_cloudwatch_metric_alarm.alarm_${i}`, ["create"]));
  const planText = changes.map((c) => `  # ${c.address} will be created\n  + resource "aws_cloudwatch_metric_alarm" "x" {\n      + alarm_name = "taskboard-dev-${"x".repeat(40)}"\n    }`).join("\n");
  return { environment: "dev", exitCode: 0, plan: planWith(changes), planText };
}

describe("plan comment rendering", () => {
  it("starts with the hidden marker and shows every environment in promotion order with its counts", () => {
    const entries: EnvironmentPlan[] = [
      { environment: "prod", exitCode: 0, plan: planWith([change("aws_lambda_function.auth", ["update"])]), planText: "~ update" },
      { environment: "dev", exitCode: 0, plan: planWith([change("aws_sqs_queue.a", ["create"]), change("aws_sqs_queue.b", ["no-op"])]), planText: "+ create" },
      { environment: "staging", exitCode: 0, plan: planWith([]), planText: "No changes." },
    ];
    const body = renderPlanComment(entries, { sha: "0123456789abcdef0123", runUrl: "https://example.test/runs/1" });
    expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
    expect(body).toContain("Commit `0123456789ab`");
    const order = ["`dev`", "`staging`", "`prod`"].map((name) => body.indexOf(name));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(body).toContain("### 📝 `dev`: 1 to add, 0 to change, 0 to destroy");
    expect(body).toContain("### ✅ `staging`: no changes");
    expect(body).toContain("### 📝 `prod`: 0 to add, 1 to change, 0 to destroy");
    expect(body).toContain("+ create  aws_sqs_queue.a");
    expect(body).not.toContain("aws_sqs_queue.b");
  });

  it("warns about destroyed and replaced resources above the fold", () => {
    const body = renderPlanComment([
      { environment: "prod", exitCode: 0, plan: planWith([change("aws_rds_cluster.db", ["delete", "create"]), change("aws_s3_bucket.logs", ["delete"])]) },
    ]);
    expect(body).toContain("### ⚠️ `prod`: 1 to add, 0 to change, 2 to destroy");
    expect(body).toContain("> [!WARNING]\n> 2 resource(s) will be destroyed or replaced: `aws_rds_cluster.db`, `aws_s3_bucket.logs`");
  });

  it("shows a failed plan with its error output, open", () => {
    const body = renderPlanComment([{ environment: "staging", exitCode: 1, log: "Error: AccessDenied: not authorized to perform: iam:GetRole" }]);
    expect(body).toContain("### ❌ `staging`: plan failed");
    expect(body).toContain("<details open><summary>terraform plan output</summary>");
    expect(body).toContain("iam:GetRole");
  });

  it("keeps a comment of three huge plans under GitHub's limit, cutting each plan at a line and saying where the rest is", () => {
    const entries = ["dev", "staging", "prod"].map((environment) => ({ ...hugePlan(600), environment }));
    const body = renderPlanComment(entries, { runUrl: "https://example.test/runs/9" });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.match(/more line\(s\) not shown; the full plan is in the job summary: https:\/\/example\.test\/runs\/9/g)).toHaveLength(3);
    expect(body).toContain("… and 560 more");
    // Every section is closed, so the markdown after a cut still renders.
    expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length);
    expect(body.match(/```/g)!.length % 2).toBe(0);
  });

  it("truncates at line boundaries only", () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i} ${"x".repeat(14)}`);
    const text = lines.join("\n");
    expect(truncateLines(text, 1000, "x")).toBe(text);
    const cut = truncateLines(text, 120, "see run");
    expect(cut.length).toBeLessThanOrEqual(120);
    const kept = cut.split("\n").slice(0, -1);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(lines.slice(0, kept.length));
    expect(cut).toMatch(new RegExp(`… ${10 - kept.length} more line\\(s\\) not shown; see run$`));
  });

  it("reads the plan job's folders: exit code, plan JSON and text, log", () => {
    const dir = mkdtempSync(join(tmpdir(), "plans-"));
    mkdirSync(join(dir, "dev"));
    writeFileSync(join(dir, "dev", "exit-code"), "0\n");
    writeFileSync(join(dir, "dev", "plan.json"), readFileSync(join(FIXTURES, "real-drift.plan.json")));
    writeFileSync(join(dir, "dev", "plan.txt"), "Plan: 1 to add");
    mkdirSync(join(dir, "prod"));
    writeFileSync(join(dir, "prod", "exit-code"), "1\n");
    writeFileSync(join(dir, "prod", "plan.log"), "Error: boom");
    const entries = readPlansDir(dir).sort((a, b) => a.environment.localeCompare(b.environment));
    expect(entries.map((e) => [e.environment, e.exitCode, e.plan !== undefined, e.log ?? null])).toEqual([
      ["dev", 0, true, null],
      ["prod", 1, false, "Error: boom"],
    ]);
    expect(renderPlanComment(entries)).toContain("### 📝 `dev`: 1 to add, 3 to change, 0 to destroy");
  });
});

describe("update, never duplicate", () => {
  const comment = (id: number, body: string, user = bot): IssueComment => ({ id, body, user });

  it("creates a comment when the pull request has none of ours", () => {
    expect(decideCommentAction([comment(1, "LGTM", { login: "octocat", type: "User" })])).toEqual({ kind: "create" });
  });

  it("updates our marked comment", () => {
    expect(decideCommentAction([comment(4, "hi"), comment(5, `${COMMENT_MARKER}\nold`)])).toEqual({ kind: "update", commentId: 5, duplicateIds: [] });
  });

  it("never edits a person's comment that quotes the marker", () => {
    expect(decideCommentAction([comment(5, `${COMMENT_MARKER} quoted`, { login: "octocat", type: "User" })])).toEqual({ kind: "create" });
  });

  it("keeps the oldest of our marked comments and removes duplicates a race left behind", () => {
    expect(decideCommentAction([comment(9, `${COMMENT_MARKER}\nb`), comment(7, `${COMMENT_MARKER}\na`)])).toEqual({
      kind: "update",
      commentId: 7,
      duplicateIds: [9],
    });
  });
});

describe("against a GitHub-like API", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** Issue comments of PR 12, paged two per page like GitHub's Link header. */
  function fakeGithub(): Promise<{ url: string; comments: IssueComment[]; requests: string[] }> {
    const comments: IssueComment[] = [
      { id: 1, body: "first review", user: { login: "octocat", type: "User" } },
      { id: 2, body: "second review", user: { login: "hubot", type: "User" } },
      { id: 3, body: "third", user: { login: "octocat", type: "User" } },
    ];
    const requests: string[] = [];
    let nextId = 100;
    const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (chunk: Buffer) => (data += chunk.toString()));
      req.on("end", () => resolve(data));
    });
    server = createServer(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (req.headers.authorization !== "Bearer test-token") {
        res.writeHead(401).end();
        return;
      }
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && url.pathname === "/repos/o/r/issues/12/comments") {
        const page = Number(url.searchParams.get("page") ?? "1");
        const slice = comments.slice((page - 1) * 2, page * 2);
        const more = page * 2 < comments.length;
        json(200, slice, more ? { link: `<http://localhost:${(server!.address() as AddressInfo).port}/repos/o/r/issues/12/comments?per_page=2&page=${page + 1}>; rel="next"` } : {});
      } else if (req.method === "POST" && url.pathname === "/repos/o/r/issues/12/comments") {
        const { body } = JSON.parse(await read(req)) as { body: string };
        const created = { id: nextId++, body, user: bot };
        comments.push(created);
        json(201, created);
      } else if (req.method === "PATCH" && url.pathname.startsWith("/repos/o/r/issues/comments/")) {
        const id = Number(url.pathname.split("/").pop());
        const { body } = JSON.parse(await read(req)) as { body: string };
        const index = comments.findIndex((c) => c.id === id);
        comments[index] = { ...comments[index]!, body };
        json(200, comments[index]);
      } else {
        json(404, { message: "Not Found" });
      }
    });
    return new Promise((resolve) =>
      server!.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, comments, requests })),
    );
  }

  it("creates the comment on the first push and updates the same one on the next, across pages", async () => {
    const github = await fakeGithub();
    const client = restClient({ repository: "o/r", token: "test-token", apiUrl: github.url });
    const first = renderPlanComment([{ environment: "dev", exitCode: 0, plan: planWith([change("aws_sqs_queue.a", ["create"])]) }]);
    expect(await upsertPlanComment(client, 12, first)).toEqual({ kind: "create" });
    const second = renderPlanComment([{ environment: "dev", exitCode: 0, plan: planWith([]) }]);
    expect(await upsertPlanComment(client, 12, second)).toEqual({ kind: "update", commentId: 100, duplicateIds: [] });
    const ours = github.comments.filter((c) => c.body.startsWith(COMMENT_MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("no changes");
    expect(github.requests.filter((r) => r.startsWith("GET")).length).toBeGreaterThanOrEqual(4);
  });
});
