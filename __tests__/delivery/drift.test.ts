import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyDrift, renderDriftSummary } from "../../scripts/delivery/drift-classify";
import { DRIFT_ALLOWLIST, attributeMatches, isMinorUpgrade } from "../../scripts/delivery/drift-allowlist";
import { decideIssueAction, issueMarker } from "../../scripts/delivery/drift-issue";
import { parsePlanJson, type PlanJson } from "../../scripts/delivery/lib/plan-json";
import type { Issue } from "../../scripts/delivery/lib/github";

const FIXTURES = join(__dirname, "..", "fixtures", "delivery");
const fixture = (name: string): PlanJson => parsePlanJson(readFileSync(join(FIXTURES, name), "utf8"), name);
const plans = (scenario: string) => ({ plan: fixture(`${scenario}.plan.json`), refresh: fixture(`${scenario}.refresh.json`) });

const bot = { login: "github-actions[bot]", type: "Bot" };

describe("drift classification on recorded plans", () => {
  it("finds no drift when every resource is a no-op and nothing drifted", () => {
    const report = classifyDrift("dev", plans("no-drift"));
    expect(report).toEqual({ environment: "dev", status: "none", resources: [] });
    expect(renderDriftSummary(report)).toContain("✅ Drift in `dev`: no drift");
  });

  it("classifies scaling and SES verification as expected runtime drift, with the allow-list's reasons", () => {
    const report = classifyDrift("staging", plans("allowed-drift"));
    expect(report.status).toBe("allowed");
    expect(report.resources.map((r) => [r.address, r.source, r.attributes.map((a) => a.path)])).toEqual([
      ["aws_ecs_service.tasks-api_service_8F1A2B3C", "refresh", ["desired_count"]],
      ["aws_autoscaling_group.cluster_group_4D5E6F70", "refresh", ["desired_capacity"]],
      ["aws_sesv2_email_identity.email_identity_A0B40A9E", "refresh", ["dkim_signing_attributes[0].status", "verified_for_sending_status"]],
    ]);
    expect(report.resources.every((r) => r.allowed)).toBe(true);
    const summary = renderDriftSummary(report);
    expect(summary).toContain("⚠️ Drift in `staging`: expected runtime drift only");
    expect(summary).toContain("| `aws_ecs_service.tasks-api_service_8F1A2B3C` | refresh (changed in AWS) | `desired_count` | 1 → 3 | Application Auto Scaling");
  });

  it("reports real drift: unblocked public access, a hand-edited function, a deleted queue and an engine the plan would downgrade", () => {
    const report = classifyDrift("prod", plans("real-drift"));
    expect(report.status).toBe("drift");
    const real = report.resources.filter((r) => !r.allowed).map((r) => `${r.source}:${r.action}:${r.address}`);
    expect(real).toEqual([
      "refresh:update:aws_s3_bucket_public_access_block.site_bucket_public-access-block_1A2B3C4D",
      "refresh:update:aws_lambda_function.auth-function_BA423739",
      "refresh:delete:aws_sqs_queue.notifier-failures_queue_2C3D4E5F",
      "plan:update:aws_s3_bucket_public_access_block.site_bucket_public-access-block_1A2B3C4D",
      "plan:update:aws_lambda_function.auth-function_BA423739",
      "plan:update:aws_rds_cluster.database_cluster_5A6B7C8D",
      "plan:create:aws_sqs_queue.notifier-failures_queue_2C3D4E5F",
    ]);
    // The scaling change and the forward minor upgrade seen by the refresh stay allowed next to the real drift.
    const allowed = report.resources.filter((r) => r.allowed).map((r) => r.address);
    expect(allowed).toEqual(["aws_ecs_service.tasks-api_service_8F1A2B3C", "aws_rds_cluster.database_cluster_5A6B7C8D"]);
  });

  it("renders a readable summary: address, attribute, before → after, and never a sensitive value", () => {
    const summary = renderDriftSummary(classifyDrift("prod", plans("real-drift")), { runUrl: "https://example.test/run/1" });
    expect(summary).toContain("❌ Drift in `prod`: real drift");
    expect(summary).toContain("| `aws_s3_bucket_public_access_block.site_bucket_public-access-block_1A2B3C4D` | refresh (changed in AWS) | `block_public_policy` | true → false |");
    expect(summary).toContain("| `aws_lambda_function.auth-function_BA423739` | refresh (changed in AWS) | `memory_size` | 1024 → 2048 |");
    expect(summary).toContain("`environment[0].variables.DEBUG_TOKEN` | (sensitive) → (sensitive)");
    expect(summary).not.toContain("s3cr3t-value");
    expect(summary).toContain("| `aws_sqs_queue.notifier-failures_queue_2C3D4E5F` | refresh (changed in AWS) | (whole resource) | deleted outside Terraform |");
    expect(summary).toContain("| `aws_sqs_queue.notifier-failures_queue_2C3D4E5F` | plan (would create) | (whole resource) | would be created |");
    expect(summary).toMatch(/`engine_version` \| "16\.8" → "16\.6" \| Aurora cannot downgrade: set database\.engineVersion/);
    expect(summary).toContain("Run: https://example.test/run/1");
  });

  it("works from the refresh-only plan alone, and from the normal plan alone", () => {
    expect(classifyDrift("dev", { refresh: fixture("allowed-drift.refresh.json") }).status).toBe("allowed");
    expect(classifyDrift("dev", { plan: fixture("real-drift.plan.json") }).status).toBe("drift");
  });

  it("refuses a plan in text form or an unknown JSON format, naming the fix", () => {
    expect(() => parsePlanJson("Terraform will perform the following actions:", "plan.txt")).toThrow(/plan\.txt: not JSON.*terraform show -json/);
    expect(() => parsePlanJson('{"format_version":"2.0"}', "p.json")).toThrow(/format 2\.0 is not 1\.x/);
  });

  it("exits 2 from the command line on real drift and 0 on allowed drift, writing the summary and the result", async () => {
    const out = mkdtempSync(join(tmpdir(), "drift-cli-"));
    const run = (scenario: string) =>
      new Promise<number>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/delivery/drift-classify.ts", "--environment", "prod",
            "--plan", join(FIXTURES, `${scenario}.plan.json`), "--refresh", join(FIXTURES, `${scenario}.refresh.json`),
            "--summary", join(out, `${scenario}.md`), "--result", join(out, `${scenario}.json`)],
          { cwd: join(__dirname, "..", "..") },
          (error) => resolve(error ? Number(error.code) : 0),
        );
      });
    expect(await run("real-drift")).toBe(2);
    expect(await run("allowed-drift")).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "real-drift.json"), "utf8")).status).toBe("drift");
    expect(readFileSync(join(out, "allowed-drift.md"), "utf8")).toContain("expected runtime drift only");
  });
});

describe("drift allow-list", () => {
  it("accepts forward minor engine upgrades only", () => {
    expect(isMinorUpgrade("16.6", "16.8")).toBe(true);
    expect(isMinorUpgrade("16.6", "16.6.1")).toBe(true);
    expect(isMinorUpgrade("16.8", "16.6")).toBe(false);
    expect(isMinorUpgrade("15.10", "16.1")).toBe(false);
    expect(isMinorUpgrade("16.6", "16.6")).toBe(false);
    expect(isMinorUpgrade(16.6, "16.8")).toBe(false);
  });

  it("matches attribute paths with list wildcards", () => {
    expect(attributeMatches("dkim_signing_attributes[*].status", "dkim_signing_attributes[0].status")).toBe(true);
    expect(attributeMatches("dkim_signing_attributes[*].status", "dkim_signing_attributes[0].tokens[0]")).toBe(false);
    expect(attributeMatches("renewal_summary[*].*", "renewal_summary[0].renewal_status")).toBe(true);
    expect(attributeMatches("desired_count", "desired_count_x")).toBe(false);
  });

  it("gives every entry a reason and a known resource type", () => {
    for (const entry of DRIFT_ALLOWLIST) {
      expect(entry.reason.length, entry.attribute).toBeGreaterThan(10);
      expect(entry.resourceType).toMatch(/^aws_[a-z0-9_]+$/);
    }
  });
});

describe("drift issue", () => {
  const issue = (number: number, environment: string, user = bot, state: "open" | "closed" = "open"): Issue => ({
    number,
    title: `Drift in ${environment}`,
    body: `${issueMarker(environment)}\nold summary`,
    state,
    user,
  });

  it("opens an issue on real drift when none is open", () => {
    const action = decideIssueAction([], "prod", "drift", "### summary");
    expect(action).toMatchObject({ kind: "create", title: "Drift in prod: AWS differs from the deployed configuration" });
    expect(action.kind === "create" && action.body.startsWith(issueMarker("prod"))).toBe(true);
  });

  it("updates the environment's open issue instead of opening a second one", () => {
    expect(decideIssueAction([issue(7, "dev"), issue(9, "prod")], "prod", "drift", "### new")).toMatchObject({ kind: "update", issueNumber: 9 });
  });

  it("closes the issue once the environment is clean or only drifts as expected, and does nothing if none is open", () => {
    expect(decideIssueAction([issue(9, "prod")], "prod", "none", "")).toMatchObject({ kind: "close", issueNumber: 9 });
    expect(decideIssueAction([issue(9, "prod")], "prod", "allowed", "")).toMatchObject({ kind: "close", issueNumber: 9 });
    expect(decideIssueAction([], "prod", "allowed", "")).toEqual({ kind: "none" });
  });

  it("never takes over an issue a person wrote, even one quoting the marker", () => {
    const human = issue(3, "prod", { login: "octocat", type: "User" });
    expect(decideIssueAction([human], "prod", "drift", "s")).toMatchObject({ kind: "create" });
    expect(decideIssueAction([human], "prod", "none", "s")).toEqual({ kind: "none" });
  });
});
