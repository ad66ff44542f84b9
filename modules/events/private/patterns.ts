import { NOTIFYING_EVENT_TYPES, TASK_EVENT_DETAIL_TYPE, TASK_EVENT_SOURCE } from "../../../contracts/events";

/**
 * The Pipe's filter on the task-events stream: new items (INSERT) whose
 * `type` attribute is an event that sends email. Updates and deletes of the
 * log, and events nobody is mailed about, never reach the bus.
 */
export function notifyingStreamFilter(): Record<string, unknown> {
  return {
    eventName: ["INSERT"],
    dynamodb: { NewImage: { type: { S: [...NOTIFYING_EVENT_TYPES] } } },
  };
}

/** The envelope every task event carries on the bus; the rule and the archive both match it. */
export function taskEventBusPattern(): Record<string, unknown> {
  return { source: [TASK_EVENT_SOURCE], "detail-type": [TASK_EVENT_DETAIL_TYPE] };
}
