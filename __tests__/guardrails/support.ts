import { expect } from "vitest";
import { Testing, type TerraformStack } from "cdktf";
import { Guardrails, type CheckOutcome, type GuardrailRule, type Waiver } from "../../modules/guardrails";
import { testStack } from "../support/synth";

/** What a fixture builds: the construct path of the resource the rule should judge. */
export type Build = (stack: TerraformStack) => string;

/** One rule's compliant and noncompliant fixture. */
export interface RuleCase {
  readonly rule: GuardrailRule;
  readonly compliant: Build;
  readonly noncompliant: Build;
  /** What the violation's detail must say. */
  readonly detail: RegExp;
  /** Environment the fixtures are built for. @default "test" */
  readonly environment?: string;
}

/** A test stack that enforces exactly one rule (so a fixture's other gaps do not matter). */
export class RuleFixture {
  readonly stack: TerraformStack;
  readonly guardrails: Guardrails;

  constructor(readonly rule: GuardrailRule, environment = "test", waivers: readonly Waiver[] = []) {
    this.stack = testStack(environment);
    this.guardrails = new Guardrails(this.stack, "guardrails", { environment, waivers, rules: [rule] });
  }

  /** The rule's outcome for the resource at a construct path. */
  outcome(path: string): CheckOutcome {
    const report = this.guardrails.evaluate(this.stack.toTerraform());
    const found = report.results.find((r) => r.resource.path === path);
    if (!found) throw new Error(`${this.rule.id} judged no resource at ${path}; it saw ${report.results.map((r) => r.resource.path).join(", ") || "nothing"}`);
    return found.outcome;
  }

  /** The error synthesis fails with (empty when it succeeds). */
  synthError(): string {
    try {
      Testing.synth(this.stack, true);
      return "";
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}

export function expectCompliant(rule: GuardrailRule, build: Build, environment = "test"): void {
  const fixture = new RuleFixture(rule, environment);
  const path = build(fixture.stack);
  expect(fixture.outcome(path)).toEqual({ status: "pass" });
  expect(fixture.synthError()).toBe("");
}

export function expectViolation(rule: GuardrailRule, build: Build, detail: RegExp, environment = "test"): void {
  const fixture = new RuleFixture(rule, environment);
  const path = build(fixture.stack);
  const outcome = fixture.outcome(path);
  expect(outcome.status).toBe("fail");
  expect(outcome.status === "fail" ? outcome.detail : "").toMatch(detail);
  const message = fixture.synthError();
  expect(message).toContain(rule.id);
  expect(message).toContain(` at ${path} (`);
  expect(message).toContain(`Fix: ${rule.fix}`);
}

export function expectNotApplicable(rule: GuardrailRule, build: Build, environment = "test"): void {
  const fixture = new RuleFixture(rule, environment);
  expect(fixture.outcome(build(fixture.stack)).status).toBe("n/a");
  expect(fixture.synthError()).toBe("");
}
