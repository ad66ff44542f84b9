import { Construct } from "constructs";
import { Fn, Token } from "cdktf";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Sesv2ConfigurationSet } from "@cdktf/provider-aws/lib/sesv2-configuration-set";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { Sesv2EmailIdentity } from "@cdktf/provider-aws/lib/sesv2-email-identity";
import { Sesv2EmailIdentityMailFromAttributes } from "@cdktf/provider-aws/lib/sesv2-email-identity-mail-from-attributes";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { PlatformContext } from "../core/context";
import { PolicyDocument, type IGrantee } from "../core/policy";
import { EncryptionKey } from "../kms";
import { DKIM_TOKEN_COUNT, EMAIL_DEFAULTS, SES_METRIC_NAMESPACE, type DmarcPolicy, type MetricIdentifier } from "./defaults";

export type { DmarcPolicy, MetricIdentifier } from "./defaults";

/** A domain SES sends for, and the Route53 public hosted zone that serves its DNS. */
export interface EmailDomain {
  /** The domain, e.g. `board.example.com`; `fromAddress` must be at it or a subdomain of it. */
  readonly name: string;
  /** The hosted zone (`Z...`) the DKIM, MAIL FROM and DMARC records are written to. */
  readonly hostedZoneId: string;
}

export interface DmarcOptions {
  /**
   * What receivers do with mail that fails DMARC.
   * @default "quarantine"
   */
  readonly policy?: DmarcPolicy;
  /**
   * Where receivers send aggregate reports (`rua=mailto:`). An address outside the domain must
   * publish a `<domain>._report._dmarc.<its domain>` record accepting them.
   * @default - no reports requested
   */
  readonly reportAddress?: string;
}

export interface EmailSenderProps {
  /** The address every email is sent from, e.g. `no-reply@board.example.com`; the only sender `grantSend` allows. */
  readonly fromAddress: string;
  /**
   * The domain to verify with Easy DKIM. Without one, only `fromAddress` is verified (SES mails it a
   * link to click), which suits dev in the SES sandbox; production needs a domain and SES production access.
   * @default - an email-address identity for `fromAddress`
   */
  readonly domain?: EmailDomain;
  /**
   * Subdomain of `domain` used as the custom MAIL FROM domain (MX and SPF records), so SPF aligns
   * with our domain for DMARC; `false` keeps SES's `amazonses.com` MAIL FROM. Needs `domain`.
   * @default "mail" - with a domain
   */
  readonly mailFromSubdomain?: string | false;
  /**
   * The `_dmarc.<domain>` record; `false` when the domain already publishes one. Needs `domain`.
   * @default - `v=DMARC1; p=quarantine` with a domain
   */
  readonly dmarc?: DmarcOptions | false;
  /**
   * Recipient addresses to verify while the account is in the SES sandbox, where SES sends only to
   * verified addresses and also authorizes the send against the recipient's identity.
   * `grantSend` covers these identities too. Leave empty once the account has production access.
   * @default - none
   */
  readonly sandboxRecipients?: readonly string[];
  /**
   * Names the configuration set, topic and key (`taskboard-dev-<purpose>`).
   * @default "email"
   */
  readonly purpose?: string;
}

/**
 * An SES v2 sending identity with its configuration set and operator events.
 *
 * With a domain: Easy DKIM (2048-bit) and its three CNAME records, a custom
 * MAIL FROM domain (MX and SPF) and a DMARC record, all in Route53. Without
 * one: an email-address identity for `fromAddress`.
 *
 * Every send goes through the configuration set (the identity's default):
 * TLS required to the receiving server, reputation metrics on, bounces and
 * complaints suppressed, and bounce, complaint, reject and delivery-delay
 * events published to an encrypted SNS topic that only this configuration
 * set may publish to. `grantSend` allows `ses:SendEmail` from `fromAddress` only.
 */
export class EmailSender extends Construct {
  readonly identity: Sesv2EmailIdentity;
  readonly identityArn: string;
  /** The verified identity: the domain, or the address without a domain. */
  readonly identityName: string;
  readonly fromAddress: string;
  readonly configurationSet: Sesv2ConfigurationSet;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  readonly eventDestination: Sesv2ConfigurationSetEventDestination;
  /** Receives BOUNCE, COMPLAINT, REJECT and DELIVERY_DELAY events; subscribe operators or a handler to it. */
  readonly bounceTopic: SnsTopic;
  readonly bounceTopicArn: string;
  readonly bounceTopicName: string;
  readonly bounceTopicKey: EncryptionKey;
  /** The three DKIM CNAME records, the MAIL FROM MX and SPF records and the DMARC record (with a domain). */
  readonly dnsRecords: readonly Route53Record[];
  /** The custom MAIL FROM domain, when one is set up. */
  readonly mailFromDomain?: string;
  /** Account-level reputation metrics SES suspends sending on (bounce above 10 %, complaints above 0.5 %). */
  readonly metrics: { readonly bounceRate: MetricIdentifier; readonly complaintRate: MetricIdentifier };
  private readonly sandboxRecipientArns: string[] = [];

  constructor(scope: Construct, id: string, props: EmailSenderProps) {
    super(scope, id);
    const purpose = props.purpose ?? "email";
    this.validate(props, purpose);
    const platform = PlatformContext.of(this);
    this.fromAddress = props.fromAddress;

    this.configurationSetName = platform.name(purpose, { maxLength: 64 });
    const configurationSetArn = platform.arn("ses", `configuration-set/${this.configurationSetName}`);
    this.bounceTopicName = platform.name(`${purpose}-events`, { maxLength: 256 });
    const topicArn = platform.arn("sns", this.bounceTopicName);

    this.bounceTopicKey = new EncryptionKey(this, "topic-key", {
      purpose: `${purpose}-events`,
      description: `${this.bounceTopicName} SNS topic encryption`,
    });
    // SNS asks for data keys under the topic's ARN as encryption context, on behalf of SES for this account.
    this.bounceTopicKey.allowService("ses.amazonaws.com", "SesPublish", [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
      { test: "StringEquals", variable: "kms:EncryptionContext:aws:sns:topicArn", values: [topicArn] },
    ]);
    this.bounceTopic = new SnsTopic(this, "topic", {
      name: this.bounceTopicName,
      displayName: "Email bounces and complaints",
      kmsMasterKeyId: this.bounceTopicKey.keyArn,
    });
    this.bounceTopicArn = this.bounceTopic.arn;
    const topicPolicy = new PolicyDocument(this, "topic-policy", {
      statements: [
        {
          sid: "SesConfigurationSetPublishes",
          actions: ["sns:Publish"],
          resources: [topicArn],
          principals: [{ type: "Service", identifiers: ["ses.amazonaws.com"] }],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
            { test: "ArnEquals", variable: "aws:SourceArn", values: [configurationSetArn] },
          ],
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sns:Publish"],
          resources: [topicArn],
          principals: [{ type: "*", identifiers: ["*"] }],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    const topicPolicyResource = new SnsTopicPolicy(this, "topic-policy-attachment", {
      arn: this.bounceTopic.arn,
      policy: topicPolicy.json,
    });

    this.configurationSet = new Sesv2ConfigurationSet(this, "configuration-set", {
      configurationSetName: this.configurationSetName,
      deliveryOptions: { tlsPolicy: EMAIL_DEFAULTS.tlsPolicy },
      reputationOptions: { reputationMetricsEnabled: true },
      sendingOptions: { sendingEnabled: true },
      suppressionOptions: { suppressedReasons: [...EMAIL_DEFAULTS.suppressedReasons] },
    });
    this.configurationSetArn = this.configurationSet.arn;
    this.eventDestination = new Sesv2ConfigurationSetEventDestination(this, "event-destination", {
      configurationSetName: this.configurationSet.configurationSetName,
      eventDestinationName: "operator-events",
      eventDestination: {
        enabled: true,
        matchingEventTypes: [...EMAIL_DEFAULTS.publishedEventTypes],
        snsDestination: { topicArn: this.bounceTopic.arn },
      },
      // So SES may publish from the first event on.
      dependsOn: [topicPolicyResource],
    });

    this.identityName = props.domain?.name ?? props.fromAddress;
    this.identity = new Sesv2EmailIdentity(this, "identity", {
      emailIdentity: this.identityName,
      // The identity's default configuration set: a send that names none still gets TLS, suppression and events.
      configurationSetName: this.configurationSet.configurationSetName,
      dkimSigningAttributes: props.domain ? { nextSigningKeyLength: EMAIL_DEFAULTS.dkimKeyLength } : undefined,
    });
    this.identityArn = this.identity.arn;

    const records: Route53Record[] = [];
    if (props.domain) {
      const { name: domain, hostedZoneId } = props.domain;
      const ttl = EMAIL_DEFAULTS.recordTtlSeconds;
      // The tokens are known only after apply, so the count cannot come from them; Easy DKIM always issues three.
      for (let index = 0; index < DKIM_TOKEN_COUNT; index += 1) {
        const token = Token.asString(Fn.element(this.identity.dkimSigningAttributes.tokens, index));
        records.push(
          new Route53Record(this, `dkim-${index}`, {
            zoneId: hostedZoneId,
            name: `${token}._domainkey.${domain}`,
            type: "CNAME",
            ttl,
            records: [`${token}.dkim.amazonses.com`],
          }),
        );
      }

      const subdomain = props.mailFromSubdomain ?? EMAIL_DEFAULTS.mailFromSubdomain;
      if (subdomain !== false) {
        const mailFromDomain = `${subdomain}.${domain}`;
        this.mailFromDomain = mailFromDomain;
        new Sesv2EmailIdentityMailFromAttributes(this, "mail-from", {
          emailIdentity: this.identity.emailIdentity,
          mailFromDomain,
          behaviorOnMxFailure: EMAIL_DEFAULTS.behaviorOnMxFailure,
        });
        records.push(
          new Route53Record(this, "mail-from-mx", {
            zoneId: hostedZoneId,
            name: mailFromDomain,
            type: "MX",
            ttl,
            records: [`10 feedback-smtp.${platform.region}.amazonses.com`],
          }),
          new Route53Record(this, "mail-from-spf", {
            zoneId: hostedZoneId,
            name: mailFromDomain,
            type: "TXT",
            ttl,
            records: ["v=spf1 include:amazonses.com ~all"],
          }),
        );
      }

      if (props.dmarc !== false) {
        records.push(
          new Route53Record(this, "dmarc", {
            zoneId: hostedZoneId,
            name: `_dmarc.${domain}`,
            type: "TXT",
            ttl,
            records: [dmarcRecord(props.dmarc ?? {})],
          }),
        );
      }
    }
    this.dnsRecords = records;

    for (const address of props.sandboxRecipients ?? []) {
      // Keyed by the address, not its position, so removing one recipient leaves the others in place.
      const id = `sandbox-recipient-${address.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
      const recipient = new Sesv2EmailIdentity(this, id, { emailIdentity: address });
      this.sandboxRecipientArns.push(recipient.arn);
    }

    this.metrics = {
      bounceRate: { namespace: SES_METRIC_NAMESPACE, metricName: "Reputation.BounceRate", dimensions: {} },
      complaintRate: { namespace: SES_METRIC_NAMESPACE, metricName: "Reputation.ComplaintRate", dimensions: {} },
    };
  }

  /**
   * Lets a role send email through this identity and configuration set only, and only from `fromAddress`.
   * SES v2 `SendEmail` with `Simple` or `Template` content needs `ses:SendEmail` alone (`Raw` content would
   * also need `ses:SendRawEmail`, which nothing here sends).
   */
  grantSend(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({
      sid,
      actions: ["ses:SendEmail"],
      resources: [this.identityArn, this.configurationSetArn, ...this.sandboxRecipientArns],
      conditions: [{ test: "StringEquals", variable: "ses:FromAddress", values: [this.fromAddress] }],
    });
  }

  private validate(props: EmailSenderProps, purpose: string): void {
    const path = this.node.path;
    if (!props.domain) {
      if (props.mailFromSubdomain !== undefined && props.mailFromSubdomain !== false) {
        throw new Error(`${path}: mailFromSubdomain "${props.mailFromSubdomain}" needs a domain; set domain, or leave mailFromSubdomain out`);
      }
      if (props.dmarc) {
        throw new Error(`${path}: dmarc needs a domain to publish _dmarc.<domain>; set domain, or leave dmarc out`);
      }
    }
    if (!/^[a-z][a-z0-9-]*$/.test(purpose)) {
      throw new Error(`${path}: purpose "${purpose}" must be lower-case letters, digits and "-", starting with a letter, e.g. "email"`);
    }
    if (!isEmailAddress(props.fromAddress)) {
      throw new Error(
        `${path}: fromAddress "${props.fromAddress}" is not a plain email address; use e.g. "no-reply@board.example.com" (no display name)`,
      );
    }
    if (props.domain) {
      const { name, hostedZoneId } = props.domain;
      if (!isDomainName(name)) {
        throw new Error(`${path}: domain.name "${name}" is not a lower-case domain name; use e.g. "board.example.com"`);
      }
      if (!/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId)) {
        throw new Error(`${path}: domain.hostedZoneId "${hostedZoneId}" is not a Route53 hosted zone id; use the zone's id, e.g. "Z0123456789ABCDEFGHIJ"`);
      }
      const addressDomain = props.fromAddress.slice(props.fromAddress.lastIndexOf("@") + 1).toLowerCase();
      if (addressDomain !== name && !addressDomain.endsWith(`.${name}`)) {
        throw new Error(
          `${path}: fromAddress "${props.fromAddress}" is not at domain "${name}"; SES sends only from a verified domain, so use e.g. "no-reply@${name}"`,
        );
      }
      if (typeof props.mailFromSubdomain === "string" && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(props.mailFromSubdomain)) {
        throw new Error(`${path}: mailFromSubdomain "${props.mailFromSubdomain}" must be one lower-case DNS label, e.g. "mail"`);
      }
    }
    if (props.dmarc && props.dmarc.reportAddress !== undefined && !isEmailAddress(props.dmarc.reportAddress)) {
      throw new Error(`${path}: dmarc.reportAddress "${props.dmarc.reportAddress}" is not an email address; use e.g. "dmarc@example.com"`);
    }
    const recipients = props.sandboxRecipients ?? [];
    for (const address of recipients) {
      if (!isEmailAddress(address)) {
        throw new Error(`${path}: sandboxRecipients entry "${address}" is not an email address; list plain addresses, e.g. "dev@example.com"`);
      }
    }
    if (new Set(recipients.map((address) => address.toLowerCase())).size !== recipients.length) {
      throw new Error(`${path}: sandboxRecipients lists an address twice; list each address once`);
    }
  }
}

function dmarcRecord(options: DmarcOptions): string {
  const parts = ["v=DMARC1", `p=${options.policy ?? EMAIL_DEFAULTS.dmarcPolicy}`];
  if (options.reportAddress) parts.push(`rua=mailto:${options.reportAddress}`);
  return parts.join("; ");
}

function isEmailAddress(value: string): boolean {
  return /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(value);
}

function isDomainName(value: string): boolean {
  return value.length <= 253 && /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(value);
}
