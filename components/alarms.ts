import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { metricProblem } from "./metrics";
import { childName, NAME_LIMITS } from "./naming";

/** One CloudWatch metric with its dimensions and statistic. */
export interface MetricRef {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
    /** `Sum`, `Average`, `Maximum`, `Minimum` or a percentile such as `p99`. */
    readonly stat: string;
}

/** Throws when CloudWatch does not publish `metric` with its dimensions: a library defect, caught by the tests. */
export function documented(metric: MetricRef): MetricRef {
    const problem = metricProblem(metric.namespace, metric.metricName, Object.keys(metric.dimensions));
    if (problem) {
        throw new Error(`fargate-workloads: ${problem}`);
    }
    return metric;
}

/** An alarm: one metric, or an expression over several (ids are the keys of `metrics`). */
export interface AlarmSpec {
    /** Logical name role: `<component>-alarm-<role>`. */
    readonly role: string;
    /** What the alarm means and what to do, shown in the notification. */
    readonly description: string;
    readonly metric?: MetricRef;
    readonly expression?: { readonly expression: string; readonly label: string; readonly metrics: Readonly<Record<string, MetricRef>> };
    readonly comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
    readonly threshold: number;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    /** No data (no requests, no tasks) is not a problem unless said otherwise. @default "notBreaching" */
    readonly treatMissingData?: "notBreaching" | "breaching" | "missing" | "ignore";
}

/**
 * A CloudWatch alarm that notifies `topicArn` when it goes into ALARM and when it is OK again, so
 * the operator hears both (or, given `{ alarmActions }`, only invokes those, such as a scaling
 * policy). Every metric is checked against the documented dimension sets.
 */
export function createAlarm(parent: pulumi.Resource, name: string, spec: AlarmSpec, topicArn: pulumi.Input<string> | { readonly alarmActions: pulumi.Input<string>[] }): aws.cloudwatch.MetricAlarm {
    const custom = typeof topicArn === "object" && topicArn !== null && !pulumi.Output.isInstance(topicArn) && "alarmActions" in topicArn;
    const actions = custom ? { alarmActions: (topicArn as { alarmActions: pulumi.Input<string>[] }).alarmActions } : { alarmActions: [topicArn as pulumi.Input<string>], okActions: [topicArn as pulumi.Input<string>] };
    const common = {
        alarmDescription: spec.description,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData ?? "notBreaching",
        ...actions,
    };
    const metricArgs = spec.expression
        ? {
              metricQueries: [
                  ...Object.entries(spec.expression.metrics).map(([id, m]) => {
                      const checked = documented(m);
                      return { id, returnData: false, metric: { namespace: checked.namespace, metricName: checked.metricName, dimensions: checked.dimensions, stat: checked.stat, period: spec.periodSeconds } };
                  }),
                  { id: "result", expression: spec.expression.expression, label: spec.expression.label, returnData: true },
              ],
          }
        : (() => {
              const m = documented(spec.metric!);
              const percentile = /^p\d/.test(m.stat);
              return { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, period: spec.periodSeconds, ...(percentile ? { extendedStatistic: m.stat } : { statistic: m.stat }) };
          })();
    return new aws.cloudwatch.MetricAlarm(childName(name, `alarm-${spec.role}`, NAME_LIMITS.alarm), { ...common, ...metricArgs }, { parent });
}

/** A count that should be zero stayed above it for five one-minute periods. */
export const ABOVE_ZERO_FOR_FIVE_MINUTES = { comparison: "GreaterThanThreshold", threshold: 0, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 5 } as const;

/** A count that should be zero was above it in two of five one-minute periods. */
export const ABOVE_ZERO_FOR_TWO_OF_FIVE_MINUTES = { comparison: "GreaterThanThreshold", threshold: 0, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 2 } as const;

/** An ECS service's tasks, as its metrics name them. */
export type ServiceMetricDimensions = { readonly ClusterName: pulumi.Input<string>; readonly ServiceName: pulumi.Input<string> };

/** Fewer tasks running than desired for five minutes (Container Insights metrics). */
export function tasksBelowDesiredAlarm(parent: pulumi.Resource, name: string, tasks: ServiceMetricDimensions, topicArn: pulumi.Input<string>): aws.cloudwatch.MetricAlarm {
    const insights = (metricName: string): MetricRef => ({ namespace: "ECS/ContainerInsights", metricName, dimensions: tasks, stat: "Average" });
    return createAlarm(
        parent,
        name,
        {
            role: "tasks-below-desired",
            description: `${name}: fewer tasks running than desired for 5 minutes. Tasks fail to start or keep stopping: check the service's events and stopped tasks.`,
            expression: { expression: "desired - running", label: "tasks missing", metrics: { desired: insights("DesiredTaskCount"), running: insights("RunningTaskCount") } },
            ...ABOVE_ZERO_FOR_FIVE_MINUTES,
        },
        topicArn,
    );
}

/** A line of a dashboard's metric widget. */
export interface WidgetMetric extends MetricRef {
    readonly label: string;
}

/** A CloudWatch dashboard widget (type, size and properties; the dashboard places it). */
export interface DashboardWidget {
    readonly type: "metric" | "text";
    readonly width: number;
    readonly height: number;
    readonly properties: Record<string, unknown>;
}

/** A metric widget charting `metrics` (checked against the documented dimension sets), by default over 1-minute periods. */
export function metricWidget(title: string, region: pulumi.Input<string>, metrics: readonly WidgetMetric[], periodSeconds = 60): pulumi.Output<DashboardWidget> {
    const lines = metrics.map((m) => {
        const checked = documented(m);
        return pulumi.output(checked.dimensions).apply((dims) => [checked.namespace, checked.metricName, ...Object.entries(dims).flatMap(([k, v]) => [k, v]), { stat: checked.stat, label: m.label }]);
    });
    return pulumi.all([pulumi.output(region), pulumi.all(lines)]).apply(([r, resolved]): DashboardWidget => ({ type: "metric", width: 12, height: 6, properties: { title, region: r, view: "timeSeries", period: periodSeconds, metrics: resolved } }));
}

/** The body of a dashboard: a heading per section, then its widgets two to a row. */
export function dashboardBody(sections: readonly { readonly title: string; readonly widgets: readonly pulumi.Input<DashboardWidget>[] }[]): pulumi.Output<string> {
    return pulumi.all(sections.map((s) => pulumi.all(s.widgets as pulumi.Input<DashboardWidget>[]))).apply((resolved) => {
        const widgets: Record<string, unknown>[] = [];
        let y = 0;
        resolved.forEach((list, i) => {
            widgets.push({ type: "text", x: 0, y, width: 24, height: 1, properties: { markdown: `## ${sections[i].title}` } });
            y += 1;
            list.forEach((w, j) => {
                widgets.push({ ...w, x: (j % 2) * 12, y: y + Math.floor(j / 2) * w.height });
            });
            y += Math.ceil(list.length / 2) * 6;
        });
        return JSON.stringify({ widgets });
    });
}
