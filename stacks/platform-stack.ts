import { Construct } from "constructs";
import { S3Backend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { APP_NAME, type EnvironmentConfig } from "../config";
import { PlatformContext } from "../modules/core/context";

/** The region CloudFront, its certificates, WAF web ACLs and billing metrics live in. */
export const GLOBAL_REGION = "us-east-1";

/**
 * A stack bound to one environment's account: the provider refuses any other
 * account, every resource carries the cost tags, and a second provider in
 * `us-east-1` serves what CloudFront needs there.
 */
export class PlatformStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly platform: PlatformContext;
  readonly provider: AwsProvider;
  /** Provider alias for `us-east-1`, for ACM certificates, WAF and billing alarms used by CloudFront. */
  readonly globalProvider: AwsProvider;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
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
