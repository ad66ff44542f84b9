import { Construct } from "constructs";
import { TerraformStack, type TerraformProvider } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { PlatformContext } from "../core/context";
import { PolicyDocument, type IGrantee, type PolicyCondition, type PolicyStatement } from "../core/policy";

export interface EncryptionKeyProps {
  /** What the key protects; names its alias (`alias/taskboard-dev-<purpose>`). */
  readonly purpose: string;
  readonly description?: string;
  /**
   * Days a scheduled deletion waits, the window in which a mistaken delete can be cancelled.
   * @default 30 (the maximum)
   */
  readonly deletionWindowDays?: number;
  /**
   * The provider (region) the key lives in; a key must be in the region of what it encrypts.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

export interface AllowServiceOptions {
  /**
   * The KMS actions the service may use; grant only what it calls.
   * @default - envelope encryption: Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey
   */
  readonly actions?: readonly string[];
}

export interface KeyGrantOptions {
  /**
   * The service the grantee uses the key through (`dynamodb`, `s3`, `secretsmanager`):
   * adds a `kms:ViaService` condition so the permission works only inside that service's calls.
   * @default - direct use of the key is allowed
   */
  readonly viaService?: string;
}

/**
 * The first statement of every key policy here: the account may administer
 * and use the key, which delegates the decision to IAM policies (grants).
 */
export function accountAdministersKey(accountRootArn: string): PolicyStatement {
  return {
    sid: "AccountAdministersThroughIam",
    actions: ["kms:*"],
    resources: ["*"],
    principals: [{ type: "AWS", identifiers: [accountRootArn] }],
  };
}

/** Actions a service needs to use a key for envelope encryption. */
const ENVELOPE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

const LOGS_KEY_ID = "logs-key";

/**
 * A customer managed KMS key with yearly rotation.
 *
 * The key policy delegates to IAM (the account root may administer and use
 * it), so roles get usage through `grantEncryptDecrypt`/`grantDecrypt`;
 * service principals that cannot hold IAM policies are added with `allowService`.
 */
export class EncryptionKey extends Construct {
  /**
   * The stack's shared key for CloudWatch Logs: one key serves every log group
   * in an environment, since they share one audience (operators) and one service.
   */
  static forLogs(scope: Construct): EncryptionKey {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(LOGS_KEY_ID);
    if (existing instanceof EncryptionKey) return existing;
    const platform = PlatformContext.of(stack);
    const key = new EncryptionKey(stack, LOGS_KEY_ID, { purpose: "logs", description: "CloudWatch Logs encryption" });
    key.allowService(`logs.${platform.region}.amazonaws.com`, "CloudWatchLogs", [
      {
        test: "ArnLike",
        variable: "kms:EncryptionContext:aws:logs:arn",
        values: [platform.arn("logs", "log-group:*")],
      },
    ]);
    return key;
  }

  readonly key: KmsKey;
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;
  private readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    if (!Number.isInteger(deletionWindowDays) || deletionWindowDays < 7 || deletionWindowDays > 30) {
      throw new Error(`${this.node.path}: deletionWindowDays must be a whole number from 7 to 30, got ${deletionWindowDays}`);
    }
    const platform = PlatformContext.of(this);
    this.policy = new PolicyDocument(this, "policy", { statements: [accountAdministersKey(platform.accountRootArn)] });
    this.key = new KmsKey(this, "key", {
      description: props.description ?? `${platform.name(props.purpose)} data key`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: deletionWindowDays,
      policy: this.policy.json,
      provider: props.provider,
    });
    this.aliasName = `alias/${platform.name(props.purpose, { maxLength: 250 })}`;
    new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId, provider: props.provider });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }

  /** Lets an AWS service principal use the key (for envelope encryption unless `actions` says otherwise), under the given conditions. */
  allowService(
    servicePrincipal: string,
    sid: string,
    conditions: readonly PolicyCondition[] = [],
    options: AllowServiceOptions = {},
  ): void {
    this.policy.addStatements({
      sid: `Allow${sid}`,
      actions: options.actions ?? ENVELOPE_ACTIONS,
      resources: ["*"],
      principals: [{ type: "Service", identifiers: [servicePrincipal] }],
      conditions,
    });
  }

  /** Encrypt and decrypt with the key; pass `viaService` when the key is only ever used through one service. */
  grantEncryptDecrypt(grantee: IGrantee, sid: string, options: KeyGrantOptions = {}): void {
    grantee.addToPolicy({ sid, actions: ENVELOPE_ACTIONS, resources: [this.keyArn], conditions: this.viaService(options) });
  }

  /** Decrypt with the key; pass `viaService` when the key is only ever used through one service. */
  grantDecrypt(grantee: IGrantee, sid: string, options: KeyGrantOptions = {}): void {
    grantee.addToPolicy({
      sid,
      actions: ["kms:Decrypt", "kms:DescribeKey"],
      resources: [this.keyArn],
      conditions: this.viaService(options),
    });
  }

  private viaService(options: KeyGrantOptions) {
    if (!options.viaService) return undefined;
    const region = PlatformContext.of(this).region;
    return [{ test: "StringEquals", variable: "kms:ViaService", values: [`${options.viaService}.${region}.amazonaws.com`] }];
  }
}

export { SigningKey, type SigningKeyProps } from "./signing-key";
