import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { PUBLIC_ROUTE_KEYS } from "../../defaults";
import { str } from "../../private/values";

const AUTHORIZED_TYPES = new Set(["CUSTOM", "JWT", "AWS_IAM"]);

export const ApiRouteAuthorized: GuardrailRule = {
  id: "TB-APIGW-2",
  name: "ApiRouteAuthorized",
  reason: "Every route but sign-in must run the authorizer before the backend sees the request.",
  level: "required",
  resourceTypes: ["aws_apigatewayv2_route"],
  references: [checkov("CKV_AWS_309"), cdkNag("AwsSolutions-APIG4"), securityHub("APIGateway.8")],
  fix: "mark the route authorized: true in contracts/routes.ts (HttpApi then attaches the authorizer); public routes are listed in modules/guardrails/defaults.ts PUBLIC_ROUTE_KEYS",
  check(route, { index }) {
    const key = str(route.attributes.route_key) ?? "?";
    const type = str(route.attributes.authorization_type) ?? "NONE";
    if (PUBLIC_ROUTE_KEYS.includes(key)) return pass();
    if (!AUTHORIZED_TYPES.has(type)) return fail(`route ${key} has authorization_type ${type}`);
    if (type !== "AWS_IAM") {
      const authorizer = index.referencedBy(route.attributes.authorizer_id).find((r) => r.type === "aws_apigatewayv2_authorizer");
      if (!authorizer) return fail(`route ${key} names no authorizer of this stack`);
    }
    return pass();
  },
};
