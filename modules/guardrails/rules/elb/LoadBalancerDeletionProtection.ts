import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

export const LoadBalancerDeletionProtection: GuardrailRule = {
  id: "TB-ALB-4",
  name: "LoadBalancerDeletionProtection",
  reason: "Deletion protection keeps a destroy or a console slip from taking the API's only path to the service offline.",
  level: "prod",
  resourceTypes: ["aws_lb", "aws_alb"],
  references: [checkov("CKV_AWS_150"), securityHub("ELB.6")],
  fix: "set deletionProtection: true in config/environments.ts (InternalLoadBalancer sets enable_deletion_protection from it)",
  check(lb) {
    return isTrue(lb.attributes.enable_deletion_protection) ? pass() : fail("enable_deletion_protection is not true");
  },
};
