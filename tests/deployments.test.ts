import * as assert from "assert";
import { LoadBalancer } from "../components/loadBalancer";
import { outputValue } from "../components/testing";
import { deployMinutes, DeploymentArgs } from "../components/deployment";
import { derivedPriorityBand } from "../components/routing";
import { ExistingLoadBalancerArgs, WebService, WebServiceArgs } from "../components/webService";
import { assertRejected, parsed, optionsRecorder } from "./helpers";
import { mocks } from "./setup";

const T = {
    tg: "aws:lb/targetGroup:TargetGroup",
    rule: "aws:lb/listenerRule:ListenerRule",
    listener: "aws:lb/listener:Listener",
    service: "aws:ecs/service:Service",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
};
const TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall";
const HOOK = "arn:aws:lambda:us-east-1:123456789012:function:smoke-test";
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
const base: WebServiceArgs = { image: "public.ecr.aws/nginx/nginx:1.27", user: "1000", network, loadBalancer: { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] }, alerts: { topicArn: TOPIC } };

async function deploy(deployment: DeploymentArgs, args: Partial<WebServiceArgs> = {}) {
    const recorder = optionsRecorder();
    const web = new WebService("web", { ...base, ...args, deployment }, recorder.opts);
    await outputValue(web.url);
    await mocks.settle();
    return { web, seen: recorder.seen };
}

describe("deploy strategies", () => {
    it("blueGreen: a second target group, both behind the rule, a role for ECS, the strategy and its bake time on the service", async () => {
        const { web, seen } = await deploy({ strategy: "blueGreen" });
        const [tg, alt] = [mocks.one(T.tg, "web-tg"), mocks.one(T.tg, "web-tg-alt")];
        const { port, healthCheck, deregistrationDelay, targetType } = tg.inputs;
        assert.deepStrictEqual([alt.inputs.port, alt.inputs.healthCheck, alt.inputs.deregistrationDelay, alt.inputs.targetType], [port, healthCheck, deregistrationDelay, targetType], "the same target group twice");
        const rule = mocks.one(T.rule, "web-http-rule");
        assert.deepStrictEqual(rule.inputs.actions, [{ type: "forward", forward: { targetGroups: [{ arn: tg.state.arn, weight: 100 }, { arn: alt.state.arn, weight: 0 }] } }]);
        const service = mocks.one(T.service).inputs;
        assert.deepStrictEqual(service.deploymentConfiguration, { strategy: "BLUE_GREEN", bakeTimeInMinutes: "10" });
        const role = mocks.one(T.role, "web-ecs-traffic-role");
        assert.deepStrictEqual(service.loadBalancers, [
            { targetGroupArn: tg.state.arn, containerName: "app", containerPort: 8080, advancedConfiguration: { alternateTargetGroupArn: alt.state.arn, productionListenerRule: rule.state.arn, roleArn: role.state.arn } },
        ]);
        assert.strictEqual(service.deploymentMinimumHealthyPercent, undefined, "the rolling bounds are not sent");
        assert.strictEqual(service.deploymentMaximumPercent, undefined);
        assert.deepStrictEqual(service.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepStrictEqual(seen.get("web-service")!.customTimeouts, { create: "40m", update: "40m" }, "pulumi up waits through the bake time");
        assert.strictEqual(await outputValue(web.alternateTargetGroup!.urn), alt.urn);
        assert.strictEqual(await outputValue(web.infrastructureRole!.urn), role.urn);
        assert.deepStrictEqual(web.loadBalancerComponent!.plan.routes.targetGroups, 2, "two target groups count against the load balancer's 100");
    });

    it("keeps the weights ECS sets: the next pulumi up does not reset the rule's actions (terraform-provider-aws issue 43905)", async () => {
        const { seen } = await deploy({ strategy: "canary", testTraffic: { header: "X-Deploy-Test", value: "green" } });
        assert.deepStrictEqual(seen.get("web-http-rule")!.ignoreChanges, ["actions"]);
        assert.deepStrictEqual(seen.get("web-http-test-rule")!.ignoreChanges, ["actions"]);
        mocks.reset();
        const rolling = await deploy({});
        assert.strictEqual(rolling.seen.get("web-http-rule")!.ignoreChanges, undefined, "a rolling service's rule is fully managed");
    });

    it("gives ECS a role only this account's ECS may assume, allowed to read, move targets between exactly its target groups and change exactly its rules", async () => {
        await deploy({ strategy: "blueGreen", testTraffic: { header: "X-Deploy-Test", value: "green" } });
        const trust = parsed(mocks.one(T.role, "web-ecs-traffic-role").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [{ Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }]);
        const policy = parsed(mocks.one(T.rolePolicy, "web-ecs-traffic-policy").inputs.policy);
        assert.deepStrictEqual(policy.Statement, [
            { Sid: "ReadLoadBalancer", Effect: "Allow", Action: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"], Resource: ["*"] },
            { Sid: "MoveTargets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: [mocks.one(T.tg, "web-tg").state.arn, mocks.one(T.tg, "web-tg-alt").state.arn] },
            { Sid: "ShiftTraffic", Effect: "Allow", Action: ["elasticloadbalancing:ModifyRule"], Resource: [mocks.one(T.rule, "web-http-rule").state.arn, mocks.one(T.rule, "web-http-test-rule").state.arn] },
        ]);
    });

    it("sends requests with the test header to the new version first: a test rule before every production rule as specific", async () => {
        const { web } = await deploy({ strategy: "blueGreen", testTraffic: { header: "X-Deploy-Test", value: "green" } });
        const [production, test] = [mocks.one(T.rule, "web-http-rule"), mocks.one(T.rule, "web-http-test-rule")];
        const band = derivedPriorityBand({ hosts: [], paths: ["/*"] });
        assert.ok(band.first <= test.inputs.priority && test.inputs.priority < band.first + band.size / 10 && band.first + band.size / 10 <= production.inputs.priority, "in the first tenth of the band");
        assert.deepStrictEqual(test.inputs.conditions, [{ pathPattern: { values: ["/*"] } }, { httpHeader: { httpHeaderName: "X-Deploy-Test", values: ["green"] } }]);
        assert.deepStrictEqual(test.inputs.actions, production.inputs.actions);
        assert.strictEqual(mocks.one(T.service).inputs.loadBalancers[0].advancedConfiguration.testListenerRule, test.state.arn);
        assert.strictEqual(await outputValue(web.testListenerRule!.urn), test.urn);
        assert.deepStrictEqual(web.loadBalancerComponent!.plan.routes.rules.map((r) => [r.priority, r.testHeader]), [[48217, undefined], [47235, "X-Deploy-Test=green"]]);
    });

    it("canary and linear: their share of traffic and bake times on the service, and the time pulumi up waits", async () => {
        const canary = await deploy({ strategy: "canary", canary: { percent: 2.5, bakeMinutes: 15 }, bakeTimeMinutes: 5 });
        assert.deepStrictEqual(canary.seen.get("web-service")!.customTimeouts, { create: "50m", update: "50m" });
        assert.deepStrictEqual(mocks.one(T.service).inputs.deploymentConfiguration, { strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 2.5, canaryBakeTimeInMinutes: "15" } });
        mocks.reset();
        const { seen } = await deploy({ strategy: "linear", linear: { stepPercent: 20, stepBakeMinutes: 3 }, bakeTimeMinutes: 0 });
        assert.deepStrictEqual(mocks.one(T.service).inputs.deploymentConfiguration, { strategy: "LINEAR", bakeTimeInMinutes: "0", linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "3" } });
        // Five steps of 20%: four waits of 3 minutes between them, none after the last.
        assert.deepStrictEqual(seen.get("web-service")!.customTimeouts, { create: "42m", update: "42m" });
    });

    it("calls a Lambda hook with a role that may invoke exactly it, and pauses where asked", async () => {
        await deploy({
            strategy: "blueGreen",
            testTraffic: { header: "X-Deploy-Test", value: "green" },
            hooks: [
                { stages: ["POST_TEST_TRAFFIC_SHIFT"], lambdaArn: HOOK, details: { url: "https://todo.example.com" } },
                { stages: ["PRE_SCALE_UP"], pause: { timeoutMinutes: 60, onTimeout: "CONTINUE" } },
            ],
        });
        const hooksRole = mocks.one(T.role, "web-ecs-hooks-role");
        assert.deepStrictEqual(parsed(mocks.one(T.rolePolicy, "web-ecs-hooks-policy").inputs.policy).Statement, [{ Sid: "InvokeHooks", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [HOOK] }]);
        assert.deepStrictEqual(mocks.one(T.service).inputs.deploymentConfiguration.lifecycleHooks, [
            { targetType: "AWS_LAMBDA", hookTargetArn: HOOK, roleArn: hooksRole.state.arn, lifecycleStages: ["POST_TEST_TRAFFIC_SHIFT"], hookDetails: '{"url":"https://todo.example.com"}' },
            { targetType: "PAUSE", lifecycleStages: ["PRE_SCALE_UP"], timeoutConfiguration: { timeoutInMinutes: "60", action: "CONTINUE" } },
        ]);
        assert.strictEqual(deployMinutes({ strategy: "blueGreen", minHealthyPercent: 100, maxPercent: 200, bakeTimeMinutes: 10, hooks: [{ stages: ["PRE_SCALE_UP"], pause: {} }] }), 30 + 10 + 1440, "an open-ended pause waits AWS's default day");
    });

    it("rolls back on its alarms over both target groups: the new version is in either", async () => {
        await deploy({ strategy: "blueGreen" });
        const [tg, alt] = [mocks.one(T.tg, "web-tg").state.arnSuffix, mocks.one(T.tg, "web-tg-alt").state.arnSuffix];
        const errors = mocks.one(T.alarm, "web-alarm-5xx-rate").inputs;
        assert.strictEqual(errors.metricQueries.find((q: any) => q.expression).expression, "100 * (FILL(errors0, 0) + FILL(errors1, 0)) / (FILL(requests0, 0) + FILL(requests1, 0))");
        assert.deepStrictEqual(errors.metricQueries.filter((q: any) => q.metric).map((q: any) => [q.id, q.metric.metricName, q.metric.dimensions.TargetGroup]), [
            ["errors0", "HTTPCode_Target_5XX_Count", tg],
            ["errors1", "HTTPCode_Target_5XX_Count", alt],
            ["requests0", "RequestCount", tg],
            ["requests1", "RequestCount", alt],
        ]);
        const latency = mocks.one(T.alarm, "web-alarm-p99-latency").inputs;
        assert.strictEqual(latency.metricQueries.find((q: any) => q.expression).expression, "MAX([latency0, latency1])");
        assert.deepStrictEqual(latency.metricQueries.filter((q: any) => q.metric).map((q: any) => [q.metric.stat, q.metric.dimensions.TargetGroup]), [["p99", tg], ["p99", alt]]);
        assert.deepStrictEqual(mocks.one(T.service).inputs.alarms, { alarmNames: [mocks.one(T.alarm, "web-alarm-5xx-rate").state.name, mocks.one(T.alarm, "web-alarm-p99-latency").state.name], enable: true, rollback: true });
    });

    it("charts both target groups on the dashboard: the version taking traffic is in either", async () => {
        const { web } = await deploy({ strategy: "blueGreen" });
        const requests = (await outputValue(web.widgets[0])).properties.metrics as any[];
        assert.deepStrictEqual(
            requests.filter((m) => m[1] === "RequestCount").map((m) => [m[5], m[m.length - 1].label]),
            [
                [mocks.one(T.tg, "web-tg").state.arnSuffix, "requests"],
                [mocks.one(T.tg, "web-tg-alt").state.arnSuffix, "requests (alternate)"],
            ],
        );
    });

    it("rolling stays as it was: one target group, a plain forward, the rolling bounds, no deployment configuration", async () => {
        await deploy({});
        assert.deepStrictEqual(mocks.all(T.tg).map((t) => t.name), ["web-tg"]);
        const service = mocks.one(T.service).inputs;
        assert.deepStrictEqual([service.deploymentConfiguration, service.deploymentMinimumHealthyPercent, service.deploymentMaximumPercent, service.loadBalancers[0].advancedConfiguration], [undefined, 100, 200, undefined]);
        assert.deepStrictEqual(mocks.one(T.rule).inputs.actions, [{ type: "forward", targetGroupArn: mocks.one(T.tg).state.arn }]);
        assert.strictEqual(mocks.all(T.role).filter((r) => r.name.includes("ecs-")).length, 0);
    });

    describe("refuses what AWS would refuse or ignore", () => {
        const cases: [string, DeploymentArgs, string][] = [
            ["an unknown strategy", { strategy: "recreate" as never }, 'web: deployment.strategy ("recreate") must be one of "rolling", "blueGreen", "linear", "canary"; use one of the listed values.'],
            ["a bake time over a day", { strategy: "blueGreen", bakeTimeMinutes: 1441 }, "web: deployment.bakeTimeMinutes (1441) must be a whole number from 0 to 1440 minutes; set it within 0..1440."],
            ["a canary of 0%", { strategy: "canary", canary: { percent: 0 } }, "web: deployment.canary.percent (0) must be a number from 0.1 to 100; set it within 0.1..100."],
            ["a canary percent finer than 0.1", { strategy: "canary", canary: { percent: 2.55 } }, "web: deployment.canary.percent (2.55) must be a multiple of 0.1; round it, for example 2.6."],
            ["a linear step under 3%", { strategy: "linear", linear: { stepPercent: 2 } }, "web: deployment.linear.stepPercent (2) must be a number from 3 to 100; set it within 3..100."],
            ["canary settings on a linear deploy", { strategy: "linear", canary: { percent: 5 } }, 'web: deployment.canary applies to strategy "canary" only, not "linear"; remove it, or use strategy "canary".'],
            ["rolling bounds on a blue/green deploy", { strategy: "blueGreen", maxPercent: 150 }, 'web: deployment.maxPercent applies to rolling deploys only; a blueGreen deploy starts the whole new version beside the old one; remove it, or use strategy "rolling".'],
            ["a bake time on a rolling deploy", { bakeTimeMinutes: 5 }, "web: deployment.bakeTimeMinutes applies to the traffic-shifting strategies only (blueGreen, linear, canary); a rolling deploy would ignore it; set deployment.strategy, or remove it."],
            ["hooks on a rolling deploy", { hooks: [{ stages: ["PRE_SCALE_UP"], lambdaArn: HOOK }] }, "web: deployment.hooks applies to the traffic-shifting strategies only (blueGreen, linear, canary); a rolling deploy would ignore it; set deployment.strategy, or remove it."],
            ["a pause while traffic moves", { strategy: "blueGreen", hooks: [{ stages: ["PRODUCTION_TRAFFIC_SHIFT"], pause: {} }] }, 'web: deployment.hooks[0].stages[0] ("PRODUCTION_TRAFFIC_SHIFT") cannot hold a pause: traffic is moving at that stage (AWS allows pauses at the other stages); use the POST_ stage after it, or a Lambda hook.'],
            ["a test-traffic stage without a test rule", { strategy: "blueGreen", hooks: [{ stages: ["POST_TEST_TRAFFIC_SHIFT"], lambdaArn: HOOK }] }, 'web: deployment.hooks[0].stages[0] ("POST_TEST_TRAFFIC_SHIFT") happens only with a test listener rule; give deployment.testTraffic, or hook another stage.'],
            ["a hook with both a Lambda function and a pause", { strategy: "blueGreen", hooks: [{ stages: ["PRE_SCALE_UP"], lambdaArn: HOOK, pause: {} }] }, "web: deployment.hooks[0] needs exactly one of lambdaArn and pause; give a Lambda function to invoke, or a pause."],
            ["a hook that is not a Lambda ARN", { strategy: "blueGreen", hooks: [{ stages: ["PRE_SCALE_UP"], lambdaArn: "smoke-test" }] }, 'web: deployment.hooks[0].lambdaArn ("smoke-test") is not a Lambda function ARN; use "arn:aws:lambda:REGION:ACCOUNT:function:NAME".'],
            ["a pause over two weeks", { strategy: "blueGreen", hooks: [{ stages: ["PRE_SCALE_UP"], pause: { timeoutMinutes: 20161 } }] }, "web: deployment.hooks[0].pause.timeoutMinutes (20161) must be a whole number from 1 to 20160 minutes; set it within 1..20160."],
            ["a test header AWS cannot match", { strategy: "blueGreen", testTraffic: { header: "X Deploy", value: "green" } }, 'web: deployment.testTraffic.header ("X Deploy") is not an HTTP header name AWS matches (1 to 40 token characters, no wildcards); write it like "X-Deploy-Test".'],
            ["a test header value with a wildcard", { strategy: "blueGreen", testTraffic: { header: "X-Deploy-Test", value: "gr*" } }, 'web: deployment.testTraffic.value ("gr*") must be 1 to 128 characters without wildcards (only the test requests may match); write it like "green".'],
        ];
        for (const [what, deployment, message] of cases) {
            it(what, () => assertRejected(() => new WebService("web", { ...base, deployment }), message));
        }

        it("a test rule that would pass AWS's five condition values per rule", () =>
            assertRejected(
                () => new WebService("web", { ...base, routing: { hosts: ["*.example.com", "example.com"], paths: ["/a/*", "/b/*", "/c/*"] }, deployment: { strategy: "blueGreen", testTraffic: { header: "X-Deploy-Test", value: "green" } } }),
                "web: deployment.testTraffic adds its header value to the 5 host and path values of routing, over AWS's 5 per rule; route with fewer values, or drop testTraffic.",
            ));

        it("request-count scaling on a traffic-shifting service", () =>
            assertRejected(
                () => new WebService("web", { ...base, deployment: { strategy: "canary" }, autoscaling: { minCount: 1, maxCount: 4, requestsPerTarget: 100 } }),
                'web: autoscaling.requestsPerTarget cannot follow a canary service: its requests move between two target groups and the scaling metric reads one; scale on cpuTargetPercent or memoryTargetPercent.',
            ));

        it("a test rule on a load balancer created elsewhere", async () => {
            const existing: ExistingLoadBalancerArgs = { arn: "arn:x", listenerArn: "arn:y", protocol: "HTTP", securityGroupId: "sg-0123456789abcdef0" };
            await assertRejected(
                () => new WebService("web", { ...base, loadBalancer: existing, routing: { paths: ["/*"], priority: 10 }, deployment: { strategy: "blueGreen", testTraffic: { header: "X-Deploy-Test", value: "green" } } }),
                "web: deployment.testTraffic needs a load balancer of this program: the given load balancer was created elsewhere and may hold the priority the test rule needs; remove testTraffic, or share a LoadBalancer of this program.",
            );
        });

        it("a 100th and 101st target group for a blue/green service on a full load balancer", async () => {
            const edge = new LoadBalancer("edge", { vpcId: network.vpcId, subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"], ruleQuota: 1000, alerts: { topicArn: TOPIC } });
            edge.plan.routes.add([], 99);
            await mocks.settle();
            await assertRejected(
                () => new WebService("web", { ...base, loadBalancer: edge, routing: { paths: ["/*"] }, deployment: { strategy: "blueGreen" } }),
                "web: routing would bring edge to 101 target groups; AWS allows 100 per load balancer (not adjustable); put further services behind another load balancer.",
            );
        });
    });
});
