import { fail, notApplicable, pass, type GuardrailRule } from "../../rule";
import { block, isTrue, str } from "../../private/values";

export const EcsServiceCircuitBreaker: GuardrailRule = {
  id: "TB-ECS-6",
  name: "EcsServiceCircuitBreaker",
  reason: "The deployment circuit breaker stops a deployment whose tasks keep failing and rolls back to the last healthy one.",
  level: "required",
  resourceTypes: ["aws_ecs_service"],
  references: [],
  fix: "use EcsService (modules/ecs-service), which enables deployment_circuit_breaker with rollback",
  check(service) {
    const controller = str(block(service.attributes.deployment_controller)?.type) ?? "ECS";
    if (controller !== "ECS") return notApplicable(`deployments are driven by ${controller}`);
    const breaker = block(service.attributes.deployment_circuit_breaker);
    if (!isTrue(breaker?.enable)) return fail("deployment_circuit_breaker is not enabled");
    return isTrue(breaker?.rollback) ? pass() : fail("deployment_circuit_breaker does not roll back");
  },
};
