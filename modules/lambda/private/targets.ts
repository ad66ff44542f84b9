import { Token } from "cdktf";

/** Where a failed asynchronous invocation can go, and the one action the function's role needs to send it there. */
export const TARGET_SEND_ACTIONS = {
  sqs: "sqs:SendMessage",
  sns: "sns:Publish",
  lambda: "lambda:InvokeFunction",
  events: "events:PutEvents",
} as const;

export type TargetType = keyof typeof TARGET_SEND_ACTIONS;

/**
 * The service named in a literal ARN (`arn:aws:sqs:...` gives `sqs`), or
 * undefined for a Terraform reference, whose value is known only at apply.
 */
export function literalArnService(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  return /^arn:aws[a-z-]*:([a-z0-9-]+):/.exec(arn)?.[1] ?? "";
}
