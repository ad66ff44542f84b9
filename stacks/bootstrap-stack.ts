import { Construct } from "constructs";
import { LocalBackend, TerraformOutput } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { SecureBucket } from "../modules/bucket";
import { GithubCiAccess } from "../modules/ci-access";
import { EncryptionKey } from "../modules/kms";
import { PlatformStack, stateLocation } from "./platform-stack";

/**
 * Creates what an environment's stack needs before it can have remote state
 * or be delivered by CI: the state bucket and its key, and GitHub's way in
 * (the OIDC provider, a plan role and a deploy role). Its own state is local,
 * kept by whoever runs it once per account (see README, "Bootstrap an account").
 */
export class BootstrapStack extends PlatformStack {
  readonly stateBucket: SecureBucket;
  readonly stateAccessLogBucket: SecureBucket;
  readonly ciAccess: GithubCiAccess;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id, config);
    new LocalBackend(this, { path: "terraform.tfstate" });
    const state = stateLocation(config);

    // The alias must be exactly the one the environment's backend names.
    const key = new EncryptionKey(this, "state-key", { purpose: "tfstate", description: "Terraform state encryption" });
    if (key.aliasName !== state.kmsKeyAlias) {
      throw new Error(`${this.node.path}: state key alias ${key.aliasName} differs from the backend's ${state.kmsKeyAlias}`);
    }
    // Server access logs of the state bucket: who read or wrote which environment's state. SSE-S3 because
    // S3 log delivery cannot write SSE-KMS; it is itself a log destination, so it is not logged (TB-S3-5).
    this.stateAccessLogBucket = new SecureBucket(this, "state-access-logs", {
      purpose: "tfstate-access-logs",
      encryption: { type: "s3-managed" },
      expireAfterDays: 365,
    });
    this.stateAccessLogBucket.bucket.addOverride("lifecycle.prevent_destroy", true);
    this.stateBucket = new SecureBucket(this, "state-bucket", {
      purpose: "tfstate",
      bucketName: state.bucket,
      encryption: { type: "kms", key },
      noncurrentVersionExpireDays: 365,
      accessLogs: { bucket: this.stateAccessLogBucket, prefix: "s3/tfstate/" },
    });
    // Losing this bucket loses every environment's state: Terraform itself refuses to destroy it.
    this.stateBucket.bucket.addOverride("lifecycle.prevent_destroy", true);

    // Must exist before CI can plan or deploy; one OIDC provider per account, and each environment has its own account.
    this.ciAccess = new GithubCiAccess(this, "ci-access", {
      repository: config.ci.repository,
      stateBucket: this.stateBucket,
      stateAccessLogBucket: this.stateAccessLogBucket,
      stateObjectKey: state.key,
      hostedZoneIds: config.edge.domain ? [config.edge.domain.hostedZoneId] : [],
      emailIdentities: [config.edge.domain?.name ?? config.mailFrom],
    });

    new TerraformOutput(this, "state_bucket_name", { value: this.stateBucket.bucketName });
    new TerraformOutput(this, "state_key_arn", { value: key.keyArn });
    new TerraformOutput(this, "state_access_log_bucket_name", { value: this.stateAccessLogBucket.bucketName });
    // The repository variables AWS_PLAN_ROLE_ARN / AWS_DEPLOY_ROLE_ARN of the GitHub environments take these.
    new TerraformOutput(this, "ci_plan_role_arn", { value: this.ciAccess.planRoleArn });
    new TerraformOutput(this, "ci_deploy_role_arn", { value: this.ciAccess.deployRoleArn });
    new TerraformOutput(this, "github_oidc_provider_arn", { value: this.ciAccess.providerArn });
  }
}
