import { cdkNag, checkov, securityHub, type GuardrailRule } from "../../rule";
import { IDENTITY_POLICY_TYPES, checkAllowStatements } from "../../private/iam";
import { isServiceWildcard } from "../../private/policy";

export const IamNoWildcardActions: GuardrailRule = {
  id: "TB-IAM-1",
  name: "IamNoWildcardActions",
  reason: "An identity policy names the actions it allows; `*` and `service:*` grant whatever the service adds next.",
  level: "required",
  resourceTypes: IDENTITY_POLICY_TYPES,
  references: [checkov("CKV_AWS_63"), checkov("CKV_AWS_62"), checkov("CKV_AWS_49"), cdkNag("AwsSolutions-IAM5"), securityHub("IAM.21", false)],
  fix: "grant through the owning module's grantXxx(role) methods, which list exact actions; never write `*` or `<service>:*` in an Allow",
  check(resource, context) {
    return checkAllowStatements(resource, context, (label, s) => {
      const name = s.sid ?? "(no sid)";
      const wild = s.actions.filter(isServiceWildcard);
      return [
        ...(wild.length > 0 ? [`${label} statement ${name} allows ${wild.join(", ")}`] : []),
        ...(s.notActions.length > 0 ? [`${label} statement ${name} allows everything but ${s.notActions.join(", ")} (NotAction)`] : []),
      ];
    });
  },
};
