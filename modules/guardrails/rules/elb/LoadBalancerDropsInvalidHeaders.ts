import { checkov, fail, notApplicable, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue, str } from "../../private/values";

const SAFE_DESYNC = new Set(["defensive", "strictest"]);

export const LoadBalancerDropsInvalidHeaders: GuardrailRule = {
  id: "TB-ALB-2",
  name: "LoadBalancerDropsInvalidHeaders",
  reason: "Dropping invalid header fields and a defensive desync mode blunt request smuggling against the service.",
  level: "required",
  resourceTypes: ["aws_lb", "aws_alb"],
  references: [checkov("CKV_AWS_131"), securityHub("ELB.4"), securityHub("ELB.12")],
  fix: "use InternalLoadBalancer (modules/alb), which sets drop_invalid_header_fields and desync_mitigation_mode = strictest",
  check(lb) {
    if ((str(lb.attributes.load_balancer_type) ?? "application") !== "application") return notApplicable("not an Application Load Balancer");
    const problems: string[] = [];
    if (!isTrue(lb.attributes.drop_invalid_header_fields)) problems.push("drop_invalid_header_fields is not true");
    const mode = str(lb.attributes.desync_mitigation_mode) ?? "defensive";
    if (!SAFE_DESYNC.has(mode)) problems.push(`desync_mitigation_mode is ${mode}`);
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};
