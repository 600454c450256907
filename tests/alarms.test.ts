import * as assert from "assert";
import { dashboardBody } from "../components/alarms";
import { LoadBalancer } from "../components/loadBalancer";
import { DOCUMENTED_METRICS, metricProblem } from "../components/metrics";
import { outputValue } from "../components/testing";
import { WebService, WebServiceArgs } from "../components/webService";
import { assertRejected } from "./helpers";
import { mocks } from "./setup";

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    service: "aws:ecs/service:Service",
    cluster: "aws:ecs/cluster:Cluster",
    topic: "aws:sns/topic:Topic",
};
const TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall";
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
const lbSubnets = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];
const base: WebServiceArgs = { image: "public.ecr.aws/nginx/nginx:1.27", user: "1000", network, loadBalancer: { subnetIds: lbSubnets }, alerts: { topicArn: TOPIC } };

/** An alarm's inputs in a form that reads like its definition. */
function alarmOf(name: string) {
    const i = mocks.one(T.alarm, name).inputs;
    const metric = (m: any) => [m.namespace, m.metricName, m.dimensions, m.stat ?? m.statistic ?? m.extendedStatistic, m.period];
    return {
        metrics: i.metricQueries ? i.metricQueries.filter((q: any) => q.metric).map((q: any) => [q.id, ...metric(q.metric)]) : [metric(i)],
        expression: i.metricQueries?.find((q: any) => q.expression)?.expression,
        condition: [i.comparisonOperator, i.threshold, i.evaluationPeriods, i.datapointsToAlarm, i.treatMissingData],
        actions: [i.alarmActions, i.okActions],
    };
}

describe("alarms and dashboards", () => {
    describe("a web service", () => {
        it("alarms on its own target group's 5xx rate and p99 latency, unhealthy targets, missing tasks, CPU and memory, notifying on ALARM and OK", async () => {
            const web = new WebService("web", base);
            await outputValue(web.url);
            await mocks.settle();
            const traffic = { LoadBalancer: mocks.one(T.alb).state.arnSuffix, TargetGroup: mocks.one(T.tg).state.arnSuffix };
            const tasks = { ClusterName: mocks.one(T.cluster).state.name, ServiceName: mocks.one(T.service).state.name };
            const notify = [[TOPIC], [TOPIC]];
            assert.deepStrictEqual(alarmOf("web-alarm-5xx-rate"), {
                metrics: [
                    ["errors", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", traffic, "Sum", 60],
                    ["requests", "AWS/ApplicationELB", "RequestCount", traffic, "Sum", 60],
                ],
                expression: "100 * FILL(errors, 0) / requests",
                condition: ["GreaterThanThreshold", 5, 5, 3, "notBreaching"],
                actions: notify,
            });
            assert.deepStrictEqual(alarmOf("web-alarm-p99-latency"), { metrics: [["AWS/ApplicationELB", "TargetResponseTime", traffic, "p99", 60]], expression: undefined, condition: ["GreaterThanThreshold", 2, 5, 3, "notBreaching"], actions: notify });
            assert.deepStrictEqual(alarmOf("web-alarm-unhealthy-targets"), { metrics: [["AWS/ApplicationELB", "UnHealthyHostCount", traffic, "Maximum", 60]], expression: undefined, condition: ["GreaterThanThreshold", 0, 5, 5, "notBreaching"], actions: notify });
            assert.deepStrictEqual(alarmOf("web-alarm-tasks-below-desired"), {
                metrics: [
                    ["desired", "ECS/ContainerInsights", "DesiredTaskCount", tasks, "Average", 60],
                    ["running", "ECS/ContainerInsights", "RunningTaskCount", tasks, "Average", 60],
                ],
                expression: "desired - running",
                condition: ["GreaterThanThreshold", 0, 5, 5, "notBreaching"],
                actions: notify,
            });
            assert.deepStrictEqual(alarmOf("web-alarm-cpu-high"), { metrics: [["AWS/ECS", "CPUUtilization", tasks, "Average", 60]], expression: undefined, condition: ["GreaterThanThreshold", 90, 10, 10, "notBreaching"], actions: notify });
            assert.deepStrictEqual(alarmOf("web-alarm-memory-high"), { metrics: [["AWS/ECS", "MemoryUtilization", tasks, "Average", 60]], expression: undefined, condition: ["GreaterThanThreshold", 90, 10, 10, "notBreaching"], actions: notify });
            // The percentile goes in extendedStatistic, which is how CloudWatch takes it.
            assert.deepStrictEqual([mocks.one(T.alarm, "web-alarm-p99-latency").inputs.extendedStatistic, mocks.one(T.alarm, "web-alarm-p99-latency").inputs.statistic], ["p99", undefined]);
            assert.strictEqual(web.alarms.length, 6);
            assert.deepStrictEqual(mocks.all(T.topic), [], "the given topic, no new one");
        });

        it("rolls a deployment back while its own 5xx-rate or latency alarm is in ALARM", async () => {
            new WebService("web", base);
            await mocks.settle();
            const alarms = mocks.one(T.service).inputs.alarms;
            assert.deepStrictEqual(alarms, { alarmNames: [mocks.one(T.alarm, "web-alarm-5xx-rate").state.name, mocks.one(T.alarm, "web-alarm-p99-latency").state.name], enable: true, rollback: true });
        });

        it("never alarms a service on load balancer-wide metrics: on a shared load balancer each service watches its own target group", async () => {
            const edge = new LoadBalancer("edge", { vpcId: network.vpcId, subnetIds: lbSubnets, alerts: { topicArn: TOPIC } });
            new WebService("a", { ...base, loadBalancer: edge, routing: { paths: ["/a/*"] } });
            new WebService("b", { ...base, loadBalancer: edge, routing: { paths: ["/b/*"] } });
            await mocks.settle();
            for (const service of ["a", "b"]) {
                const tg = mocks.one(T.tg, `${service}-tg`).state.arnSuffix;
                const errors = alarmOf(`${service}-alarm-5xx-rate`);
                assert.ok(errors.metrics.every((m: any[]) => m[3].TargetGroup === tg && m[2] !== "HTTPCode_ELB_5XX_Count"), `${service} watches its own target group only`);
            }
            // The load balancer's own 5xx answers are its alarm, per load balancer (the only way AWS publishes them).
            assert.deepStrictEqual(alarmOf("edge-alarm-lb-5xx-rate").metrics, [
                ["errors", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", { LoadBalancer: mocks.one(T.alb).state.arnSuffix }, "Sum", 60],
                ["requests", "AWS/ApplicationELB", "RequestCount", { LoadBalancer: mocks.one(T.alb).state.arnSuffix }, "Sum", 60],
            ]);
        });

        it("takes other thresholds, turns alarms off, and creates its own topic only when given none", async () => {
            new WebService("web", { ...base, alerts: undefined, alarms: { errorRatePercent: 1, p99LatencySeconds: false, cpuPercent: false, memoryPercent: 75, tasksBelowDesired: false, unhealthyTargets: false } });
            await mocks.settle();
            assert.deepStrictEqual(mocks.all(T.alarm).map((a) => a.name).sort(), ["web-alarm-5xx-rate", "web-alarm-lb-5xx-rate", "web-alarm-memory-high"]);
            assert.strictEqual(alarmOf("web-alarm-5xx-rate").condition[1], 1);
            assert.strictEqual(alarmOf("web-alarm-memory-high").condition[1], 75);
            const topic = mocks.one(T.topic, "web-alerts").state.arn;
            assert.ok(mocks.all(T.alarm).every((a) => a.inputs.alarmActions[0] === topic && a.inputs.okActions[0] === topic), "its own load balancer's alarm too");
            assert.deepStrictEqual(mocks.one(T.service).inputs.alarms.alarmNames, [mocks.one(T.alarm, "web-alarm-5xx-rate").state.name]);
        });

        it("deploys without alarm rollback when asked, sending the setting turned off (the provider ignores a removed block)", async () => {
            new WebService("web", { ...base, alarms: { rollbackOnAlarm: false } });
            await mocks.settle();
            const names = ["5xx-rate", "p99-latency", "unhealthy-targets"].map((role) => mocks.all(T.alarm).find((a) => a.name === `web-alarm-${role}`)!.state.name);
            assert.deepStrictEqual(mocks.one(T.service).inputs.alarms, { alarmNames: names, enable: false, rollback: false });
        });

        it("names any traffic alarm left in the turned-off setting, and sends none when no alarm is left to name", async () => {
            new WebService("web", { ...base, alarms: { rollbackOnAlarm: false, errorRatePercent: false, p99LatencySeconds: false } });
            await mocks.settle();
            assert.deepStrictEqual(mocks.one(T.service).inputs.alarms, { alarmNames: [mocks.all(T.alarm).find((a) => a.name === "web-alarm-unhealthy-targets")!.state.name], enable: false, rollback: false });
            mocks.reset();
            new WebService("web", { ...base, alarms: { rollbackOnAlarm: false, errorRatePercent: false, p99LatencySeconds: false, unhealthyTargets: false } });
            await mocks.settle();
            assert.strictEqual(mocks.one(T.service).inputs.alarms, undefined, "ECS requires an alarm name, and the provider drops an empty list");
        });

        const cases: [string, Partial<WebServiceArgs>, string][] = [
            ["an error rate of 0", { alarms: { errorRatePercent: 0 } }, "web: alarms.errorRatePercent (0) must be a number from 0.1 to 100; set it within 0.1..100."],
            ["a CPU threshold over 100", { alarms: { cpuPercent: 120 } }, "web: alarms.cpuPercent (120) must be a number from 1 to 100; set it within 1..100."],
            ["rollback without the alarms it rolls back on", { alarms: { errorRatePercent: false, p99LatencySeconds: false } }, "web: alarms.rollbackOnAlarm needs alarms.errorRatePercent or alarms.p99LatencySeconds: those are the alarms a deployment rolls back on; keep one of them, or set rollbackOnAlarm: false."],
            ["a topic that is not an SNS ARN", { alerts: { topicArn: "oncall" } }, 'web: alerts.topicArn ("oncall") is not the ARN of a standard (non-FIFO) SNS topic; use "arn:aws:sns:REGION:ACCOUNT:NAME", or leave it out to have a topic created.'],
        ];
        for (const [what, args, message] of cases) {
            it(`refuses ${what}`, () => assertRejected(() => new WebService("web", { ...base, ...args }), message));
        }
    });

    describe("dashboards", () => {
        it("chart a service's requests and errors, latency, targets, CPU and memory, each a documented metric", async () => {
            const web = new WebService("web", base);
            const widgets = await Promise.all(web.widgets.map((w) => outputValue(w)));
            assert.deepStrictEqual(
                widgets.map((w) => [w.properties.title, (w.properties.metrics as any[]).map((m) => `${m[1]} ${m[m.length - 1].stat}`)]),
                [
                    ["web: requests and errors", ["RequestCount Sum", "HTTPCode_Target_5XX_Count Sum", "HTTPCode_Target_4XX_Count Sum"]],
                    ["web: response time (s)", ["TargetResponseTime p50", "TargetResponseTime p99"]],
                    ["web: targets", ["HealthyHostCount Minimum", "UnHealthyHostCount Maximum"]],
                    ["web: CPU and memory (%)", ["CPUUtilization Average", "MemoryUtilization Average"]],
                ],
            );
        });

        it("lay sections out under headings, two widgets a row, in a body CloudWatch parses", async () => {
            const widget = { type: "metric" as const, width: 12, height: 6, properties: { title: "t" } };
            const body = JSON.parse(await outputValue(dashboardBody([{ title: "One", widgets: [widget, widget, widget] }, { title: "Two", widgets: [widget] }])));
            assert.deepStrictEqual(
                body.widgets.map((w: any) => [w.type, w.x, w.y, w.width, w.height]),
                [
                    ["text", 0, 0, 24, 1],
                    ["metric", 0, 1, 12, 6],
                    ["metric", 12, 1, 12, 6],
                    ["metric", 0, 7, 12, 6],
                    ["text", 0, 13, 24, 1],
                    ["metric", 0, 14, 12, 6],
                ],
            );
            assert.strictEqual(body.widgets[0].properties.markdown, "## One");
        });
    });

    describe("the documented metrics", () => {
        it("name their source page for every namespace", () => {
            for (const [namespace, ns] of Object.entries(DOCUMENTED_METRICS)) {
                assert.match(ns.source, /^https:\/\/docs\.aws\.amazon\.com\//, namespace);
            }
        });

        it("refuse a metric with dimensions AWS does not publish it with", () => {
            assert.strictEqual(metricProblem("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ["TargetGroup", "LoadBalancer"]), undefined);
            assert.strictEqual(
                metricProblem("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ["LoadBalancer", "TargetGroup"]),
                "AWS/ApplicationELB HTTPCode_ELB_5XX_Count is not published with dimensions LoadBalancer,TargetGroup (LoadBalancer; AvailabilityZone+LoadBalancer)",
            );
            assert.match(metricProblem("AWS/ApplicationELB", "HealthyHostCount", ["LoadBalancer"])!, /not published with dimensions LoadBalancer/);
            assert.strictEqual(metricProblem("AWS/ECS", "CPUUtilisation", ["ClusterName", "ServiceName"]), "AWS/ECS CPUUtilisation is not a documented metric");
        });
    });
});
