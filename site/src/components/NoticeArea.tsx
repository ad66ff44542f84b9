import type { Notice } from "../state/board";
import { useI18n } from "../i18n/I18nProvider";

export interface NoticeAreaProps {
  readonly notice: Notice | null;
  readonly onDismiss: () => void;
}

/**
 * Both live regions are always in the page, so screen readers announce a
 * message the moment it appears: errors assertively, confirmations politely.
 */
export function NoticeArea({ notice, onDismiss }: NoticeAreaProps) {
  const { t } = useI18n();
  const text = notice === null ? null : t(`notice.${notice.key}`, { subject: notice.subject ?? "" });
  const body = (tone: Notice["tone"]) =>
    notice !== null && notice.tone === tone ? (
      <div class={`notice notice-${tone}`}>
        <p>{text}</p>
        <button type="button" class="button-quiet" onClick={onDismiss}>
          {t("notice.dismiss")}
        </button>
      </div>
    ) : null;
  return (
    <div class="notices">
      <div role="alert">{body("error")}</div>
      <div role="status">{body("success")}</div>
    </div>
  );
}
