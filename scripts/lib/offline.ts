/**
 * Turns a synthesized stack into one that `terraform plan` can run with no
 * AWS account and no network: a local backend, static dummy credentials, and
 * no account pinning (the provider would ask STS which account it is in).
 *
 * Only the offline copy changes; the real stack keeps its S3 backend and
 * `allowed_account_ids`.
 */

/** The slice of Terraform JSON this transform reads and writes. */
export interface TerraformJson {
  terraform?: { backend?: Record<string, unknown>; [key: string]: unknown };
  provider?: Record<string, Record<string, unknown>[]>;
  data?: Record<string, Record<string, unknown>>;
  variable?: Record<string, { default?: unknown; [key: string]: unknown }>;
  [key: string]: unknown;
}

/**
 * AWS data sources that Terraform evaluates without calling AWS. Any other
 * `aws_*` data source makes an API call during plan and cannot run offline.
 */
export const LOCAL_DATA_SOURCES = new Set([
  "aws_iam_policy_document",
  "aws_partition",
  "aws_region",
  "aws_arn",
  "aws_default_tags",
]);

const OFFLINE_PROVIDER_SETTINGS = {
  access_key: "offline-plan",
  secret_key: "offline-plan",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
};

export class OfflinePlanError extends Error {
  override name = "OfflinePlanError";
}

export function toOfflineConfig(stackName: string, config: TerraformJson): TerraformJson {
  const remote = Object.entries(config.data ?? {})
    .filter(([type]) => type.startsWith("aws_") && !LOCAL_DATA_SOURCES.has(type))
    .map(([type, instances]) => `${type} (${Object.keys(instances).join(", ")})`);
  if (remote.length > 0) {
    throw new OfflinePlanError(
      `${stackName}: data source(s) ${remote.join("; ")} call AWS during plan. ` +
        "Take the value from the environment configuration instead (see PLATFORM.md, Offline terraform plan).",
    );
  }
  const providers = Object.fromEntries(
    Object.entries(config.provider ?? {}).map(([name, instances]) => [
      name,
      instances.map((instance) => {
        if (name !== "aws") return instance;
        const { allowed_account_ids: _pinnedAccount, ...rest } = instance;
        return { ...rest, ...OFFLINE_PROVIDER_SETTINGS };
      }),
    ]),
  );
  return {
    ...config,
    terraform: { ...config.terraform, backend: { local: { path: "offline.tfstate" } } },
    provider: providers,
  };
}

/** Variables a stack declares without a default; an offline plan must be given a value for each. */
export function requiredVariables(config: TerraformJson): string[] {
  return Object.entries(config.variable ?? {})
    .filter(([, variable]) => !("default" in variable))
    .map(([name]) => name);
}

export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** Counts a plan's changes the way `terraform plan` summarises them (a replacement is one add and one destroy). */
export function countPlan(plan: {
  readonly resource_changes?: readonly { readonly mode?: string; readonly change: { readonly actions: readonly string[] } }[];
}): PlanCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const resource of plan.resource_changes ?? []) {
    if (resource.mode === "data") continue;
    const actions = resource.change.actions;
    if (actions.includes("create")) add += 1;
    if (actions.includes("delete")) destroy += 1;
    if (actions.includes("update")) change += 1;
  }
  return { add, change, destroy };
}
