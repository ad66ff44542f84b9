import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { Guardrails, type Waiver } from "../../modules/guardrails";
import { LoadBalancerDeletionProtection } from "../../modules/guardrails/rules/elb/LoadBalancerDeletionProtection";
import { LoadBalancerInternal } from "../../modules/guardrails/rules/elb/LoadBalancerInternal";
import { parseEnvironment } from "../../config";
import { environments } from "../../config/environments";
import { testStack } from "../support/synth";
import { RuleFixture } from "./support";

const PATH = "test/alb";
const REASON = "test stacks are torn down after every run";

function unprotectedLoadBalancer(stack: TerraformStack, id = "alb"): void {
  new Lb(stack, id, { name: id, internal: true, subnets: ["subnet-1"], enableDeletionProtection: false });
}

/** The synth error for an unprotected load balancer under the given waivers (empty when synth succeeds). */
function synthWith(waivers: readonly Waiver[], environment = "test"): string {
  const fixture = new RuleFixture(LoadBalancerDeletionProtection, environment, waivers);
  unprotectedLoadBalancer(fixture.stack);
  return fixture.synthError();
}

describe("waivers", () => {
  it("let a prod-level rule pass outside prod, by construct path or logical id, keeping the reason in the report", () => {
    expect(synthWith([{ rule: "TB-ALB-4", resource: PATH, reason: REASON }])).toBe("");
    const fixture = new RuleFixture(LoadBalancerDeletionProtection, "test", [{ rule: "TB-ALB-4", resource: "alb", reason: REASON }]);
    unprotectedLoadBalancer(fixture.stack);
    expect(fixture.synthError()).toBe("");
    const report = fixture.guardrails.evaluate(fixture.stack.toTerraform());
    expect(report.results).toEqual([expect.objectContaining({ outcome: expect.objectContaining({ status: "fail" }), waiver: expect.objectContaining({ reason: REASON }) })]);
    expect(report.ok).toBe(true);
  });

  it("cover only the named resource", () => {
    const fixture = new RuleFixture(LoadBalancerDeletionProtection, "test", [{ rule: "TB-ALB-4", resource: PATH, reason: REASON }]);
    unprotectedLoadBalancer(fixture.stack);
    unprotectedLoadBalancer(fixture.stack, "other");
    expect(fixture.synthError()).toMatch(/TB-ALB-4 LoadBalancerDeletionProtection \[prod\] at test\/other/);
  });

  it("fail the synth when the rule id is unknown", () => {
    expect(synthWith([{ rule: "TB-ALB-99", resource: PATH, reason: REASON }])).toMatch(/waiver TB-ALB-99 for "test\/alb": no rule has this id/);
  });

  it("fail the synth when the rule is required everywhere", () => {
    const fixture = new RuleFixture(LoadBalancerInternal, "test", [{ rule: "TB-ALB-1", resource: PATH, reason: REASON }]);
    new Lb(fixture.stack, "alb", { name: "alb", internal: false, subnets: ["subnet-1"] });
    expect(fixture.synthError()).toMatch(/waiver TB-ALB-1 for "test\/alb": TB-ALB-1 is required in every environment and cannot be waived/);
  });

  it("fail the synth when there is no reason", () => {
    expect(synthWith([{ rule: "TB-ALB-4", resource: PATH, reason: "  " }])).toMatch(/waiver TB-ALB-4 for "test\/alb": has no reason/);
  });

  it("fail the synth when they match no resource, suggesting the path to use", () => {
    expect(synthWith([{ rule: "TB-ALB-4", resource: "test/load-balancer", reason: REASON }])).toMatch(
      /waiver TB-ALB-4 for "test\/load-balancer": matches no aws_lb\/aws_alb resource in test\. Fix: use the construct path the violation prints \(such as "test\/alb"\)/,
    );
  });

  it("fail the synth when the resource already passes (a stale waiver)", () => {
    const fixture = new RuleFixture(LoadBalancerDeletionProtection, "test", [{ rule: "TB-ALB-4", resource: PATH, reason: REASON }]);
    new Lb(fixture.stack, "alb", { name: "alb", internal: true, subnets: ["subnet-1"], enableDeletionProtection: true });
    expect(fixture.synthError()).toMatch(/the resource already passes TB-ALB-4\. Fix: remove the stale waiver/);
  });

  it("fail the synth in prod, where prod-level rules hold without exception", () => {
    expect(synthWith([{ rule: "TB-ALB-4", resource: "prod/alb", reason: REASON }], "prod")).toMatch(
      /waiver TB-ALB-4 for "prod\/alb": TB-ALB-4 is required in prod and cannot be waived there/,
    );
  });

  it("fail the synth when listed twice", () => {
    const waiver = { rule: "TB-ALB-4", resource: PATH, reason: REASON };
    expect(synthWith([waiver, waiver])).toMatch(/listed twice/);
  });

  it("report every problem at once: the violations and the bad waivers", () => {
    const error = synthWith([{ rule: "TB-NOPE-1", resource: PATH, reason: REASON }]);
    expect(error).toMatch(/compliance pack: 2 problem\(s\) in test/);
    expect(error).toMatch(/TB-ALB-4 LoadBalancerDeletionProtection \[prod\] at test\/alb/);
    expect(error).toMatch(/waiver TB-NOPE-1/);
  });

  it("are validated by the environment schema too: reason, rule id format, and none in prod", () => {
    const dev = environments.find((e) => e.name === "dev")!;
    const prod = environments.find((e) => e.name === "prod")!;
    expect(() => parseEnvironment({ ...dev, waivers: [{ rule: "TB-ALB-4", resource: "dev/load-balancer/load-balancer", reason: " " }] }, "env")).toThrow(
      /env\.waivers\.0\.reason = " ": must say why the rule is waived here/,
    );
    expect(() => parseEnvironment({ ...dev, waivers: [{ rule: "ALB4", resource: "dev/x", reason: "r" }] }, "env")).toThrow(
      /env\.waivers\.0\.rule = "ALB4": must be a guardrail rule id such as "TB-ALB-4"/,
    );
    expect(() => parseEnvironment({ ...prod, waivers: [{ rule: "TB-ALB-4", resource: "prod/x", reason: "r" }] }, "env")).toThrow(
      /env\.waivers = .*must be empty in prod/,
    );
  });
});

describe("Guardrails", () => {
  it("throws when the environment name is empty", () => {
    expect(() => new Guardrails(testStack(), "guardrails", { environment: " " })).toThrow(/test\/guardrails: environment is empty; pass the environment's name/);
  });
});
