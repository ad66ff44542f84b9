import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { PlatformContext } from "../core/context";
import { PolicyDocument, type IGrantee } from "../core/policy";
import { accountAdministersKey } from "./index";

export interface SigningKeyProps {
  /** What the key signs; names its alias (`alias/taskboard-dev-<purpose>`). */
  readonly purpose: string;
  readonly description?: string;
}

/**
 * An asymmetric KMS key for ES256 (ECDSA P-256 with SHA-256) signatures.
 *
 * The private half never leaves KMS: it is in no Terraform state, environment
 * variable or repository. Signers get `kms:Sign`; verifiers only fetch the
 * public half with `kms:GetPublicKey` (and cache it).
 *
 * KMS does not rotate asymmetric keys automatically; rotating means a new
 * key and a window in which verifiers accept both (see the auth README).
 */
export class SigningKey extends Construct {
  readonly key: KmsKey;
  readonly keyArn: string;
  readonly aliasName: string;
  /** What a verifier calls: fetch the public half (then verify locally). */
  readonly verifyActions: readonly string[] = ["kms:GetPublicKey"];

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    const policy = new PolicyDocument(this, "policy", { statements: [accountAdministersKey(platform.accountRootArn)] });
    this.key = new KmsKey(this, "key", {
      description: props.description ?? `${platform.name(props.purpose)} signing key`,
      customerMasterKeySpec: "ECC_NIST_P256",
      keyUsage: "SIGN_VERIFY",
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    this.keyArn = this.key.arn;
    this.aliasName = `alias/${platform.name(props.purpose, { maxLength: 250 })}`;
    new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
  }

  /** Sign with ECDSA_SHA_256 only: no other algorithm and no other key. */
  grantSign(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({
      sid,
      actions: ["kms:Sign"],
      resources: [this.keyArn],
      conditions: [{ test: "StringEquals", variable: "kms:SigningAlgorithm", values: ["ECDSA_SHA_256"] }],
    });
  }

  /** Read the public half, to verify signatures locally. */
  grantVerify(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({ sid, actions: this.verifyActions, resources: [this.keyArn] });
  }
}
