import { describe, expect, it } from "vitest";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DnsValidatedCertificate } from "../../modules/certificate";
import { synth, testStack } from "../support/synth";

const ZONE = "Z0PRODUCTIONZONE00001";

describe("DnsValidatedCertificate", () => {
  it("issues an ECDSA certificate for one name in the stack's Region, validated by one record in the zone", () => {
    const stack = testStack();
    const certificate = new DnsValidatedCertificate(stack, "origin", { domainName: "tasks-api.internal.board.example.com", hostedZoneId: ZONE });
    new TerraformOutput(stack, "arn", { value: certificate.validatedCertificateArn });
    const out = synth(stack);

    const issued = out.resource("aws_acm_certificate");
    expect(issued).toMatchObject({
      domain_name: "tasks-api.internal.board.example.com",
      validation_method: "DNS",
      key_algorithm: "EC_prime256v1",
      lifecycle: { create_before_destroy: true },
    });
    expect(issued.provider).toBeUndefined();
    expect(issued.subject_alternative_names).toBeUndefined();
    expect(out.resource("aws_route53_record")).toMatchObject({
      zone_id: ZONE,
      name: expect.stringMatching(/resource_record_name if val\.domain_name == "tasks-api\.internal\.board\.example\.com"/),
      type: expect.stringContaining("resource_record_type"),
      records: [expect.stringContaining("resource_record_value")],
      ttl: 300,
    });
    expect(out.resource("aws_acm_certificate_validation")).toMatchObject({
      certificate_arn: expect.stringMatching(/^\$\{aws_acm_certificate\.[^.]+\.arn\}$/),
      validation_record_fqdns: [expect.stringMatching(/^\$\{aws_route53_record\.[^.]+\.fqdn\}$/)],
    });
    // Users get the ARN only once validation is done, so nothing serves a pending certificate.
    expect(out.json.output?.arn?.value).toMatch(/^\$\{aws_acm_certificate_validation\.[^.]+\.certificate_arn\}$/);
    expect(certificate.domainName).toBe("tasks-api.internal.board.example.com");
  });

  it("adds the wildcard and uses the given provider when asked (CloudFront's us-east-1)", () => {
    const stack = testStack();
    const global = new AwsProvider(stack, "aws-global", { region: "us-east-1", alias: "global" });
    new DnsValidatedCertificate(stack, "site", { domainName: "board.example.com", hostedZoneId: ZONE, includeWildcard: true, provider: global });
    const out = synth(stack);
    expect(out.resource("aws_acm_certificate")).toMatchObject({ provider: "aws.global", subject_alternative_names: ["*.board.example.com"] });
    expect(out.resource("aws_acm_certificate_validation")).toMatchObject({ provider: "aws.global" });
    // One record validates a name and its wildcard; Route53 is global and stays on the default provider.
    expect(Object.keys(out.resources("aws_route53_record"))).toHaveLength(1);
    expect(out.resource("aws_route53_record").provider).toBeUndefined();
  });

  it.each([
    ["an upper-case name", "Board.Example.com"],
    ["a bare label", "localhost"],
    ["a scheme", "https://board.example.com"],
    ["a wildcard (includeWildcard adds it)", "*.board.example.com"],
    ["a trailing dot", "board.example.com."],
  ])("refuses %s, naming the value and the fix", (_case, domainName) => {
    expect(() => new DnsValidatedCertificate(testStack(), "cert", { domainName, hostedZoneId: ZONE })).toThrow(
      `test/cert: domainName "${domainName}" is not a lowercase host name; use labels of a-z, 0-9 and inner hyphens joined by dots, e.g. "board.example.com"`,
    );
  });
});
