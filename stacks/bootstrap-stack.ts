import { Construct } from "constructs";
import { LocalBackend, TerraformOutput } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { SecureBucket } from "../modules/bucket";
import { EncryptionKey } from "../modules/kms";
import { PlatformStack, stateLocation } from "./platform-stack";

/**
 * Creates what an environment's stack needs before it can have remote state:
 * the state bucket and its key. Its own state is local, kept by whoever runs
 * it once per account (see README, "Bootstrap an account").
 */
export class BootstrapStack extends PlatformStack {
  readonly stateBucket: SecureBucket;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id, config);
    new LocalBackend(this, { path: "terraform.tfstate" });
    const state = stateLocation(config);

    // The alias must be exactly the one the environment's backend names.
    const key = new EncryptionKey(this, "state-key", { purpose: "tfstate", description: "Terraform state encryption" });
    if (key.aliasName !== state.kmsKeyAlias) {
      throw new Error(`${this.node.path}: state key alias ${key.aliasName} differs from the backend's ${state.kmsKeyAlias}`);
    }
    this.stateBucket = new SecureBucket(this, "state-bucket", {
      purpose: "tfstate",
      bucketName: state.bucket,
      encryption: { type: "kms", key },
      noncurrentVersionExpireDays: 365,
    });
    // Losing this bucket loses every environment's state: Terraform itself refuses to destroy it.
    this.stateBucket.bucket.addOverride("lifecycle.prevent_destroy", true);

    new TerraformOutput(this, "state_bucket_name", { value: this.stateBucket.bucketName });
    new TerraformOutput(this, "state_key_arn", { value: key.keyArn });
  }
}
