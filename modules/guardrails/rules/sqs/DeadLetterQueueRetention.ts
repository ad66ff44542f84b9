import { fail, notApplicable, pass, type GuardrailRule, type SynthResource } from "../../rule";
import { MIN_DEAD_LETTER_RETENTION_SECONDS } from "../../defaults";
import type { StackIndex } from "../../private/stack-index";
import { num } from "../../private/values";

/** Where a queue can be named as a dead-letter target or failure destination. */
const DEAD_LETTER_REFERRERS: readonly [string, string][] = [
  ["aws_lambda_function", "dead_letter_config"],
  ["aws_lambda_function_event_invoke_config", "destination_config"],
  ["aws_cloudwatch_event_target", "dead_letter_config"],
  ["aws_scheduler_schedule", "target"],
  ["aws_pipes_pipe", "source_parameters"],
  ["aws_sqs_queue", "redrive_policy"],
  ["aws_sqs_queue_redrive_policy", "redrive_policy"],
  ["aws_lambda_event_source_mapping", "destination_config"],
];

export const DeadLetterQueueRetention: GuardrailRule = {
  id: "TB-SQS-2",
  name: "DeadLetterQueueRetention",
  reason: `A dead-letter queue keeps failed events for at least ${MIN_DEAD_LETTER_RETENTION_SECONDS / 86400} days, long enough to notice, fix and redrive.`,
  level: "required",
  resourceTypes: ["aws_sqs_queue"],
  references: [],
  fix: "use DeadLetterQueue (modules/queue), which keeps messages for 14 days (SQS's maximum)",
  check(queue, { index }) {
    if (!isDeadLetterQueue(queue, index)) return notApplicable("not a dead-letter target of this stack");
    const seconds = num(queue.attributes.message_retention_seconds) ?? 345_600;
    return seconds >= MIN_DEAD_LETTER_RETENTION_SECONDS
      ? pass()
      : fail(`message_retention_seconds is ${seconds} (${(seconds / 86400).toFixed(1)} days)`);
  },
};

function isDeadLetterQueue(queue: SynthResource, index: StackIndex): boolean {
  return DEAD_LETTER_REFERRERS.some(([type, attribute]) =>
    index.referrers(queue, type, attribute).some((r) => r.address !== queue.address),
  );
}
