import { fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { containerDefinitions } from "../../private/containers";
import { str } from "../../private/values";

export const EcsContainersNotPrivileged: GuardrailRule = {
  id: "TB-ECS-3",
  name: "EcsContainersNotPrivileged",
  reason: "A privileged container has the host's root capabilities and devices.",
  level: "required",
  resourceTypes: ["aws_ecs_task_definition"],
  references: [securityHub("ECS.4")],
  fix: "remove privileged from the container definition; EcsService (modules/ecs-service) sets privileged: false and drops all capabilities",
  check(taskDefinition) {
    const containers = containerDefinitions(taskDefinition);
    if (!containers) return fail("container_definitions cannot be read as JSON");
    const privileged = containers.filter((c) => c.privileged === true);
    return privileged.length === 0 ? pass() : fail(`container(s) ${privileged.map((c) => str(c.name) ?? "?").join(", ")} are privileged`);
  },
};
