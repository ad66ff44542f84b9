/**
 * Classifies drift in one environment from `terraform show -json` of two
 * plans: the normal plan (`-detailed-exitcode`: what Terraform would change
 * to bring reality back to the deployed configuration) and the `-refresh-only`
 * plan (`resource_drift`: what changed outside Terraform). Each attribute
 * change is allowed when `drift-allowlist.ts` names it; anything else is
 * real drift.
 *
 *   node --import tsx scripts/delivery/drift-classify.ts --environment dev \
 *     --plan plan.json --refresh refresh.json [--summary drift.md] [--result drift.json]
 *
 * Exit 0: no drift or allowed drift only; 2: real drift; 1: bad input.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DRIFT_ALLOWLIST, findAllowance, findRefusal, type DriftAllowance } from "./drift-allowlist";
import {
  actionLabel,
  diffAttributes,
  displayValue,
  md,
  parsePlanJson,
  type AttributeDiff,
  type PlanJson,
  type ResourceChange,
} from "./lib/plan-json";

export type DriftStatus = "none" | "allowed" | "drift";

export interface ClassifiedAttribute extends AttributeDiff {
  /** The allow-list entry's reason, when the change is expected. */
  readonly allowedBecause?: string;
  /** A hint for a change the allow-list knows but refused (e.g. an engine downgrade). */
  readonly hint?: string;
}

export interface ClassifiedResource {
  readonly address: string;
  readonly type: string;
  /** `refresh`: changed outside Terraform; `plan`: Terraform would change it back (or create/destroy it). */
  readonly source: "refresh" | "plan";
  readonly action: ReturnType<typeof actionLabel>;
  readonly attributes: readonly ClassifiedAttribute[];
  readonly allowed: boolean;
}

export interface DriftReport {
  readonly environment: string;
  readonly status: DriftStatus;
  readonly resources: readonly ClassifiedResource[];
}

/** What `resource_drift` says changed outside Terraform, per attribute. */
function fromDrift(entry: ResourceChange, allowlist: readonly DriftAllowance[]): ClassifiedResource | undefined {
  if (entry.mode === "data") return undefined;
  const label = actionLabel(entry.change.actions);
  // A resource deleted outside Terraform shows as a drift with after = null.
  const deleted = entry.change.after === null;
  const attributes = deleted ? [] : classifyAttributes(entry, allowlist);
  if (!deleted && attributes.length === 0) return undefined;
  return {
    address: entry.address,
    type: entry.type,
    source: "refresh",
    action: deleted ? "delete" : label === "no-op" ? "update" : label,
    attributes,
    allowed: !deleted && attributes.every((attribute) => attribute.allowedBecause !== undefined),
  };
}

/** What the normal plan would do: anything but no-op and reads is a divergence from the deployed configuration. */
function fromPlan(entry: ResourceChange, allowlist: readonly DriftAllowance[]): ClassifiedResource | undefined {
  if (entry.mode === "data") return undefined;
  const action = actionLabel(entry.change.actions);
  if (action === "no-op" || action === "read") return undefined;
  const all = action === "update" ? classifyAttributes(entry, allowlist) : [];
  // Computed attributes Terraform only learns after the apply follow from the other changes; they are not drift themselves.
  const known = all.filter((attribute) => !attribute.unknown);
  const attributes = known.length > 0 ? known : all;
  return {
    address: entry.address,
    type: entry.type,
    source: "plan",
    action,
    attributes,
    // Only an in-place update whose every changed attribute is expected is allowed; creates and destroys never are.
    allowed: action === "update" && attributes.length > 0 && attributes.every((attribute) => attribute.allowedBecause !== undefined),
  };
}

function classifyAttributes(entry: ResourceChange, allowlist: readonly DriftAllowance[]): ClassifiedAttribute[] {
  return diffAttributes(entry.change).map((diff) => {
    const allowance = findAllowance(allowlist, entry.type, diff.path, diff.before, diff.after);
    if (allowance) return { ...diff, allowedBecause: allowance.reason };
    const refusal = findRefusal(allowlist, entry.type, diff.path);
    return refusal?.otherwise ? { ...diff, hint: refusal.otherwise } : diff;
  });
}

/**
 * Classifies one environment's plans. Drift found by both plans (the normal
 * plan refreshes too) is reported once, from the refresh-only plan when given.
 */
export function classifyDrift(
  environment: string,
  plans: { readonly plan?: PlanJson; readonly refresh?: PlanJson },
  allowlist: readonly DriftAllowance[] = DRIFT_ALLOWLIST,
): DriftReport {
  const resources: ClassifiedResource[] = [];
  const seen = new Set<string>();
  const driftSource = plans.refresh ?? plans.plan;
  for (const entry of driftSource?.resource_drift ?? []) {
    const classified = fromDrift(entry, allowlist);
    if (classified && !seen.has(`refresh:${classified.address}`)) {
      seen.add(`refresh:${classified.address}`);
      resources.push(classified);
    }
  }
  for (const entry of plans.plan?.resource_changes ?? []) {
    const classified = fromPlan(entry, allowlist);
    if (classified) resources.push(classified);
  }
  const status: DriftStatus =
    resources.length === 0 ? "none" : resources.every((resource) => resource.allowed) ? "allowed" : "drift";
  return { environment, status, resources };
}

const STATUS_HEADLINE: Record<DriftStatus, string> = {
  none: "no drift",
  allowed: "expected runtime drift only",
  drift: "real drift",
};

/** A markdown summary a person can act on: where, what, from what to what, and why some of it is fine. */
export function renderDriftSummary(report: DriftReport, options: { readonly runUrl?: string } = {}): string {
  const real = report.resources.filter((resource) => !resource.allowed);
  const allowed = report.resources.filter((resource) => resource.allowed);
  const count = (resources: readonly ClassifiedResource[]) => new Set(resources.map((resource) => resource.address)).size;
  const icon = report.status === "drift" ? "❌" : report.status === "allowed" ? "⚠️" : "✅";
  const lines = [`### ${icon} Drift in \`${report.environment}\`: ${STATUS_HEADLINE[report.status]}`, ""];
  if (report.status === "none") {
    lines.push("AWS matches the deployed configuration.");
  }
  if (real.length > 0) {
    lines.push(
      `${count(real)} resource(s) differ from the deployed configuration. Either apply the configuration again (the next deploy will) ` +
        "or, if the change made in AWS was intended, put it in the code.",
      "",
      ...table(real.flatMap((resource) => rows(resource, false))),
    );
  }
  if (allowed.length > 0) {
    lines.push(
      "",
      `<details><summary>${count(allowed)} resource(s) with expected runtime drift (allow-list: scripts/delivery/drift-allowlist.ts)</summary>`,
      "",
      ...table(allowed.flatMap((resource) => rows(resource, true))),
      "",
      "</details>",
    );
  }
  if (options.runUrl) lines.push("", `Run: ${options.runUrl}`);
  return `${lines.join("\n")}\n`;
}

/** Rows per table: an issue body holds 65,536 characters; the run's artifacts hold the whole report. */
const MAX_ROWS = 150;

function table(rowLines: string[]): string[] {
  const shown = rowLines.slice(0, MAX_ROWS);
  const more = rowLines.length - shown.length;
  return [
    "| resource | found by | attribute | before → after | note |",
    "| --- | --- | --- | --- | --- |",
    ...shown,
    ...(more > 0 ? [`| … ${more} more row(s): see drift.json in the run's artifacts | | | | |`] : []),
  ];
}

function rows(resource: ClassifiedResource, allowedOnly: boolean): string[] {
  const found = resource.source === "refresh" ? "refresh (changed in AWS)" : `plan (would ${resource.action})`;
  if (resource.attributes.length === 0) {
    const what = resource.action === "delete" ? "deleted outside Terraform" : `would be ${resource.action}d`;
    return [`| \`${md(resource.address)}\` | ${found} | (whole resource) | ${what} | |`];
  }
  return resource.attributes
    .filter((attribute) => (allowedOnly ? attribute.allowedBecause !== undefined : true))
    .map(
      (attribute) =>
        `| \`${md(resource.address)}\` | ${found} | \`${md(attribute.path)}\` | ${md(displayValue(attribute, "before"))} → ${md(displayValue(attribute, "after"))} | ${md(attribute.allowedBecause ?? attribute.hint ?? "")} |`,
    );
}

function main(): number {
  const { values } = parseArgs({
    options: {
      environment: { type: "string" },
      plan: { type: "string" },
      refresh: { type: "string" },
      summary: { type: "string" },
      result: { type: "string" },
      "run-url": { type: "string" },
    },
  });
  if (!values.environment || (!values.plan && !values.refresh)) {
    console.error("usage: drift-classify.ts --environment <env> --plan plan.json [--refresh refresh.json] [--summary out.md] [--result out.json]");
    return 1;
  }
  const read = (path: string | undefined) => (path ? parsePlanJson(readFileSync(path, "utf8"), path) : undefined);
  const plan = read(values.plan);
  const refresh = read(values.refresh);
  const report = classifyDrift(values.environment, { ...(plan ? { plan } : {}), ...(refresh ? { refresh } : {}) });
  const summary = renderDriftSummary(report, values["run-url"] ? { runUrl: values["run-url"] } : {});
  if (values.summary) writeFileSync(values.summary, summary);
  if (values.result) writeFileSync(values.result, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(summary);
  return report.status === "drift" ? 2 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main());
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  }
}
