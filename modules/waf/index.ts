import { Token } from "cdktf";
import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { PlatformContext } from "../core/context";
import {
  EDGE_WEB_ACL_DEFAULTS,
  MANAGED_RULE_GROUPS,
  RATE_EVALUATION_WINDOW_SECONDS,
  RATE_LIMIT_RANGE,
} from "./defaults";

/** The one region CloudFront-scoped WAF resources can be created in. */
export const GLOBAL_REGION = "us-east-1";

export interface EdgeWebAclProps {
  /**
   * An AWS provider for `us-east-1` (with an `alias`): a web ACL for CloudFront
   * (scope `CLOUDFRONT`) exists only there, whatever the stack's region.
   */
  readonly globalProvider: AwsProvider;
  /**
   * What the ACL protects; names it and prefixes its metric names.
   * @default "edge"
   */
  readonly purpose?: string;
  /**
   * Requests one client IP may send in any 5-minute window before its further
   * requests are blocked (until its rate falls back under the limit).
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
}

/**
 * A WAF web ACL for a CloudFront distribution: a per-IP rate limit, then AWS
 * managed rule groups (IP reputation, known bad inputs, common rule set).
 * Requests no rule blocks are allowed. Every rule emits CloudWatch metrics and
 * sampled requests.
 *
 * Attach it with the distribution's `web_acl_id` set to `webAclArn`.
 */
export class EdgeWebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  /** What CloudFront's `web_acl_id` takes for a WAFv2 ACL: its ARN, not its id. */
  readonly webAclArn: string;
  readonly webAclId: string;
  readonly webAclName: string;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const region = props.globalProvider.region;
    if (region !== undefined && !Token.isUnresolved(region) && region !== GLOBAL_REGION) {
      throw new Error(
        `${this.node.path}: globalProvider is for region "${region}"; a CloudFront web ACL can only be created ` +
          `in ${GLOBAL_REGION}. Pass an AwsProvider with region "${GLOBAL_REGION}" and an alias.`,
      );
    }
    const rateLimit = props.rateLimitPer5Minutes ?? EDGE_WEB_ACL_DEFAULTS.rateLimitPer5Minutes;
    if (!Number.isInteger(rateLimit) || rateLimit < RATE_LIMIT_RANGE.min || rateLimit > RATE_LIMIT_RANGE.max) {
      throw new Error(
        `${this.node.path}: rateLimitPer5Minutes ${rateLimit} is outside what WAF accepts; ` +
          `use a whole number from ${RATE_LIMIT_RANGE.min} to ${RATE_LIMIT_RANGE.max} (requests per IP per 5 minutes)`,
      );
    }

    const platform = PlatformContext.of(this);
    const name = platform.name(props.purpose ?? EDGE_WEB_ACL_DEFAULTS.purpose, { maxLength: 128 });
    const metric = (suffix: string) => ({
      cloudwatchMetricsEnabled: true,
      // WAF metric names allow letters, digits, '-' and '_' only.
      metricName: `${name}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255),
      sampledRequestsEnabled: true,
    });

    // The provider binding types `statement` as `any` (the block is recursive),
    // so statements are written in Terraform's snake_case and typed here.
    const rateStatement: RateBasedStatement = {
      rate_based_statement: {
        limit: rateLimit,
        aggregate_key_type: "IP",
        evaluation_window_sec: RATE_EVALUATION_WINDOW_SECONDS,
      },
    };
    const rules: Wafv2WebAclRule[] = [
      // First, so a flood is dropped before it costs managed-rule evaluations.
      { name: "RateLimitPerIp", priority: 0, action: { block: {} }, statement: rateStatement, visibilityConfig: metric("RateLimitPerIp") },
      ...MANAGED_RULE_GROUPS.map((group, index): Wafv2WebAclRule => {
        const statement: ManagedRuleGroupStatement = {
          managed_rule_group_statement: { name: group.name, vendor_name: "AWS" },
        };
        return {
          name: group.name,
          priority: index + 1,
          // `none` keeps each group's own actions (block); `count` would only observe.
          overrideAction: { none: {} },
          statement,
          visibilityConfig: metric(group.metricName),
        };
      }),
    ];

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider: props.globalProvider,
      name,
      description: `Edge protection for ${platform.app} ${platform.environment}: rate limit and AWS managed rules`,
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: metric("WebAcl"),
    });
    this.webAclArn = this.webAcl.arn;
    this.webAclId = this.webAcl.id;
    this.webAclName = this.webAcl.name;
  }
}

interface RateBasedStatement {
  readonly rate_based_statement: {
    readonly limit: number;
    readonly aggregate_key_type: "IP";
    readonly evaluation_window_sec: number;
  };
}

interface ManagedRuleGroupStatement {
  readonly managed_rule_group_statement: { readonly name: string; readonly vendor_name: "AWS" };
}
