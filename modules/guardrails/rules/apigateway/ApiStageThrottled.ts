import { fail, pass, type GuardrailRule } from "../../rule";
import { block, num } from "../../private/values";

export const ApiStageThrottled: GuardrailRule = {
  id: "TB-APIGW-3",
  name: "ApiStageThrottled",
  reason: "A stage-wide rate and burst limit keeps one client from exhausting the account's API Gateway quota and the backends behind it.",
  level: "required",
  resourceTypes: ["aws_apigatewayv2_stage"],
  references: [],
  fix: "set api.throttlingBurstLimit and api.throttlingRateLimit in config/environments.ts; HttpApi (modules/api) applies them to the default route settings",
  check(stage) {
    const settings = block(stage.attributes.default_route_settings);
    const burst = num(settings?.throttling_burst_limit);
    const rate = num(settings?.throttling_rate_limit);
    if (burst === undefined || rate === undefined || burst <= 0 || rate <= 0) {
      return fail(`default_route_settings throttling is burst ${burst ?? "unset"}, rate ${rate ?? "unset"}`);
    }
    return pass();
  },
};
