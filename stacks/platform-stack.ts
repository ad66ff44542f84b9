import { Construct } from "constructs";
import { S3Backend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { APP_NAME, type EnvironmentConfig } from "../config";
import { PlatformContext } from "../modules/core/context";
import { Guardrails, type Waiver } from "../modules/guardrails";

/** The region CloudFront, its certificates, WAF web ACLs and billing metrics live in. */
export const GLOBAL_REGION = "us-east-1";

/**
 * App context key: set to `"report"` (only `npm run check` does) to synthesize
 * without the compliance pack failing the synth, so violations are reported
 * as a table instead of thrown. Anything else, or unset, enforces the pack.
 */
export const GUARDRAILS_MODE_CONTEXT = "taskboard:guardrails";

export interface PlatformStackOptions {
  /**
   * Compliance pack waivers for this stack's resources (`prod`-level rules only, outside prod).
   * @default - none: every rule holds
   */
  readonly waivers?: readonly Waiver[];
}

/**
 * A stack bound to one environment's account: the provider refuses any other
 * account, every resource carries the cost tags, a second provider in
 * `us-east-1` serves what CloudFront needs there, and the compliance pack
 * (modules/guardrails) fails the synth on any violation.
 */
export class PlatformStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly platform: PlatformContext;
  readonly provider: AwsProvider;
  /** Provider alias for `us-east-1`, for ACM certificates, WAF and billing alarms used by CloudFront. */
  readonly globalProvider: AwsProvider;
  /** The compliance pack on this stack; undefined only in `npm run check`'s report mode. */
  readonly guardrails?: Guardrails;

  constructor(scope: Construct, id: string, config: EnvironmentConfig, options: PlatformStackOptions = {}) {
    super(scope, id);
    this.config = config;
    this.platform = PlatformContext.set(this, {
      app: APP_NAME,
      environment: config.name,
      accountId: config.accountId,
      region: config.region,
    });
    const providerSettings = {
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: defaultTags(config) }],
    };
    this.provider = new AwsProvider(this, "aws", { region: config.region, ...providerSettings });
    this.globalProvider = new AwsProvider(this, "aws-global", {
      alias: "global",
      region: GLOBAL_REGION,
      ...providerSettings,
    });
    // Every stack, bootstrap included: the rules read the rendered JSON at synth, after subclasses add resources.
    if (this.node.tryGetContext(GUARDRAILS_MODE_CONTEXT) !== "report") {
      this.guardrails = new Guardrails(this, "guardrails", { environment: config.name, waivers: options.waivers ?? [] });
    }
  }
}

/** Tags every resource gets through the provider's `default_tags`. */
export function defaultTags(config: EnvironmentConfig): Record<string, string> {
  return {
    Application: APP_NAME,
    Environment: config.name,
    ManagedBy: "cdktf",
    CostCentre: config.costCentre,
  };
}

/** Where an environment keeps its Terraform state; the bootstrap stack creates exactly this. */
export interface StateLocation {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly kmsKeyAlias: string;
  readonly kmsKeyArn: string;
}

export function stateLocation(config: EnvironmentConfig): StateLocation {
  const prefix = `${APP_NAME}-${config.name}`;
  const kmsKeyAlias = `alias/${prefix}-tfstate`;
  return {
    // Account id in the name: bucket names are global, and this one must be known before it exists.
    bucket: `${prefix}-tfstate-${config.accountId}`,
    key: `${APP_NAME}/${config.name}/terraform.tfstate`,
    region: config.region,
    kmsKeyAlias,
    kmsKeyArn: `arn:aws:kms:${config.region}:${config.accountId}:${kmsKeyAlias}`,
  };
}

/** Points a stack at its S3 state: encrypted with the state key, locked with an S3 lock file. */
export function useS3State(stack: TerraformStack, config: EnvironmentConfig): void {
  const state = stateLocation(config);
  new S3Backend(stack, {
    bucket: state.bucket,
    key: state.key,
    region: state.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyArn,
  });
  // The typed backend predates S3-native locking (Terraform >= 1.10); no DynamoDB lock table needed.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
