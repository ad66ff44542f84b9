import type { StackIndex } from "./private/stack-index";

/**
 * `required`: holds in every environment and cannot be waived.
 * `prod`: holds in prod; another environment may waive it, with a reason, in its configuration.
 */
export type RuleLevel = "required" | "prod";

/** A published control a rule is modelled on. */
export interface ControlReference {
  readonly source: "checkov" | "cdk-nag" | "security-hub" | "aws-config";
  /** `CKV_AWS_18`, `AwsSolutions-S1`, `S3.9`, `ecs-task-definition-linux-user-non-root`. */
  readonly id: string;
  /**
   * False when the id was not found in the publisher's own list or source while
   * the rule was written; it is a lead for a reviewer, not a claim.
   */
  readonly confirmed: boolean;
}

/** One resource (or data source) of the synthesized stack, with its resolved attributes. */
export interface SynthResource {
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Logical id, e.g. `site_bucket_DFA168EB`. */
  readonly name: string;
  /** How other blocks reference it: `aws_s3_bucket.site_bucket_DFA168EB` (data sources start with `data.`). */
  readonly address: string;
  /** Construct path, e.g. `dev/site/bucket/bucket`. */
  readonly path: string;
  /** The block's attributes as synthesized (snake_case), without cdktf's `//` metadata. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export type CheckOutcome =
  | { readonly status: "pass" }
  | { readonly status: "fail"; readonly detail: string }
  /** The rule does not apply to this resource (a synchronous-only function for an async rule). */
  | { readonly status: "n/a"; readonly detail: string };

/** What a rule sees besides the resource: the whole stack, and where it is deployed. */
export interface RuleContext {
  /** The environment's name (`dev`, `staging`, `prod`, or a test name). */
  readonly environment: string;
  readonly index: StackIndex;
}

/**
 * A compliance rule over the synthesized Terraform JSON of one stack.
 *
 * Rules run after token resolution, so they see what Terraform will see:
 * literal values, and references as `${aws_x.y.attr}` strings that
 * `context.index` resolves to the referenced block.
 */
export interface GuardrailRule {
  /** `TB-<SERVICE>-<n>`; stable, because waivers name it. */
  readonly id: string;
  /** The rule's file name, e.g. `S3BucketPublicAccessBlocked`. */
  readonly name: string;
  /** One line: why the rule exists. */
  readonly reason: string;
  readonly level: RuleLevel;
  /** Terraform types the rule inspects, one `check` call per block of these types. */
  readonly resourceTypes: readonly string[];
  readonly references: readonly ControlReference[];
  /** What to change, in this repository's terms (module, prop, config field). */
  readonly fix: string;
  check(resource: SynthResource, context: RuleContext): CheckOutcome;
}

export const pass = (): CheckOutcome => ({ status: "pass" });
export const fail = (detail: string): CheckOutcome => ({ status: "fail", detail });
export const notApplicable = (detail: string): CheckOutcome => ({ status: "n/a", detail });

/** Shorthand for references in rule files. */
export const checkov = (id: string, confirmed = true): ControlReference => ({ source: "checkov", id, confirmed });
export const cdkNag = (id: string, confirmed = true): ControlReference => ({ source: "cdk-nag", id, confirmed });
export const securityHub = (id: string, confirmed = true): ControlReference => ({ source: "security-hub", id, confirmed });
export const awsConfig = (id: string, confirmed = true): ControlReference => ({ source: "aws-config", id, confirmed });
