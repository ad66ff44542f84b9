import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { DeadLetterQueue } from "../../modules/queue";
import { LogGroup } from "../../modules/log-group";
import { EncryptionKey } from "../../modules/kms";
import { KmsKeyRotation } from "../../modules/guardrails/rules/kms/KmsKeyRotation";
import { LogGroupEncrypted } from "../../modules/guardrails/rules/logs/LogGroupEncrypted";
import { LogGroupRetention } from "../../modules/guardrails/rules/logs/LogGroupRetention";
import { SnsTopicEncrypted } from "../../modules/guardrails/rules/sns/SnsTopicEncrypted";
import { DeadLetterQueueRetention } from "../../modules/guardrails/rules/sqs/DeadLetterQueueRetention";
import { SqsQueueEncrypted } from "../../modules/guardrails/rules/sqs/SqsQueueEncrypted";
import { describeRules } from "./cases";
import { expectCompliant, expectNotApplicable, expectViolation } from "./support";

function moduleQueue(stack: TerraformStack): string {
  const key = new EncryptionKey(stack, "queue-key", { purpose: "queues" });
  const queue = new DeadLetterQueue(stack, "dlq", { purpose: "failures", encryptionKey: key });
  new CloudwatchEventTarget(stack, "target", { rule: "x", arn: "arn:aws:lambda:ap-northeast-2:123456789012:function:f", deadLetterConfig: { arn: queue.queueArn } });
  return "test/dlq/queue";
}

function rawQueue(stack: TerraformStack, o: { encrypted?: boolean; retentionSeconds?: number; deadLetter?: boolean } = {}): string {
  const queue = new SqsQueue(stack, "raw", {
    name: "raw",
    ...(o.encrypted === false ? {} : { sqsManagedSseEnabled: true }),
    ...(o.retentionSeconds ? { messageRetentionSeconds: o.retentionSeconds } : {}),
  });
  if (o.deadLetter ?? true) {
    new CloudwatchEventTarget(stack, "target", { rule: "x", arn: "arn:aws:lambda:ap-northeast-2:123456789012:function:f", deadLetterConfig: { arn: queue.arn } });
  }
  return "test/raw";
}

function moduleLogGroup(stack: TerraformStack): string {
  new LogGroup(stack, "logs", { name: "/app/logs", retentionDays: 30 });
  return "test/logs/log-group";
}

describeRules([
  { rule: SqsQueueEncrypted, compliant: moduleQueue, noncompliant: (s) => rawQueue(s, { encrypted: false }), detail: /neither kms_master_key_id nor/ },
  {
    rule: DeadLetterQueueRetention,
    compliant: moduleQueue,
    noncompliant: (s) => rawQueue(s, { retentionSeconds: 86_400 }),
    detail: /message_retention_seconds is 86400 \(1\.0 days\)/,
  },
  {
    rule: SnsTopicEncrypted,
    compliant: (s) => {
      const key = new EncryptionKey(s, "key", { purpose: "topic" });
      new SnsTopic(s, "topic", { name: "alarms", kmsMasterKeyId: key.keyArn });
      return "test/topic";
    },
    noncompliant: (s) => (new SnsTopic(s, "topic", { name: "alarms" }), "test/topic"),
    detail: /kms_master_key_id is not set/,
  },
  {
    rule: LogGroupEncrypted,
    compliant: moduleLogGroup,
    noncompliant: (s) => (new CloudwatchLogGroup(s, "raw", { name: "/raw", retentionInDays: 30 }), "test/raw"),
    detail: /kms_key_id is not set/,
  },
  {
    rule: LogGroupRetention,
    compliant: moduleLogGroup,
    noncompliant: (s) => (new CloudwatchLogGroup(s, "raw", { name: "/raw", kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/k" }), "test/raw"),
    detail: /never expire/,
  },
  {
    rule: KmsKeyRotation,
    compliant: (s) => (new EncryptionKey(s, "key", { purpose: "data" }), "test/key/key"),
    noncompliant: (s) => (new KmsKey(s, "raw", { description: "no rotation" }), "test/raw"),
    detail: /enable_key_rotation is not true/,
  },
]);

describe("messaging and key rule details", () => {
  it("TB-SQS-2 judges only dead-letter targets", () => {
    expectNotApplicable(DeadLetterQueueRetention, (s) => rawQueue(s, { retentionSeconds: 60, deadLetter: false }));
  });

  it("TB-SQS-2 takes SQS's 4-day default retention as too short", () => {
    expectViolation(DeadLetterQueueRetention, (s) => rawQueue(s), /345600/);
  });

  it("TB-SNS-1 fails the AWS managed alias/aws/sns key, which alarm and SES publishers cannot use", () => {
    expectViolation(SnsTopicEncrypted, (s) => (new SnsTopic(s, "topic", { name: "t", kmsMasterKeyId: "alias/aws/sns" }), "test/topic"), /alias\/aws\/sns/);
  });

  it("TB-KMS-1 exempts asymmetric signing keys, which cannot rotate", () => {
    expectNotApplicable(KmsKeyRotation, (s) => (new KmsKey(s, "signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }), "test/signing"));
  });

  it("TB-SQS-1 accepts SQS-managed encryption as well as a customer managed key", () => {
    expectCompliant(SqsQueueEncrypted, (s) => rawQueue(s));
  });
});
