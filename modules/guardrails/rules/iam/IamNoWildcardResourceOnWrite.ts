import { cdkNag, checkov, type GuardrailRule } from "../../rule";
import { ACTIONS_WITHOUT_RESOURCE_SCOPE, READ_ONLY_ACTION, RESOURCE_SCOPING_CONDITION } from "../../defaults";
import { IDENTITY_POLICY_TYPES, checkAllowStatements } from "../../private/iam";
import { isAnyResource } from "../../private/policy";

export const IamNoWildcardResourceOnWrite: GuardrailRule = {
  id: "TB-IAM-2",
  name: "IamNoWildcardResourceOnWrite",
  reason: "A write action on `*` reaches every resource of its kind in the account, including other environments' and future ones.",
  level: "required",
  resourceTypes: IDENTITY_POLICY_TYPES,
  references: [checkov("CKV_AWS_290"), checkov("CKV_AWS_355"), checkov("CKV_AWS_111"), cdkNag("AwsSolutions-IAM5")],
  fix: "scope the statement to the resource's ARN (the owning module's grantXxx does), or constrain it with a resource/request tag condition; actions AWS only authorizes on `*` are listed in modules/guardrails/defaults.ts",
  check(resource, context) {
    return checkAllowStatements(resource, context, (label, s) => {
      const unscoped = s.resources.some(isAnyResource) || s.notResources.length > 0;
      if (!unscoped || s.conditions.some((c) => RESOURCE_SCOPING_CONDITION.test(c.variable))) return [];
      const writes = [...s.actions, ...(s.notActions.length > 0 ? ["(NotAction)"] : [])].filter(
        (a) => !READ_ONLY_ACTION.test(a) && !ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(a),
      );
      return writes.length > 0 ? [`${label} statement ${s.sid ?? "(no sid)"} allows ${writes.join(", ")} on every resource`] : [];
    });
  },
};
