/**
 * The notifier's configuration, read from the environment once per cold
 * start. A missing or bad variable fails the first invocation with a message
 * that names it and says what to set.
 */
import { z } from "zod";

export interface NotifierConfig {
  readonly notificationsSentTableName: string;
  /** `FromEmailAddress` of every email: `no-reply@board.example.com` or `Taskboard <no-reply@board.example.com>`. */
  readonly mailFrom: string;
  /** The board's base URL; a task's link is `<boardUrl>/tasks/<id>`. */
  readonly boardUrl: string;
  readonly sesConfigurationSet?: string;
  /** IANA zone in which due dates are written. @default "UTC" */
  readonly mailTimeZone: string;
  /** For the local stack and tests; unset in AWS. */
  readonly sesEndpoint?: string;
  readonly dynamodbEndpoint?: string;
}

const ADDRESS = /^(?:[^<>]*<\s*([^<>\s]+)\s*>|([^<>\s]+))$/;

const mailFrom = z
  .string("is required: the sender, e.g. `Taskboard <no-reply@board.example.com>` (an address of the SES identity)")
  .trim()
  .refine((value) => {
    const match = ADDRESS.exec(value);
    const address = match?.[1] ?? match?.[2];
    return address !== undefined && z.email().safeParse(address).success && !/[\r\n]/.test(value);
  }, "must be an address or `Display Name <address>`, e.g. `Taskboard <no-reply@board.example.com>`");

const httpUrl = (example: string) =>
  z
    .url(`must be a URL such as ${example}`)
    .refine((value) => !URL.canParse(value) || /^https?:$/.test(new URL(value).protocol), `must be an http(s) URL such as ${example}`);

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as UTC or Asia/Seoul");

const envSchema = z.object({
  NOTIFICATIONS_SENT_TABLE_NAME: z
    .string("is required: the notifications-sent table's name (the dynamodb module sets it)")
    .trim()
    .min(1, "must name the notifications-sent table"),
  MAIL_FROM: mailFrom,
  BOARD_URL: httpUrl("https://board.example.com"),
  SES_CONFIGURATION_SET: z.string().trim().min(1).optional(),
  MAIL_TIME_ZONE: timeZone.default("UTC"),
  SES_ENDPOINT: httpUrl("http://127.0.0.1:8005").optional(),
  DYNAMODB_ENDPOINT: httpUrl("http://127.0.0.1:8000").optional(),
});

export function loadNotifierConfig(env: Readonly<Record<string, string | undefined>>): NotifierConfig {
  // An empty variable means "unset": Terraform and shells both produce them.
  const read = (name: keyof z.input<typeof envSchema>) => env[name] || undefined;
  const parsed = envSchema.safeParse({
    NOTIFICATIONS_SENT_TABLE_NAME: read("NOTIFICATIONS_SENT_TABLE_NAME"),
    MAIL_FROM: read("MAIL_FROM"),
    BOARD_URL: read("BOARD_URL"),
    SES_CONFIGURATION_SET: read("SES_CONFIGURATION_SET"),
    MAIL_TIME_ZONE: read("MAIL_TIME_ZONE"),
    SES_ENDPOINT: read("SES_ENDPOINT"),
    DYNAMODB_ENDPOINT: read("DYNAMODB_ENDPOINT"),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ");
    throw new Error(`invalid notifier configuration: ${problems}`);
  }
  const vars = parsed.data;
  return {
    notificationsSentTableName: vars.NOTIFICATIONS_SENT_TABLE_NAME,
    mailFrom: vars.MAIL_FROM,
    boardUrl: vars.BOARD_URL,
    mailTimeZone: vars.MAIL_TIME_ZONE,
    ...(vars.SES_CONFIGURATION_SET === undefined ? {} : { sesConfigurationSet: vars.SES_CONFIGURATION_SET }),
    ...(vars.SES_ENDPOINT === undefined ? {} : { sesEndpoint: vars.SES_ENDPOINT }),
    ...(vars.DYNAMODB_ENDPOINT === undefined ? {} : { dynamodbEndpoint: vars.DYNAMODB_ENDPOINT }),
  };
}
