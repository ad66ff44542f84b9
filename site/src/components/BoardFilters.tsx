import { useI18n } from "../i18n/I18nProvider";
import { DUE_FILTERS, isFiltering, NO_FILTERS, type BoardFilters as Filters, type PicFilter } from "../state/filters";

export interface PicOption {
  readonly email: string;
  readonly name: string;
}

export interface BoardFiltersProps {
  readonly filters: Filters;
  readonly pics: readonly PicOption[];
  readonly onChange: (filters: Filters) => void;
}

const EVERYONE = "everyone";
const UNASSIGNED = "unassigned";
const PIC_PREFIX = "pic:";

function picValue(filter: PicFilter): string {
  return filter.kind === "pic" ? `${PIC_PREFIX}${filter.email}` : filter.kind === "unassigned" ? UNASSIGNED : EVERYONE;
}

function picFilterOf(value: string): PicFilter {
  if (value.startsWith(PIC_PREFIX)) return { kind: "pic", email: value.slice(PIC_PREFIX.length) };
  return value === UNASSIGNED ? { kind: "unassigned" } : { kind: "everyone" };
}

/** Search by title, filter by PIC and by due date. */
export function BoardFilters({ filters, pics, onChange }: BoardFiltersProps) {
  const { t } = useI18n();
  return (
    <search class="filters">
      <form class="filters-form" aria-label={t("filters.label")} onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for="filter-search">{t("filters.search")}</label>
          <input id="filter-search" type="search" value={filters.search} onInput={(event) => onChange({ ...filters, search: event.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="filter-pic">{t("filters.pic")}</label>
          <select id="filter-pic" value={picValue(filters.pic)} onChange={(event) => onChange({ ...filters, pic: picFilterOf(event.currentTarget.value) })}>
            <option value={EVERYONE}>{t("filters.picEveryone")}</option>
            <option value={UNASSIGNED}>{t("filters.picUnassigned")}</option>
            {pics.map((pic) => (
              <option key={pic.email} value={`${PIC_PREFIX}${pic.email}`}>
                {pic.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-due">{t("filters.due")}</label>
          <select
            id="filter-due"
            value={filters.due}
            onChange={(event) => {
              const due = DUE_FILTERS.find((value) => value === event.currentTarget.value);
              if (due !== undefined) onChange({ ...filters, due });
            }}
          >
            {DUE_FILTERS.map((value) => (
              <option key={value} value={value}>
                {t(`filters.due.${value}`)}
              </option>
            ))}
          </select>
        </div>
        {isFiltering(filters) ? (
          <button type="button" class="button-quiet" onClick={() => onChange(NO_FILTERS)}>
            {t("filters.clear")}
          </button>
        ) : null}
      </form>
    </search>
  );
}
