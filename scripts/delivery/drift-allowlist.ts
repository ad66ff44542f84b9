/**
 * Runtime drift the platform expects: AWS or an AWS service changes these
 * attributes on purpose, so a drift check must not page anyone for them.
 *
 * Every entry names the resource type, the attribute path (`[*]` matches any
 * list index), why the change is expected, and optionally which values are
 * acceptable. Anything not listed here is real drift. Keep the list short:
 * an entry hides changes forever.
 */

export interface DriftAllowance {
  /** Terraform resource type, e.g. `aws_ecs_service`. */
  readonly resourceType: string;
  /** Attribute path as the classifier writes it: `desired_count`, `dkim_signing_attributes[*].status`. */
  readonly attribute: string;
  /** Why this changes outside Terraform; shown in the drift summary next to the allowed change. */
  readonly reason: string;
  /** Narrows the allowance to some changes only (e.g. minor upgrades); without it every change of the attribute is allowed. */
  readonly accept?: (before: unknown, after: unknown) => boolean;
  /** What to do when the attribute changed but `accept` refused the change (shown with the real drift). */
  readonly otherwise?: string;
}

/**
 * An engine version moved forward within its major version (16.6 -> 16.8):
 * what Aurora's automatic minor version upgrade does in the maintenance
 * window. A major change, a downgrade or anything unparsable is real drift.
 */
export function isMinorUpgrade(before: unknown, after: unknown): boolean {
  if (typeof before !== "string" || typeof after !== "string") return false;
  const parse = (version: string) => {
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version);
    return match ? match.slice(1).map((part) => Number(part ?? 0)) : undefined;
  };
  const from = parse(before);
  const to = parse(after);
  if (!from || !to || from[0] !== to[0]) return false;
  for (let index = 1; index < 3; index += 1) {
    const a = from[index] ?? 0;
    const b = to[index] ?? 0;
    if (b !== a) return b > a;
  }
  return false;
}

export const DRIFT_ALLOWLIST: readonly DriftAllowance[] = [
  {
    resourceType: "aws_ecs_service",
    attribute: "desired_count",
    reason: "Application Auto Scaling sets the task count (target tracking); the stack ignores it",
  },
  {
    resourceType: "aws_autoscaling_group",
    attribute: "desired_capacity",
    reason: "ECS managed scaling (the capacity provider) sets the instance count; the stack ignores it",
  },
  {
    resourceType: "aws_rds_cluster",
    attribute: "engine_version",
    reason: "Aurora automatic minor version upgrade; bump database.engineVersion in config to match",
    accept: isMinorUpgrade,
    // The plan then shows the way back (16.8 -> 16.6), which Aurora refuses: the next deploy would fail.
    otherwise: "Aurora cannot downgrade: set database.engineVersion in config/environments.ts to the running version",
  },
  {
    resourceType: "aws_rds_cluster",
    attribute: "engine_version_actual",
    reason: "Aurora automatic minor version upgrade",
    accept: isMinorUpgrade,
  },
  {
    resourceType: "aws_rds_cluster_instance",
    attribute: "engine_version",
    reason: "Aurora automatic minor version upgrade of the instance",
    accept: isMinorUpgrade,
  },
  {
    resourceType: "aws_rds_cluster_instance",
    attribute: "engine_version_actual",
    reason: "Aurora automatic minor version upgrade of the instance",
    accept: isMinorUpgrade,
  },
  {
    resourceType: "aws_acm_certificate",
    attribute: "not_after",
    reason: "ACM renews the managed certificate before it expires",
  },
  {
    resourceType: "aws_acm_certificate",
    attribute: "not_before",
    reason: "ACM renews the managed certificate before it expires",
  },
  {
    resourceType: "aws_acm_certificate",
    attribute: "renewal_summary[*].*",
    reason: "ACM reports the progress of a managed renewal",
  },
  {
    resourceType: "aws_sesv2_email_identity",
    attribute: "dkim_signing_attributes[*].status",
    reason: "SES moves DKIM from PENDING to SUCCESS once the DNS records resolve",
  },
  {
    resourceType: "aws_sesv2_email_identity",
    attribute: "verified_for_sending_status",
    reason: "SES verifies the identity after the DKIM records resolve",
  },
];

/** Whether `path` (`a.b[2].c`) matches an allowance's pattern (`a.b[*].c`, `a.*`). */
export function attributeMatches(pattern: string, path: string): boolean {
  const regex = pattern
    .split(/(\[\*\]|\*)/)
    .map((part) => (part === "[*]" ? "\\[\\d+\\]" : part === "*" ? ".+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`).test(path);
}

/** The entry for an attribute whose change `accept` refused, for its `otherwise` hint. */
export function findRefusal(allowlist: readonly DriftAllowance[], resourceType: string, path: string): DriftAllowance | undefined {
  return allowlist.find((entry) => entry.resourceType === resourceType && attributeMatches(entry.attribute, path) && entry.otherwise !== undefined);
}

/** The allowance that covers one attribute change, if any. */
export function findAllowance(
  allowlist: readonly DriftAllowance[],
  resourceType: string,
  path: string,
  before: unknown,
  after: unknown,
): DriftAllowance | undefined {
  return allowlist.find(
    (entry) =>
      entry.resourceType === resourceType &&
      attributeMatches(entry.attribute, path) &&
      (entry.accept === undefined || entry.accept(before, after)),
  );
}
