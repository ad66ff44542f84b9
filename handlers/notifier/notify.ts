/**
 * The notifier's core: mail everyone a task event concerns, each at most once
 * per event. Every dependency is passed in (markers, mailer, clock, log).
 */
import type { TaskEvent } from "../../contracts/events";
import { describeError, type Logger } from "../lib/apigw";
import { composeEmail, type ComposeOptions } from "./compose";
import type { Mailer } from "./mailer";
import { chooseRecipients, type RecipientRole } from "./recipients";
import { notificationIdOf, type MarkerClaim, type SentMarkers } from "./sent-markers";

export interface NotifierDeps {
  readonly markers: SentMarkers;
  readonly mailer: Mailer;
  readonly clock: () => Date;
  readonly log: Logger;
  readonly compose: ComposeOptions;
}

export type EmailStatus =
  /** SES accepted it during this delivery. */
  | "sent"
  /** A marker exists: sent by an earlier delivery, or being sent by a concurrent one. */
  | "skipped_duplicate"
  /** The marker or SES call failed; a retry will send it. */
  | "failed";

export interface EmailOutcome {
  readonly role: RecipientRole;
  readonly status: EmailStatus;
  readonly messageId?: string;
}

export interface EventReport {
  readonly eventId: string;
  readonly type: TaskEvent["type"];
  readonly emails: readonly EmailOutcome[];
  /** Emails that must be retried; the caller turns this into a thrown error or a batch item failure. */
  readonly failed: number;
}

/**
 * Sends every email of one event. Recipients are independent: one failure
 * does not stop the others, and on retry the ones already sent are skipped.
 *
 * @param leaseMs - how long a claimed marker keeps other deliveries off it;
 *   must outlast this invocation (see README "Delivery guarantees").
 */
export async function notifyTaskEvent(deps: NotifierDeps, event: TaskEvent, leaseMs: number): Promise<EventReport> {
  const { recipients, unusable } = chooseRecipients(event);
  if (unusable.length > 0) {
    deps.log.warn("notifier.recipient_unusable", { eventId: event.eventId, type: event.type, count: unusable.length });
  }
  const emails: EmailOutcome[] = [];
  for (const recipient of recipients) {
    const fields = { eventId: event.eventId, type: event.type, role: recipient.role };
    let claim: MarkerClaim | undefined;
    try {
      claim = await deps.markers.claim(notificationIdOf(event.eventId, recipient.address), deps.clock(), leaseMs);
    } catch (error) {
      deps.log.error("notifier.marker_failed", { ...fields, ...describeError(error) });
      emails.push({ role: recipient.role, status: "failed" });
      continue;
    }
    if (claim === undefined) {
      deps.log.info("notifier.email_skipped_duplicate", fields);
      emails.push({ role: recipient.role, status: "skipped_duplicate" });
      continue;
    }

    let messageId: string;
    try {
      ({ messageId } = await deps.mailer.send({
        to: recipient.address,
        content: composeEmail(event, recipient, deps.compose),
        tags: { event_type: event.type, role: recipient.role },
      }));
    } catch (error) {
      deps.log.error("notifier.email_failed", { ...fields, ...describeError(error) });
      // Best effort: if the delete fails too, the lease expires and a later delivery takes the marker over.
      await deps.markers.release(claim).catch((releaseError: unknown) => {
        deps.log.error("notifier.marker_release_failed", { ...fields, ...describeError(releaseError) });
      });
      emails.push({ role: recipient.role, status: "failed" });
      continue;
    }

    // The email is out: a failed confirm must not fail the event, or the retry would send it again.
    await deps.markers.confirm(claim, messageId, deps.clock()).catch((confirmError: unknown) => {
      deps.log.error("notifier.marker_confirm_failed", { ...fields, messageId, ...describeError(confirmError) });
    });
    deps.log.info("notifier.email_sent", { ...fields, messageId });
    emails.push({ role: recipient.role, status: "sent", messageId });
  }
  return { eventId: event.eventId, type: event.type, emails, failed: emails.filter((email) => email.status === "failed").length };
}
