import type { MetricDescriptor } from "../metrics";

/**
 * One line on a graph. Graphs show raw metrics only (running and desired
 * tasks as two lines, not `running < desired`): an operator reads the values,
 * the alarms hold the expressions.
 */
export interface GraphLine {
  readonly metric: MetricDescriptor;
  readonly label: string;
}

export interface GraphSpec {
  readonly title: string;
  readonly lines: readonly GraphLine[];
  /** @default - the stack's region */
  readonly region?: string;
  /** Fixed lower bound of the left axis (0 for counts, so a flat line is not magnified). @default 0 */
  readonly yMin?: number;
}

export interface DashboardSection {
  readonly title: string;
  readonly graphs: readonly GraphSpec[];
}

/** The CloudWatch dashboard body schema, as much of it as this module writes. */
export interface DashboardBody {
  readonly widgets: readonly Widget[];
}

export type Widget = TextWidget | MetricWidget;

interface Placement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface TextWidget extends Placement {
  readonly type: "text";
  readonly properties: { readonly markdown: string };
}

/** Options after the dimensions in a metric row. */
export interface MetricRenderOptions {
  readonly stat: string;
  readonly period: number;
  readonly label: string;
}

/** `[namespace, metricName, dimName, dimValue, ..., options]`. */
export type MetricRow = readonly (string | MetricRenderOptions)[];

export interface MetricWidget extends Placement {
  readonly type: "metric";
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries";
    readonly stacked: false;
    readonly metrics: readonly MetricRow[];
    readonly yAxis: { readonly left: { readonly min: number } };
  };
}

const GRID_WIDTH = 24;
const GRAPH_WIDTH = 8;
const GRAPH_HEIGHT = 6;

/** Lays sections out top to bottom: a heading row, then graphs three to a row. */
export function renderDashboard(sections: readonly DashboardSection[], defaultRegion: string): DashboardBody {
  const widgets: Widget[] = [];
  let y = 0;
  for (const section of sections) {
    if (section.graphs.length === 0) continue;
    widgets.push({ type: "text", x: 0, y, width: GRID_WIDTH, height: 1, properties: { markdown: `## ${section.title}` } });
    y += 1;
    section.graphs.forEach((graph, index) => {
      const column = index % (GRID_WIDTH / GRAPH_WIDTH);
      if (index > 0 && column === 0) y += GRAPH_HEIGHT;
      widgets.push(metricWidget(graph, { x: column * GRAPH_WIDTH, y, width: GRAPH_WIDTH, height: GRAPH_HEIGHT }, defaultRegion));
    });
    y += GRAPH_HEIGHT;
  }
  if (widgets.length === 0) {
    // A body without widgets is refused by PutDashboard; say why the dashboard is empty instead.
    widgets.push({ type: "text", x: 0, y: 0, width: GRID_WIDTH, height: 2, properties: { markdown: "No resources are monitored yet." } });
  }
  return { widgets };
}

function metricWidget(graph: GraphSpec, placement: Placement, defaultRegion: string): MetricWidget {
  const region = graph.region ?? defaultRegion;
  return {
    type: "metric",
    ...placement,
    properties: {
      title: graph.title,
      region,
      view: "timeSeries",
      stacked: false,
      metrics: graph.lines.map((line) => metricRow(line)),
      yAxis: { left: { min: graph.yMin ?? 0 } },
    },
  };
}

function metricRow({ metric: m, label }: GraphLine): MetricRow {
  const dimensions = Object.entries(m.dimensions).flatMap(([name, value]) => [name, value]);
  const options: MetricRenderOptions = { stat: m.statistic, period: m.periodSeconds, label };
  return [m.namespace, m.metricName, ...dimensions, options];
}
