import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { PlatformContext } from "../core/context";
import { PolicyDocument, denyInsecureTransport, type IGrantee, type PolicyStatement } from "../core/policy";
import { EncryptionKey } from "../kms";

export type BucketEncryption =
  /** SSE-KMS with a customer managed key (the bucket's own unless one is given) and S3 Bucket Keys. */
  | { readonly type: "kms"; readonly key?: EncryptionKey }
  /** SSE-S3 (AES-256). Only for writers that cannot use KMS, such as ALB access logs. */
  | { readonly type: "s3-managed" };

export interface SecureBucketProps {
  /** What the bucket holds; becomes part of its name. */
  readonly purpose: string;
  /**
   * A fixed bucket name, for buckets other configuration must name before they
   * exist (the Terraform state bucket).
   * @default - a `bucketPrefix` from the platform name, with a unique suffix
   */
  readonly bucketName?: string;
  /** @default { type: "kms" } - a key of the bucket's own */
  readonly encryption?: BucketEncryption;
  /** @default true */
  readonly versioned?: boolean;
  /** Where S3 server access logs go. @default - no access logs */
  readonly accessLogs?: { readonly bucket: SecureBucket; readonly prefix: string };
  /** Expire current objects after this many days. @default - never */
  readonly expireAfterDays?: number;
  /** Permanently delete noncurrent versions after this many days. @default 90 when versioned */
  readonly noncurrentVersionExpireDays?: number;
  /** Let `terraform destroy` delete a bucket that still holds objects. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * An S3 bucket with the platform's floor: public access blocked, ACLs
 * disabled, encrypted at rest, TLS-only policy, versioned.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The key encrypting the bucket, when it is SSE-KMS. */
  readonly encryptionKey?: EncryptionKey;
  /** The bucket policy; depend on it when a service test-writes to the bucket as it is configured (ELB logs). */
  readonly bucketPolicy: S3BucketPolicy;
  private readonly policy: PolicyDocument;
  private serverAccessLogSources = 0;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    if (props.expireAfterDays !== undefined && (!Number.isInteger(props.expireAfterDays) || props.expireAfterDays < 1)) {
      throw new Error(`${this.node.path}: expireAfterDays must be a whole number of days, at least 1; got ${props.expireAfterDays}`);
    }
    const versioned = props.versioned ?? true;

    this.bucket = new S3Bucket(this, "bucket", {
      ...(props.bucketName
        ? { bucket: props.bucketName }
        : { bucketPrefix: platform.namePrefix(props.purpose, { maxLength: 63 }) }),
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    const encryption = props.encryption ?? { type: "kms" };
    if (encryption.type === "kms") {
      this.encryptionKey = encryption.key ?? new EncryptionKey(this, "key", { purpose: `${props.purpose}-bucket` });
    }
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        this.encryptionKey
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.encryptionKey.keyArn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });

    if (versioned) {
      new S3BucketVersioningA(this, "versioning", {
        bucket: this.bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
    }

    const noncurrentDays = props.noncurrentVersionExpireDays ?? (versioned ? 90 : undefined);
    if (props.expireAfterDays !== undefined || noncurrentDays !== undefined) {
      new S3BucketLifecycleConfiguration(this, "lifecycle", {
        bucket: this.bucket.id,
        rule: [
          {
            id: "expire",
            status: "Enabled",
            filter: [{ prefix: "" }],
            expiration: props.expireAfterDays !== undefined ? [{ days: props.expireAfterDays }] : undefined,
            noncurrentVersionExpiration:
              noncurrentDays !== undefined ? [{ noncurrentDays }] : undefined,
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
      });
    }

    if (props.accessLogs) {
      props.accessLogs.bucket.allowServerAccessLogs(this.bucketArn, props.accessLogs.prefix);
      new S3BucketLoggingA(this, "logging", {
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.bucket.bucketName,
        targetPrefix: props.accessLogs.prefix,
      });
    }

    this.policy = new PolicyDocument(this, "policy", { statements: [denyInsecureTransport(this.bucketArn)] });
    this.bucketPolicy = new S3BucketPolicy(this, "bucket-policy", { bucket: this.bucket.id, policy: this.policy.json });
  }

  /** Adds a statement to the bucket policy (for service principals; roles get `grant*`). */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.policy.addStatements(statement);
  }

  /** Lets S3 server access logging deliver logs of `sourceBucketArn` under `prefix`. */
  allowServerAccessLogs(sourceBucketArn: string, prefix: string): void {
    const platform = PlatformContext.of(this);
    this.serverAccessLogSources += 1;
    this.addToResourcePolicy({
      sid: `ServerAccessLogs${this.serverAccessLogSources}`,
      actions: ["s3:PutObject"],
      resources: [`${this.bucketArn}/${prefix}*`],
      principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      conditions: [
        { test: "ArnLike", variable: "aws:SourceArn", values: [sourceBucketArn] },
        { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
      ],
    });
  }

  /** Read objects (optionally only under `prefix`). */
  grantRead(grantee: IGrantee, sid: string, prefix = ""): void {
    grantee.addToPolicy({ sid, actions: ["s3:GetObject"], resources: [`${this.bucketArn}/${prefix}*`] });
    this.encryptionKey?.grantDecrypt(grantee, `${sid}Key`, { viaService: "s3" });
  }

  /** Write objects (optionally only under `prefix`). */
  grantWrite(grantee: IGrantee, sid: string, prefix = ""): void {
    grantee.addToPolicy({ sid, actions: ["s3:PutObject"], resources: [`${this.bucketArn}/${prefix}*`] });
    this.encryptionKey?.grantEncryptDecrypt(grantee, `${sid}Key`, { viaService: "s3" });
  }
}
