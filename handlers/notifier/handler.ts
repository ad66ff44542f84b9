/**
 * Maps what Lambda delivers onto the core, and the core's result onto what
 * Lambda expects back:
 *
 * - One EventBridge event (the rule target; asynchronous invocation): resolves
 *   when every email is sent or was sent before; THROWS when any must be
 *   retried, so Lambda's async retries, then its dead-letter queue, take over.
 * - An SQS batch (a dead-letter queue redriven through an event source
 *   mapping): resolves with `{ batchItemFailures }` naming only the messages
 *   to retry (the mapping needs `ReportBatchItemFailures`).
 *
 * Malformed events are logged and dropped in both modes: no retry can fix them.
 */
import { z } from "zod";
import { describeError } from "../lib/apigw";
import { parseQueuedTaskEvent, parseTaskEventEnvelope, type ParsedDelivery } from "./envelope";
import { notifyTaskEvent, type EventReport, type NotifierDeps } from "./notify";

/** The part of the Lambda context the notifier reads. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

export interface SqsBatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

/** What a single-event invocation resolves with (Lambda discards it; the local stack and tests read it). */
export type SingleEventResult =
  | { readonly outcome: "notified"; readonly report: EventReport }
  | { readonly outcome: "ignored" | "invalid"; readonly reason: string };

export type NotifierResult = SqsBatchResponse | SingleEventResult;

export type NotifierHandler = (event: unknown, context?: LambdaContextLike) => Promise<NotifierResult>;

/** Thrown for a single event with emails left to send; Lambda then retries the whole event. */
export class NotificationFailedError extends Error {
  override readonly name = "NotificationFailedError";
  constructor(readonly report: EventReport) {
    super(`event ${report.eventId} (${report.type}): ${report.failed} of ${report.emails.length} email(s) failed; retry will send them`);
  }
}

/** Without a Lambda context (local stack, tests), a lease long enough for any send. */
export const DEFAULT_LEASE_MS = 60_000;
/** Past the invocation's deadline, for clock skew between invocations. */
const LEASE_MARGIN_MS = 5_000;

/**
 * A claim must outlive this invocation (or a slow send could be duplicated)
 * and no more (or a retry after a timeout would find the marker still held).
 * Lambda kills the invocation at its deadline, so "until the deadline" is exact.
 */
export function leaseMsFor(context: LambdaContextLike | undefined): number {
  const remaining = context?.getRemainingTimeInMillis();
  return remaining === undefined || !Number.isFinite(remaining) ? DEFAULT_LEASE_MS : Math.max(remaining, 0) + LEASE_MARGIN_MS;
}

const sqsEventSchema = z.object({
  Records: z
    .array(z.looseObject({ messageId: z.string().min(1), body: z.string(), eventSource: z.literal("aws:sqs") }))
    .min(1),
});

export function createNotifierHandler(deps: NotifierDeps): NotifierHandler {
  async function deliver(parsed: ParsedDelivery, leaseMs: number, where: Readonly<Record<string, string>>): Promise<SingleEventResult> {
    switch (parsed.kind) {
      case "invalid":
        deps.log.error("notifier.event_invalid", { ...where, reason: parsed.reason });
        return { outcome: "invalid", reason: parsed.reason };
      case "ignored":
        deps.log.info("notifier.event_ignored", { ...where, reason: parsed.reason, eventId: parsed.eventId });
        return { outcome: "ignored", reason: parsed.reason };
      case "task-event":
        return { outcome: "notified", report: await notifyTaskEvent(deps, parsed.event, leaseMs) };
    }
  }

  return async (event, context) => {
    const leaseMs = leaseMsFor(context);
    const batch = sqsEventSchema.safeParse(event);
    if (batch.success) {
      const failures = await Promise.all(
        batch.data.Records.map(async (record) => {
          try {
            const result = await deliver(parseQueuedTaskEvent(record.body), leaseMs, { sqsMessageId: record.messageId });
            return result.outcome === "notified" && result.report.failed > 0 ? [record.messageId] : [];
          } catch (error) {
            deps.log.error("notifier.record_failed", { sqsMessageId: record.messageId, ...describeError(error) });
            return [record.messageId];
          }
        }),
      );
      return { batchItemFailures: failures.flat().map((itemIdentifier) => ({ itemIdentifier })) };
    }

    const eventBridgeId = z.object({ id: z.string() }).safeParse(event);
    const result = await deliver(parseTaskEventEnvelope(event), leaseMs, eventBridgeId.success ? { eventBridgeId: eventBridgeId.data.id } : {});
    if (result.outcome === "notified" && result.report.failed > 0) throw new NotificationFailedError(result.report);
    return result;
  };
}
