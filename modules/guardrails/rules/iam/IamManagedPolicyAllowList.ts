import { cdkNag, fail, pass, type GuardrailRule } from "../../rule";
import { MANAGED_POLICY_ALLOW_LIST } from "../../defaults";
import { str, strs } from "../../private/values";

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;

export const IamManagedPolicyAllowList: GuardrailRule = {
  id: "TB-IAM-4",
  name: "IamManagedPolicyAllowList",
  reason: "AWS managed policies cannot be read at synth and change without notice; only reviewed single-purpose service policies may be attached.",
  level: "required",
  resourceTypes: [
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_role",
  ],
  references: [cdkNag("AwsSolutions-IAM4")],
  fix: "grant exact actions through the owning module's grantXxx(role) instead; an AWS managed policy that must stay goes into MANAGED_POLICY_ALLOW_LIST (modules/guardrails/defaults.ts) with its reason, in a reviewed commit",
  check(resource, { index }) {
    const arns = resource.type === "aws_iam_role" ? strs(resource.attributes.managed_policy_arns) : [str(resource.attributes.policy_arn) ?? ""];
    const problems: string[] = [];
    for (const arn of arns) {
      if (index.referencedBy(arn).some((r) => r.type === "aws_iam_policy")) continue;
      if (AWS_MANAGED.test(arn)) {
        if (!(arn in MANAGED_POLICY_ALLOW_LIST)) problems.push(`${arn} is not on the allow-list`);
      } else {
        problems.push(`${arn || "(empty)"} is not a policy of this stack, so it cannot be inspected`);
      }
    }
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};
