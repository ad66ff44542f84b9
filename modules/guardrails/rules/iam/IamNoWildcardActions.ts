import { cdkNag, checkov, fail, notApplicable, pass, securityHub, type GuardrailRule } from "../../rule";
import { IDENTITY_POLICY_TYPES, identityPolicies } from "../../private/iam";
import { isServiceWildcard } from "../../private/policy";

export const IamNoWildcardActions: GuardrailRule = {
  id: "TB-IAM-1",
  name: "IamNoWildcardActions",
  reason: "An identity policy names the actions it allows; `*` and `service:*` grant whatever the service adds next.",
  level: "required",
  resourceTypes: IDENTITY_POLICY_TYPES,
  references: [checkov("CKV_AWS_63"), checkov("CKV_AWS_62"), checkov("CKV_AWS_49"), cdkNag("AwsSolutions-IAM5"), securityHub("IAM.21", false)],
  fix: "grant through the owning module's grantXxx(role) methods, which list exact actions; never write `*` or `<service>:*` in an Allow",
  check(resource, { index }) {
    const policies = identityPolicies(resource);
    if (policies.length === 0) return notApplicable("no inline policy");
    const problems: string[] = [];
    for (const [label, value] of policies) {
      const statements = index.policyStatements(value);
      if (!statements) {
        problems.push(`${label} cannot be read; build it as a PolicyDocument`);
        continue;
      }
      for (const s of statements.filter((st) => st.effect === "Allow")) {
        const name = s.sid ?? "(no sid)";
        const wild = s.actions.filter(isServiceWildcard);
        if (wild.length > 0) problems.push(`${label} statement ${name} allows ${wild.join(", ")}`);
        if (s.notActions.length > 0) problems.push(`${label} statement ${name} allows everything but ${s.notActions.join(", ")} (NotAction)`);
      }
    }
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};
