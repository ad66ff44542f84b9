import type { SynthResource } from "../rule";
import { blocks, str } from "./values";

/** Where identity-based policies live on each IAM type: `[label, policy value]`. */
export function identityPolicies(resource: SynthResource): [string, unknown][] {
  if (resource.type === "aws_iam_role") {
    return blocks(resource.attributes.inline_policy).map((p) => [`inline policy ${str(p.name) ?? "?"}`, p.policy]);
  }
  return [["policy", resource.attributes.policy]];
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
};
