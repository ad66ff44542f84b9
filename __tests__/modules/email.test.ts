import { describe, expect, it } from "vitest";
import { EmailSender, type EmailSenderProps } from "../../modules/email";
import { ServiceRole } from "../../modules/iam-role";
import { TEST_ACCOUNT, TEST_REGION, synth, testStack, type Synthesized } from "../support/synth";

const DOMAIN = { name: "board.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
const WITH_DOMAIN: EmailSenderProps = { fromAddress: "no-reply@board.example.com", domain: DOMAIN };
const CONFIGURATION_SET_ARN = `arn:aws:ses:${TEST_REGION}:${TEST_ACCOUNT}:configuration-set/taskboard-test-email`;
const TOPIC_ARN = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:taskboard-test-email-events`;

/** The logical id of the one resource of a type under a construct path (cdktf drops a segment its predecessor ends with). */
function logicalId(out: Synthesized, type: string, path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segments.length === 0 || !segments[segments.length - 1]!.endsWith(segment)) segments.push(segment);
  }
  const prefix = `${segments.join("_")}_`;
  const ids = Object.keys(out.resources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} under ${path}, found ${ids.length}`);
  return ids[0]!;
}

const ref = (out: Synthesized, type: string, path: string, attribute: string) =>
  `\${${type}.${logicalId(out, type, path)}.${attribute}}`;

function sender(props: EmailSenderProps = WITH_DOMAIN): { out: Synthesized; email: EmailSender } {
  const stack = testStack();
  const email = new EmailSender(stack, "email", props);
  return { out: synth(stack), email };
}

function records(out: Synthesized): Record<string, unknown>[] {
  return Object.values(out.resources("aws_route53_record"));
}

describe("EmailSender", () => {
  it("verifies the domain with 2048-bit Easy DKIM and writes its three CNAME records", () => {
    const { out } = sender();
    const identityId = logicalId(out, "aws_sesv2_email_identity", "email/identity");
    expect(out.resource("aws_sesv2_email_identity")).toMatchObject({
      email_identity: "board.example.com",
      dkim_signing_attributes: { next_signing_key_length: "RSA_2048_BIT" },
      configuration_set_name: ref(out, "aws_sesv2_configuration_set", "email/configuration-set", "configuration_set_name"),
    });
    const dkim = records(out).filter((record) => record.type === "CNAME");
    expect(dkim).toHaveLength(3);
    dkim.forEach((record, index) => {
      const token = `\${element(aws_sesv2_email_identity.${identityId}.dkim_signing_attributes[0].tokens, ${index})}`;
      expect(record).toEqual(
        expect.objectContaining({
          zone_id: DOMAIN.hostedZoneId,
          name: `${token}._domainkey.board.example.com`,
          records: [`${token}.dkim.amazonses.com`],
          ttl: 1800,
        }),
      );
    });
  });

  it("sets up a custom MAIL FROM domain with MX and SPF records, and a quarantining DMARC record", () => {
    const { out, email } = sender({ ...WITH_DOMAIN, dmarc: { reportAddress: "dmarc@board.example.com" } });
    expect(out.resource("aws_sesv2_email_identity_mail_from_attributes")).toEqual(
      expect.objectContaining({
        email_identity: ref(out, "aws_sesv2_email_identity", "email/identity", "email_identity"),
        mail_from_domain: "mail.board.example.com",
        behavior_on_mx_failure: "USE_DEFAULT_VALUE",
      }),
    );
    expect(email.mailFromDomain).toBe("mail.board.example.com");
    expect(records(out)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: "mail.board.example.com",
          type: "MX",
          records: [`10 feedback-smtp.${TEST_REGION}.amazonses.com`],
        }),
        expect.objectContaining({ name: "mail.board.example.com", type: "TXT", records: ["v=spf1 include:amazonses.com ~all"] }),
        expect.objectContaining({
          name: "_dmarc.board.example.com",
          type: "TXT",
          records: ["v=DMARC1; p=quarantine; rua=mailto:dmarc@board.example.com"],
        }),
      ]),
    );
    expect(records(out)).toHaveLength(6);
  });

  it("leaves out MAIL FROM and DMARC when asked, and takes a stricter DMARC policy", () => {
    const none = sender({ ...WITH_DOMAIN, mailFromSubdomain: false, dmarc: false }).out;
    expect(none.resources("aws_sesv2_email_identity_mail_from_attributes")).toEqual({});
    expect(records(none)).toHaveLength(3);
    const strict = sender({ ...WITH_DOMAIN, dmarc: { policy: "reject" } }).out;
    expect(records(strict).find((record) => record.name === "_dmarc.board.example.com")?.records).toEqual(["v=DMARC1; p=reject"]);
  });

  it("verifies only the from address without a domain, with no DNS records", () => {
    const { out, email } = sender({ fromAddress: "no-reply@example.com" });
    const identity = out.resource("aws_sesv2_email_identity");
    expect(identity).toMatchObject({ email_identity: "no-reply@example.com" });
    expect(identity).not.toHaveProperty("dkim_signing_attributes");
    expect(out.resources("aws_route53_record")).toEqual({});
    expect(email.identityName).toBe("no-reply@example.com");
  });

  it("requires TLS, keeps reputation metrics and suppresses bounces and complaints in its configuration set", () => {
    const { out } = sender();
    expect(out.resource("aws_sesv2_configuration_set")).toEqual(
      expect.objectContaining({
        configuration_set_name: "taskboard-test-email",
        delivery_options: { tls_policy: "REQUIRE" },
        reputation_options: { reputation_metrics_enabled: true },
        sending_options: { sending_enabled: true },
        suppression_options: { suppressed_reasons: ["BOUNCE", "COMPLAINT"] },
      }),
    );
  });

  it("publishes bounce, complaint, reject and delivery-delay events to its SNS topic", () => {
    const { out } = sender();
    expect(out.resource("aws_sesv2_configuration_set_event_destination")).toMatchObject({
      configuration_set_name: ref(out, "aws_sesv2_configuration_set", "email/configuration-set", "configuration_set_name"),
      event_destination_name: "operator-events",
      event_destination: {
        enabled: true,
        matching_event_types: ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"],
        sns_destination: { topic_arn: ref(out, "aws_sns_topic", "email/topic", "arn") },
      },
      depends_on: [`aws_sns_topic_policy.${logicalId(out, "aws_sns_topic_policy", "email/topic-policy-attachment")}`],
    });
  });

  it("encrypts the topic with its own key, usable by SES for this account and topic only", () => {
    const { out } = sender();
    expect(out.resource("aws_sns_topic")).toMatchObject({
      name: "taskboard-test-email-events",
      kms_master_key_id: ref(out, "aws_kms_key", "email/topic-key/key", "arn"),
    });
    expect(out.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true });
    expect(out.policyStatements("email/topic-key/policy").find((s) => s.sid === "AllowSesPublish")).toMatchObject({
      principals: [{ type: "Service", identifiers: ["ses.amazonaws.com"] }],
      condition: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
        { test: "StringEquals", variable: "kms:EncryptionContext:aws:sns:topicArn", values: [TOPIC_ARN] },
      ],
    });
  });

  it("lets only this configuration set publish to the topic, and only over TLS", () => {
    const { out } = sender();
    expect(out.resource("aws_sns_topic_policy").arn).toBe(ref(out, "aws_sns_topic", "email/topic", "arn"));
    expect(out.policyStatements("email/topic-policy/")).toEqual([
      {
        sid: "SesConfigurationSetPublishes",
        effect: "Allow",
        actions: ["sns:Publish"],
        resources: [TOPIC_ARN],
        principals: [{ type: "Service", identifiers: ["ses.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
          { test: "ArnEquals", variable: "aws:SourceArn", values: [CONFIGURATION_SET_ARN] },
        ],
      },
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["sns:Publish"],
        resources: [TOPIC_ARN],
        principals: [{ type: "*", identifiers: ["*"] }],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("grants ses:SendEmail on exactly the identity and configuration set, from the configured address only", () => {
    const stack = testStack();
    const email = new EmailSender(stack, "email", WITH_DOMAIN);
    const notifier = new ServiceRole(stack, "notifier", { purpose: "notifier", assumedBy: ["lambda.amazonaws.com"] });
    email.grantSend(notifier, "SendNotificationEmail");
    const out = synth(stack);
    expect(out.policyStatements("notifier/grant-")).toEqual([
      {
        sid: "SendNotificationEmail",
        effect: "Allow",
        actions: ["ses:SendEmail"],
        resources: [
          ref(out, "aws_sesv2_email_identity", "email/identity", "arn"),
          ref(out, "aws_sesv2_configuration_set", "email/configuration-set", "arn"),
        ],
        condition: [{ test: "StringEquals", variable: "ses:FromAddress", values: ["no-reply@board.example.com"] }],
      },
    ]);
  });

  it("verifies sandbox recipients and includes their identities in the send grant", () => {
    const stack = testStack();
    const email = new EmailSender(stack, "email", { fromAddress: "no-reply@example.com", sandboxRecipients: ["dev@example.com"] });
    const notifier = new ServiceRole(stack, "notifier", { purpose: "notifier", assumedBy: ["lambda.amazonaws.com"] });
    email.grantSend(notifier, "SendNotificationEmail");
    const out = synth(stack);
    const identities = Object.values(out.resources("aws_sesv2_email_identity")).map((identity) => identity.email_identity);
    expect(identities.sort()).toEqual(["dev@example.com", "no-reply@example.com"]);
    const [statement] = out.policyStatements("notifier/grant-");
    expect(statement?.resources).toHaveLength(3);
    expect(statement?.resources).toContain(ref(out, "aws_sesv2_email_identity", "email/sandbox-recipient-dev-example-com", "arn"));
  });

  it("exposes outputs and account reputation metrics for monitoring", () => {
    const { email } = sender();
    expect(email.fromAddress).toBe("no-reply@board.example.com");
    expect(email.configurationSetName).toBe("taskboard-test-email");
    expect(email.bounceTopicName).toBe("taskboard-test-email-events");
    expect(email.metrics.bounceRate).toEqual({ namespace: "AWS/SES", metricName: "Reputation.BounceRate", dimensions: {} });
    expect(email.metrics.complaintRate.metricName).toBe("Reputation.ComplaintRate");
  });

  it("throws when mailFromSubdomain is set without a domain", () => {
    expect(() => sender({ fromAddress: "no-reply@example.com", mailFromSubdomain: "mail" })).toThrow(
      /test\/email: mailFromSubdomain "mail" needs a domain/,
    );
  });

  it("throws when dmarc is set without a domain", () => {
    expect(() => sender({ fromAddress: "no-reply@example.com", dmarc: { policy: "reject" } })).toThrow(/dmarc needs a domain/);
  });

  it("throws when the purpose is not lower-case kebab", () => {
    expect(() => sender({ ...WITH_DOMAIN, purpose: "E-Mail" })).toThrow(/purpose "E-Mail" must be lower-case/);
  });

  it("throws when fromAddress is not a plain address", () => {
    expect(() => sender({ fromAddress: "Taskboard <no-reply@board.example.com>", domain: DOMAIN })).toThrow(
      /fromAddress "Taskboard <no-reply@board.example.com>" is not a plain email address/,
    );
  });

  it("throws when the domain name is not a domain", () => {
    expect(() => sender({ fromAddress: "no-reply@Board.Example", domain: { ...DOMAIN, name: "Board.Example" } })).toThrow(
      /domain.name "Board.Example" is not a lower-case domain name/,
    );
  });

  it("throws when the hosted zone id is not a Route53 zone id", () => {
    expect(() => sender({ ...WITH_DOMAIN, domain: { ...DOMAIN, hostedZoneId: "board.example.com" } })).toThrow(
      /domain.hostedZoneId "board.example.com" is not a Route53 hosted zone id/,
    );
  });

  it("throws when fromAddress is not at the domain", () => {
    expect(() => sender({ fromAddress: "no-reply@other.example.com", domain: DOMAIN })).toThrow(
      /fromAddress "no-reply@other.example.com" is not at domain "board.example.com"/,
    );
  });

  it("accepts a fromAddress at a subdomain of the domain", () => {
    expect(() => sender({ fromAddress: "no-reply@notify.board.example.com", domain: DOMAIN })).not.toThrow();
  });

  it("throws when mailFromSubdomain is not one DNS label", () => {
    expect(() => sender({ ...WITH_DOMAIN, mailFromSubdomain: "mail.from" })).toThrow(/mailFromSubdomain "mail.from" must be one lower-case DNS label/);
  });

  it("throws when the DMARC report address is not an address", () => {
    expect(() => sender({ ...WITH_DOMAIN, dmarc: { reportAddress: "reports" } })).toThrow(/dmarc.reportAddress "reports" is not an email address/);
  });

  it("throws when a sandbox recipient is not an address", () => {
    expect(() => sender({ fromAddress: "no-reply@example.com", sandboxRecipients: ["dev"] })).toThrow(
      /sandboxRecipients entry "dev" is not an email address/,
    );
  });

  it("throws when a sandbox recipient is listed twice", () => {
    expect(() => sender({ fromAddress: "no-reply@example.com", sandboxRecipients: ["dev@example.com", "Dev@example.com"] })).toThrow(
      /sandboxRecipients lists an address twice/,
    );
  });
});
