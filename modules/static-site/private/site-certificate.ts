import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface SiteCertificateProps {
  /** The site's host name (the certificate also covers `*.<domainName>`). */
  readonly domainName: string;
  readonly hostedZoneId: string;
  /** The `us-east-1` provider: CloudFront only uses certificates from that region. */
  readonly globalProvider: AwsProvider;
}

/**
 * An ACM certificate for `<name>` and `*.<name>`, validated through a DNS
 * record in the site's Route53 zone.
 *
 * ACM asks for the same CNAME for a name and its wildcard, so one record
 * validates both. Its name and value come from `domain_validation_options`,
 * known only once the certificate exists, so they are picked out by a
 * Terraform `for` expression (a `TerraformIterator` over the options) that is
 * evaluated at apply time. A `for_each` over the options is not used: cdktf's
 * `fromComplexList` wraps the set in `tolist()`, which is wholly unknown before
 * the certificate exists, so `terraform plan` fails with "Invalid for_each argument".
 */
export class SiteCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** The certificate ARN, available only once validation has completed; give this to CloudFront. */
  readonly validatedCertificateArn: string;

  constructor(scope: Construct, id: string, props: SiteCertificateProps) {
    super(scope, id);
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.globalProvider,
      domainName: props.domainName,
      subjectAlternativeNames: [`*.${props.domainName}`],
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      // A replacement (new names) must be issued before the distribution lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });

    const options = TerraformIterator.fromList(this.certificate.domainValidationOptions);
    const apexOption = (attribute: string) =>
      Fn.one(options.forExpressionForList(`val.${attribute} if val.domain_name == ${JSON.stringify(props.domainName)}`));
    // Route53 is a global service: the stack's default provider manages its records.
    const record = new Route53Record(this, "validation-record", {
      zoneId: props.hostedZoneId,
      name: Token.asString(apexOption("resource_record_name")),
      type: Token.asString(apexOption("resource_record_type")),
      records: [Token.asString(apexOption("resource_record_value"))],
      ttl: 300,
    });

    const validation = new AcmCertificateValidation(this, "validation", {
      provider: props.globalProvider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
    this.validatedCertificateArn = validation.certificateArn;
  }
}
