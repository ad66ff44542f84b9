import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { isHostName } from "../core/dns";

export interface DnsValidatedCertificateProps {
  /** The host name on the certificate, lowercase, e.g. `board.example.com`. */
  readonly domainName: string;
  /** The Route53 zone that holds `domainName` and receives the validation record. */
  readonly hostedZoneId: string;
  /**
   * Also cover `*.<domainName>`. ACM asks for the same validation record for a
   * name and its wildcard, so this costs no second record.
   * @default false
   */
  readonly includeWildcard?: boolean;
  /**
   * The provider of the Region whose service uses the certificate (ACM
   * certificates are regional; CloudFront only uses `us-east-1`'s).
   * @default - the stack's default provider
   */
  readonly provider?: AwsProvider;
}

/**
 * An ACM certificate for one host name (and optionally its wildcard),
 * validated through a DNS record in a Route53 zone; ACM renews it by itself
 * as long as the record stays.
 *
 * The record's name and value come from `domain_validation_options`, known
 * only once the certificate exists, so they are picked out by a Terraform
 * `for` expression (a `TerraformIterator` over the options) that is evaluated
 * at apply time. A `for_each` over the options is not used: cdktf's
 * `fromComplexList` wraps the set in `tolist()`, which is wholly unknown before
 * the certificate exists, so `terraform plan` fails with "Invalid for_each argument".
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** The host name the certificate is for. */
  readonly domainName: string;
  /** The certificate ARN, available only once validation has completed: give this to the service that serves it. */
  readonly validatedCertificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.domainName) && !isHostName(props.domainName)) {
      throw new Error(
        `${this.node.path}: domainName "${props.domainName}" is not a lowercase host name; use labels of a-z, 0-9 and inner hyphens joined by dots, e.g. "board.example.com"`,
      );
    }
    this.domainName = props.domainName;
    const provider = props.provider ? { provider: props.provider } : {};
    this.certificate = new AcmCertificate(this, "certificate", {
      ...provider,
      domainName: props.domainName,
      ...(props.includeWildcard ? { subjectAlternativeNames: [`*.${props.domainName}`] } : {}),
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      // A replacement (new names) must be issued before its user lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });

    const options = TerraformIterator.fromList(this.certificate.domainValidationOptions);
    const nameOption = (attribute: string) =>
      Fn.one(options.forExpressionForList(`val.${attribute} if val.domain_name == ${JSON.stringify(props.domainName)}`));
    // Route53 is a global service: the stack's default provider manages its records.
    const record = new Route53Record(this, "validation-record", {
      zoneId: props.hostedZoneId,
      name: Token.asString(nameOption("resource_record_name")),
      type: Token.asString(nameOption("resource_record_type")),
      records: [Token.asString(nameOption("resource_record_value"))],
      ttl: 300,
    });

    const validation = new AcmCertificateValidation(this, "validation", {
      ...provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
    this.validatedCertificateArn = validation.certificateArn;
  }
}
