/**
 * Sending one email through SES v2 `SendEmail` (simple content: subject,
 * text and HTML, all UTF-8, so Korean and other non-ASCII text survive).
 */
import { SendEmailCommand, type SESv2Client, type SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import type { EmailContent } from "./compose";

export interface OutgoingEmail {
  /** One recipient per email: the content is personal, and no one sees another's address. */
  readonly to: string;
  readonly content: EmailContent;
  /** SES message tags (names and values: letters, digits, `_`, `-`), for configuration-set metrics. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface Mailer {
  /** Resolves with the provider's message id once the email is accepted; rejects otherwise. */
  send(email: OutgoingEmail): Promise<{ readonly messageId: string }>;
}

export interface SesMailerOptions {
  /** `FromEmailAddress`: must belong to a verified SES identity. */
  readonly from: string;
  readonly configurationSet?: string;
}

const CHARSET = "UTF-8";

/** A tag value SES accepts: anything else becomes `_`. */
export function sesTagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256) || "_";
}

export function sendEmailInput(email: OutgoingEmail, options: SesMailerOptions): SendEmailCommandInput {
  const tags = Object.entries(email.tags ?? {}).map(([name, value]) => ({ Name: sesTagValue(name), Value: sesTagValue(value) }));
  return {
    FromEmailAddress: options.from,
    Destination: { ToAddresses: [email.to] },
    Content: {
      Simple: {
        Subject: { Data: email.content.subject, Charset: CHARSET },
        Body: {
          Text: { Data: email.content.text, Charset: CHARSET },
          Html: { Data: email.content.html, Charset: CHARSET },
        },
      },
    },
    ...(tags.length > 0 ? { EmailTags: tags } : {}),
    ...(options.configurationSet === undefined ? {} : { ConfigurationSetName: options.configurationSet }),
  };
}

export function sesMailer(client: SESv2Client, options: SesMailerOptions): Mailer {
  return {
    async send(email) {
      const { MessageId } = await client.send(new SendEmailCommand(sendEmailInput(email, options)));
      // A 200 means accepted: failing here would release the marker and send the email twice.
      return { messageId: MessageId ?? "unknown" };
    },
  };
}
