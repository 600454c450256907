import * as assert from "assert";
import { dashboardBody } from "../components/alarms";
import { LoadBalancer } from "../components/loadBalancer";
import { DOCUMENTED_METRICS, metricProblem } from "../components/metrics";
import { outputValue } from "../components/testing";
import { WebService, WebServiceArgs } from "../components/webService";
import { alarmSeries, evaluateAlarm } from "./cloudwatch";
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
            assert.deepStrictEqual(mocks.all(T.alarm).map((a) => a.name).sort(), ["web-alarm-5xx-rate", "web-alarm-lb-5xx-rate", "web-alarm-lb-no-target", "web-alarm-memory-high"]);
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

        it("names any traffic alarm left in the turned-off setting, and refuses to leave none to name", async () => {
            new WebService("web", { ...base, alarms: { rollbackOnAlarm: false, errorRatePercent: false, p99LatencySeconds: false } });
            await mocks.settle();
            assert.deepStrictEqual(mocks.one(T.service).inputs.alarms, { alarmNames: [mocks.all(T.alarm).find((a) => a.name === "web-alarm-unhealthy-targets")!.state.name], enable: false, rollback: false });
            assert.throws(
                () => new WebService("web2", { ...base, alarms: { rollbackOnAlarm: false, errorRatePercent: false, p99LatencySeconds: false, unhealthyTargets: false } }),
                {
                    message:
                        "web2: alarms.rollbackOnAlarm false needs one of alarms.errorRatePercent, p99LatencySeconds or unhealthyTargets: the service's deployment alarms are sent turned off, naming one of them (ECS requires a name, and a setting left out would keep rolling back); keep one of those alarms.",
                },
            );
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

    describe("the alarm evaluator of these tests (tests/cloudwatch.ts)", () => {
        // AWS's own examples (AlarmThatSendsEmail, "Evaluating an alarm"): an evaluation range of 5,
        // most recent point last; X breaches, 0 does not, - is missing.
        const points = (row: string) => row.split(" ").map((p) => (p === "-" ? undefined : p === "X" ? 1 : 0));
        const state = (row: string, datapointsToAlarm: number, treatMissingData: string) =>
            evaluateAlarm({ metricName: "m", comparisonOperator: "GreaterThanThreshold", threshold: 0.5, evaluationPeriods: 3, datapointsToAlarm, treatMissingData }, { m: points(row) });
        const tables: [number, string, Record<string, string>][] = [
            [3, "0 - X - X", { missing: "OK", breaching: "OK", notBreaching: "OK" }],
            [3, "0 - - - -", { breaching: "OK", notBreaching: "OK" }],
            [3, "- - - - -", { missing: "INSUFFICIENT_DATA", breaching: "ALARM", notBreaching: "OK" }],
            [3, "0 X X - X", { missing: "ALARM", breaching: "ALARM", notBreaching: "ALARM" }],
            [3, "- - X - -", { breaching: "ALARM", notBreaching: "OK" }],
            [2, "0 - X - X", { missing: "ALARM", breaching: "ALARM", notBreaching: "ALARM" }],
            [2, "0 0 X 0 X", { missing: "ALARM", breaching: "ALARM", notBreaching: "ALARM" }],
            [2, "0 - X - -", { breaching: "ALARM", notBreaching: "OK" }],
            [2, "- - - - 0", { breaching: "ALARM", notBreaching: "OK" }],
            [2, "- - - X -", { breaching: "ALARM", notBreaching: "OK" }],
        ];
        for (const [m, row, expected] of tables) {
            it(`gives AWS's states for ${row}, ${m} of 3`, () => {
                for (const [treat, result] of Object.entries(expected)) {
                    assert.strictEqual(state(row, m, treat), result, treat);
                }
            });
        }

        it("drops a point that divides by zero and treats a missing operand as 0, as metric math does", () => {
            const alarm = { comparisonOperator: "GreaterThanThreshold", threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "notBreaching" };
            const queries = (expression: string) => ({ ...alarm, metricQueries: [{ id: "a", metric: { metricName: "A" } }, { id: "b", metric: { metricName: "B" } }, { id: "r", expression, returnData: true }] });
            const data = { A: [10, undefined, 10], B: [undefined, undefined, 2] };
            assert.deepStrictEqual(alarmSeries(queries("a / b"), data), [undefined, undefined, 5]);
            assert.deepStrictEqual(alarmSeries(queries("a + b"), data), [10, undefined, 12]);
            assert.deepStrictEqual(alarmSeries(queries("FILL(a, 0) - b"), data), [10, 0, 8]);
        });
    });

    describe("a load balancer", () => {
        const edgeArgs = { vpcId: network.vpcId, subnetIds: lbSubnets, alerts: { topicArn: TOPIC } };
        const minutes = (...values: (number | undefined)[]) => values;
        const none = minutes(undefined, undefined, undefined, undefined, undefined);

        it("alarms in a total outage: no request reaches a target (no RequestCount) while it answers 503, which its 5xx rate cannot show", async () => {
            new LoadBalancer("edge", edgeArgs);
            await mocks.settle();
            const rate = mocks.one(T.alarm, "edge-alarm-lb-5xx-rate").inputs;
            const noTarget = mocks.one(T.alarm, "edge-alarm-lb-no-target").inputs;
            // Every task gone: each request is a 503 from the load balancer, and RequestCount is not reported.
            const outage = { RequestCount: none, HTTPCode_ELB_5XX_Count: minutes(12, 15, 9, 20, 11), HTTPCode_ELB_503_Count: minutes(12, 15, 9, 20, 11) };
            assert.strictEqual(evaluateAlarm(rate, outage), "OK", "the rate divides by a missing RequestCount: CloudWatch drops the point");
            assert.strictEqual(evaluateAlarm(noTarget, outage), "ALARM");
            // A sparse service: one request in each of two minutes out of five is enough; one is not.
            assert.strictEqual(evaluateAlarm(noTarget, { HTTPCode_ELB_503_Count: minutes(1, undefined, undefined, 1, undefined) }), "ALARM");
            assert.strictEqual(evaluateAlarm(noTarget, { HTTPCode_ELB_503_Count: minutes(undefined, undefined, undefined, 4, undefined) }), "OK");
            // No traffic at all: neither alarm fires.
            const idle = { RequestCount: none, HTTPCode_ELB_5XX_Count: none, HTTPCode_ELB_503_Count: none };
            assert.deepStrictEqual([evaluateAlarm(rate, idle), evaluateAlarm(noTarget, idle)], ["OK", "OK"]);
            // Targets closing connections (502) while requests reach them: the rate alarm's case, not the no-target one.
            const failing = { RequestCount: minutes(100, 100, 100, 100, 100), HTTPCode_ELB_5XX_Count: minutes(1, 10, 12, 9, 2), HTTPCode_ELB_503_Count: none };
            assert.deepStrictEqual([evaluateAlarm(rate, failing), evaluateAlarm(noTarget, failing)], ["ALARM", "OK"]);
            const healthy = { RequestCount: minutes(100, 100, 100, 100, 100), HTTPCode_ELB_5XX_Count: minutes(undefined, 1, undefined, undefined, 2), HTTPCode_ELB_503_Count: none };
            assert.deepStrictEqual([evaluateAlarm(rate, healthy), evaluateAlarm(noTarget, healthy)], ["OK", "OK"]);
        });

        it("states each alarm's metric, comparison, threshold, periods and actions, and takes errorRateAlarmPercent and noTargetAlarm", async () => {
            const edge = new LoadBalancer("edge", edgeArgs);
            await mocks.settle();
            const lb = { LoadBalancer: mocks.one(T.alb).state.arnSuffix };
            assert.deepStrictEqual(alarmOf("edge-alarm-lb-5xx-rate"), {
                metrics: [
                    ["errors", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, "Sum", 60],
                    ["requests", "AWS/ApplicationELB", "RequestCount", lb, "Sum", 60],
                ],
                expression: "100 * FILL(errors, 0) / requests",
                condition: ["GreaterThanThreshold", 5, 5, 3, "notBreaching"],
                actions: [[TOPIC], [TOPIC]],
            });
            assert.deepStrictEqual(alarmOf("edge-alarm-lb-no-target"), {
                metrics: [["AWS/ApplicationELB", "HTTPCode_ELB_503_Count", lb, "Sum", 60]],
                expression: undefined,
                condition: ["GreaterThanThreshold", 0, 5, 2, "notBreaching"],
                actions: [[TOPIC], [TOPIC]],
            });
            assert.deepStrictEqual([await outputValue(edge.errorRateAlarm!.urn), await outputValue(edge.noTargetAlarm!.urn)], [mocks.one(T.alarm, "edge-alarm-lb-5xx-rate").urn, mocks.one(T.alarm, "edge-alarm-lb-no-target").urn]);
            mocks.reset();
            new LoadBalancer("edge", { ...edgeArgs, errorRateAlarmPercent: 0.5 });
            await mocks.settle();
            assert.strictEqual(alarmOf("edge-alarm-lb-5xx-rate").condition[1], 0.5);
            // 1 error in 150 requests is 0.67%: over the threshold of 0.5 in 3 of 5 minutes.
            const rate = { RequestCount: minutes(150, 150, 150, 150, 150), HTTPCode_ELB_5XX_Count: minutes(1, 1, 1, undefined, undefined) };
            assert.strictEqual(evaluateAlarm(mocks.one(T.alarm, "edge-alarm-lb-5xx-rate").inputs, rate), "ALARM");
            mocks.reset();
            new LoadBalancer("edge", { ...edgeArgs, errorRateAlarmPercent: false, noTargetAlarm: false });
            await mocks.settle();
            assert.deepStrictEqual(mocks.all(T.alarm), [], "both turned off");
            mocks.reset();
            new LoadBalancer("edge", { ...edgeArgs, errorRateAlarmPercent: false });
            await mocks.settle();
            assert.deepStrictEqual(mocks.all(T.alarm).map((a) => a.name), ["edge-alarm-lb-no-target"], "each is turned off by its own argument");
        });

        const refused: [string, Record<string, unknown>, string][] = [
            ["an error rate of 0", { errorRateAlarmPercent: 0 }, "edge: errorRateAlarmPercent (0) must be a number from 0.1 to 100; set it within 0.1..100."],
            ["an error rate over 100", { errorRateAlarmPercent: 101 }, "edge: errorRateAlarmPercent (101) must be a number from 0.1 to 100; set it within 0.1..100."],
            ["an error rate as text", { errorRateAlarmPercent: "5" }, 'edge: errorRateAlarmPercent ("5") must be a number from 0.1 to 100; set it within 0.1..100.'],
            ["a no-target alarm as text", { noTargetAlarm: "false" }, 'edge: noTargetAlarm ("false") must be true or false; write it without quotes.'],
        ];
        for (const [what, args, message] of refused) {
            it(`refuses ${what}`, () => assertRejected(() => new LoadBalancer("edge", { ...edgeArgs, ...(args as object) }), message));
        }
    });

    describe("dashboards", () => {
        it("chart a service's requests and errors, latency, targets, CPU and memory, each a documented metric", async () => {
            const web = new WebService("web", base);
            const widgets = await Promise.all(web.widgets.map((w) => outputValue(w)));
            assert.ok(widgets.every((w) => w.properties.region === "us-east-1"), "each widget reads the stack's Region");
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
