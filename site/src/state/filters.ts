import type { Task } from "../../../contracts/api";
import { dueState } from "./due";

export type PicFilter = { readonly kind: "everyone" } | { readonly kind: "unassigned" } | { readonly kind: "pic"; readonly email: string };

export const DUE_FILTERS = ["any", "soon", "overdue", "soon_or_overdue"] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];

export interface BoardFilters {
  readonly pic: PicFilter;
  readonly due: DueFilter;
  /** Matched against titles, ignoring case and Unicode composition (Korean input methods differ). */
  readonly search: string;
}

export const NO_FILTERS: BoardFilters = { pic: { kind: "everyone" }, due: "any", search: "" };

export function isFiltering(filters: BoardFilters): boolean {
  return filters.pic.kind !== "everyone" || filters.due !== "any" || normalise(filters.search) !== "";
}

function normalise(text: string): string {
  return text.normalize("NFKC").trim().toLocaleLowerCase();
}

function matchesPic(task: Task, filter: PicFilter): boolean {
  switch (filter.kind) {
    case "everyone":
      return true;
    case "unassigned":
      return task.pic === null;
    case "pic":
      return task.pic === filter.email;
  }
}

function matchesDue(task: Task, filter: DueFilter, now: Date): boolean {
  if (filter === "any") return true;
  const state = dueState(task, now);
  if (filter === "soon") return state === "soon";
  if (filter === "overdue") return state === "overdue";
  return state === "soon" || state === "overdue";
}

export function matchesFilters(task: Task, filters: BoardFilters, now: Date): boolean {
  const search = normalise(filters.search);
  return (
    matchesPic(task, filters.pic) && matchesDue(task, filters.due, now) && (search === "" || normalise(task.title).includes(search))
  );
}
