import * as assert from "assert";
import { ArgumentError } from "../components/errors";
import { outputValue } from "../components/testing";
import { WebService, WebServiceArgs } from "../components/webService";
import { QUEUE_CONSUMER_ACTIONS, WORKER_SERVICE_DEFAULTS, WorkerService, WorkerServiceArgs } from "../components/workerService";
import { createServiceNamespace, ServiceNamespace } from "../components/serviceConnect";
import { assertRejected, optionsRecorder, parsed } from "./helpers";
import { mocks } from "./setup";

const T = {
    service: "aws:ecs/service:Service",
    queue: "aws:sqs/queue:Queue",
    td: "aws:ecs/taskDefinition:TaskDefinition",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    tg: "aws:lb/targetGroup:TargetGroup",
};

const KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] };
const base: WorkerServiceArgs = { image: "public.ecr.aws/docker/library/python:3.13-slim", user: "1000", network };

async function worker(args: Partial<WorkerServiceArgs> = {}, name = "thumbs") {
    const w = new WorkerService(name, { ...base, ...args } as WorkerServiceArgs);
    await outputValue(w.service.name);
    await mocks.settle();
    return w;
}

function container(taskDefinitionName: string) {
    return parsed(mocks.one(T.td, taskDefinitionName).inputs.containerDefinitions)[0];
}

function taskPolicy(name: string) {
    return parsed(mocks.one(T.rolePolicy, `${name}-task-policy`).inputs.policy).Statement;
}

function sgIdOf(sgName: string): string {
    return mocks.one(T.sg, sgName).state.arn.split("/").pop();
}

describe("WorkerService", () => {
    it("runs without a load balancer and admits nothing: no target group, no ingress rule, HTTPS out only", async () => {
        const w = await worker();
        const svc = mocks.one(T.service);
        assert.strictEqual(svc.inputs.loadBalancers, undefined);
        assert.strictEqual(svc.inputs.healthCheckGracePeriodSeconds, undefined);
        assert.deepStrictEqual(mocks.all(T.tg), []);
        assert.deepStrictEqual(mocks.all(T.ingress), [], "nothing may reach the tasks");
        const egress = mocks.all(T.egress).filter((r) => r.inputs.securityGroupId === sgIdOf("thumbs-service-sg"));
        assert.deepStrictEqual(egress.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6]), [[443, "0.0.0.0/0"], [443, "::/0"]]);
        assert.deepStrictEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.strictEqual(svc.inputs.desiredCount, 1, "scaling.minCount by default");
        assert.strictEqual(svc.name, "thumbs-service");
        assert.ok(w.queueUrl);
    });

    it("creates the queue and its dead-letter queue with the redrive policy, long polling and SQS encryption", async () => {
        await worker({ queue: { create: { visibilityTimeoutSeconds: 600, maxReceiveCount: 3, messageRetentionSeconds: 86400 } } });
        const queue = mocks.one(T.queue, "thumbs-queue");
        const dlq = mocks.one(T.queue, "thumbs-dlq");
        assert.deepStrictEqual(parsed(queue.inputs.redrivePolicy), { deadLetterTargetArn: dlq.state.arn, maxReceiveCount: 3 });
        assert.deepStrictEqual([queue.inputs.visibilityTimeoutSeconds, queue.inputs.messageRetentionSeconds, queue.inputs.receiveWaitTimeSeconds], [600, 86400, 20]);
        assert.strictEqual(dlq.inputs.messageRetentionSeconds, 1209600, "the dead-letter queue keeps messages longer than the queue");
        assert.strictEqual(queue.inputs.sqsManagedSseEnabled, true);
        assert.strictEqual(dlq.inputs.sqsManagedSseEnabled, true);
    });

    it("gives the container the queue's URL and 120 s to stop, and the task role exactly the consumer actions on that queue", async () => {
        await worker();
        const queue = mocks.one(T.queue, "thumbs-queue");
        const c = container("thumbs-task-definition");
        assert.deepStrictEqual(c.environment, [{ name: "QUEUE_URL", value: queue.state.url }]);
        assert.strictEqual(c.stopTimeout, WORKER_SERVICE_DEFAULTS.stopTimeoutSeconds);
        assert.strictEqual(c.stopTimeout, 120);
        assert.deepStrictEqual(c.portMappings, []);
        assert.deepStrictEqual(taskPolicy("thumbs"), [{ Sid: "ConsumeQueue", Effect: "Allow", Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"], Resource: [queue.state.arn] }]);
        assert.deepStrictEqual(QUEUE_CONSUMER_ACTIONS, ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage"]);
    });

    it("with kmsKeyArn: both queues under the key, and the task role may decrypt with it through SQS only", async () => {
        await worker({ kmsKeyArn: KEY });
        for (const q of ["thumbs-queue", "thumbs-dlq"]) {
            assert.strictEqual(mocks.one(T.queue, q).inputs.kmsMasterKeyId, KEY);
            assert.strictEqual(mocks.one(T.queue, q).inputs.sqsManagedSseEnabled, undefined);
        }
        const decrypt = taskPolicy("thumbs").find((s: any) => s.Sid === "DecryptQueue");
        assert.deepStrictEqual(decrypt, { Sid: "DecryptQueue", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY], Condition: { StringEquals: { "kms:ViaService": "sqs.us-east-1.amazonaws.com" } } });
    });

    it("consumes an existing queue: no queue made, the statements and variable on the given one, its own key", async () => {
        const arn = "arn:aws:sqs:us-east-1:123456789012:orders";
        const url = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
        await worker({ queue: { existing: { arn, url, kmsKeyArn: KEY, visibilityTimeoutSeconds: 900 }, urlVariable: "ORDERS_QUEUE_URL" } });
        assert.deepStrictEqual(mocks.all(T.queue), []);
        assert.deepStrictEqual(container("thumbs-task-definition").environment, [{ name: "ORDERS_QUEUE_URL", value: url }]);
        const statements = taskPolicy("thumbs");
        assert.deepStrictEqual(statements[0].Resource, [arn]);
        assert.deepStrictEqual(statements[1].Resource, [KEY]);
        const age = mocks.one(T.alarm, "thumbs-alarm-oldest-message");
        assert.deepStrictEqual(age.inputs.dimensions, { QueueName: "orders" }, "the queue's name, from its ARN");
        assert.strictEqual(mocks.all(T.alarm).filter((a) => a.name === "thumbs-alarm-dead-letters").length, 0, "its dead-letter queue is its owner's");
    });

    it("scales on visible messages per running task, AWS's metric math, and ignores desiredCount after creation", async () => {
        const recorder = optionsRecorder();
        const w = new WorkerService("thumbs", { ...base, scaling: { minCount: 2, maxCount: 8, backlogPerTask: 25 } }, recorder.opts);
        await outputValue(w.service.name);
        await mocks.settle();
        const svc = mocks.one(T.service);
        const queue = mocks.one(T.queue, "thumbs-queue");
        const target = mocks.one(T.scalingTarget);
        assert.deepStrictEqual([target.inputs.minCapacity, target.inputs.maxCapacity, svc.inputs.desiredCount], [2, 8, 2]);
        assert.strictEqual(target.inputs.resourceId, `service/${mocks.one("aws:ecs/cluster:Cluster").state.name}/${svc.state.name}`);
        const policies = mocks.all(T.scalingPolicy);
        assert.deepStrictEqual(policies.map((p) => p.name), ["thumbs-scale-backlog"], "no step policy while at least one task runs");
        const config = policies[0].inputs.targetTrackingScalingPolicyConfiguration;
        assert.strictEqual(config.targetValue, 25);
        assert.deepStrictEqual(config.customizedMetricSpecification.metrics, [
            {
                id: "visible",
                returnData: false,
                metricStat: { metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: queue.state.name }] }, stat: "Sum" },
            },
            {
                id: "running",
                returnData: false,
                metricStat: {
                    metric: {
                        namespace: "ECS/ContainerInsights",
                        metricName: "RunningTaskCount",
                        dimensions: [
                            { name: "ClusterName", value: mocks.one("aws:ecs/cluster:Cluster").state.name },
                            { name: "ServiceName", value: svc.state.name },
                        ],
                    },
                    stat: "Average",
                },
            },
            { id: "backlog", expression: "visible / running", label: "visible messages per running task", returnData: true },
        ]);
        assert.deepStrictEqual([config.scaleOutCooldown, config.scaleInCooldown], [60, 300]);
        assert.deepStrictEqual(recorder.seen.get("thumbs-service")!.ignoreChanges, ["desiredCount"]);
    });

    it("scales to zero: minCount 0 starts with no task, and a step policy adds one task when messages wait and none runs, for two minutes", async () => {
        await worker({ scaling: { minCount: 0, maxCount: 4 } });
        assert.strictEqual(mocks.one(T.service).inputs.desiredCount, 0);
        assert.strictEqual(mocks.one(T.scalingTarget).inputs.minCapacity, 0);
        const wake = mocks.one(T.scalingPolicy, "thumbs-scale-from-zero");
        assert.deepStrictEqual(wake.inputs.stepScalingPolicyConfiguration, {
            adjustmentType: "ChangeInCapacity",
            cooldown: 300,
            metricAggregationType: "Maximum",
            stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
        });
        const alarm = mocks.one(T.alarm, "thumbs-alarm-messages-waiting");
        assert.deepStrictEqual(alarm.inputs.alarmActions, [wake.state.arn], "the alarm invokes the policy");
        assert.strictEqual(alarm.inputs.okActions, undefined, "and notifies nobody: it is scaling, not an incident");
        const result = alarm.inputs.metricQueries.find((q: any) => q.returnData);
        assert.strictEqual(result.expression, "IF(FILL(running, 0) < 1 AND FILL(visible, 0) > 0, 1, 0)");
        assert.deepStrictEqual([alarm.inputs.comparisonOperator, alarm.inputs.threshold, alarm.inputs.evaluationPeriods, alarm.inputs.datapointsToAlarm], ["GreaterThanOrEqualToThreshold", 1, 2, 2]);
        assert.deepStrictEqual(alarm.inputs.metricQueries.filter((q: any) => q.metric).map((q: any) => [q.id, q.metric.period]), [["visible", 60], ["running", 60]], "two one-minute periods");
    });

    it("alarms on the oldest message's age and on dead letters, to the given topic on ALARM and OK", async () => {
        const topicArn = "arn:aws:sns:us-east-1:123456789012:alerts";
        await worker({ alerts: { topicArn }, alarms: { oldestMessageAgeSeconds: 600 } });
        const age = mocks.one(T.alarm, "thumbs-alarm-oldest-message");
        assert.deepStrictEqual([age.inputs.metricName, age.inputs.statistic, age.inputs.threshold, age.inputs.evaluationPeriods], ["ApproximateAgeOfOldestMessage", "Maximum", 600, 3]);
        assert.deepStrictEqual(age.inputs.dimensions, { QueueName: mocks.one(T.queue, "thumbs-queue").state.name });
        const dead = mocks.one(T.alarm, "thumbs-alarm-dead-letters");
        assert.deepStrictEqual(dead.inputs.dimensions, { QueueName: mocks.one(T.queue, "thumbs-dlq").state.name });
        assert.deepStrictEqual([dead.inputs.metricName, dead.inputs.comparisonOperator, dead.inputs.threshold], ["ApproximateNumberOfMessagesVisible", "GreaterThanThreshold", 0]);
        assert.strictEqual(dead.inputs.treatMissingData, "ignore", "an untouched queue's metrics stop: the alarm keeps its state");
        for (const a of [age, dead, mocks.one(T.alarm, "thumbs-alarm-tasks-below-desired")]) {
            assert.deepStrictEqual([a.inputs.alarmActions, a.inputs.okActions], [[topicArn], [topicArn]], a.name);
        }
    });

    it("runs on Fargate Spot as the other components do", async () => {
        await worker({ capacity: "spot" });
        const svc = mocks.one(T.service);
        assert.strictEqual(svc.name, "thumbs-service");
        assert.deepStrictEqual(svc.options.aliases.map((a) => a.name), ["thumbs-service-spot"], "the spot service of earlier versions");
        assert.strictEqual(svc.inputs.forceNewDeployment, true, "a capacity change happens in place");
        assert.deepStrictEqual(svc.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]);
    });

    it("without a queue: an internal service at a fixed count, no scaling, no queue alarms", async () => {
        await worker({ queue: false, port: 8080 });
        assert.deepStrictEqual(mocks.all(T.queue), []);
        assert.deepStrictEqual(mocks.all(T.scalingTarget), []);
        assert.strictEqual(mocks.one(T.service).inputs.desiredCount, 2);
        assert.deepStrictEqual(mocks.all(T.alarm).map((a) => a.name), ["thumbs-alarm-tasks-below-desired"]);
        assert.deepStrictEqual(container("thumbs-task-definition").portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
    });

    it("scales an internal service on CPU, from two tasks by default, and a queue worker on CPU too when asked", async () => {
        await worker({ queue: false, port: 8080, scaling: { maxCount: 6 } }, "api");
        const target = mocks.one(T.scalingTarget);
        assert.deepStrictEqual([target.inputs.minCapacity, target.inputs.maxCapacity, mocks.one(T.service).inputs.desiredCount], [2, 6, 2]);
        const [cpu] = mocks.all(T.scalingPolicy);
        assert.strictEqual(cpu.name, "api-scale-cpu");
        assert.deepStrictEqual(cpu.inputs.targetTrackingScalingPolicyConfiguration, { targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, scaleOutCooldown: 60, scaleInCooldown: 300 });
        mocks.reset();
        await worker({ scaling: { minCount: 0, cpuTargetPercent: 70 } });
        assert.deepStrictEqual(mocks.all(T.scalingPolicy).map((p) => p.name).sort(), ["thumbs-scale-backlog", "thumbs-scale-cpu", "thumbs-scale-from-zero"]);
        assert.strictEqual(mocks.one(T.scalingPolicy, "thumbs-scale-cpu").inputs.targetTrackingScalingPolicyConfiguration.targetValue, 70);
    });

    describe("refuses, before anything is registered", () => {
        const cases: [string, Partial<WorkerServiceArgs>, string][] = [
            [
                "a visibility timeout shorter than the stop timeout",
                { queue: { create: { visibilityTimeoutSeconds: 60 } } },
                "w: queue.create.visibilityTimeoutSeconds (60) is shorter than the container's stop timeout (120 s): a task told to stop may work on a message that another worker already received; raise it to at least 120, or lower stopTimeoutSeconds.",
            ],
            [
                "a visibility timeout of an existing queue shorter than the stop timeout",
                { stopTimeoutSeconds: 90, queue: { existing: { arn: "arn:aws:sqs:us-east-1:123456789012:q", url: "https://sqs.us-east-1.amazonaws.com/123456789012/q", visibilityTimeoutSeconds: 30 } } },
                "w: queue.existing.visibilityTimeoutSeconds (30) is shorter than the container's stop timeout (90 s): a task told to stop may work on a message that another worker already received; raise it to at least 90, or lower stopTimeoutSeconds.",
            ],
            ["a visibility timeout over SQS's 12 hours", { queue: { create: { visibilityTimeoutSeconds: 43201 } } }, "w: queue.create.visibilityTimeoutSeconds (43201) must be a whole number from 0 to 43200 seconds; set it within 0..43200."],
            ["a retention under a minute", { queue: { create: { messageRetentionSeconds: 59 } } }, "w: queue.create.messageRetentionSeconds (59) must be a whole number from 60 to 1209600 seconds; set it within 60..1209600."],
            ["a max receive count of 0", { queue: { create: { maxReceiveCount: 0 } } }, "w: queue.create.maxReceiveCount (0) must be a whole number from 1 to 1000 receives; set it within 1..1000."],
            ["a max receive count over 1000", { queue: { create: { maxReceiveCount: 1001 } } }, "w: queue.create.maxReceiveCount (1001) must be a whole number from 1 to 1000 receives; set it within 1..1000."],
            ["minCount greater than maxCount", { scaling: { minCount: 6, maxCount: 5 } }, "w: scaling.minCount (6) is greater than scaling.maxCount (5); lower minCount or raise maxCount."],
            ["a backlog target of 0", { scaling: { backlogPerTask: 0 } }, "w: scaling.backlogPerTask (0) must be a positive number of messages per task; set how many waiting messages one task may have, such as 10."],
            ["a negative backlog target", { scaling: { backlogPerTask: -5 } }, "w: scaling.backlogPerTask (-5) must be a positive number of messages per task; set how many waiting messages one task may have, such as 10."],
            ["a backlog target that is not a number", { scaling: { backlogPerTask: "10" as unknown as number } }, 'w: scaling.backlogPerTask ("10") must be a positive number of messages per task; set how many waiting messages one task may have, such as 10.'],
            [
                "both queue.create and an existing queue",
                { queue: { create: {}, existing: { arn: "arn:aws:sqs:us-east-1:123456789012:q", url: "https://sqs.us-east-1.amazonaws.com/123456789012/q" } } },
                "w: queue has both create and existing; give create to have a queue made, or existing to consume one made elsewhere, not both.",
            ],
            ["an existing queue ARN that is not one", { queue: { existing: { arn: "orders", url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders" } } }, 'w: queue.existing.arn ("orders") is not an SQS queue ARN; use "arn:aws:sqs:REGION:ACCOUNT:NAME".'],
            ["the queue's variable in environment", { environment: { QUEUE_URL: "x" } }, "w: environment.QUEUE_URL is set by the component (the queue's URL); remove it, or have the component use another name."],
            ["desiredCount on a worker with a queue", { desiredCount: 3 }, "w: desiredCount is set by the scaling of a worker with a queue; set scaling.minCount and scaling.maxCount instead."],
            ["a backlog target without a queue", { queue: false, scaling: { backlogPerTask: 5 } }, "w: scaling.backlogPerTask needs a queue, and queue is false; scale an internal service on cpuTargetPercent, or give it a queue."],
            [
                "an internal service scaled to zero",
                { queue: false, scaling: { minCount: 0 } },
                "w: scaling.minCount (0) must be at least 1 without a queue: an internal service with no task cannot answer its callers, nor scale out on CPU; set minCount to 1 or more.",
            ],
            ["desiredCount with an internal service's scaling", { queue: false, desiredCount: 3, scaling: {} }, "w: desiredCount is set by the scaling of the service; set scaling.minCount and scaling.maxCount instead."],
            ["a CPU target over 100%", { scaling: { cpuTargetPercent: 101 } }, "w: scaling.cpuTargetPercent (101) must be a number from 1 to 100; set it within 1..100."],
            ["a stop timeout over Fargate's 120 s", { stopTimeoutSeconds: 121 }, "w: stopTimeoutSeconds (121) must be a whole number from 2 to 120 seconds; set it within 2..120."],
            [
                "rolling bounds that let no task start or stop",
                { deployment: { minHealthyPercent: 100, maxPercent: 100 } },
                "w: deployment (minHealthyPercent 100, maxPercent 100) can never make progress with 1 task: ECS may run at most 1 and must keep 1; raise maxPercent or lower minHealthyPercent.",
            ],
            ["the queue's variable in secrets", { secrets: { QUEUE_URL: "/app/queue" } }, "w: secrets.QUEUE_URL is set by the component (the queue's URL); remove it, or have the component use another name."],
            ["an existing queue that is not an object", { queue: { existing: null as unknown as { arn: string; url: string } } }, "w: queue.existing (null) must be an object; give { arn, url }."],
            ["deployment that is not an object", { deployment: null as unknown as WorkerServiceArgs["deployment"] }, "w: deployment (null) must be an object; give { minHealthyPercent, maxPercent }."],
            [
                "an existing queue's URL of another queue than its ARN",
                { queue: { existing: { arn: "arn:aws:sqs:us-east-1:123456789012:orders", url: "https://sqs.us-east-1.amazonaws.com/123456789012/invoices" } } },
                "w: queue.existing.url (https://sqs.us-east-1.amazonaws.com/123456789012/invoices) names another queue than queue.existing.arn (arn:aws:sqs:us-east-1:123456789012:orders); give the ARN and URL of the same queue.",
            ],
        ];
        for (const [what, args, message] of cases) {
            it(`refuses ${what}`, async () => {
                await assertRejected(() => new WorkerService("w", { ...base, ...args } as WorkerServiceArgs), message);
            });
        }

        it("reports every problem of the worker in one run, the queue's and scaling's beside the others", async () => {
            let thrown: unknown;
            try {
                new WorkerService("w", {
                    ...base,
                    image: "",
                    environment: { QUEUE_URL: "x" },
                    deployment: { minHealthyPercent: 100, maxPercent: 100 },
                    queue: { create: { maxReceiveCount: 0, visibilityTimeoutSeconds: 10 } },
                    scaling: { minCount: 9, maxCount: 2, backlogPerTask: 0 },
                    alarms: { oldestMessageAgeSeconds: 5, tasksBelowDesired: "yes" as unknown as boolean },
                });
            } catch (e) {
                thrown = e;
            }
            assert.ok(thrown instanceof ArgumentError);
            assert.deepStrictEqual(thrown.problems.map((p) => p.path).sort(), [
                "alarms.oldestMessageAgeSeconds",
                "alarms.tasksBelowDesired",
                "deployment",
                "environment.QUEUE_URL",
                "image",
                "queue.create.maxReceiveCount",
                "queue.create.visibilityTimeoutSeconds",
                "scaling.backlogPerTask",
                "scaling.minCount",
            ]);
        });
    });
});

describe("Service Connect", () => {
    /** A namespace made elsewhere, one object per test (names are checked per object). */
    const namespace = (): ServiceNamespace => ({ arn: "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdef0123456789" });
    const webBase: WebServiceArgs = {
        image: "mcr.microsoft.com/dotnet/samples:aspnetapp",
        user: "1654",
        network,
        loadBalancer: { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] },
    };

    it("a callee serves its name and port, a caller only joins; each call admits exactly the caller, and the caller gets the URL", async () => {
        const ns = namespace();
        const api = new WorkerService("api", { ...base, queue: false, port: 8080, serviceConnect: { namespace: ns, name: "api" } });
        const recorder = optionsRecorder();
        const w = new WorkerService("thumbs", { ...base, serviceConnect: { namespace: ns, calls: [api] } }, recorder.opts);
        await outputValue(w.service.name);
        await mocks.settle();
        const [apiService, callerService] = [mocks.one(T.service, "api-service"), mocks.one(T.service, "thumbs-service")];
        const logs = (group: string) => ({ logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "service-connect", mode: "non-blocking", "max-buffer-size": "25m" } });
        assert.deepStrictEqual(apiService.inputs.serviceConnectConfiguration, {
            enabled: true,
            namespace: ns.arn,
            logConfiguration: logs(mocks.one("aws:cloudwatch/logGroup:LogGroup", "api-logs").inputs.name),
            services: [{ portName: "http", discoveryName: "api", clientAlias: [{ port: 8080, dnsName: "api" }] }],
        });
        assert.deepStrictEqual(callerService.inputs.serviceConnectConfiguration, { enabled: true, namespace: ns.arn, logConfiguration: logs(mocks.one("aws:cloudwatch/logGroup:LogGroup", "thumbs-logs").inputs.name) });
        assert.deepStrictEqual(container("api-task-definition").portMappings, [{ containerPort: 8080, protocol: "tcp", name: "http", appProtocol: "http" }]);
        assert.deepStrictEqual(
            container("thumbs-task-definition").environment.map((e: any) => e.name),
            ["API_URL", "QUEUE_URL"],
        );
        assert.strictEqual(container("thumbs-task-definition").environment[0].value, "http://api:8080");
        const [apiSg, callerSg] = [sgIdOf("api-service-sg"), sgIdOf("thumbs-service-sg")];
        const ingress = mocks.all(T.ingress).filter((r) => r.inputs.securityGroupId === apiSg);
        assert.deepStrictEqual(
            ingress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId]),
            [[8080, 8080, callerSg]],
            "the callee admits the caller, and only it",
        );
        const out = mocks.all(T.egress).filter((r) => r.inputs.securityGroupId === callerSg && r.inputs.referencedSecurityGroupId !== undefined);
        assert.deepStrictEqual(out.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId]), [[8080, apiSg]]);
        assert.ok((recorder.seen.get("thumbs-service")!.dependsOn as unknown[]).includes(api.service), "the caller starts after the callee, so its tasks see it");
        assert.strictEqual(api.serviceConnectEndpoint!.url, "http://api:8080");
    });

    it("a WebService is a callee too: it admits its load balancer and its callers", async () => {
        const ns = namespace();
        const web = new WebService("web", { ...webBase, serviceConnect: { namespace: ns, name: "todo", port: 80 } });
        await worker({ serviceConnect: { namespace: ns, calls: [web] } });
        const ingress = mocks.all(T.ingress).filter((r) => r.inputs.securityGroupId === sgIdOf("web-service-sg"));
        assert.deepStrictEqual(ingress.map((r) => r.inputs.referencedSecurityGroupId).sort(), [sgIdOf("thumbs-service-sg"), sgIdOf("web-alb-sg")].sort());
        assert.ok(ingress.every((r) => r.inputs.fromPort === 8080), "on the container port, where the callee's proxy listens");
        assert.deepStrictEqual(mocks.one(T.service, "web-service").inputs.serviceConnectConfiguration.services, [{ portName: "http", discoveryName: "todo", clientAlias: [{ port: 80, dnsName: "todo" }] }]);
        assert.deepStrictEqual(container("thumbs-task-definition").environment.find((e: any) => e.name === "TODO_URL"), { name: "TODO_URL", value: "http://todo:80" });
    });

    it("leaves the proxy AWS's recommended 256 CPU units and 64 MiB when the component sizes the task, and keeps a given size", async () => {
        const ns = namespace();
        await worker({ queue: false, port: 8080, serviceConnect: { namespace: ns, name: "api" } }, "api");
        const sized = mocks.one(T.td, "api-task-definition").inputs;
        assert.deepStrictEqual([sized.cpu, sized.memory], ["512", "1024"], "256 + 128 for the app needs the 512 size");
        await worker({ queue: false, port: 8080, cpu: 256, memory: 512, serviceConnect: { namespace: ns, name: "small" } }, "small");
        const given = mocks.one(T.td, "small-task-definition").inputs;
        assert.deepStrictEqual([given.cpu, given.memory], ["256", "512"]);
        await worker({ queue: false, port: 8080, sidecars: [{ name: "side", image: "public.ecr.aws/x/y:1", cpu: 128, memory: 705 }], serviceConnect: { namespace: ns, name: "sided" } }, "sided");
        assert.deepStrictEqual([mocks.one(T.td, "sided-task-definition").inputs.cpu, mocks.one(T.td, "sided-task-definition").inputs.memory], ["512", "2048"], "705 MiB + the proxy's 64 + 256 for the app is over 1024");
        await worker({}, "plain");
        assert.deepStrictEqual([mocks.one(T.td, "plain-task-definition").inputs.cpu], ["256"], "no proxy, no share");
    });

    it("creates a stack's namespace as an HTTP namespace", async () => {
        const ns = createServiceNamespace("todo-dev", { tags: { team: "a" } });
        await mocks.settle();
        const recorded = mocks.one("aws:servicediscovery/httpNamespace:HttpNamespace");
        assert.deepStrictEqual([recorded.inputs.name, recorded.inputs.tags], ["todo-dev", { team: "a" }]);
        assert.strictEqual(await outputValue(ns.arn), recorded.state.arn);
        await assertRejected(
            () => createServiceNamespace("todo dev"),
            'createServiceNamespace: name ("todo dev") is not a Cloud Map namespace name (1 to 1024 letters, digits, \'.\', \'_\' and \'-\'); use a name such as "shop-prod".',
        );
    });

    describe("refuses, before anything is registered", () => {
        const cases: [string, (ns: ServiceNamespace) => Partial<WorkerServiceArgs>, string][] = [
            ["a name that is not a DNS label (upper case)", (ns) => ({ queue: false, port: 8080, serviceConnect: { namespace: ns, name: "Api" } }), 'w: serviceConnect.name ("Api") is not a DNS label (lowercase letters, digits and \'-\', 1 to 63 characters, not starting or ending with \'-\'); choose a name such as "api".'],
            ["a name that is not a DNS label (underscore)", (ns) => ({ queue: false, port: 8080, serviceConnect: { namespace: ns, name: "my_api" } }), 'w: serviceConnect.name ("my_api") is not a DNS label (lowercase letters, digits and \'-\', 1 to 63 characters, not starting or ending with \'-\'); choose a name such as "api".'],
            ["a name longer than a DNS label", (ns) => ({ queue: false, port: 8080, serviceConnect: { namespace: ns, name: "a".repeat(64) } }), `w: serviceConnect.name ("${"a".repeat(64)}") is not a DNS label (lowercase letters, digits and '-', 1 to 63 characters, not starting or ending with '-'); choose a name such as "api".`],
            ["a port name ECS rejects (upper case)", (ns) => ({ queue: false, port: 8080, serviceConnect: { namespace: ns, name: "api", portName: "Http" } }), 'w: serviceConnect.portName ("Http") is not a port name ECS accepts (lowercase letters, digits, \'_\' and \'-\', at most 64 characters, not starting with \'-\'); use a name such as "http".'],
            ["a port name starting with a hyphen", (ns) => ({ queue: false, port: 8080, serviceConnect: { namespace: ns, name: "api", portName: "-http" } }), 'w: serviceConnect.portName ("-http") is not a port name ECS accepts (lowercase letters, digits, \'_\' and \'-\', at most 64 characters, not starting with \'-\'); use a name such as "http".'],
            ["a server without a port", (ns) => ({ queue: false, serviceConnect: { namespace: ns, name: "api" } }), "w: serviceConnect.name needs the container port the service listens on; set port."],
            ["a protocol the proxy does not speak", (ns) => ({ queue: false, port: 8080, serviceConnect: { namespace: ns, name: "api", appProtocol: "tcp" as "http" } }), 'w: serviceConnect.appProtocol ("tcp") must be one of "http", "http2", "grpc"; use one of the listed values.'],
            ["server settings on a client", (ns) => ({ serviceConnect: { namespace: ns, port: 8080 } }), "w: serviceConnect.port applies only to a server, and serviceConnect.name is not set; give the service a name to be called by, or leave it out."],
            ["a namespace ARN that is not one", () => ({ serviceConnect: { namespace: { arn: "todo-dev" } } }), 'w: serviceConnect.namespace.arn ("todo-dev") is not a Cloud Map namespace ARN; use "arn:aws:servicediscovery:REGION:ACCOUNT:namespace/ns-ID".'],
        ];
        for (const [what, args, message] of cases) {
            it(`refuses ${what}`, async () => {
                await assertRejected(() => new WorkerService("w", { ...base, ...args(namespace()) } as WorkerServiceArgs), message);
            });
        }

        it("refuses a name another service of the namespace serves", async () => {
            const ns = namespace();
            new WorkerService("api", { ...base, queue: false, port: 8080, serviceConnect: { namespace: ns, name: "api" } });
            await mocks.settle();
            await assertRejected(
                () => new WorkerService("api2", { ...base, queue: false, port: 8081, serviceConnect: { namespace: ns, name: "api" } }),
                'api2: serviceConnect.name ("api") is already served by api in this namespace; choose another name: callers find a service by it.',
            );
            // A clash is one problem among the others of the same run.
            let thrown: unknown;
            try {
                new WorkerService("api4", { ...base, queue: false, port: 0, serviceConnect: { namespace: ns, name: "api" } });
            } catch (e) {
                thrown = e;
            }
            assert.ok(thrown instanceof ArgumentError);
            assert.deepStrictEqual(thrown.problems.map((p) => p.path).sort(), ["port", "serviceConnect.name"]);
            // Another namespace object may hold the name.
            new WorkerService("api3", { ...base, queue: false, port: 8080, serviceConnect: { namespace: namespace(), name: "api" } });
        });

        it("refuses a callee whose variable is the queue's", async () => {
            const ns = namespace();
            const queueApi = new WorkerService("queue-api", { ...base, queue: false, port: 8080, serviceConnect: { namespace: ns, name: "queue" } });
            await mocks.settle();
            await assertRejected(
                () => new WorkerService("w", { ...base, serviceConnect: { namespace: ns, calls: [queueApi] } }),
                "w: serviceConnect.calls give QUEUE_URL to a called service and to the queue's URL; set queue.urlVariable to another name.",
            );
            await worker({ queue: { urlVariable: "JOBS_URL" }, serviceConnect: { namespace: ns, calls: [queueApi] } }, "w2");
            assert.deepStrictEqual(container("w2-task-definition").environment.map((e: any) => e.name), ["JOBS_URL", "QUEUE_URL"]);
        });

        it("accepts an existing queue's legacy and FIPS URLs", async () => {
            for (const url of ["https://queue.amazonaws.com/123456789012/orders", "https://sqs-fips.us-east-1.amazonaws.com/123456789012/orders"]) {
                WorkerService.validate("w", { ...base, queue: { existing: { arn: "arn:aws:sqs:us-east-1:123456789012:orders", url } } });
            }
        });

        it("refuses a call to a service that is not a server, in another namespace or listed twice, and a variable it sets", async () => {
            const ns = namespace();
            const plain = new WorkerService("plain", { ...base });
            const other = new WorkerService("other", { ...base, queue: false, port: 8080, serviceConnect: { namespace: namespace(), name: "other" } });
            const api = new WorkerService("api", { ...base, queue: false, port: 8080, serviceConnect: { namespace: ns, name: "api" } });
            await mocks.settle();
            await assertRejected(() => new WorkerService("w", { ...base, serviceConnect: { namespace: ns, calls: [plain] } }), "w: serviceConnect.calls[0] is not a Service Connect server; give that service serviceConnect.name, in the same namespace.");
            await assertRejected(() => new WorkerService("w", { ...base, serviceConnect: { namespace: ns, calls: [other] } }), "w: serviceConnect.calls[0] (other) is in another namespace; pass the same namespace object to both services.");
            await assertRejected(() => new WorkerService("w", { ...base, serviceConnect: { namespace: ns, calls: [api, api] } }), "w: serviceConnect.calls[1] (api) is listed twice; list each service once.");
            await assertRejected(
                () => new WorkerService("w", { ...base, environment: { API_URL: "x" }, serviceConnect: { namespace: ns, calls: [api] } }),
                "w: environment.API_URL is set by the component (a called service's URL); remove it, or have the component use another name.",
            );
        });
    });
});
