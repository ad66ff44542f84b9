import { useEffect, useState } from "preact/hooks";
import type { TaskEvent } from "../../../contracts/events";
import type { ApiClient } from "../api/client";
import { REMINDER_ACTOR } from "../api/contract-values";
import { useI18n } from "../i18n/I18nProvider";
import { describeFieldValue, FIELD_LABEL_KEYS } from "./field-values";

export interface ActivityLogProps {
  readonly api: ApiClient;
  readonly taskId: string;
  readonly nameOf: (email: string) => string;
}

type LogState = { readonly kind: "loading" } | { readonly kind: "failed" } | { readonly kind: "ready"; readonly events: readonly TaskEvent[] };

/** Who changed what, when: the task's events, newest first. */
export function ActivityLog({ api, taskId, nameOf }: ActivityLogProps) {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const [log, setLog] = useState<LogState>({ kind: "loading" });

  useEffect(() => {
    let current = true;
    api.listTaskEvents(taskId).then(
      (events) => current && setLog({ kind: "ready", events: [...events].reverse() }),
      () => current && setLog({ kind: "failed" }),
    );
    return () => {
      current = false;
    };
  }, [api, taskId]);

  const actorName = (actor: string): string => (actor === REMINDER_ACTOR ? t("activity.reminder") : nameOf(actor));

  return (
    <section class="activity" aria-labelledby={`activity-${taskId}`}>
      <h3 id={`activity-${taskId}`}>{t("activity.heading")}</h3>
      {log.kind === "loading" ? <p role="status">{t("activity.loading")}</p> : null}
      {log.kind === "failed" ? <p role="alert">{t("activity.failed")}</p> : null}
      {log.kind === "ready" && log.events.length === 0 ? <p>{t("activity.empty")}</p> : null}
      {log.kind === "ready" && log.events.length > 0 ? (
        <ol class="activity-list">
          {log.events.map((event) => {
            const visible = event.changes.filter((change) => change.field !== "position");
            const reordered = event.changes.length > 0 && visible.length === 0;
            return (
              <li key={event.eventId}>
                <p class="activity-summary">
                  <span>{t(`event.${event.type}`, { actor: actorName(event.actor) })}</span>{" "}
                  <time dateTime={event.at}>{dateTime(event.at)}</time>
                </p>
                {visible.length > 0 || reordered ? (
                  <ul class="activity-changes">
                    {visible.map((change) => (
                      <li key={change.field}>
                        {t("activity.change", {
                          field: t(FIELD_LABEL_KEYS[change.field]),
                          from: describeFieldValue(change.field, change.from, i18n, nameOf),
                          to: describeFieldValue(change.field, change.to, i18n, nameOf),
                        })}
                      </li>
                    ))}
                    {reordered ? <li>{t("activity.reordered")}</li> : null}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
