import { describe, expect, it } from "vitest";
import { TerraformOutput, type TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EdgeWebAcl, type EdgeWebAclProps } from "../../modules/waf";
import { synth, testStack } from "../support/synth";

type Json = Record<string, unknown>;

function aclStack(props: Partial<EdgeWebAclProps> = {}, region = "us-east-1"): { stack: TerraformStack; acl: EdgeWebAcl } {
  const stack = testStack();
  const globalProvider = new AwsProvider(stack, "aws-global", { region, alias: "global" });
  const acl = new EdgeWebAcl(stack, "waf", { globalProvider, ...props });
  return { stack, acl };
}

function webAcl(props: Partial<EdgeWebAclProps> = {}): Json {
  return synth(aclStack(props).stack).resource("aws_wafv2_web_acl");
}

describe("EdgeWebAcl", () => {
  it("is a CLOUDFRONT-scoped ACL created through the us-east-1 provider, allowing what no rule blocks", () => {
    expect(webAcl()).toMatchObject({
      provider: "aws.global",
      scope: "CLOUDFRONT",
      name: "taskboard-test-edge",
      default_action: { allow: {} },
      visibility_config: {
        cloudwatch_metrics_enabled: true,
        metric_name: "taskboard-test-edge-WebAcl",
        sampled_requests_enabled: true,
      },
    });
  });

  it("blocks an IP above the rate limit first, counted per IP over 5 minutes (2000 by default)", () => {
    const rules = webAcl().rule as Json[];
    expect(rules[0]).toEqual({
      name: "RateLimitPerIp",
      priority: 0,
      action: { block: {} },
      statement: { rate_based_statement: { limit: 2000, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
      visibility_config: {
        cloudwatch_metrics_enabled: true,
        metric_name: "taskboard-test-edge-RateLimitPerIp",
        sampled_requests_enabled: true,
      },
    });
    const custom = webAcl({ rateLimitPer5Minutes: 300 }).rule as Json[];
    expect(custom[0]?.statement).toMatchObject({ rate_based_statement: { limit: 300 } });
  });

  it("runs the AWS managed IP reputation, known bad inputs and common rule sets with their own block actions", () => {
    const rules = (webAcl().rule as Json[]).slice(1);
    expect(rules.map((rule) => [rule.priority, (rule.statement as Json).managed_rule_group_statement])).toEqual([
      [1, { name: "AWSManagedRulesAmazonIpReputationList", vendor_name: "AWS" }],
      [2, { name: "AWSManagedRulesKnownBadInputsRuleSet", vendor_name: "AWS" }],
      [3, { name: "AWSManagedRulesCommonRuleSet", vendor_name: "AWS" }],
    ]);
    for (const rule of rules) {
      // `none` keeps each managed rule's block; `count` would only watch.
      expect(rule.override_action).toEqual({ none: {} });
      expect(rule.action).toBeUndefined();
      expect(rule.visibility_config).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
    }
  });

  it("gives every rule a distinct metric name and priority", () => {
    const rules = webAcl().rule as Json[];
    const metricNames = rules.map((rule) => (rule.visibility_config as Json).metric_name);
    expect(new Set(metricNames).size).toBe(rules.length);
    expect(new Set(rules.map((rule) => rule.priority)).size).toBe(rules.length);
  });

  it("exposes the ARN, which is what CloudFront's web_acl_id takes", () => {
    const { stack, acl } = aclStack();
    new TerraformOutput(stack, "web-acl-arn", { value: acl.webAclArn });
    expect(synth(stack).json.output?.["web-acl-arn"]?.value).toMatch(/^\$\{aws_wafv2_web_acl\.waf_web-acl_[0-9A-F]{8}\.arn\}$/);
  });

  it("throws when the provider is not in us-east-1", () => {
    expect(() => aclStack({}, "ap-northeast-2")).toThrow(
      /test\/waf: globalProvider is for region "ap-northeast-2"; a CloudFront web ACL can only be created in us-east-1/,
    );
  });

  it("throws when the rate limit is outside WAF's bounds (10 to 2,000,000,000, whole)", () => {
    for (const limit of [9, 0, 100.5, 2_000_000_001]) {
      expect(() => aclStack({ rateLimitPer5Minutes: limit })).toThrow(
        new RegExp(`test/waf: rateLimitPer5Minutes ${limit} is outside what WAF accepts; use a whole number from 10 to 2000000000`),
      );
    }
    expect(() => aclStack({ rateLimitPer5Minutes: 10 })).not.toThrow();
  });
});
