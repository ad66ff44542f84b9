import type { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { isPercentile, type MetricDescriptor } from "../metrics";
import type { AlarmPolicy } from "../defaults";

/** A metric math expression over named metrics, e.g. `running < desired`. */
export interface MathExpression {
  readonly expression: string;
  readonly label: string;
  /** Metrics by the id the expression uses (lower-case first letter, as CloudWatch requires). */
  readonly metrics: Readonly<Record<string, MetricDescriptor>>;
}

export interface AlarmSpec {
  readonly alarmName: string;
  readonly description: string;
  readonly source: MetricDescriptor | MathExpression;
  readonly threshold: number;
  readonly policy: AlarmPolicy;
  /** Topic ARNs told on ALARM and on OK. */
  readonly topicArn: string;
  readonly provider?: TerraformProvider;
}

export function isExpression(source: MetricDescriptor | MathExpression): source is MathExpression {
  return "expression" in source;
}

/** A CloudWatch alarm that notifies the topic on ALARM and on recovery (OK). */
export function createAlarm(scope: Construct, id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
  const common = {
    alarmName: spec.alarmName,
    alarmDescription: spec.description,
    comparisonOperator: spec.policy.comparison,
    threshold: spec.threshold,
    evaluationPeriods: spec.policy.evaluationPeriods,
    datapointsToAlarm: spec.policy.datapointsToAlarm,
    treatMissingData: spec.policy.treatMissingData,
    alarmActions: [spec.topicArn],
    okActions: [spec.topicArn],
    actionsEnabled: true,
    provider: spec.provider,
  };
  const source = spec.source;
  if (isExpression(source)) {
    return new CloudwatchMetricAlarm(scope, id, {
      ...common,
      metricQuery: [
        { id: "e1", expression: source.expression, label: source.label, returnData: true },
        ...Object.entries(source.metrics).map(([metricId, m]) => ({
          id: metricId,
          returnData: false,
          metric: {
            namespace: m.namespace,
            metricName: m.metricName,
            dimensions: { ...m.dimensions },
            period: m.periodSeconds,
            stat: m.statistic,
          },
        })),
      ],
    });
  }
  const dimensions = Object.keys(source.dimensions).length > 0 ? { ...source.dimensions } : undefined;
  return new CloudwatchMetricAlarm(scope, id, {
    ...common,
    namespace: source.namespace,
    metricName: source.metricName,
    dimensions,
    period: source.periodSeconds,
    ...(isPercentile(source.statistic) ? { extendedStatistic: source.statistic } : { statistic: source.statistic }),
  });
}
