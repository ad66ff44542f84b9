import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { PlatformContext } from "../core/context";
import { PolicyDocument, type IGrantee } from "../core/policy";
import type { EncryptionKey } from "../kms";

/** The longest SQS keeps a message: time to notice the alarm, fix the cause and redrive. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;
/** SQS queue names are at most 80 characters. */
const QUEUE_NAME_LENGTH = 80;

export interface DeadLetterQueueProps {
  /** Names the queue `<app>-<env>-<purpose>`. */
  readonly purpose: string;
  /** The customer managed key the queue is encrypted with. */
  readonly encryptionKey: EncryptionKey;
}

/**
 * An SQS queue that is itself a dead-letter queue: KMS-encrypted with a
 * customer managed key, 14-day retention, no redrive policy of its own, and a
 * queue policy refusing any request not made over TLS.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  readonly queueName: string;
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly encryptionKey: EncryptionKey;
  private readonly policy: PolicyDocument;
  /** The ARN built from the name, for the key and queue policies: a reference would make the key depend on its own queue. */
  private readonly literalArn: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    this.encryptionKey = props.encryptionKey;
    this.queueName = platform.name(props.purpose, { maxLength: QUEUE_NAME_LENGTH });
    this.literalArn = platform.arn("sqs", this.queueName);
    this.queue = new SqsQueue(this, "queue", {
      name: this.queueName,
      kmsMasterKeyId: props.encryptionKey.keyArn,
      // SQS caches a data key this long; 5 minutes is the default and keeps KMS calls (and cost) low.
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    this.queueArn = this.queue.arn;
    this.queueUrl = this.queue.url;
    this.policy = new PolicyDocument(this, "policy", {
      statements: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sqs:*"],
          resources: [this.literalArn],
          principals: [{ type: "*", identifiers: ["*"] }],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SqsQueuePolicy(this, "queue-policy", { queueUrl: this.queue.url, policy: this.policy.json });
  }

  /**
   * Lets an AWS service send to the queue on behalf of one source resource
   * only (`aws:SourceArn`), and use the queue's key for that queue only.
   */
  allowServiceSend(servicePrincipal: string, sourceArn: string, sid: string): void {
    const platform = PlatformContext.of(this);
    this.policy.addStatements({
      sid,
      actions: ["sqs:SendMessage"],
      resources: [this.literalArn],
      principals: [{ type: "Service", identifiers: [servicePrincipal] }],
      conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [sourceArn] }],
    });
    // SQS asks KMS for a data key under the queue's ARN as encryption context, so the
    // service may use the key for this queue only, and only when acting for this account.
    this.encryptionKey.allowService(servicePrincipal, sid, [
      { test: "StringEquals", variable: "kms:EncryptionContext:aws:sqs:arn", values: [this.literalArn] },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
    ]);
  }

  /** Lets a role send messages to the queue (and encrypt them under its key, through SQS only). */
  grantSend(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({ sid, actions: ["sqs:SendMessage"], resources: [this.queueArn] });
    this.encryptionKey.grantEncryptDecrypt(grantee, `${sid}Key`, { viaService: "sqs" });
  }
}
