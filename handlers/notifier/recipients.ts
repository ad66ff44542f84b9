/**
 * Who is mailed about which event. Pure: the event carries everything needed
 * (PIC and owner in its task snapshot), so no user lookup is made.
 */
import { z } from "zod";
import type { TaskEvent } from "../../contracts/events";

/** Why someone gets the email; it picks the wording. */
export type RecipientRole = "pic" | "owner";

export interface Recipient {
  /** Lower-cased, trimmed: the form the idempotency key uses. */
  readonly address: string;
  readonly role: RecipientRole;
}

export interface RecipientChoice {
  readonly recipients: readonly Recipient[];
  /** Addresses the event names that are not email addresses; never sent to (SES would reject them on every retry). */
  readonly unusable: readonly string[];
}

const emailAddress = z.email();

function normalise(address: string): string {
  return address.trim().toLowerCase();
}

/** The roles each event type mails, in order; the owner is the supervisor who created the task. */
function rolesFor(type: TaskEvent["type"]): readonly RecipientRole[] {
  switch (type) {
    case "task.assigned":
    case "task.status_changed":
    case "task.overdue":
      return ["pic", "owner"];
    case "task.due_soon":
      return ["pic"];
    default:
      return [];
  }
}

/**
 * The recipients of an event: never its actor (nobody is mailed about their
 * own action), each address once (a PIC who also owns the task gets the PIC's email).
 */
export function chooseRecipients(event: TaskEvent): RecipientChoice {
  const actor = normalise(event.actor);
  const seen = new Set<string>([actor]);
  const recipients: Recipient[] = [];
  const unusable: string[] = [];
  for (const role of rolesFor(event.type)) {
    const raw = role === "pic" ? event.task.pic : event.task.createdBy;
    if (raw === null) continue;
    const address = normalise(raw);
    if (seen.has(address)) continue;
    seen.add(address);
    if (emailAddress.safeParse(address).success) recipients.push({ address, role });
    else unusable.push(address);
  }
  return { recipients, unusable };
}
