import { cdkNag, checkov, fail, pass, type GuardrailRule } from "../../rule";
import { RESOURCE_POLICY_ATTRIBUTES } from "../../private/iam";
import { isAnyone } from "../../private/policy";
import { str } from "../../private/values";

export const IamNoWildcardPrincipals: GuardrailRule = {
  id: "TB-IAM-3",
  name: "IamNoWildcardPrincipals",
  reason: "A trust or resource policy that allows `*` as the principal admits every AWS account and anonymous callers.",
  level: "required",
  resourceTypes: [...Object.keys(RESOURCE_POLICY_ATTRIBUTES), "aws_lambda_permission"],
  references: [
    checkov("CKV_AWS_60"),
    checkov("CKV_AWS_70"),
    checkov("CKV_AWS_168"),
    checkov("CKV_AWS_169"),
    checkov("CKV_AWS_33"),
    cdkNag("AwsSolutions-ECR1"),
  ],
  fix: "name the principal: a service principal with aws:SourceArn/aws:SourceAccount conditions, or a role ARN; `*` is only for Deny statements (denyInsecureTransport)",
  check(resource, { index }) {
    if (resource.type === "aws_lambda_permission") {
      const principal = str(resource.attributes.principal);
      return principal === "*" ? fail("the permission lets any principal invoke the function") : pass();
    }
    const attribute = RESOURCE_POLICY_ATTRIBUTES[resource.type] ?? "policy";
    const value = resource.attributes[attribute];
    if (value === undefined) return pass();
    const statements = index.policyStatements(value);
    if (!statements) return fail(`${attribute} cannot be read; build it as a PolicyDocument`);
    const open = statements.filter((s) => s.effect === "Allow" && (s.principals.some(isAnyone) || s.notPrincipals.length > 0));
    return open.length === 0
      ? pass()
      : fail(`${attribute} allows any principal in statement(s) ${open.map((s) => s.sid ?? "(no sid)").join(", ")}`);
  },
};
