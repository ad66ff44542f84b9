import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { GUARDRAIL_RULES } from "./rules";
import type { GuardrailRule } from "./rule";
import { describeProblems, evaluate, type GuardrailReport, type Waiver } from "./private/evaluate";

export { GUARDRAIL_RULES, ruleById } from "./rules";
export type { CheckOutcome, ControlReference, GuardrailRule, RuleContext, RuleLevel, SynthResource } from "./rule";
export { PROD_ENVIRONMENT, describeProblems, type GuardrailReport, type RuleResult, type Waiver } from "./private/evaluate";
export { StackIndex } from "./private/stack-index";

export interface GuardrailsProps {
  /** The environment's name; in `prod`, `prod`-level rules hold without exception. */
  readonly environment: string;
  /**
   * Rules set aside for named resources, each with a reason (the environment
   * configuration's `waivers`). Only `prod`-level rules, only outside prod.
   * @default - no waivers
   */
  readonly waivers?: readonly Waiver[];
  /**
   * The rules to enforce; tests pass one rule to see it alone.
   * @default - the whole pack, `GUARDRAIL_RULES`
   */
  readonly rules?: readonly GuardrailRule[];
}

/**
 * Enforces the compliance pack on the stack it is added to: synthesizing the
 * stack (`app.synth()`, `cdktf synth`, `Testing.synth(stack, true)`) fails
 * with every violation at once, each naming the rule, the resource's
 * construct path and the fix.
 *
 * The rules read the stack's synthesized Terraform JSON, after token
 * resolution, as a stack validation: they see what Terraform will see, and
 * cross-resource rules (a bucket and its public access block) see the whole
 * stack. Aspects would run before resolution, on one construct at a time.
 *
 * @example
 * new Guardrails(stack, "guardrails", { environment: "dev", waivers: config.waivers });
 */
export class Guardrails extends Construct {
  readonly rules: readonly GuardrailRule[];
  private readonly environment: string;
  private readonly waivers: readonly Waiver[];

  constructor(scope: Construct, id: string, props: GuardrailsProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    if (props.environment.trim() === "") {
      throw new Error(`${this.node.path}: environment is empty; pass the environment's name, e.g. config.name`);
    }
    this.environment = props.environment;
    this.waivers = props.waivers ?? [];
    this.rules = props.rules ?? GUARDRAIL_RULES;

    // Rendering a stack costs ~0.2 s; the validation renders it once and hands the
    // same JSON to the synthesizer, which asks for it right after validations run.
    const render = stack.toTerraform.bind(stack);
    let rendered: unknown;
    stack.toTerraform = () => {
      if (rendered === undefined) return render();
      const json = rendered;
      rendered = undefined;
      return json;
    };
    stack.node.addValidation({
      validate: () => {
        rendered = render();
        const report = this.evaluate(rendered);
        if (report.ok) return [];
        const problems = describeProblems(report);
        return [
          `compliance pack: ${problems.length} problem(s) in ${this.environment} (rules: modules/guardrails/README.md)`,
          ...problems,
        ];
      },
    });
  }

  /** The pack's verdict on this stack's synthesized JSON (`stack.toTerraform()`). */
  evaluate(json: unknown): GuardrailReport {
    return evaluateGuardrails(json, { environment: this.environment, waivers: this.waivers, rules: this.rules });
  }
}

/** Adds the compliance pack to a stack, configured from the environment. */
export function applyGuardrails(
  stack: TerraformStack,
  config: { readonly name: string; readonly waivers?: readonly Waiver[] },
): Guardrails {
  return new Guardrails(stack, "guardrails", { environment: config.name, waivers: config.waivers ?? [] });
}

/** The pack's verdict on a stack's synthesized JSON, for reports (`npm run check`) and tests. */
export function evaluateGuardrails(
  json: unknown,
  options: { readonly environment: string; readonly waivers?: readonly Waiver[]; readonly rules?: readonly GuardrailRule[] },
): GuardrailReport {
  return evaluate(json, options.rules ?? GUARDRAIL_RULES, {
    environment: options.environment,
    waivers: options.waivers ?? [],
    catalogue: GUARDRAIL_RULES,
  });
}
