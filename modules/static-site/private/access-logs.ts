import { Construct } from "constructs";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PlatformContext } from "../../core/context";
import type { SecureBucket } from "../../bucket";

export interface DistributionAccessLogsProps {
  readonly distributionArn: string;
  readonly bucket: SecureBucket;
  /** Key prefix in the bucket, ending in `/`. */
  readonly prefix: string;
  /** Names the delivery source and destination (unique per account and region). */
  readonly name: string;
  /** Suffix making the bucket policy's statement ids unique per site. */
  readonly sidSuffix: string;
  readonly outputFormat: string;
  /** The `us-east-1` provider: CloudFront vends its logs only from there. */
  readonly globalProvider: AwsProvider;
}

/**
 * CloudFront standard logging (v2): a CloudWatch Logs delivery source for the
 * distribution, an S3 delivery destination and the delivery joining them.
 *
 * Chosen over the distribution's legacy `logging_config`, which writes through
 * S3 ACLs and so needs the log bucket's ACLs enabled; the platform's buckets
 * enforce bucket-owner ownership (ACLs off). Vended logs write with the
 * `delivery.logs.amazonaws.com` principal under a bucket policy instead.
 */
export class DistributionAccessLogs extends Construct {
  readonly deliverySource: CloudwatchLogDeliverySource;
  readonly deliveryDestination: CloudwatchLogDeliveryDestination;
  readonly delivery: CloudwatchLogDelivery;

  constructor(scope: Construct, id: string, props: DistributionAccessLogsProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    const region = "us-east-1";
    const sourceArn = platform.arn("logs", `delivery-source:${props.name}`, { region });
    const conditions = [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [sourceArn] },
    ];
    // The bucket policy is managed by Terraform, so log delivery cannot add these
    // statements itself (it would, given s3:PutBucketPolicy): they are written here.
    props.bucket.addToResourcePolicy({
      sid: `CloudFrontLogsWrite${props.sidSuffix}`,
      actions: ["s3:PutObject"],
      resources: [`${props.bucket.bucketArn}/${props.prefix}*`],
      principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
      conditions: [
        ...conditions,
        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
      ],
    });
    // Delivery checks the bucket before its first write; without these it fails that check.
    props.bucket.addToResourcePolicy({
      sid: `CloudFrontLogsCheck${props.sidSuffix}`,
      actions: ["s3:GetBucketAcl", "s3:ListBucket"],
      resources: [props.bucket.bucketArn],
      principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
      conditions,
    });

    this.deliverySource = new CloudwatchLogDeliverySource(this, "source", {
      provider: props.globalProvider,
      name: props.name,
      logType: "ACCESS_LOGS",
      resourceArn: props.distributionArn,
    });
    this.deliveryDestination = new CloudwatchLogDeliveryDestination(this, "destination", {
      provider: props.globalProvider,
      name: props.name,
      // Fixed once created: changing it replaces the destination and its delivery.
      outputFormat: props.outputFormat,
      deliveryDestinationConfiguration: [
        // The bucket may be in another region than us-east-1; S3 delivery allows that.
        { destinationResourceArn: `${props.bucket.bucketArn}/${props.prefix.replace(/\/$/, "")}` },
      ],
    });
    this.delivery = new CloudwatchLogDelivery(this, "delivery", {
      provider: props.globalProvider,
      deliverySourceName: this.deliverySource.name,
      deliveryDestinationArn: this.deliveryDestination.arn,
      // Nothing in the arguments refers to the bucket policy; without this the
      // delivery could be created first and fail its bucket check.
      dependsOn: [props.bucket.bucketPolicy],
    });
  }
}
