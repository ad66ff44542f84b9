import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, isTrue, str } from "../../private/values";

export const LoadBalancerAccessLogs: GuardrailRule = {
  id: "TB-ALB-3",
  name: "LoadBalancerAccessLogs",
  reason: "Load balancer access logs show each request's client, target, latency and status, which API Gateway's logs cannot.",
  level: "required",
  resourceTypes: ["aws_lb", "aws_alb"],
  references: [checkov("CKV_AWS_91"), cdkNag("AwsSolutions-ELB2"), securityHub("ELB.5")],
  fix: "pass accessLogs: { bucket, prefix } to InternalLoadBalancer (modules/alb)",
  check(lb) {
    const logs = block(lb.attributes.access_logs);
    return isTrue(logs?.enabled) && str(logs?.bucket) ? pass() : fail("access_logs is not enabled with a bucket");
  },
};
