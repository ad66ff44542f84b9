import { fail, pass, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

export const LoadBalancerInternal: GuardrailRule = {
  id: "TB-ALB-1",
  name: "LoadBalancerInternal",
  reason: "The internet reaches the platform only through CloudFront and API Gateway; load balancers stay internal behind the VPC link.",
  level: "required",
  resourceTypes: ["aws_lb", "aws_alb"],
  references: [],
  fix: "use InternalLoadBalancer (modules/alb), which is internal = true in private subnets",
  check(lb) {
    return isTrue(lb.attributes.internal) ? pass() : fail("internal is not true, so the load balancer gets public addresses");
  },
};
