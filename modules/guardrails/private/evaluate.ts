import type { CheckOutcome, GuardrailRule, SynthResource } from "../rule";
import { StackIndex } from "./stack-index";

/** A rule set aside for one resource in one environment, with the reason (from the environment's configuration). */
export interface Waiver {
  /** Rule id, e.g. `TB-ALB-4`. */
  readonly rule: string;
  /** The resource's construct path as a violation prints it (`dev/load-balancer/load-balancer`), or its logical id. */
  readonly resource: string;
  readonly reason: string;
}

export interface EvaluateOptions {
  /** Environment name; `prod` is where `prod`-level rules cannot be waived. */
  readonly environment: string;
  /** @default - none */
  readonly waivers?: readonly Waiver[];
  /** The rules to run. @default - the whole pack */
  readonly rules?: readonly GuardrailRule[];
  /** Every rule id a waiver may name. @default - the ids of `rules` */
  readonly catalogue?: readonly GuardrailRule[];
}

/** One rule's verdict on one resource. */
export interface RuleResult {
  readonly rule: GuardrailRule;
  readonly resource: SynthResource;
  readonly outcome: CheckOutcome;
  /** Set when the resource fails and a valid waiver covers it. */
  readonly waiver?: Waiver;
}

export interface GuardrailReport {
  readonly environment: string;
  readonly rules: readonly GuardrailRule[];
  readonly results: readonly RuleResult[];
  /** Failing results not covered by a waiver. */
  readonly violations: readonly RuleResult[];
  /** Problems with the waivers themselves (unknown rule, required rule, no match, no reason, stale). */
  readonly waiverErrors: readonly string[];
  readonly ok: boolean;
}

export const PROD_ENVIRONMENT = "prod";

/** Runs the rules over one stack's synthesized JSON and applies the environment's waivers. */
export function evaluate(json: unknown, rules: readonly GuardrailRule[], options: EvaluateOptions): GuardrailReport {
  const index = new StackIndex(json);
  const context = { environment: options.environment, index };
  const raw: RuleResult[] = [];
  for (const rule of rules) {
    for (const type of rule.resourceTypes) {
      for (const resource of index.resources(type)) {
        raw.push({ rule, resource, outcome: rule.check(resource, context) });
      }
    }
  }

  const catalogue = new Map((options.catalogue ?? rules).map((r) => [r.id, r]));
  const waiverErrors: string[] = [];
  const waived = new Map<RuleResult, Waiver>();
  const seen = new Set<string>();
  for (const waiver of options.waivers ?? []) {
    const label = `waiver ${waiver.rule} for "${waiver.resource}"`;
    const key = `${waiver.rule}|${waiver.resource}`;
    if (seen.has(key)) {
      waiverErrors.push(`${label}: listed twice. Fix: keep one entry.`);
      continue;
    }
    seen.add(key);
    if (waiver.reason.trim() === "") {
      waiverErrors.push(`${label}: has no reason. Fix: say why the rule does not apply to this resource here, or remove the waiver.`);
      continue;
    }
    const rule = catalogue.get(waiver.rule);
    if (!rule) {
      waiverErrors.push(`${label}: no rule has this id. Fix: use an id from modules/guardrails/README.md (e.g. TB-ALB-4).`);
      continue;
    }
    if (rule.level === "required") {
      waiverErrors.push(`${label}: ${rule.id} is required in every environment and cannot be waived. Fix: ${rule.fix}`);
      continue;
    }
    if (options.environment === PROD_ENVIRONMENT) {
      waiverErrors.push(`${label}: ${rule.id} is required in prod and cannot be waived there. Fix: ${rule.fix}`);
      continue;
    }
    const matches = raw.filter(
      (r) => r.rule.id === rule.id && (r.resource.path === waiver.resource || r.resource.name === waiver.resource),
    );
    if (matches.length === 0) {
      const example = raw.find((r) => r.rule.id === rule.id)?.resource.path;
      waiverErrors.push(
        `${label}: matches no ${rule.resourceTypes.join("/")} resource in ${options.environment}. ` +
          `Fix: use the construct path the violation prints${example ? ` (such as "${example}")` : ""}, or remove the waiver.`,
      );
      continue;
    }
    const failing = matches.filter((r) => r.outcome.status === "fail");
    if (failing.length === 0) {
      waiverErrors.push(`${label}: the resource already passes ${rule.id}. Fix: remove the stale waiver.`);
      continue;
    }
    for (const result of failing) waived.set(result, waiver);
  }

  const results = raw.map((r) => {
    const waiver = waived.get(r);
    return waiver ? { ...r, waiver } : r;
  });
  const violations = results.filter((r) => r.outcome.status === "fail" && !r.waiver);
  return {
    environment: options.environment,
    rules,
    results,
    violations,
    waiverErrors,
    ok: violations.length === 0 && waiverErrors.length === 0,
  };
}

/** One line per violation and waiver problem: rule, construct path, what is wrong, the fix. */
export function describeProblems(report: GuardrailReport): string[] {
  const lines = report.violations.map((v) => {
    const detail = v.outcome.status === "fail" ? v.outcome.detail : "";
    const waivable =
      v.rule.level === "prod" && report.environment !== PROD_ENVIRONMENT
        ? ` (${v.rule.id} is required in prod only: in ${report.environment} it may instead be waived in config/environments.ts with a reason)`
        : "";
    return `${v.rule.id} ${v.rule.name} [${v.rule.level}] at ${v.resource.path} (${v.resource.address}): ${detail}. Fix: ${v.rule.fix}${waivable}`;
  });
  return [...lines, ...report.waiverErrors];
}
