import { describe, it } from "vitest";
import { expectCompliant, expectViolation, type RuleCase } from "./support";

/** A compliant and a noncompliant test per rule case. */
export function describeRules(cases: readonly RuleCase[]): void {
  for (const c of cases) {
    describe(`${c.rule.id} ${c.rule.name}`, () => {
      it("passes a compliant resource", () => expectCompliant(c.rule, c.compliant, c.environment));
      it("fails a noncompliant one, naming the rule, the construct path and the fix", () =>
        expectViolation(c.rule, c.noncompliant, c.detail, c.environment));
    });
  }
}
