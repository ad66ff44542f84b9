/**
 * The email for one event and one recipient: subject, plain text and HTML.
 * Pure. Every user-supplied string (title, addresses) is HTML-escaped in the
 * HTML part and stripped of line breaks in the subject.
 */
import { TASK_STATUSES, type TaskStatus } from "../../contracts/api";
import { SYSTEM_ACTOR, type FieldChange, type TaskEvent } from "../../contracts/events";
import type { Recipient } from "./recipients";

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface ComposeOptions {
  /** Base URL of the board; the link is `<boardUrl>/tasks/<id>`. */
  readonly boardUrl: string;
  /** IANA zone for due dates. */
  readonly timeZone: string;
}

export const STATUS_LABELS: Readonly<Record<TaskStatus, string>> = {
  todo: "To Do",
  in_progress: "In Progress",
  done: "Done",
};

const FIELD_LABELS: Readonly<Record<FieldChange["field"], string>> = {
  title: "Title",
  content: "Content",
  status: "Status",
  pic: "Person in charge",
  dueAt: "Due",
  position: "Position",
};

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** One line, no control characters: a title with a newline must not split the Subject header. */
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
}

export function taskLink(boardUrl: string, taskId: string): string {
  const base = boardUrl.endsWith("/") ? boardUrl : `${boardUrl}/`;
  return new URL(`tasks/${encodeURIComponent(taskId)}`, base).toString();
}

function statusLabel(value: string | number | null): string {
  if (value === null) return "none";
  const text = String(value);
  const status = TASK_STATUSES.find((candidate) => candidate === text);
  return status === undefined ? text : STATUS_LABELS[status];
}

function formatDue(dueAt: string | null, timeZone: string): string {
  if (dueAt === null) return "No due date";
  const date = new Date(dueAt);
  if (Number.isNaN(date.getTime())) return dueAt;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(date);
}

function describeChange(change: FieldChange, timeZone: string): string {
  const show = (value: string | number | null): string => {
    if (change.field === "status") return statusLabel(value);
    if (change.field === "pic") return value === null ? "unassigned" : String(value);
    if (change.field === "dueAt") return formatDue(value === null ? null : String(value), timeZone);
    return value === null ? "none" : String(value);
  };
  return `${FIELD_LABELS[change.field]}: ${show(change.from)} → ${show(change.to)}`;
}

function actorName(actor: string): string {
  return actor === SYSTEM_ACTOR ? "The daily reminder" : actor;
}

interface Wording {
  readonly subject: string;
  readonly lead: string;
}

function wordingFor(event: TaskEvent, recipient: Recipient, due: string): Wording {
  const title = event.task.title;
  const actor = actorName(event.actor);
  switch (event.type) {
    case "task.assigned": {
      if (recipient.role === "pic") return { subject: `You have been assigned: ${title}`, lead: `${actor} assigned this task to you.` };
      const pic = event.task.pic;
      return pic === null
        ? { subject: `Unassigned: ${title}`, lead: `${actor} removed the person in charge of a task you created.` }
        : { subject: `Assigned to ${pic}: ${title}`, lead: `${actor} assigned a task you created to ${pic}.` };
    }
    case "task.status_changed": {
      const change = event.changes.find((candidate) => candidate.field === "status");
      const from = statusLabel(change?.from ?? null);
      const to = statusLabel(change?.to ?? event.task.status);
      const whose = recipient.role === "pic" ? "your task" : "a task you created";
      return { subject: `${title}: ${from} → ${to}`, lead: `${actor} moved ${whose} from ${from} to ${to}.` };
    }
    case "task.due_soon":
      return { subject: `Due soon: ${title}`, lead: `This task is due ${due}, within the next 24 hours.` };
    case "task.overdue":
      return recipient.role === "pic"
        ? { subject: `Overdue: ${title}`, lead: `This task was due ${due} and is not done yet.` }
        : {
            subject: `Overdue: ${title}`,
            lead: `A task you created was due ${due} and is not done yet (person in charge: ${event.task.pic ?? "nobody"}).`,
          };
    default:
      // Unreachable for notifying types; a clear fallback beats an exception in a mailer.
      return { subject: `Task updated: ${title}`, lead: `${actor} changed this task.` };
  }
}

const REASONS: Readonly<Record<Recipient["role"], string>> = {
  pic: "You receive this email because you are the person in charge of this task.",
  owner: "You receive this email because you created this task.",
};

export function composeEmail(event: TaskEvent, recipient: Recipient, options: ComposeOptions): EmailContent {
  const due = formatDue(event.task.dueAt, options.timeZone);
  const wording = wordingFor(event, recipient, due);
  const link = taskLink(options.boardUrl, event.task.id);
  const details: ReadonlyArray<readonly [string, string]> = [
    ["Task", event.task.title],
    ["Status", statusLabel(event.task.status)],
    ["Person in charge", event.task.pic ?? "Unassigned"],
    ["Due", due],
    ...event.changes.map((change): readonly [string, string] => ["Change", describeChange(change, options.timeZone)]),
  ];
  const subject = oneLine(wording.subject);

  const labelWidth = Math.max(...details.map(([label]) => label.length)) + 2;
  const text = [
    wording.lead,
    "",
    ...details.map(([label, value]) => `${`${label}:`.padEnd(labelWidth)}${oneLine(value)}`),
    "",
    `Open the task: ${link}`,
    "",
    "-- ",
    REASONS[recipient.role],
    "",
  ].join("\n");

  const rows = details
    .map(
      ([label, value]) =>
        `<tr><th align="left" style="padding:2px 16px 2px 0;color:#555;font-weight:normal">${escapeHtml(label)}</th>` +
        `<td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
    )
    .join("\n");
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:-apple-system,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic',sans-serif;color:#222;line-height:1.5">
<p>${escapeHtml(wording.lead)}</p>
<table role="presentation" cellpadding="0" cellspacing="0">
${rows}
</table>
<p><a href="${escapeHtml(link)}" style="color:#0b57d0">Open the task on the board</a></p>
<p style="color:#777;font-size:12px">${escapeHtml(REASONS[recipient.role])}</p>
</body>
</html>
`;
  return { subject, text, html };
}
