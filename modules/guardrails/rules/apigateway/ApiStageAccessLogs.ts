import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, str } from "../../private/values";

export const ApiStageAccessLogs: GuardrailRule = {
  id: "TB-APIGW-1",
  name: "ApiStageAccessLogs",
  reason: "Access logs record every request the API answered (caller, route, status, authorizer error) for incidents and abuse.",
  level: "required",
  resourceTypes: ["aws_apigatewayv2_stage", "aws_api_gateway_stage"],
  references: [checkov("CKV_AWS_76"), cdkNag("AwsSolutions-APIG1"), securityHub("APIGateway.9", false)],
  fix: "use HttpApi (modules/api), whose stage writes JSON access logs to its own encrypted, retained log group",
  check(stage, { index }) {
    const settings = block(stage.attributes.access_log_settings);
    const destination = str(settings?.destination_arn);
    if (!destination || !str(settings?.format)) return fail("the stage has no access_log_settings (destination and format)");
    const group = index.referencedBy(destination).find((r) => r.type === "aws_cloudwatch_log_group");
    if (index.referencedBy(destination).length > 0 && !group) return fail("access logs go to something other than a CloudWatch log group");
    return pass();
  },
};
