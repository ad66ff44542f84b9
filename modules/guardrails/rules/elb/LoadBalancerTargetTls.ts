import { checkov, fail, notApplicable, pass, type GuardrailRule } from "../../rule";
import { block, str } from "../../private/values";

export const LoadBalancerTargetTls: GuardrailRule = {
  id: "TB-ALB-6",
  name: "LoadBalancerTargetTls",
  reason: "The last hop, load balancer to task, carries the same requests and tokens; it is encrypted too, health checks included.",
  level: "required",
  resourceTypes: ["aws_lb_target_group", "aws_alb_target_group"],
  references: [checkov("CKV_AWS_378")],
  fix: "use InternalLoadBalancer (modules/alb), whose targetProtocol defaults to HTTPS, and serve TLS in the task (the tasks-api does with SERVE_TLS=self-signed)",
  check(group) {
    if (str(group.attributes.target_type) === "lambda") return notApplicable("Lambda targets are invoked, not connected to");
    const problems: string[] = [];
    const protocol = str(group.attributes.protocol) ?? "HTTP";
    if (protocol === "HTTP") problems.push("protocol is HTTP");
    const healthCheck = str(block(group.attributes.health_check)?.protocol);
    if (healthCheck === "HTTP") problems.push("health_check protocol is HTTP");
    return problems.length === 0 ? pass() : fail(`${problems.join("; ")}, so traffic to the targets is plaintext`);
  },
};
