/**
 * The two proofs over synthesized environment stacks, for `npm run check`
 * (or `npm run check:proofs`) and the tests:
 *
 * - least privilege: every Lambda's and ECS task's role against what its bundled code calls;
 * - network reachability: the security-group, route and listener graph against the intended one.
 *
 * Usage from a check script:
 *
 *   const containers = await buildContainerBundles();
 *   try {
 *     const proofs = proveStack(loadStack(dir, name), { containerBundles: containers.bundles });
 *     print(formatLeastPrivilege(proofs.leastPrivilege), formatReachability(proofs.reachability));
 *   } finally { containers.dispose(); }
 */
import { PLATFORM_NEEDS } from "./allowances";
import { checkLeastPrivilege, type LeastPrivilegeOptions, type LeastPrivilegeReport } from "./least-privilege";
import { checkReachability, type ReachabilityReport } from "./reachability";
import type { LoadedStack } from "./stack";

export { buildContainerBundles, type ContainerBundles } from "./bundles";
export { checkLeastPrivilege, type LeastPrivilegeOptions, type LeastPrivilegeReport, type Finding, type CodeBundle } from "./least-privilege";
export { checkReachability, formatReachability, type ReachabilityReport, type ReachabilityFinding } from "./reachability";
export { loadStack, type LoadedStack } from "./stack";

export interface StackProofs {
  readonly stack: string;
  readonly leastPrivilege: LeastPrivilegeReport;
  readonly reachability: ReachabilityReport;
  /** Every failure of both proofs, one line each. */
  readonly failures: readonly string[];
}

/** Runs both proofs on one synthesized environment stack. */
export function proveStack(stack: LoadedStack, options: LeastPrivilegeOptions = {}): StackProofs {
  const leastPrivilege = checkLeastPrivilege(stack, options);
  const reachability = checkReachability(stack);
  return {
    stack: stack.name,
    leastPrivilege,
    reachability,
    failures: [
      ...leastPrivilege.findings.map((finding) => `least privilege [${finding.rule}] ${finding.message}`),
      ...reachability.findings.map((finding) => `reachability [${finding.rule}] ${finding.message}`),
    ],
  };
}

/** The least-privilege report as text: per code role, what it calls, what the platform needs, what was set aside and why. */
export function formatLeastPrivilege(report: LeastPrivilegeReport): string[] {
  const lines = [`least privilege (${report.stack})`];
  const codeRoles = report.roles.filter((role) => role.kind !== "service");
  for (const role of codeRoles) {
    const failures = role.findings.length;
    lines.push(`  ${role.workloads.join(", ")} [${role.kind}] role ${role.role}${failures === 0 ? ": ok" : `: ${failures} problem(s)`}`);
    if (role.bundles.length > 0) lines.push(`    code:     ${role.bundles.join(", ")}`);
    const calls = role.needs.filter((need) => need.source === "code").map((need) => need.action);
    if (calls.length > 0) lines.push(`    calls:    ${[...new Set(calls)].join(", ")}`);
    const platform = new Map<string, string[]>();
    for (const need of role.needs.filter((candidate) => candidate.source !== "code")) {
      const key = `${need.source}: ${need.detail}`;
      platform.set(key, [...(platform.get(key) ?? []), need.action]);
    }
    for (const [key, actions] of platform) lines.push(`    platform: ${[...new Set(actions)].join(", ")} [${key}]`);
    const companions = role.granted.filter((grant) => grant.companion);
    if (companions.length > 0) lines.push(`    kms:      ${companions.map((grant) => `${grant.sid} on ${grant.resources.join(", ")}`).join("; ")} [kms-via-service]`);
    const credentialChain = role.ignored.filter((entry) => entry.reason.startsWith("SDK credential chain"));
    const others = role.ignored.filter((entry) => !entry.reason.startsWith("SDK credential chain"));
    for (const entry of others) lines.push(`    set aside: ${entry.operation}: ${entry.reason}`);
    if (credentialChain.length > 0) lines.push(`    set aside: ${credentialChain.length} credential-chain operations (STS, SSO, sign-in): never made with the role's policy`);
  }
  const serviceRoles = report.roles.filter((role) => role.kind === "service");
  if (serviceRoles.length > 0) {
    lines.push("  service roles (resource scope and managed policies only; an AWS service, not our code, calls with them):");
    for (const role of serviceRoles) {
      const managed = role.managedPolicies.length > 0 ? `; managed, not analysed: ${role.managedPolicies.map((arn) => arn.split("/").at(-1)).join(", ")}` : "";
      lines.push(`    ${role.role}: ${role.findings.length === 0 ? "ok" : `${role.findings.length} problem(s)`}${managed}`);
    }
  }
  lines.push(report.findings.length === 0 ? "  result: every grant is used and every use is granted" : `  result: ${report.findings.length} problem(s)`);
  for (const finding of report.findings) lines.push(`  FAIL [${finding.rule}] ${finding.message}`);
  return lines;
}

/** The named platform needs, for documentation and the report's legend. */
export function platformNeedsLegend(): string[] {
  return Object.entries(PLATFORM_NEEDS).map(([id, need]) => `${id}: ${need.reason}`);
}

