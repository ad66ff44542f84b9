import { awsConfig, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { containerDefinitions } from "../../private/containers";
import { str } from "../../private/values";

const ROOT = /^(0|root)(:.*)?$/;

export const EcsContainersNonRoot: GuardrailRule = {
  id: "TB-ECS-1",
  name: "EcsContainersNonRoot",
  reason: "A container that runs as root turns any code execution bug into root on the task, and a step from the host.",
  level: "required",
  resourceTypes: ["aws_ecs_task_definition"],
  references: [awsConfig("ecs-task-definition-linux-user-non-root"), securityHub("ECS.20", false)],
  fix: 'use EcsService (modules/ecs-service), which runs every container as user "1000:1000"',
  check(taskDefinition) {
    const containers = containerDefinitions(taskDefinition);
    if (!containers) return fail("container_definitions cannot be read as JSON");
    const root = containers.filter((c) => {
      const user = str(c.user);
      return user === undefined || ROOT.test(user);
    });
    return root.length === 0
      ? pass()
      : fail(`container(s) ${root.map((c) => `${str(c.name) ?? "?"} (user ${str(c.user) ?? "unset: the image's, root by default"})`).join(", ")} run as root`);
  },
};
