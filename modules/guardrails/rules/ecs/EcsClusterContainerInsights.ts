import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { blocks, str } from "../../private/values";

export const EcsClusterContainerInsights: GuardrailRule = {
  id: "TB-ECS-5",
  name: "EcsClusterContainerInsights",
  reason: "Container Insights gives per-task CPU, memory and restart metrics, which the alarms and dashboards need.",
  level: "required",
  resourceTypes: ["aws_ecs_cluster"],
  references: [checkov("CKV_AWS_65"), cdkNag("AwsSolutions-ECS4"), securityHub("ECS.12", false)],
  fix: "use EcsCluster (modules/ecs-cluster), which sets containerInsights = enhanced",
  check(cluster) {
    const setting = blocks(cluster.attributes.setting).find((s) => str(s.name) === "containerInsights");
    const value = str(setting?.value);
    return value === "enabled" || value === "enhanced" ? pass() : fail(`containerInsights is ${value ?? "unset"}`);
  },
};
