import { GUARDRAIL_RULES, evaluateGuardrails, type GuardrailReport, type RuleResult } from "../../modules/guardrails";
import { formatTable, type CheckSection, type SectionResult } from "./check-section";

/**
 * The compliance pack as a table of rules × stacks: `pass (n)` over n
 * resources, `waived [wN]` (reasons listed below the table), `FAIL (n)`, or
 * `n/a` when the stack has nothing the rule inspects.
 */
export const complianceSection: CheckSection = {
  title: "Compliance pack (modules/guardrails)",
  run(context) {
    return complianceTable(
      context.stacks.map((stack) => ({
        name: stack.name,
        report: evaluateGuardrails(stack.json, { environment: stack.config.name, waivers: stack.kind === "environment" ? stack.config.waivers ?? [] : [] }),
      })),
    );
  },
};

export function complianceTable(reports: readonly { readonly name: string; readonly report: GuardrailReport }[]): SectionResult {
  const waiverNotes: string[] = [];
  const failureNotes: string[] = [];
  const waiverLabel = new Map<string, string>();

  const cell = (results: readonly RuleResult[], stack: string): string => {
    const failing = results.filter((r) => r.outcome.status === "fail" && !r.waiver);
    const waived = results.filter((r) => r.waiver);
    const passing = results.filter((r) => r.outcome.status === "pass");
    const parts: string[] = [];
    if (failing.length > 0) parts.push(`FAIL (${failing.length})`);
    if (waived.length > 0) {
      const labels = [...new Set(waived.map((r) => labelFor(r, stack)))];
      parts.push(`waived [${labels.join(",")}]`);
    }
    if (passing.length > 0) parts.push(`pass (${passing.length})`);
    return parts.length > 0 ? parts.join(" + ") : "n/a";
  };

  const labelFor = (result: RuleResult, stack: string): string => {
    const waiver = result.waiver!;
    const key = `${stack}|${waiver.rule}|${waiver.reason}`;
    let label = waiverLabel.get(key);
    if (!label) {
      label = `w${waiverLabel.size + 1}`;
      waiverLabel.set(key, label);
      const resources = reports
        .find((r) => r.name === stack)!
        .report.results.filter((r) => r.waiver?.rule === waiver.rule && r.waiver.reason === waiver.reason)
        .map((r) => r.resource.path);
      waiverNotes.push(`  [${label}] ${stack} ${waiver.rule} on ${resources.join(", ")}: ${waiver.reason}`);
    }
    return label;
  };

  const rows = GUARDRAIL_RULES.map((rule) => [
    rule.id,
    rule.level,
    rule.name,
    ...reports.map(({ name, report }) => cell(report.results.filter((r) => r.rule.id === rule.id), name)),
  ]);

  for (const { name, report } of reports) {
    for (const v of report.violations) {
      const detail = v.outcome.status === "fail" ? v.outcome.detail : "";
      failureNotes.push(`  ${name} ${v.rule.id} at ${v.resource.path}: ${detail}. Fix: ${v.rule.fix}`);
    }
    for (const problem of report.waiverErrors) failureNotes.push(`  ${name} ${problem}`);
  }

  const ok = reports.every((r) => r.report.ok);
  const lines = [
    ...formatTable(["rule", "level", "name", ...reports.map((r) => r.name)], rows),
    "",
    waiverNotes.length > 0 ? "Waivers (from each environment's configuration):" : "Waivers: none",
    ...waiverNotes,
  ];
  if (failureNotes.length > 0) lines.push("", "Failures:", ...failureNotes);
  const waiverCount = reports.reduce((n, r) => n + r.report.results.filter((x) => x.waiver).length, 0);
  const failureCount = reports.reduce((n, r) => n + r.report.violations.length + r.report.waiverErrors.length, 0);
  lines.push(
    "",
    `${GUARDRAIL_RULES.length} rules × ${reports.length} stacks: ${failureCount} failure(s), ${waiverCount} waived resource(s)`,
  );
  return { ok, lines };
}
