import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { API_ROUTES } from "../../contracts/routes";
import { PUBLIC_ROUTE_KEYS } from "../../modules/guardrails/defaults";
import { ApiRouteAuthorized } from "../../modules/guardrails/rules/apigateway/ApiRouteAuthorized";
import { ApiStageAccessLogs } from "../../modules/guardrails/rules/apigateway/ApiStageAccessLogs";
import { ApiStageThrottled } from "../../modules/guardrails/rules/apigateway/ApiStageThrottled";
import { describeRules } from "./cases";
import { expectCompliant, expectViolation } from "./support";

function api(stack: TerraformStack): Apigatewayv2Api {
  return new Apigatewayv2Api(stack, "api", { name: "api", protocolType: "HTTP" });
}

function stage(stack: TerraformStack, o: { logs?: boolean; throttling?: boolean } = {}): string {
  const http = api(stack);
  const logs = new CloudwatchLogGroup(stack, "access-logs", { name: "/aws/apigateway/api", retentionInDays: 30 });
  new Apigatewayv2Stage(stack, "stage", {
    apiId: http.id,
    name: "$default",
    autoDeploy: true,
    ...(o.logs === false ? {} : { accessLogSettings: { destinationArn: logs.arn, format: '{"requestId":"$context.requestId"}' } }),
    ...(o.throttling === false
      ? {}
      : { defaultRouteSettings: { throttlingBurstLimit: 100, throttlingRateLimit: 50, detailedMetricsEnabled: true } }),
  });
  return "test/stage";
}

function route(stack: TerraformStack, routeKey: string, authorized: boolean): string {
  const http = api(stack);
  const authorizer = new Apigatewayv2Authorizer(stack, "authorizer", {
    apiId: http.id,
    name: "authorizer",
    authorizerType: "REQUEST",
    authorizerUri: "arn:aws:apigateway:ap-northeast-2:lambda:path/2015-03-31/functions/arn/invocations",
    authorizerPayloadFormatVersion: "2.0",
    identitySources: ["$request.header.Authorization"],
  });
  new Apigatewayv2Route(stack, "route", {
    apiId: http.id,
    routeKey,
    ...(authorized ? { authorizationType: "CUSTOM", authorizerId: authorizer.id } : { authorizationType: "NONE" }),
  });
  return "test/route";
}

describeRules([
  {
    rule: ApiStageAccessLogs,
    compliant: (stack) => stage(stack),
    noncompliant: (stack) => stage(stack, { logs: false }),
    detail: /no access_log_settings/,
  },
  {
    rule: ApiRouteAuthorized,
    compliant: (stack) => route(stack, "GET /api/users", true),
    noncompliant: (stack) => route(stack, "GET /api/users", false),
    detail: /route GET \/api\/users has authorization_type NONE/,
  },
  {
    rule: ApiStageThrottled,
    compliant: (stack) => stage(stack),
    noncompliant: (stack) => stage(stack, { throttling: false }),
    detail: /throttling is burst unset, rate unset/,
  },
]);

describe("API Gateway rule details", () => {
  it("TB-APIGW-2 lets sign-in run without the authorizer, and nothing else", () => {
    expectCompliant(ApiRouteAuthorized, (stack) => route(stack, "POST /api/auth/login", false));
    expectViolation(ApiRouteAuthorized, (stack) => route(stack, "POST /api/auth/logout", false), /authorization_type NONE/);
  });

  it("keeps the public route list equal to the routes the contract leaves unauthorized (a change needs both)", () => {
    expect([...PUBLIC_ROUTE_KEYS].sort()).toEqual(API_ROUTES.filter((r) => !r.authorized).map((r) => r.routeKey).sort());
  });
});
