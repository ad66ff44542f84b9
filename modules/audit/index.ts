import { Construct } from "constructs";
import { Token } from "cdktf";
import { Cloudtrail, type CloudtrailAdvancedEventSelector } from "@cdktf/provider-aws/lib/cloudtrail";
import { SecureBucket } from "../bucket";
import { PlatformContext } from "../core/context";
import type { IGrantee } from "../core/policy";
import { ServiceRole } from "../iam-role";
import { EncryptionKey } from "../kms";
import { LogGroup } from "../log-group";

/** Which S3 object-level calls on the watched buckets are recorded. */
export type DataEventScope =
  /** PutObject, DeleteObject, CopyObject...: who changed the site. */
  | "write-only"
  /** Also every GetObject, including CloudFront's origin fetches; costs per 100,000 events. */
  | "read-write";

export interface AuditTrailProps {
  /** Days the log bucket keeps trail files before they expire (the environment config's `auditLogExpiryDays`). */
  readonly logExpireAfterDays: number;
  /** Days the CloudWatch Logs copy of the trail keeps events; a CloudWatch Logs retention value. */
  readonly logRetentionDays: number;
  /**
   * Buckets whose object-level calls are recorded as data events (`AWS::S3::Object`,
   * ARNs starting with `<bucket arn>/`).
   * @default - management events only
   */
  readonly dataEventBucketArns?: readonly string[];
  /** @default "write-only" - writes and deletes, not reads (CloudFront's fetches would dominate the cost) */
  readonly dataEventScope?: DataEventScope;
  /** Names the trail (`<app>-<env>-<purpose>`), its key, bucket and log group. @default "audit" */
  readonly purpose?: string;
  /** Let `terraform destroy` delete a log bucket that still holds trail files. @default false - audit logs outlive the stack */
  readonly forceDestroy?: boolean;
  /**
   * Where the trail bucket's own S3 server access logs go: who read or deleted
   * trail files (CIS asks for this on the CloudTrail bucket).
   * @default - no server access logs on the trail bucket
   */
  readonly accessLogs?: { readonly bucket: SecureBucket; readonly prefix: string };
}

const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * A multi-region CloudTrail trail with log file validation, encrypted with a
 * key of its own, delivered to a versioned, expiring log bucket and to a
 * CloudWatch Logs group (for metric filters and Logs Insights).
 */
export class AuditTrail extends Construct {
  /** The trail (escape hatch). */
  readonly trail: Cloudtrail;
  readonly trailArn: string;
  readonly trailName: string;
  readonly logBucket: SecureBucket;
  readonly logGroup: LogGroup;
  /** The key encrypting trail files (and, as the bucket's default key, anything else in the bucket). */
  readonly encryptionKey: EncryptionKey;
  /** The role CloudTrail assumes to write to the log group. */
  readonly cloudWatchLogsRole: ServiceRole;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    this.validate(props);
    const platform = PlatformContext.of(this);
    const purpose = props.purpose ?? "audit";

    // The key and bucket policies must name the trail before it exists; building
    // its ARN from the name avoids a cycle (trail -> bucket policy -> trail).
    this.trailName = platform.name(purpose, { maxLength: 128 });
    const trailArn = platform.arn("cloudtrail", `trail/${this.trailName}`);
    const sourceIsTrail = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };

    this.encryptionKey = new EncryptionKey(this, "key", { purpose: `${purpose}-trail`, description: "CloudTrail log file encryption" });
    // AWS's documented CloudTrail key policy: encrypt only for this trail, with
    // this account's trail ARN in the encryption context.
    this.encryptionKey.allowService("cloudtrail.amazonaws.com", "CloudTrailEncryptLogs", [
      sourceIsTrail,
      {
        test: "StringLike",
        variable: "kms:EncryptionContext:aws:cloudtrail:arn",
        values: [platform.arn("cloudtrail", "trail/*", { region: "*" })],
      },
    ], { actions: ["kms:GenerateDataKey*"] });
    // DescribeKey carries no encryption context, so it cannot share the statement above.
    this.encryptionKey.allowService("cloudtrail.amazonaws.com", "CloudTrailDescribeKey", [sourceIsTrail], {
      actions: ["kms:DescribeKey"],
    });

    this.logBucket = new SecureBucket(this, "bucket", {
      purpose: `${purpose}-logs`,
      encryption: { type: "kms", key: this.encryptionKey },
      expireAfterDays: props.logExpireAfterDays,
      forceDestroy: props.forceDestroy ?? false,
      ...(props.accessLogs ? { accessLogs: props.accessLogs } : {}),
    });
    this.logBucket.addToResourcePolicy({
      sid: "CloudTrailAclCheck",
      actions: ["s3:GetBucketAcl"],
      resources: [this.logBucket.bucketArn],
      principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
      conditions: [sourceIsTrail],
    });
    this.logBucket.addToResourcePolicy({
      sid: "CloudTrailWrite",
      actions: ["s3:PutObject"],
      resources: [`${this.logBucket.bucketArn}/AWSLogs/${platform.accountId}/*`],
      principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
      conditions: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }, sourceIsTrail],
    });

    this.logGroup = new LogGroup(this, "log-group", {
      name: `/aws/cloudtrail/${this.trailName}`,
      retentionDays: props.logRetentionDays,
    });
    this.cloudWatchLogsRole = new ServiceRole(this, "logs-role", {
      purpose: `${purpose}-trail-logs`,
      assumedBy: ["cloudtrail.amazonaws.com"],
      description: `Lets CloudTrail deliver ${this.trailName} to its log group`,
    });
    this.logGroup.grantWrite(this.cloudWatchLogsRole, "DeliverTrailToLogGroup");

    this.trail = new Cloudtrail(this, "trail", {
      name: this.trailName,
      s3BucketName: this.logBucket.bucketName,
      kmsKeyId: this.encryptionKey.keyArn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      // CloudTrail wants the log group ARN with the stream wildcard.
      cloudWatchLogsGroupArn: `${this.logGroup.logGroupArn}:*`,
      cloudWatchLogsRoleArn: this.cloudWatchLogsRole.roleArn,
      advancedEventSelector: eventSelectors(props.dataEventBucketArns ?? [], props.dataEventScope ?? "write-only"),
      // CloudTrail checks bucket access and the role's permissions when the trail is created.
      dependsOn: [this.logBucket.bucketPolicy, ...this.cloudWatchLogsRole.inlinePolicies],
    });
    this.trailArn = this.trail.arn;
  }

  /** Read trail files (S3 read plus decrypt through S3 with the trail's key). */
  grantReadLogs(grantee: IGrantee, sid: string): void {
    this.logBucket.grantRead(grantee, sid, `AWSLogs/${PlatformContext.of(this).accountId}/`);
  }

  private validate(props: AuditTrailProps): void {
    const path = this.node.path;
    if (!Number.isInteger(props.logExpireAfterDays) || props.logExpireAfterDays < 1) {
      throw new Error(
        `${path}: logExpireAfterDays ${props.logExpireAfterDays} must be a whole number of days, at least 1; e.g. 365 for a year of trail files`,
      );
    }
    const arns = props.dataEventBucketArns ?? [];
    for (const arn of arns) {
      if (!Token.isUnresolved(arn) && !BUCKET_ARN.test(arn)) {
        throw new Error(
          `${path}: dataEventBucketArns entry "${arn}" is not a bucket ARN; pass the bucket's ARN without a key part, e.g. "arn:aws:s3:::my-site-bucket" (bucket.bucketArn)`,
        );
      }
    }
    const duplicate = arns.find((arn, index) => arns.indexOf(arn) !== index);
    if (duplicate !== undefined) {
      throw new Error(`${path}: dataEventBucketArns lists "${duplicate}" twice; list each bucket once`);
    }
  }
}

/**
 * Advanced selectors replace basic ones entirely, so management events need a
 * selector of their own next to the S3 data events.
 */
function eventSelectors(bucketArns: readonly string[], scope: DataEventScope): CloudtrailAdvancedEventSelector[] {
  const selectors: CloudtrailAdvancedEventSelector[] = [
    { name: "Management events", fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }] },
  ];
  if (bucketArns.length > 0) {
    selectors.push({
      name: scope === "write-only" ? "S3 object writes to watched buckets" : "S3 object reads and writes on watched buckets",
      fieldSelector: [
        { field: "eventCategory", equalTo: ["Data"] },
        { field: "resources.type", equalTo: ["AWS::S3::Object"] },
        { field: "resources.ARN", startsWith: bucketArns.map((arn) => `${arn}/`) },
        ...(scope === "write-only" ? [{ field: "readOnly", equalTo: ["false"] }] : []),
      ],
    });
  }
  return selectors;
}
