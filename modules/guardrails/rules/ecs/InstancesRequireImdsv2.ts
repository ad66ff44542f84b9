import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, num, str } from "../../private/values";

export const InstancesRequireImdsv2: GuardrailRule = {
  id: "TB-ECS-4",
  name: "InstancesRequireImdsv2",
  reason: "IMDSv2 with a hop limit of 1 stops SSRF and containers from reading the instance role's credentials.",
  level: "required",
  resourceTypes: ["aws_launch_template", "aws_instance"],
  references: [checkov("CKV_AWS_79"), securityHub("EC2.8", false), securityHub("AutoScaling.3", false)],
  fix: "use EcsCluster (modules/ecs-cluster), whose launch template sets http_tokens = required and http_put_response_hop_limit = 1",
  check(resource) {
    const options = block(resource.attributes.metadata_options);
    if (str(options?.http_endpoint) === "disabled") return pass();
    const problems: string[] = [];
    if (str(options?.http_tokens) !== "required") problems.push(`http_tokens is ${str(options?.http_tokens) ?? "unset (IMDSv1 allowed)"}`);
    const hops = num(options?.http_put_response_hop_limit) ?? 1;
    if (hops > 1) problems.push(`http_put_response_hop_limit is ${hops}, so containers can reach the metadata service`);
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};
