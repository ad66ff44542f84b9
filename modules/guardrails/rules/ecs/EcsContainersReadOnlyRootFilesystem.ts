import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { containerDefinitions } from "../../private/containers";
import { str } from "../../private/values";

export const EcsContainersReadOnlyRootFilesystem: GuardrailRule = {
  id: "TB-ECS-2",
  name: "EcsContainersReadOnlyRootFilesystem",
  reason: "A read-only root filesystem stops an intruder from changing the image's code or dropping tools into it.",
  level: "required",
  resourceTypes: ["aws_ecs_task_definition"],
  references: [checkov("CKV_AWS_336"), securityHub("ECS.5")],
  fix: "use EcsService (modules/ecs-service), which sets readonlyRootFilesystem and mounts a small noexec tmpfs at /tmp",
  check(taskDefinition) {
    const containers = containerDefinitions(taskDefinition);
    if (!containers) return fail("container_definitions cannot be read as JSON");
    const writable = containers.filter((c) => c.readonlyRootFilesystem !== true);
    return writable.length === 0 ? pass() : fail(`container(s) ${writable.map((c) => str(c.name) ?? "?").join(", ")} have a writable root filesystem`);
  },
};
