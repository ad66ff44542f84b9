import { describe, expect, it } from "vitest";
import { Testing } from "cdktf";
import { loadEnvironments, type EnvironmentConfig } from "../../config";
import { describeProblems, evaluateGuardrails, type Guardrails } from "../../modules/guardrails";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import type { PlatformStack } from "../../stacks/platform-stack";
import { complianceTable } from "../../scripts/lib/check-compliance";

const environments = loadEnvironments({});

interface Built {
  readonly stack: PlatformStack;
  readonly guardrails: Guardrails;
  readonly json: unknown;
}
const built = new Map<string, Built>();

/** Each stack built once per file, with the pack its PlatformStack attaches (as `npm run synth` runs it). */
function buildStack(name: string, create: () => PlatformStack): Built {
  let entry = built.get(name);
  if (!entry) {
    const stack = create();
    expect(stack.guardrails, `${name} carries the compliance pack`).toBeDefined();
    entry = { stack, guardrails: stack.guardrails!, json: stack.toTerraform() };
    built.set(name, entry);
  }
  return entry;
}
const build = (config: EnvironmentConfig) => buildStack(config.name, () => new EnvironmentStack(Testing.app(), config.name, config));
const buildBootstrap = (config: EnvironmentConfig) =>
  buildStack(`bootstrap-${config.name}`, () => new BootstrapStack(Testing.app(), `bootstrap-${config.name}`, config));

describe.each(environments.map((config) => [config.name, config] as const))("the %s environment", (name, config) => {
  it("passes the compliance pack at synth (with its configured waivers)", () => {
    const { stack, guardrails, json } = build(config);
    const report = guardrails.evaluate(json);
    expect(report.violations.map((v) => `${v.rule.id} ${v.resource.path}`)).toEqual([]);
    expect(report.waiverErrors).toEqual([]);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    // Every rule that has something to judge in an environment stack judges it: nothing silently n/a.
    const judged = new Set(report.results.filter((r) => r.outcome.status !== "n/a").map((r) => r.rule.id));
    expect(report.rules.filter((r) => !judged.has(r.id)).map((r) => r.id)).toEqual(["TB-IAM-5"]);
    expect(name).toBe(config.name);
  });
});

describe.each(environments.map((config) => [config.name, config] as const))("the %s bootstrap stack", (name, config) => {
  it("passes the compliance pack at synth, with no waivers", () => {
    const { stack, guardrails, json } = buildBootstrap(config);
    const report = guardrails.evaluate(json);
    expect(report.violations.map((v) => `${v.rule.id} ${v.resource.path}: ${v.outcome.status === "fail" ? v.outcome.detail : ""}`)).toEqual([]);
    expect(report.waiverErrors).toEqual([]);
    expect(report.results.some((r) => r.waiver !== undefined)).toBe(false);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    // What the bootstrap stack holds is judged: the state and log buckets, the key, the CI roles' policies and trust.
    const judged = new Set(report.results.filter((r) => r.outcome.status !== "n/a").map((r) => r.rule.id));
    for (const id of ["TB-S3-1", "TB-S3-2", "TB-S3-3", "TB-S3-4", "TB-S3-5", "TB-S3-6", "TB-KMS-1", "TB-IAM-1", "TB-IAM-2", "TB-IAM-5"]) {
      expect(judged, `${name} ${id}`).toContain(id);
    }
  });

  it("logs the state bucket's access into a bucket that is only a log destination", () => {
    const { guardrails, json } = buildBootstrap(config);
    const s3 = guardrails.evaluate(json).results.filter((r) => r.rule.id === "TB-S3-5");
    expect(s3.map((r) => `${r.resource.path} ${r.outcome.status}`).sort()).toEqual([
      `bootstrap-${name}/state-access-logs/bucket n/a`,
      `bootstrap-${name}/state-bucket/bucket pass`,
    ]);
  });
});

describe("waivers of the real environments", () => {
  it("are dev's alone, and set aside only prod-level rules, each with a reason", () => {
    const byEnvironment = Object.fromEntries(environments.map((e) => [e.name, e.waivers ?? []]));
    expect(byEnvironment.staging).toEqual([]);
    expect(byEnvironment.prod).toEqual([]);
    expect(byEnvironment.dev!.map((w) => `${w.rule} ${w.resource}`).sort()).toEqual([
      "TB-ALB-4 dev/load-balancer/load-balancer",
      "TB-ALB-5 dev/load-balancer/listener",
      "TB-CF-2 dev/site/distribution",
      "TB-CF-5 dev/site/distribution",
      "TB-DDB-3 dev/tables/login-attempts/table",
      "TB-DDB-3 dev/tables/notifications-sent/table",
      "TB-DDB-3 dev/tables/task-events/table",
      "TB-DDB-3 dev/tables/users/table",
      "TB-RDS-4 dev/database/cluster",
      "TB-RDS-5 dev/database/cluster",
    ]);
    for (const waiver of byEnvironment.dev!) expect(waiver.reason.length).toBeGreaterThan(40);
  });

  it("are needed: without them dev fails exactly the prod-level rules it waives", () => {
    const dev = environments.find((e) => e.name === "dev")!;
    const report = evaluateGuardrails(build(dev).json, { environment: "dev", waivers: [] });
    expect(report.violations.every((v) => v.rule.level === "prod")).toBe(true);
    expect(new Set(report.violations.map((v) => v.rule.id))).toEqual(new Set((dev.waivers ?? []).map((w) => w.rule)));
    expect(describeProblems(report)).toContainEqual(expect.stringMatching(/^TB-DDB-3 DynamoDbDeletionProtection \[prod\] at dev\/tables\/users\/table /));
  });
});

describe("npm run check's compliance table", () => {
  it("prints rules × environments with waivers and their reasons, and passes", () => {
    const reports = environments.map((config) => ({
      name: config.name,
      report: evaluateGuardrails(build(config).json, { environment: config.name, waivers: config.waivers ?? [] }),
    }));
    const { ok, lines } = complianceTable(reports);
    expect(ok).toBe(true);
    expect(lines[0]).toMatch(/^rule\s+level\s+name\s+dev\s+staging\s+prod$/);
    expect(lines.find((l) => l.startsWith("TB-ALB-4"))).toMatch(/^TB-ALB-4\s+prod\s+LoadBalancerDeletionProtection\s+waived \[w\d+\]\s+pass \(1\)\s+pass \(1\)$/);
    expect(lines.find((l) => l.startsWith("TB-IAM-5"))).toMatch(/n\/a\s+n\/a\s+n\/a$/);
    expect(lines.join("\n")).toMatch(/\[w\d+\] dev TB-DDB-3 on dev\/tables\/.*: dev is destroyed and recreated at will/);
    expect(lines.at(-1)).toMatch(/^\d+ rules × 3 stacks: 0 failure\(s\), 10 waived resource\(s\)$/);
  });

  it("marks a failing rule FAIL and the section not ok", () => {
    const dev = environments.find((e) => e.name === "dev")!;
    const report = evaluateGuardrails(build(dev).json, { environment: "dev", waivers: [] });
    const { ok, lines } = complianceTable([{ name: "dev", report }]);
    expect(ok).toBe(false);
    expect(lines.find((l) => l.startsWith("TB-RDS-5"))).toMatch(/FAIL \(1\)$/);
    expect(lines.join("\n")).toMatch(/Failures:\n(.|\n)*dev TB-RDS-5 at dev\/database\/cluster: deletion_protection is not true\. Fix: /);
  });
});
