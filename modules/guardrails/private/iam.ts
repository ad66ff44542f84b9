import { fail, notApplicable, pass, type CheckOutcome, type RuleContext, type SynthResource } from "../rule";
import type { PolicyStatement } from "./policy";
import { blocks, str } from "./values";

/** Where identity-based policies live on each IAM type: `[label, policy value]`. */
export function identityPolicies(resource: SynthResource): [string, unknown][] {
  if (resource.type === "aws_iam_role") {
    return blocks(resource.attributes.inline_policy).map((p) => [`inline policy ${str(p.name) ?? "?"}`, p.policy]);
  }
  return [["policy", resource.attributes.policy]];
}

/**
 * The walk the identity-policy rules share: every Allow statement of every
 * policy on the resource goes to `problemsOf`; a policy that cannot be read is
 * a problem in itself (rules must not pass what they could not inspect).
 */
export function checkAllowStatements(
  resource: SynthResource,
  { index }: RuleContext,
  problemsOf: (label: string, statement: PolicyStatement) => readonly string[],
): CheckOutcome {
  const policies = identityPolicies(resource);
  if (policies.length === 0) return notApplicable("no inline policy");
  const problems: string[] = [];
  for (const [label, value] of policies) {
    const statements = index.policyStatements(value);
    if (!statements) {
      problems.push(`${label} cannot be read; build it as a PolicyDocument`);
      continue;
    }
    for (const statement of statements.filter((s) => s.effect === "Allow")) problems.push(...problemsOf(label, statement));
  }
  return problems.length === 0 ? pass() : fail(problems.join("; "));
}

/** Types whose policies are identity-based (attached to a principal). */
export const IDENTITY_POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"];

/** Resource-based and trust policies, by type: the attribute that holds the document. */
export const RESOURCE_POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_iam_role: "assume_role_policy",
  aws_s3_bucket_policy: "policy",
  aws_sqs_queue_policy: "policy",
  aws_sns_topic_policy: "policy",
  aws_kms_key: "policy",
  aws_ecr_repository_policy: "policy",
  aws_cloudwatch_event_bus_policy: "policy",
  aws_secretsmanager_secret_policy: "policy",
  aws_cloudwatch_log_resource_policy: "policy_document",
  aws_vpc_endpoint: "policy",
};
