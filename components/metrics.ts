/**
 * The CloudWatch metrics the components alarm on and chart, with the dimension sets AWS
 * publishes them under and the page that says so. CloudWatch returns nothing for a dimension set
 * a metric is not published with ("You must specify the same dimensions that were used when the
 * metrics were created"), so every alarm and widget is checked against this list.
 */
export interface MetricNamespace {
    /** The AWS page that lists the metrics and their dimensions. */
    readonly source: string;
    /** Metric name to the dimension sets it is published with (names sorted). */
    readonly metrics: Readonly<Record<string, readonly (readonly string[])[]>>;
}

const ALB_TARGET_SETS = [["LoadBalancer"], ["AvailabilityZone", "LoadBalancer"], ["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]];
const SERVICE = [["ClusterName", "ServiceName"]];
const STATE_MACHINE = [["StateMachineArn"]];

export const DOCUMENTED_METRICS: Readonly<Record<string, MetricNamespace>> = {
    "AWS/ApplicationELB": {
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
        metrics: {
            RequestCount: ALB_TARGET_SETS,
            // Errors the load balancer itself answers: per load balancer (and zone) only, never per target group.
            HTTPCode_ELB_5XX_Count: [["LoadBalancer"], ["AvailabilityZone", "LoadBalancer"]],
            HTTPCode_ELB_503_Count: [["LoadBalancer"], ["AvailabilityZone", "LoadBalancer"]],
            HTTPCode_Target_2XX_Count: ALB_TARGET_SETS,
            HTTPCode_Target_4XX_Count: ALB_TARGET_SETS,
            HTTPCode_Target_5XX_Count: ALB_TARGET_SETS,
            TargetResponseTime: ALB_TARGET_SETS,
            HealthyHostCount: [["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]],
            UnHealthyHostCount: [["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]],
        },
    },
    "AWS/ECS": {
        source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html",
        metrics: { CPUUtilization: SERVICE, MemoryUtilization: SERVICE },
    },
    "ECS/ContainerInsights": {
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html",
        metrics: { RunningTaskCount: SERVICE, DesiredTaskCount: SERVICE },
    },
    "AWS/States": {
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html",
        metrics: { ExecutionsStarted: STATE_MACHINE, ExecutionsSucceeded: STATE_MACHINE, ExecutionsFailed: STATE_MACHINE, ExecutionsTimedOut: STATE_MACHINE, ExecutionsAborted: STATE_MACHINE, ExecutionTime: STATE_MACHINE },
    },
    "AWS/SQS": {
        source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
        metrics: { ApproximateNumberOfMessagesVisible: [["QueueName"]], ApproximateNumberOfMessagesNotVisible: [["QueueName"]], ApproximateAgeOfOldestMessage: [["QueueName"]] },
    },
};

/** Why CloudWatch would have no data for `metric` with these dimension names, or undefined when it is documented. */
export function metricProblem(namespace: string, metric: string, dimensions: readonly string[]): string | undefined {
    const ns = DOCUMENTED_METRICS[namespace];
    if (!ns) {
        return `namespace ${namespace} is not in the documented list`;
    }
    const sets = ns.metrics[metric];
    if (!sets) {
        return `${namespace} ${metric} is not a documented metric`;
    }
    const key = [...dimensions].sort().join(",");
    return sets.some((s) => [...s].sort().join(",") === key) ? undefined : `${namespace} ${metric} is not published with dimensions ${key || "(none)"} (${sets.map((s) => s.join("+")).join("; ")})`;
}
