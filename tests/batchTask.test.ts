import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fc from "fast-check";
import { longestRunIdentity, overrideChars, RUN_LIMITS } from "../components/batchRunner";
import { BATCH_TASK_DEFAULTS, BatchTask, BatchTaskArgs, STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS, validateScheduleExpression, validateTimezone } from "../components/batchTask";
import { ArgumentError, Validator } from "../components/errors";
import { AUTO_NAME_SUFFIX_LENGTH } from "../components/naming";
import { outputValue } from "../components/testing";
import { assertRejected, parsed } from "./helpers";
import { mocks } from "./setup";
import { SECURITY_GROUP_DESCRIPTION } from "../components/network";

// asl-validator ships no type declarations, so it is loaded through its documented CommonJS entry.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (definition: unknown) => { isValid: boolean; errorsText(separator?: string): string } = require("asl-validator");

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    bucket: "aws:s3/bucket:Bucket",
    capacityProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    cluster: "aws:ecs/cluster:Cluster",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    queue: "aws:sqs/queue:Queue",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rule: "aws:cloudwatch/eventRule:EventRule",
    schedule: "aws:scheduler/schedule:Schedule",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
} as const;

const COMPONENT = "fargate-workloads:ecs:BatchTask";
const ACCOUNT = "123456789012";
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] };
const base: BatchTaskArgs = { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", command: ["sh", "-c", "echo done"], network };
const full: BatchTaskArgs = {
    ...base,
    schedule: { expression: "cron(0 3 * * ? *)", timezone: "Europe/Paris", flexibleWindowMinutes: 15 },
    alerts: { email: "oncall@example.com", noSuccessWithinHours: 26 },
};

async function build(name: string, args: BatchTaskArgs): Promise<BatchTask> {
    const job = new BatchTask(name, args);
    await outputValue(job.runCommand);
    await mocks.settle();
    return job;
}

function definitionOf(name: string): any {
    return parsed(mocks.one(T.stateMachine, `${name}-runner`).inputs.definition);
}

function awsTypes(): string[] {
    return mocks
        .awsResources()
        .map((r) => r.type)
        .sort();
}

describe("BatchTask", () => {
    describe("resources", () => {
        it("creates the task, a cluster, an egress-only security group, the runner and its long-run alarm, and nothing for schedules or alerts unless asked", async () => {
            const job = await build("job", base);
            assert.deepStrictEqual(awsTypes(), [
                T.alarm,
                T.logGroup,
                T.logGroup,
                T.securityGroup,
                T.taskDefinition,
                T.cluster,
                T.capacityProviders,
                T.role,
                T.role,
                T.role,
                T.rolePolicy,
                T.rolePolicy,
                T.rolePolicy,
                T.stateMachine,
                T.topic,
                T.topicPolicy,
                T.rule,
                T.target,
            ].sort());
            assert.strictEqual(job.schedule, undefined);
            assert.strictEqual(job.scheduleRole, undefined);
            assert.strictEqual(job.deadLetterQueue, undefined);
            assert.ok(job.alertTopic, "failures are never silent: without alerts it still has a topic of its own");
            assert.strictEqual(await outputValue(job.alertTopicArn), mocks.one(T.topic).state.arn);
            assert.deepStrictEqual(mocks.all(T.subscription), []);
            const sg = mocks.one(T.securityGroup, "job-sg");
            assert.deepStrictEqual(sg.inputs.ingress, []);
            assert.strictEqual(sg.inputs.vpcId, network.vpcId);
            assert.deepStrictEqual(sg.inputs.egress.map((e: any) => [e.protocol, e.fromPort, e.toPort, e.cidrBlocks, e.ipv6CidrBlocks]), [["tcp", 443, 443, ["0.0.0.0/0"], ["::/0"]]], "HTTPS out only by default");
            for (const description of [sg.inputs.description, ...sg.inputs.egress.map((e: any) => e.description)]) {
                assert.match(description, SECURITY_GROUP_DESCRIPTION, "only characters EC2 accepts in security group texts");
            }
        });

        it("keeps a security group's description as it was rather than replace the group under a running task, and sends the listed ports", async () => {
            const seen = new Map<string, pulumi.CustomResourceOptions>();
            new BatchTask("job", { ...base, network: { ...network, egressPorts: [5432] } }, { transformations: [(a) => (seen.set(a.name, a.opts), undefined)] });
            await mocks.settle();
            assert.deepStrictEqual(seen.get("job-sg")!.ignoreChanges, ["description"]);
            assert.deepStrictEqual(mocks.one(T.securityGroup, "job-sg").inputs.egress.map((e: any) => [e.protocol, e.fromPort, e.description]), [["tcp", 443, "HTTPS: image pulls, secrets, logs, AWS APIs"], ["tcp", 5432, "TCP 5432 (egressPorts)"]]);
        });

        it("parents every child to the component, with the BatchTask type in each URN", async () => {
            const job = await build("job", full);
            const urn = await outputValue(job.urn);
            assert.strictEqual(mocks.one(COMPONENT).urn, urn);
            assert.deepStrictEqual(awsTypes(), [
                T.logGroup,
                T.logGroup,
                T.securityGroup,
                T.taskDefinition,
                T.cluster,
                T.capacityProviders,
                T.role,
                T.role,
                T.role,
                T.role,
                T.rolePolicy,
                T.rolePolicy,
                T.rolePolicy,
                T.rolePolicy,
                T.stateMachine,
                T.queue,
                T.schedule,
                T.topic,
                T.topicPolicy,
                T.subscription,
                T.rule,
                T.target,
                T.alarm,
                T.alarm,
                T.alarm,
            ].sort());
            for (const r of mocks.awsResources()) {
                assert.strictEqual(r.parent, urn, `${r.type} ${r.name} is a child of the component`);
                assert.ok(r.urn.includes(`::${COMPONENT}$aws:`), r.urn);
            }
        });

        it("exposes each child it created as a public field", async () => {
            const job = await build("job", full);
            const pairs: [pulumi.CustomResource | undefined, string, string][] = [
                [job.taskDefinition, T.taskDefinition, "job-task-definition"],
                [job.logGroup, T.logGroup, "job-logs"],
                [job.executionRole, T.role, "job-execution"],
                [job.taskRole, T.role, "job-task"],
                [job.securityGroup, T.securityGroup, "job-sg"],
                [job.cluster, T.cluster, "job-cluster"],
                [job.stateMachine, T.stateMachine, "job-runner"],
                [job.stateMachineRole, T.role, "job-runner-role"],
                [job.stateMachineLogGroup, T.logGroup, "job-runner-logs"],
                [job.schedule, T.schedule, "job-schedule"],
                [job.scheduleRole, T.role, "job-schedule-role"],
                [job.deadLetterQueue, T.queue, "job-schedule-dlq"],
                [job.alertTopic, T.topic, "job-alerts"],
            ];
            for (const [resource, type, name] of pairs) {
                assert.ok(resource, `${name} is exposed`);
                assert.strictEqual(await outputValue(resource.urn), mocks.one(type, name).urn);
            }
            assert.strictEqual(await outputValue(job.alertTopicArn!), mocks.one(T.topic).state.arn);
        });

        it("gives the exact AWS CLI command that starts one run", async () => {
            const job = await build("job", base);
            const arn = mocks.one(T.stateMachine).state.arn;
            assert.match(arn, /^arn:aws:states:us-east-1:123456789012:stateMachine:job-runner-[0-9a-f]{7}$/);
            assert.strictEqual(await outputValue(job.runCommand), `aws stepfunctions start-execution --state-machine-arn ${arn} --region us-east-1 --input '{}'`);
        });

        it("fits every AWS name limit with a 60-character component name", async () => {
            const name = "a-very-long-batch-task-name-that-platform-teams-like-to-use6";
            assert.strictEqual(name.length, 60);
            await build(name, full);
            const limits: Record<string, [number, RegExp]> = {
                [T.role]: [64, /^[\w+=,.@-]+$/],
                [T.stateMachine]: [80, /^[A-Za-z0-9_-]+$/],
                [T.schedule]: [64, /^[A-Za-z0-9_.-]+$/],
                [T.rule]: [64, /^[A-Za-z0-9_.-]+$/],
                [T.queue]: [80, /^[A-Za-z0-9_-]+$/],
                [T.topic]: [256, /^[A-Za-z0-9_-]+$/],
                [T.alarm]: [255, /^[^:]+$/],
                [T.cluster]: [255, /^[A-Za-z0-9_-]+$/],
                [T.securityGroup]: [255, /^(?!sg-)/],
                [T.logGroup]: [512, /^[A-Za-z0-9_./#-]+$/],
            };
            let checked = 0;
            for (const r of mocks.awsResources()) {
                const limit = limits[r.type];
                if (!limit) {
                    continue;
                }
                const physical: string = r.state.name;
                assert.ok(physical.length <= limit[0], `${r.type} ${physical} (${physical.length}) is over ${limit[0]}`);
                assert.match(physical, limit[1]);
                if (r.type !== T.logGroup) {
                    assert.strictEqual(physical.length, r.name.length + AUTO_NAME_SUFFIX_LENGTH, "auto-named from the logical name");
                }
                checked++;
            }
            assert.strictEqual(checked, 16);
            assert.strictEqual(mocks.one(T.taskDefinition).inputs.family, `fargate-workloads-test-${name}`);
            assert.strictEqual(mocks.one(T.logGroup, `${name}-runner-logs`).inputs.name, `/aws/vendedlogs/states/fargate-workloads-test-${name}`);
        });

        it("gives identical inputs on every evaluation (no diff churn)", async () => {
            const record = () => mocks.awsResources().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
            await build("job", full);
            const first = record();
            mocks.reset();
            await build("job", full);
            assert.deepStrictEqual(record(), first);
        });
    });

    describe("state machine", () => {
        it("runs the task with runTask.sync on the cluster, task definition, subnets and security group, with a timeout, in JSONata", async () => {
            const job = await build("job", base);
            const definition = definitionOf("job");
            assert.strictEqual(definition.QueryLanguage, "JSONata");
            assert.strictEqual(definition.StartAt, "Start");
            const run = definition.States.RunTask;
            assert.strictEqual(run.Resource, "arn:aws:states:::ecs:runTask.sync");
            assert.strictEqual(run.TimeoutSeconds, 3600);
            const { Overrides, StartedBy, ...args } = run.Arguments;
            assert.deepStrictEqual(args, {
                Cluster: await outputValue(job.cluster!.arn),
                TaskDefinition: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/fargate-workloads-test-job:1`,
                CapacityProviderStrategy: [{ CapacityProvider: "FARGATE", Weight: 1, Base: 0 }],
                PlatformVersion: "LATEST",
                NetworkConfiguration: { AwsvpcConfiguration: { Subnets: network.subnetIds, SecurityGroups: [await outputValue(job.securityGroup.id)], AssignPublicIp: "DISABLED" } },
                PropagateTags: "TASK_DEFINITION",
                EnableECSManagedTags: true,
            });
            assert.strictEqual(StartedBy, "{% $run.startedBy %}");
            assert.match(Overrides.ContainerOverrides[0], /^\{% \$merge\(\[ \{"Name": "app", "Environment": /);
            assert.match(args.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0], /^sg-[0-9a-f]{17}$/);
            assert.deepStrictEqual(run.Catch.map((c: any) => [c.ErrorEquals, c.Next]), [
                [["States.Timeout"], "FindTimedOutTask"],
                [["ECS.AmazonECSException", "AmazonECS.Unknown"], "PublishFailure"],
                [["States.TaskFailed"], "ReadStoppedTask"],
                [["States.ALL"], "PublishFailure"],
            ]);
        });

        it("uses the given timeout and retries", async () => {
            await build("job", { ...base, timeoutSeconds: 7200, retries: { attempts: 5, intervalSeconds: 30, backoffRate: 1.5, capacity: { attempts: 3, intervalSeconds: 10, maxDelaySeconds: 60 } } });
            const definition = definitionOf("job");
            assert.strictEqual(definition.States.RunTask.TimeoutSeconds, 7200);
            assert.deepStrictEqual(definition.States.RunTask.Retry, [{ ErrorEquals: ["ECS.AmazonECSException", "AmazonECS.Unknown"], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL" }]);
            assert.strictEqual(definition.States.WaitBeforeRetry.Seconds, "{% $floor(30 * $power(1.5, $attempt - 1)) %}");
            assert.strictEqual(definition.States.JudgeStoppedTask.Choices[2].Condition, "{% $attempt <= 5 %}");
        });

        it("fills unset retry fields with the defaults", async () => {
            await build("job", { ...base, retries: { attempts: 4 } });
            const definition = definitionOf("job");
            assert.strictEqual(definition.States.WaitBeforeRetry.Seconds, `{% $floor(${BATCH_TASK_DEFAULTS.retries.intervalSeconds} * $power(${BATCH_TASK_DEFAULTS.retries.backoffRate}, $attempt - 1)) %}`);
            assert.deepStrictEqual(definition.States.RunTask.Retry[0].MaxAttempts, BATCH_TASK_DEFAULTS.capacityRetries.attempts);
        });

        it("runs on Fargate Spot, or a mix, when capacity asks for it, with an on-demand fallback state", async () => {
            await build("spot", { ...base, capacity: "spot" });
            assert.deepStrictEqual(definitionOf("spot").States.RunTask.Arguments.CapacityProviderStrategy, [{ CapacityProvider: "FARGATE_SPOT", Weight: 1, Base: 0 }]);
            assert.deepStrictEqual(definitionOf("spot").States.RunTaskOnDemand.Arguments.CapacityProviderStrategy, [{ CapacityProvider: "FARGATE", Weight: 1, Base: 0 }]);
            await build("mix", { ...base, capacity: { onDemandBase: 1, spotWeight: 3 } });
            assert.deepStrictEqual(definitionOf("mix").States.RunTask.Arguments.CapacityProviderStrategy, [
                { CapacityProvider: "FARGATE", Weight: 1, Base: 1 },
                { CapacityProvider: "FARGATE_SPOT", Weight: 3, Base: 0 },
            ]);
            await build("od", base);
            assert.strictEqual(definitionOf("od").States.RunTaskOnDemand, undefined, "no fallback state without spot");
        });

        it("assigns the task a public IP only when the network asks for it", async () => {
            await build("job", { ...base, network: { ...network, assignPublicIp: true } });
            assert.strictEqual(definitionOf("job").States.RunTask.Arguments.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, "ENABLED");
        });

        it("is valid Amazon States Language, with or without retries and on spot", async () => {
            for (const [name, args] of [["a", base], ["b", { ...base, retries: { attempts: 0 } }], ["c", { ...base, capacity: "spot" }]] as const) {
                await build(name, args as BatchTaskArgs);
                const result = aslValidator(definitionOf(name));
                assert.strictEqual(result.isValid, true, result.errorsText("\n"));
            }
        });

        it("would be caught by the ASL check if the definition broke", async () => {
            await build("job", base);
            const unreachable = definitionOf("job");
            unreachable.StartAt = "Run";
            assert.strictEqual(aslValidator(unreachable).isValid, false);
            const badTimeout = definitionOf("job");
            badTimeout.States.RunTask.TimeoutSeconds = 0;
            assert.strictEqual(aslValidator(badTimeout).isValid, false);
            const badExpression = definitionOf("job");
            badExpression.States.WaitBeforeRetry.Seconds = "{% $floor(60 * %}";
            assert.strictEqual(aslValidator(badExpression).isValid, false, "a JSONata syntax error is caught too");
        });

        it("is a standard state machine logging errors with execution data to its own log group", async () => {
            const job = await build("job", { ...base, logRetentionDays: 7 });
            const sm = mocks.one(T.stateMachine, "job-runner");
            const group = mocks.one(T.logGroup, "job-runner-logs");
            assert.strictEqual(sm.inputs.type, "STANDARD");
            assert.strictEqual(sm.inputs.roleArn, await outputValue(job.stateMachineRole.arn));
            assert.strictEqual(group.inputs.name, "/aws/vendedlogs/states/fargate-workloads-test-job");
            assert.strictEqual(group.inputs.retentionInDays, 7);
            assert.deepStrictEqual(sm.inputs.loggingConfiguration, {
                logDestination: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/vendedlogs/states/fargate-workloads-test-job:*`,
                level: "ERROR",
                includeExecutionData: true,
            });
        });

        it("gives its role exactly: RunTask on this family, watch, list, stop and tag tasks in this cluster, pass the two task roles, the sync rule, publish alerts, log delivery", async () => {
            const job = await build("job", base);
            const trust = parsed(mocks.one(T.role, "job-runner-role").inputs.assumeRolePolicy);
            assert.deepStrictEqual(trust.Statement, [
                { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } },
            ]);
            const clusterName = await outputValue(job.cluster!.name);
            const policy = parsed(mocks.one(T.rolePolicy, "job-runner-policy").inputs.policy);
            assert.strictEqual(mocks.one(T.rolePolicy, "job-runner-policy").inputs.role, await outputValue(job.stateMachineRole.id));
            assert.deepStrictEqual(policy, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "RunTask",
                        Effect: "Allow",
                        Action: ["ecs:RunTask"],
                        Resource: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/fargate-workloads-test-job:*`],
                        Condition: { ArnEquals: { "ecs:cluster": await outputValue(job.cluster!.arn) } },
                    },
                    { Sid: "WatchTask", Effect: "Allow", Action: ["ecs:StopTask", "ecs:DescribeTasks"], Resource: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/${clusterName}/*`] },
                    {
                        Sid: "FindTimedOutTask",
                        Effect: "Allow",
                        Action: ["ecs:ListTasks"],
                        Resource: [`arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/${clusterName}/*`],
                        Condition: { ArnEquals: { "ecs:cluster": await outputValue(job.cluster!.arn) } },
                    },
                    {
                        Sid: "PassTaskRoles",
                        Effect: "Allow",
                        Action: ["iam:PassRole"],
                        Resource: [await outputValue(job.taskRole.arn), await outputValue(job.executionRole.arn)],
                        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
                    },
                    {
                        Sid: "TagRunTask",
                        Effect: "Allow",
                        Action: ["ecs:TagResource"],
                        Resource: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/${clusterName}/*`],
                        Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
                    },
                    {
                        Sid: "SyncRule",
                        Effect: "Allow",
                        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                        Resource: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/StepFunctionsGetEventsForECSTaskRule`],
                    },
                    { Sid: "PublishFailure", Effect: "Allow", Action: ["sns:Publish"], Resource: [await outputValue(job.alertTopicArn)] },
                    {
                        Sid: "LogDelivery",
                        Effect: "Allow",
                        Action: [
                            "logs:CreateLogDelivery",
                            "logs:GetLogDelivery",
                            "logs:UpdateLogDelivery",
                            "logs:DeleteLogDelivery",
                            "logs:ListLogDeliveries",
                            "logs:PutResourcePolicy",
                            "logs:DescribeResourcePolicies",
                            "logs:DescribeLogGroups",
                        ],
                        Resource: ["*"],
                    },
                ],
            });
            assert.deepStrictEqual(policy.Statement.find((s: any) => s.Sid === "LogDelivery")!.Action, [...STEP_FUNCTIONS_LOG_DELIVERY_ACTIONS]);
        });
    });

    describe("what its runner may read of its own runs", () => {
        it("lets the runner list its own runs and read their histories (a timed-out attempt's task is found there), nothing else", async () => {
            const job = await build("job", base);
            const listRuns = mocks.one(T.rolePolicy, "job-runner-list-runs");
            assert.strictEqual(listRuns.inputs.role, await outputValue(job.stateMachineRole.id));
            const arn = await outputValue(job.stateMachine.arn);
            const name = await outputValue(job.stateMachine.name);
            assert.deepStrictEqual(parsed(listRuns.inputs.policy).Statement, [
                { Sid: "CountRunningRuns", Effect: "Allow", Action: ["states:ListExecutions"], Resource: [arn] },
                { Sid: "ReadOwnHistory", Effect: "Allow", Action: ["states:GetExecutionHistory"], Resource: [`arn:aws:states:us-east-1:${ACCOUNT}:execution:${name}:*`] },
            ]);
            assert.strictEqual(arn, `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`, "the execution ARNs are those of this state machine");
        });
    });

    describe("the timing BatchTask.validate reports", () => {
        it("counts each retried attempt's timeout, retry wait and capacity waits (twice with the spot fallback)", () => {
            const onDemand = BatchTask.validate("job", { ...base, timeoutSeconds: 600, retries: { attempts: 2, intervalSeconds: 60, backoffRate: 2 } });
            assert.deepStrictEqual(onDemand, { timeoutSeconds: 600, capacityWaitSeconds: 750, lastAttemptStartSeconds: 600 + 60 + 750 + 600 + 120 + 750 });
            const spot = BatchTask.validate("job", { ...base, capacity: "spot", timeoutSeconds: 600, retries: { attempts: 1, intervalSeconds: 60, capacity: { attempts: 3, intervalSeconds: 100, maxDelaySeconds: 150 } } });
            assert.deepStrictEqual(spot, { timeoutSeconds: 600, capacityWaitSeconds: 2 * (100 + 150 + 150), lastAttemptStartSeconds: 600 + 60 + 800 });
            const noFallback = BatchTask.validate("job", { ...base, capacity: "spot", spotFallbackToOnDemand: false, retries: { attempts: 0 } });
            assert.deepStrictEqual(noFallback, { timeoutSeconds: 3600, capacityWaitSeconds: 750, lastAttemptStartSeconds: 0 });
        });
    });

    describe("cluster", () => {
        it("creates a cluster with Container Insights and both Fargate capacity providers when none is given", async () => {
            const job = await build("job", base);
            assert.ok(job.cluster);
            assert.deepStrictEqual(mocks.one(T.cluster, "job-cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
            assert.deepStrictEqual(mocks.one(T.capacityProviders, "job-capacity-providers").inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        });

        it("runs in a cluster given by ARN, creating none, and scopes the task rights to that cluster", async () => {
            const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/shared`;
            const job = await build("job", { ...base, cluster: arn });
            assert.strictEqual(job.cluster, undefined);
            assert.deepStrictEqual(mocks.all(T.cluster), []);
            assert.deepStrictEqual(mocks.all(T.capacityProviders), []);
            assert.strictEqual(definitionOf("job").States.RunTask.Arguments.Cluster, arn);
            const policy = parsed(mocks.one(T.rolePolicy, "job-runner-policy").inputs.policy);
            assert.deepStrictEqual(policy.Statement[1].Resource, [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/shared/*`]);
        });

        it("runs in a given aws.ecs.Cluster without parenting or recreating it", async () => {
            const shared = new aws.ecs.Cluster("shared", {});
            const job = await build("job", { ...base, cluster: shared });
            assert.strictEqual(job.cluster, undefined);
            assert.strictEqual(mocks.all(T.cluster).length, 1);
            assert.strictEqual(mocks.one(T.cluster).parent, undefined);
            assert.strictEqual(definitionOf("job").States.RunTask.Arguments.Cluster, await outputValue(shared.arn));
        });
    });

    describe("schedule", () => {
        it("starts the state machine on the expression, in the time zone, within the flexible window, with retries and a dead-letter queue", async () => {
            const job = await build("job", full);
            const schedule = mocks.one(T.schedule, "job-schedule");
            const queue = mocks.one(T.queue, "job-schedule-dlq");
            assert.strictEqual(schedule.inputs.scheduleExpression, "cron(0 3 * * ? *)");
            assert.strictEqual(schedule.inputs.scheduleExpressionTimezone, "Europe/Paris");
            assert.deepStrictEqual(schedule.inputs.flexibleTimeWindow, { mode: "FLEXIBLE", maximumWindowInMinutes: 15 });
            assert.strictEqual(schedule.inputs.state, "ENABLED");
            assert.strictEqual(JSON.parse(schedule.inputs.target.input).constructor, Object);
            assert.deepStrictEqual(schedule.inputs.target, {
                arn: mocks.one(T.stateMachine).state.arn,
                roleArn: await outputValue(job.scheduleRole!.arn),
                input: "{}",
                retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
                deadLetterConfig: { arn: queue.state.arn },
            });
            assert.strictEqual(queue.inputs.sqsManagedSseEnabled, true);
            assert.strictEqual(queue.inputs.messageRetentionSeconds, 14 * 86400);
        });

        it("gives every scheduled run the fixed input of schedule.input", async () => {
            await build("job", { ...base, schedule: { expression: "rate(1 day)", input: { command: ["report", "--full"], environment: { MODE: "full" } } } });
            assert.deepStrictEqual(JSON.parse(mocks.one(T.schedule).inputs.target.input), { command: ["report", "--full"], environment: { MODE: "full" } });
        });

        it("runs in UTC at the scheduled time and can be paused", async () => {
            await build("job", { ...base, schedule: { expression: "rate(1 day)", enabled: false } });
            const schedule = mocks.one(T.schedule, "job-schedule");
            assert.strictEqual(schedule.inputs.scheduleExpression, "rate(1 day)");
            assert.strictEqual(schedule.inputs.scheduleExpressionTimezone, "UTC");
            assert.deepStrictEqual(schedule.inputs.flexibleTimeWindow, { mode: "OFF" });
            assert.strictEqual(schedule.inputs.state, "DISABLED");
        });

        it("lets the scheduler role only start this state machine and write to its dead-letter queue", async () => {
            await build("job", full);
            const trust = parsed(mocks.one(T.role, "job-schedule-role").inputs.assumeRolePolicy);
            assert.deepStrictEqual(trust.Statement, [
                { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } },
            ]);
            assert.deepStrictEqual(parsed(mocks.one(T.rolePolicy, "job-schedule-policy").inputs.policy), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "StartRun", Effect: "Allow", Action: ["states:StartExecution"], Resource: [mocks.one(T.stateMachine).state.arn] },
                    { Sid: "DeadLetter", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [mocks.one(T.queue).state.arn] },
                ],
            });
        });

        it("accepts the three expression forms AWS documents", () => {
            const v = new Validator("job");
            for (const ok of ["rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(30 days)", "cron(0 3 * * ? *)", "cron(0/15 8-18 ? * MON-FRI *)", "cron(0 12 L * ? 2030)", "cron(0 10 ? * 2#3 *)", "at(2030-02-28T03:00:00)", "at(2028-02-29T23:59:59)"]) {
                assert.strictEqual(validateScheduleExpression(v, "schedule.expression", ok), ok);
            }
        });

        it("accepts rate() exactly when the unit is singular for 1 and plural otherwise", () => {
            const v = new Validator("job");
            fc.assert(
                fc.property(fc.integer({ min: 1, max: 100000 }), fc.constantFrom("minute", "hour", "day"), fc.boolean(), (n, unit, plural) => {
                    const expression = `rate(${n} ${unit}${plural ? "s" : ""})`;
                    const accepted = (() => {
                        try {
                            validateScheduleExpression(v, "e", expression);
                            return true;
                        } catch (e) {
                            assert.ok(e instanceof ArgumentError);
                            return false;
                        }
                    })();
                    return accepted === (plural === (n > 1));
                }),
            );
        });

        it("accepts at() for every real date and time", () => {
            const v = new Validator("job");
            fc.assert(
                fc.property(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2199-12-31T23:59:59Z"), noInvalidDate: true }), (date) => {
                    const expression = `at(${date.toISOString().slice(0, 19)})`;
                    return validateScheduleExpression(v, "e", expression) === expression;
                }),
            );
        });

        it("accepts IANA time zones and refuses offsets and unknown names", () => {
            const v = new Validator("job");
            for (const ok of ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "America/Port-au-Prince", "Etc/GMT+5"]) {
                assert.strictEqual(validateTimezone(v, "tz", ok), ok);
            }
            for (const zone of Intl.supportedValuesOf("timeZone")) {
                assert.strictEqual(validateTimezone(v, "tz", zone), zone);
            }
            for (const bad of ["+01:00", "Mars/Olympus_Mons", "", " UTC", "utc", "europe/paris"]) {
                assert.throws(() => validateTimezone(v, "tz", bad), ArgumentError);
            }
        });
    });

    describe("alerts", () => {
        it("creates an unencrypted topic that EventBridge and CloudWatch of this account may publish to, and subscribes the email", async () => {
            const job = await build("job", full);
            const topic = mocks.one(T.topic, "job-alerts");
            assert.strictEqual(topic.inputs.kmsMasterKeyId, undefined);
            const policy = mocks.one(T.topicPolicy, "job-alerts-policy");
            assert.strictEqual(policy.inputs.arn, topic.state.arn);
            assert.deepStrictEqual(parsed(policy.inputs.policy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AlertsPublish",
                        Effect: "Allow",
                        Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
                        Action: "sns:Publish",
                        Resource: topic.state.arn,
                        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
                    },
                ],
            });
            const subscription = mocks.one(T.subscription, "job-alerts-email");
            assert.deepStrictEqual([subscription.inputs.topic, subscription.inputs.protocol, subscription.inputs.endpoint], [topic.state.arn, "email", "oncall@example.com"]);
            assert.strictEqual(await outputValue(job.alertTopicArn!), topic.state.arn);
        });

        it("publishes a readable message when a run ends ABORTED or TIMED_OUT, or FAILED without the runner's own report", async () => {
            await build("job", full);
            const arn = mocks.one(T.stateMachine).state.arn;
            const rule = mocks.one(T.rule, "job-run-failed");
            assert.deepStrictEqual(parsed(rule.inputs.eventPattern), {
                source: ["aws.states"],
                "detail-type": ["Step Functions Execution Status Change"],
                detail: {
                    stateMachineArn: [arn],
                    $or: [
                        { status: ["TIMED_OUT", "ABORTED"] },
                        { status: ["FAILED"], error: [{ "anything-but": { prefix: "Batch." } }] },
                        { status: ["FAILED"], error: [{ exists: false }] },
                    ],
                },
            });
            const target = mocks.one(T.target, "job-run-failed-alert");
            assert.strictEqual(target.inputs.rule, rule.state.name);
            assert.strictEqual(target.inputs.arn, mocks.one(T.topic).state.arn);
            assert.deepStrictEqual(target.inputs.inputTransformer.inputPaths, { execution: "$.detail.executionArn", status: "$.detail.status", time: "$.time" });
            assert.strictEqual(
                target.inputs.inputTransformer.inputTemplate,
                [
                    '"Batch task job (stack test): a run ended <status>, without the runner\'s own report (stopped by someone, or the runner itself failed)."',
                    '"Execution: <execution>"',
                    '"Time: <time>"',
                    '"Console: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/<execution>"',
                    '"Task logs: CloudWatch log group /ecs/fargate-workloads/test/job"',
                ].join("\n"),
            );
        });

        it("alarms when a scheduled run could not be started (a message in the dead-letter queue)", async () => {
            await build("job", full);
            const alarm = mocks.one(T.alarm, "job-schedule-dlq-alarm");
            const topicArn = mocks.one(T.topic).state.arn;
            assert.deepStrictEqual(alarm.inputs, {
                alarmDescription: "A scheduled run of job could not be started (see the dead-letter queue)",
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: mocks.one(T.queue).state.name },
                statistic: "Maximum",
                period: 300,
                evaluationPeriods: 1,
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [topicArn],
                okActions: [topicArn],
            });
        });

        it("alarms when no run succeeded within noSuccessWithinHours, counting missing data as breaching", async () => {
            await build("job", full);
            const alarm = mocks.one(T.alarm, "job-no-success-alarm");
            const i = alarm.inputs;
            assert.deepStrictEqual(
                [i.namespace, i.metricName, i.dimensions, i.statistic, i.period, i.evaluationPeriods, i.datapointsToAlarm, i.threshold, i.comparisonOperator, i.treatMissingData, i.alarmActions, i.okActions],
                ["AWS/States", "ExecutionsSucceeded", { StateMachineArn: mocks.one(T.stateMachine).state.arn }, "Sum", 3600, 26, 26, 1, "LessThanThreshold", "breaching", [mocks.one(T.topic).state.arn], [mocks.one(T.topic).state.arn]],
            );
            assert.strictEqual(i.alarmDescription, "No run of job succeeded in the last 26 hours");
        });

        it("publishes to a given topic without creating one or changing its policy", async () => {
            const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
            const job = await build("job", { ...base, schedule: { expression: "rate(1 hour)" }, alerts: { topicArn } });
            assert.deepStrictEqual(mocks.all(T.topic), []);
            assert.deepStrictEqual(mocks.all(T.topicPolicy), []);
            assert.deepStrictEqual(mocks.all(T.subscription), []);
            assert.strictEqual(job.alertTopic, undefined);
            assert.strictEqual(await outputValue(job.alertTopicArn!), topicArn);
            assert.strictEqual(mocks.one(T.target).inputs.arn, topicArn);
            assert.deepStrictEqual(mocks.one(T.alarm, "job-schedule-dlq-alarm").inputs.alarmActions, [topicArn]);
        });

        it("subscribes the email to a given topic when both are set", async () => {
            const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
            await build("job", { ...base, alerts: { topicArn, email: "oncall@example.com" } });
            assert.deepStrictEqual(mocks.all(T.topic), []);
            assert.strictEqual(mocks.one(T.subscription).inputs.topic, topicArn);
        });

        it("traces runs with X-Ray when asked: tracing on the state machine, and the role's X-Ray rights on \"*\", the only resource X-Ray grants", async () => {
            await build("job", { ...base, tracing: true });
            assert.deepStrictEqual(mocks.one(T.stateMachine).inputs.tracingConfiguration, { enabled: true });
            const statements = parsed(mocks.one(T.rolePolicy, "job-runner-policy").inputs.policy).Statement;
            assert.deepStrictEqual(statements.find((s: any) => s.Sid === "Tracing"), { Sid: "Tracing", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], Resource: ["*"] });
            mocks.reset();
            await build("job", base);
            assert.strictEqual(mocks.one(T.stateMachine).inputs.tracingConfiguration, undefined, "off by default");
            assert.ok(!parsed(mocks.one(T.rolePolicy, "job-runner-policy").inputs.policy).Statement.some((s: any) => s.Sid === "Tracing"));
        });

        it("alarms when a run took over 80% of its timeout, notifying on ALARM and on OK", async () => {
            const job = await build("job", { ...full, timeoutSeconds: 600 });
            const i = mocks.one(T.alarm, "job-alarm-long-run").inputs;
            const topic = mocks.one(T.topic).state.arn;
            assert.deepStrictEqual(
                [i.namespace, i.metricName, i.dimensions, i.statistic, i.period, i.evaluationPeriods, i.datapointsToAlarm, i.threshold, i.comparisonOperator, i.treatMissingData, i.alarmActions, i.okActions],
                ["AWS/States", "ExecutionTime", { StateMachineArn: mocks.one(T.stateMachine).state.arn }, "Maximum", 300, 1, 1, 480000, "GreaterThanThreshold", "notBreaching", [topic], [topic]],
            );
            assert.deepStrictEqual(job.alarms.length, 3);
        });

        it("charts runs by outcome and their duration on the dashboard", async () => {
            const job = await build("job", base);
            const widgets = await Promise.all(job.widgets.map((w) => outputValue(w)));
            const arn = mocks.one(T.stateMachine).state.arn;
            assert.deepStrictEqual(
                widgets.map((w) => [w.properties.title, w.properties.period, (w.properties.metrics as unknown[][]).map((m) => m.slice(0, 4))]),
                [
                    ["job: runs", 3600, ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"].map((m) => ["AWS/States", m, "StateMachineArn", arn])],
                    ["job: run duration (ms)", 3600, [["AWS/States", "ExecutionTime", "StateMachineArn", arn], ["AWS/States", "ExecutionTime", "StateMachineArn", arn]]],
                ],
            );
        });

        it("creates neither the dead-letter nor the no-success alarm when not scheduled and no noSuccessWithinHours is given", async () => {
            await build("job", { ...base, alerts: { email: "oncall@example.com" } });
            assert.deepStrictEqual(mocks.all(T.alarm).map((a) => a.name), ["job-alarm-long-run"]);
            assert.deepStrictEqual(mocks.all(T.schedule), []);
            assert.deepStrictEqual(mocks.all(T.queue), []);
            assert.strictEqual(mocks.all(T.rule).length, 1);
        });
    });

    describe("parallel: each run as shards", () => {
        const sharded: BatchTaskArgs = { ...base, parallel: { shards: 100, maxConcurrent: 40, toleratedFailurePercent: 5 } };

        it("runs the shards as a Distributed Map of STANDARD child executions, labelled, with its concurrency and tolerance, in valid Amazon States Language", async () => {
            await build("job", sharded);
            const definition = definitionOf("job");
            const map = definition.States.RunShards;
            assert.deepStrictEqual(
                { mode: map.ItemProcessor.ProcessorConfig, label: map.Label, max: map.MaxConcurrency, tolerated: map.ToleratedFailurePercentage, items: map.Items },
                { mode: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, label: "shard", max: 40, tolerated: 5, items: "{% [0..($shards - 1)] %}" },
            );
            assert.strictEqual(definition.States.RunTask, undefined, "the run starts no task itself");
            assert.ok(map.ItemProcessor.States.RunTask.Resource.endsWith(":ecs:runTask.sync"));
            const result = aslValidator(definition);
            assert.strictEqual(result.isValid, true, result.errorsText("\n"));
        });

        it("lets the runner start its shards as executions of its own state machine, watch and stop them, and read its Map Runs: nothing of another state machine", async () => {
            const job = await build("job", { ...sharded, kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0123abcd-0000-0000-0000-000000000000` });
            const arn = await outputValue(job.stateMachine.arn);
            const name = await outputValue(job.stateMachine.name);
            const states = (resource: string) => `arn:aws:states:us-east-1:${ACCOUNT}:${resource}`;
            assert.deepStrictEqual(parsed(mocks.one(T.rolePolicy, "job-runner-list-runs").inputs.policy).Statement, [
                { Sid: "CountRunningRuns", Effect: "Allow", Action: ["states:ListExecutions"], Resource: [arn] },
                { Sid: "ReadOwnHistory", Effect: "Allow", Action: ["states:GetExecutionHistory"], Resource: [states(`execution:${name}:*`), states(`execution:${name}/shard:*`)] },
                { Sid: "StartShards", Effect: "Allow", Action: ["states:StartExecution"], Resource: [arn] },
                { Sid: "WatchShards", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: [states(`execution:${name}/shard:*`)] },
                { Sid: "FindMapRun", Effect: "Allow", Action: ["states:ListMapRuns"], Resource: [states(`execution:${name}:*`)] },
                { Sid: "ReadMapRun", Effect: "Allow", Action: ["states:DescribeMapRun", "states:ListExecutions"], Resource: [states(`mapRun:${name}/shard:*`)] },
                {
                    Sid: "EncryptedExecutions",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                    Resource: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/0123abcd-0000-0000-0000-000000000000`],
                    Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": [arn, `${arn}/shard`] } },
                },
            ]);
        });

        it("writes the shards' results, with a tolerance, to a private, encrypted, TLS-only bucket of its own that expires them after 14 days", async () => {
            const job = await build("job", sharded);
            const bucket = mocks.one(T.bucket, "job-results");
            assert.strictEqual(bucket.parent, mocks.one(COMPONENT, "job").urn);
            assert.deepStrictEqual([bucket.inputs.bucketPrefix, bucket.inputs.forceDestroy, bucket.inputs.bucket], ["job-results-", true, undefined]);
            assert.strictEqual(await outputValue(job.resultBucket!.bucket), bucket.state.bucket);
            const of = (type: string) => mocks.children(bucket, type).map((r) => r.inputs);
            assert.deepStrictEqual(of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), [{ bucket: bucket.state.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }]);
            assert.deepStrictEqual(of("aws:s3/bucketOwnershipControls:BucketOwnershipControls"), [{ bucket: bucket.state.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }]);
            assert.deepStrictEqual(of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0].rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
            assert.deepStrictEqual(parsed(of("aws:s3/bucketPolicy:BucketPolicy")[0].policy).Statement, [
                { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.state.arn, `${bucket.state.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ]);
            assert.deepStrictEqual(of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].rules, [
                { id: "expire-results", status: "Enabled", filter: { prefix: "runs/" }, expiration: { days: 14 } },
                { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
            ]);
            assert.deepStrictEqual(of("aws:s3/bucketVersioning:BucketVersioning"), [], "written once per key: not versioned");
            assert.deepStrictEqual(definitionOf("job").States.RunShards.ResultWriter, {
                Resource: "arn:aws:states:::s3:putObject",
                Arguments: { Bucket: bucket.state.bucket, Prefix: "{% 'runs/' & $states.context.Execution.Name %}" },
            });
        });

        it("starts runs, scheduled or by hand, only once the results bucket has its encryption and its TLS-only policy", async () => {
            await build("job", { ...sharded, schedule: { expression: "rate(1 day)" } });
            const encryption = mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "job-results-encryption");
            const tlsOnly = mocks.one("aws:s3/bucketPolicy:BucketPolicy", "job-results-tls-only");
            // The schedule targets the state machine, which waits for both: every run, scheduled or not, does.
            const stateMachine = mocks.one("aws:sfn/stateMachine:StateMachine");
            assert.ok(stateMachine.options.dependencies.includes(encryption.urn) && stateMachine.options.dependencies.includes(tlsOnly.urn), "the state machine (every run) waits for both");
            assert.ok(mocks.one(T.schedule).options.dependencies.includes(stateMachine.urn) || JSON.stringify(mocks.one(T.schedule).inputs.target).includes(stateMachine.state.arn), "the schedule starts that state machine");
        });

        it("lets the runner write exactly what the ResultWriter needs, under runs/ of its bucket, and use the job's key for it", async () => {
            const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0123abcd-0000-0000-0000-000000000000`;
            await build("job", { ...sharded, kmsKeyArn: key });
            const bucket = mocks.one(T.bucket, "job-results");
            const statements = parsed(mocks.one(T.rolePolicy, "job-runner-policy").inputs.policy).Statement;
            assert.deepStrictEqual(
                statements.filter((s: any) => s.Sid.endsWith("ShardResults")),
                [
                    { Sid: "WriteShardResults", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"], Resource: [`${bucket.state.arn}/runs/*`] },
                    { Sid: "EncryptedShardResults", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [key] },
                ],
            );
            assert.deepStrictEqual(mocks.children(bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0].inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key }, bucketKeyEnabled: true },
            ]);
        });

        it("makes no bucket and grants no S3 without a tolerance (a failed shard fails the map; nothing to write)", async () => {
            await build("job", { ...base, parallel: { shards: 100 } });
            assert.deepStrictEqual(mocks.all(T.bucket), []);
            assert.strictEqual(definitionOf("job").States.RunShards.ResultWriter, undefined);
            assert.ok(!JSON.stringify(parsed(mocks.one(T.rolePolicy, "job-runner-policy").inputs.policy)).includes("s3:"));
        });

        it("takes any tolerance with any number of shards: the results go to S3, not into the Map state's 256 KiB", async () => {
            await build("job", { ...base, parallel: { shards: 10000, maxConcurrent: 100, toleratedFailurePercent: 50 } });
            assert.strictEqual(definitionOf("job").States.RunShards.ToleratedFailurePercentage, 50);
            mocks.reset();
            await build("job", { ...base, parallel: { shards: 1000, toleratedFailurePercent: 10 } });
            assert.strictEqual(mocks.all(T.bucket).length, 1);
        });

        it("alerts on runs only: the failure rule leaves out the shards' executions, whose failures the run reports itself", async () => {
            const job = await build("job", sharded);
            const name = await outputValue(job.stateMachine.name);
            const pattern = parsed(mocks.one(T.rule, "job-run-failed").inputs.eventPattern);
            assert.deepStrictEqual(pattern.detail.executionArn, [{ prefix: `arn:aws:states:us-east-1:${ACCOUNT}:execution:${name}:` }]);
            assert.ok(!`arn:aws:states:us-east-1:${ACCOUNT}:execution:${name}/shard:0f1e`.startsWith(pattern.detail.executionArn[0].prefix));
            mocks.reset();
            await build("job", base);
            assert.strictEqual(parsed(mocks.one(T.rule, "job-run-failed").inputs.eventPattern).detail.executionArn, undefined, "a job without shards keeps its pattern");
        });

        it("alarms when a shard took over 80% of its timeout, reading the shards' labelled metrics; charts runs and shards", async () => {
            const job = await build("job", { ...sharded, timeoutSeconds: 600 });
            const arn = mocks.one(T.stateMachine).state.arn;
            const alarm = mocks.one(T.alarm, "job-alarm-long-run").inputs;
            assert.deepStrictEqual([alarm.metricName, alarm.dimensions, alarm.threshold], ["ExecutionTime", { StateMachineArn: `${arn}/shard` }, 480000]);
            assert.match(alarm.alarmDescription, /^A shard of job took over 80% of its 600 s timeout/);
            const widgets = await Promise.all(job.widgets.map((w) => outputValue(w)));
            assert.deepStrictEqual(
                widgets.map((w) => [w.properties.title, (w.properties.metrics as unknown[][]).map((m) => m[3])]),
                [
                    ["job: runs", [arn, arn, arn, arn]],
                    ["job: run duration (ms)", [arn, arn]],
                    ["job: shards", [`${arn}/shard`, `${arn}/shard`, `${arn}/shard`, `${arn}/shard`]],
                ],
            );
        });

        it("counts a shard's variables in a schedule input's overrides, and takes its shards within parallel.shards", async () => {
            const lastAttempt = 3;
            const identity = longestRunIdentity(lastAttempt, 100);
            const input = (extra: number) => ({ environment: { DATA: "x".repeat(RUN_LIMITS.overrideChars - overrideChars({ environment: { DATA: "" } }, identity) + extra) } });
            const args = (extra: number, shards?: number) => ({ ...sharded, parallel: { shards: 100 }, schedule: { expression: "rate(1 day)", input: { ...input(extra), ...(shards !== undefined ? { shards } : {}) } } });
            BatchTask.validate("job", args(0, 100));
            assert.throws(
                () => BatchTask.validate("job", args(1)),
                (e: Error) => /^job: schedule\.input .* makes 8193 characters of container overrides with the runner's BATCH_RUN_ID, BATCH_RUN_STARTED_AT, BATCH_ATTEMPT, SHARD_INDEX, SHARD_COUNT \(\d+ at most\), over the 8192 ECS allows/.test(e.message),
            );
            await assertRejected(() => new BatchTask("job", args(0, 101)), "job: schedule.input.shards (101) must be a whole number from 1 to 100 shards (parallel.shards is the most a run may ask for); set it within 1..100.");
        });
    });

    describe("rejects before registering anything", () => {
        const cases: [string, Partial<Record<keyof BatchTaskArgs, unknown>>, string][] = [
            ["a schedule expression of no known form", { schedule: { expression: "every day" } }, 'job: schedule.expression ("every day") is not a schedule expression; use "rate(N unit)", "cron(minutes hours day-of-month month day-of-week year)" or "at(yyyy-mm-ddThh:mm:ss)", such as "rate(1 day)" or "cron(0 3 * * ? *)".'],
            ["a rate of zero", { schedule: { expression: "rate(0 minutes)" } }, 'job: schedule.expression ("rate(0 minutes)") needs a whole number of at least 1; write for example "rate(5 minutes)".'],
            ["a plural unit with 1", { schedule: { expression: "rate(1 hours)" } }, 'job: schedule.expression ("rate(1 hours)") uses "hours" with 1, but AWS requires the singular unit exactly when the value is 1; write "rate(1 hour)".'],
            ["a singular unit with more than 1", { schedule: { expression: "rate(5 minute)" } }, 'job: schedule.expression ("rate(5 minute)") uses "minute" with 5, but AWS requires the singular unit exactly when the value is 1; write "rate(5 minutes)".'],
            ["a rate in weeks", { schedule: { expression: "rate(2 weeks)" } }, 'job: schedule.expression ("rate(2 weeks)") uses unit "weeks", but rate() takes only minute(s), hour(s) or day(s); write for example "rate(7 days)".'],
            ["a five-field cron", { schedule: { expression: "cron(0 3 * * ?)" } }, 'job: schedule.expression ("cron(0 3 * * ?)") has 5 fields, but AWS cron expressions have six: minutes hours day-of-month month day-of-week year; add the missing fields, for example "cron(0 3 * * ? *)" (daily at 03:00).'],
            ["a cron with both day fields set", { schedule: { expression: "cron(0 3 * * * *)" } }, 'job: schedule.expression ("cron(0 3 * * * *)") must have "?" in exactly one of day-of-month (third field) and day-of-week (fifth field); write "?" in the one you do not use, for example "cron(0 3 * * ? *)" or "cron(0 3 ? * MON-FRI *)".'],
            ["a cron with both day fields blank", { schedule: { expression: "cron(0 3 ? * ? *)" } }, 'job: schedule.expression ("cron(0 3 ? * ? *)") must have "?" in exactly one of day-of-month (third field) and day-of-week (fifth field); write "?" in the one you do not use, for example "cron(0 3 * * ? *)" or "cron(0 3 ? * MON-FRI *)".'],
            ["a cron hour of 25", { schedule: { expression: "cron(0 25 * * ? *)" } }, "job: schedule.expression (\"cron(0 25 * * ? *)\") is not a valid cron expression: Number '25' of hours field is bigger than upper limit '23'; fix that field (minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT, year 1970-2199)."],
            ["an at() on a day that does not exist", { schedule: { expression: "at(2030-02-30T03:00:00)" } }, 'job: schedule.expression ("at(2030-02-30T03:00:00)") is not a real date and time; write a valid one such as "at(2030-01-31T03:00:00)".'],
            ["an at() at hour 24", { schedule: { expression: "at(2030-01-01T24:00:00)" } }, 'job: schedule.expression ("at(2030-01-01T24:00:00)") is not a real date and time; write a valid one such as "at(2030-01-31T03:00:00)".'],
            ["an unknown time zone", { schedule: { expression: "rate(1 day)", timezone: "Mars/Olympus_Mons" } }, 'job: schedule.timezone ("Mars/Olympus_Mons") is not an IANA time zone; use a name such as "UTC", "Europe/Paris" or "America/New_York".'],
            ["a flexible window of 0 minutes", { schedule: { expression: "rate(1 day)", flexibleWindowMinutes: 0 } }, "job: schedule.flexibleWindowMinutes (0) must be a whole number from 1 to 1440 minutes; set it within 1..1440."],
            ["a flexible window over a day", { schedule: { expression: "rate(1 day)", flexibleWindowMinutes: 1441 } }, "job: schedule.flexibleWindowMinutes (1441) must be a whole number from 1 to 1440 minutes; set it within 1..1440."],
            ["enabled as a string", { schedule: { expression: "rate(1 day)", enabled: "false" } }, 'job: schedule.enabled ("false") must be true or false; write it without quotes.'],
            ["a timeout of 0", { timeoutSeconds: 0 }, "job: timeoutSeconds (0) must be a whole number from 1 to 31536000 seconds; set it within 1..31536000."],
            ["a timeout over a year", { timeoutSeconds: 31536001 }, "job: timeoutSeconds (31536001) must be a whole number from 1 to 31536000 seconds; set it within 1..31536000."],
            ["a fractional timeout", { timeoutSeconds: 1.5 }, "job: timeoutSeconds (1.5) must be a whole number from 1 to 31536000 seconds; set it within 1..31536000."],
            ["more than 10 retry attempts", { retries: { attempts: 11 } }, "job: retries.attempts (11) must be a whole number from 0 to 10; set it within 0..10."],
            ["negative retry attempts", { retries: { attempts: -1 } }, "job: retries.attempts (-1) must be a whole number from 0 to 10; set it within 0..10."],
            ["a retry interval of 0", { retries: { attempts: 1, intervalSeconds: 0 } }, "job: retries.intervalSeconds (0) must be a whole number from 1 to 86400 seconds; set it within 1..86400."],
            ["a backoff rate below 1", { retries: { attempts: 1, backoffRate: 0.5 } }, "job: retries.backoffRate (0.5) must be a number from 1 to 10 (1 keeps the wait constant, 2 doubles it); set it within 1..10."],
            ["spot with arm64", { capacity: "spot", architecture: "arm64" }, 'job: capacity ("spot") uses Fargate Spot, which runs only x86_64 tasks, but architecture is "arm64"; set architecture to "x86_64" or capacity to "on-demand".'],
            ["capacity retries waiting longer than their cap", { retries: { attempts: 1, capacity: { intervalSeconds: 60, maxDelaySeconds: 30 } } }, "job: retries.capacity.maxDelaySeconds (30) is shorter than retries.capacity.intervalSeconds (60); raise maxDelaySeconds or lower intervalSeconds."],
            ["more than 20 capacity retries", { retries: { attempts: 1, capacity: { attempts: 21 } } }, "job: retries.capacity.attempts (21) must be a whole number from 0 to 20; set it within 0..20."],
            ["spotFallbackToOnDemand as a string", { spotFallbackToOnDemand: "yes" as unknown as boolean }, 'job: spotFallbackToOnDemand ("yes") must be true or false; write it without quotes.'],
            ["a concurrency of 0", { concurrency: 0 }, "job: concurrency (0) must be a whole number from 1 to 100 runs; set it within 1..100."],
            ["a concurrency over 100", { concurrency: 101 }, "job: concurrency (101) must be a whole number from 1 to 100 runs; set it within 1..100."],
            ["a schedule input key the runner does not know", { schedule: { expression: "rate(1 day)", input: { comand: ["x"] } as never } }, 'job: schedule.input.comand (["x"]) is not a run input key (known: command, environment); remove it or fix its spelling.'],
            ["a schedule input environment name that is not a variable name", { schedule: { expression: "rate(1 day)", input: { environment: { "MY-VAR": "1" } } } }, 'job: schedule.input.environment.MY-VAR ("MY-VAR") is not a valid environment variable name (letters, digits, _; not starting with a digit); rename the variable.'],
            ["a schedule input that sets the runner's variables", { schedule: { expression: "rate(1 day)", input: { environment: { BATCH_RUN_ID: "x" } } } }, 'job: schedule.input.environment.BATCH_RUN_ID ("BATCH_RUN_ID") is set by the runner (BATCH_RUN_ID, BATCH_RUN_STARTED_AT, BATCH_ATTEMPT); use another name.'],
            ["a schedule input command that is not a list", { schedule: { expression: "rate(1 day)", input: { command: "run" as never } } }, 'job: schedule.input.command ("run") must be a list of strings; write it as ["executable", "arg"].'],
            ["a schedule input over 256 KiB", { schedule: { expression: "rate(1 day)", input: { environment: { BIG: "x".repeat(262144) } } } }, 'job: schedule.input ("262170 bytes") is larger than the 262144 bytes Step Functions takes as an execution input; pass large data by reference (an S3 key) instead.'],
            ["an email that is not an address", { alerts: { email: "oncall" } }, 'job: alerts.email ("oncall") is not an email address; give an address such as "oncall@example.com".'],
            ["a topicArn that is not an SNS topic", { alerts: { topicArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:oncall` } }, 'job: alerts.topicArn ("arn:aws:sqs:us-east-1:123456789012:oncall") is not the ARN of a standard (non-FIFO) SNS topic; use "arn:aws:sns:REGION:ACCOUNT:NAME", or leave it out to have a topic created.'],
            ["noSuccessWithinHours of 0", { alerts: { email: "a@example.com", noSuccessWithinHours: 0 } }, "job: alerts.noSuccessWithinHours (0) must be a whole number from 1 to 168 hours; set it within 1..168."],
            ["noSuccessWithinHours over a week", { alerts: { email: "a@example.com", noSuccessWithinHours: 169 } }, "job: alerts.noSuccessWithinHours (169) must be a whole number from 1 to 168 hours; set it within 1..168."],
            ["an invalid cpu/memory pair", { cpu: 512, memory: 512 }, "job: memory (512) is not allowed with cpu 512; with 512 CPU units Fargate accepts 1024 to 4096 in steps of 1024 MiB; change memory or cpu to a valid Fargate pair."],
            ["no network", { network: undefined }, "job: network (undefined) is missing; give { vpcId, subnetIds } of the subnets the tasks run in."],
            ["a cluster that is not an ARN", { cluster: "shared" }, 'job: cluster ("shared") is not an ECS cluster ARN; pass an aws.ecs.Cluster or "arn:aws:ecs:REGION:ACCOUNT:cluster/NAME".'],
            ["parallel that is not an object", { parallel: 10 }, "job: parallel (10) must be an object; give { shards, maxConcurrent?, toleratedFailurePercent? }, for example { shards: 100 }."],
            ["no shards", { parallel: { shards: 0 } }, "job: parallel.shards (0) must be a whole number from 1 to 10000 shards; set it within 1..10000."],
            ["a fraction of a shard", { parallel: { shards: 2.5 } }, "job: parallel.shards (2.5) must be a whole number from 1 to 10000 shards; set it within 1..10000."],
            ["more shards than a Distributed Map runs at once", { parallel: { shards: 10001 } }, "job: parallel.shards (10001) must be a whole number from 1 to 10000 shards; set it within 1..10000."],
            ["shards given as text", { parallel: { shards: "10" } }, 'job: parallel.shards ("10") must be a whole number from 1 to 10000 shards; set it within 1..10000.'],
            ["maxConcurrent of 0", { parallel: { shards: 10, maxConcurrent: 0 } }, "job: parallel.maxConcurrent (0) must be a whole number from 1 to 10 (parallel.shards: more could never run at once); set it within 1..10."],
            ["maxConcurrent above the shards", { parallel: { shards: 10, maxConcurrent: 11 } }, "job: parallel.maxConcurrent (11) must be a whole number from 1 to 10 (parallel.shards: more could never run at once); set it within 1..10."],
            ["a negative tolerance", { parallel: { shards: 10, toleratedFailurePercent: -1 } }, "job: parallel.toleratedFailurePercent (-1) must be a whole percentage from 0 to 100 (0: any failed shard fails the run; 100: the run succeeds whatever its shards did); set it within 0..100."],
            ["a fraction of a percent", { parallel: { shards: 10, toleratedFailurePercent: 2.5 } }, "job: parallel.toleratedFailurePercent (2.5) must be a whole percentage from 0 to 100 (0: any failed shard fails the run; 100: the run succeeds whatever its shards did); set it within 0..100."],
            ["a tolerance over 100", { parallel: { shards: 10, toleratedFailurePercent: 101 } }, "job: parallel.toleratedFailurePercent (101) must be a whole percentage from 0 to 100 (0: any failed shard fails the run; 100: the run succeeds whatever its shards did); set it within 0..100."],
            ["a shard variable in the task's environment", { parallel: { shards: 10 }, environment: { SHARD_COUNT: "3" } }, 'job: environment.SHARD_COUNT ("SHARD_COUNT") is set by the runner for each shard; use another name.'],
            ["a peak above the on-demand vCPU quota", { cpu: 1024, memory: 2048, concurrency: 2, parallel: { shards: 100, maxConcurrent: 50, vcpuQuota: { onDemand: 60 } } }, 'job: parallel.vcpuQuota.onDemand (60) is below the job\'s peak of 100 vCPUs on on-demand Fargate (concurrency 2 x parallel.maxConcurrent 50 x 1 vCPU a task), and the quota is shared by every Fargate task of the account in the Region; lower parallel.maxConcurrent to 30 or less, or ask AWS to raise "Fargate On-Demand vCPU resource count" in Service Quotas.'],
            ["a spot peak above the spot quota (the fallback counts on demand too)", { capacity: "spot", parallel: { shards: 100, maxConcurrent: 100, vcpuQuota: { spot: 20, onDemand: 25 } } }, 'job: parallel.vcpuQuota.spot (20) is below the job\'s peak of 25 vCPUs on Fargate Spot (concurrency 1 x parallel.maxConcurrent 100 x 0.25 vCPU a task), and the quota is shared by every Fargate task of the account in the Region; lower parallel.maxConcurrent to 80 or less, or ask AWS to raise "Fargate Spot vCPU resource count" in Service Quotas.'],
            ["a vCPU quota that is not a number", { parallel: { shards: 10, vcpuQuota: { onDemand: "lots" } } }, 'job: parallel.vcpuQuota.onDemand ("lots") must be a number from 0 to 1000000; set it within 0..1000000.'],
        ];
        for (const [what, args, message] of cases) {
            it(what, async () => {
                await assertRejected(() => new BatchTask("job", { ...base, ...args } as BatchTaskArgs), message);
                assert.deepStrictEqual(mocks.all(COMPONENT), [], "not even the component registers");
            });
        }

        it("a schedule input whose overrides ECS would refuse at RunTask (over 8,192 characters with the runner's variables), and no shorter one", async () => {
            const lastAttempt = 4;
            const runner = overrideChars({}, longestRunIdentity(lastAttempt));
            const atLimit = (extra: number) => ({ environment: { DATA: "x".repeat(RUN_LIMITS.overrideChars - overrideChars({ environment: { DATA: "" } }, longestRunIdentity(lastAttempt)) + extra) } });
            const args = (extra: number) => ({ ...base, retries: { attempts: lastAttempt - 1 }, schedule: { expression: "rate(1 day)", input: atLimit(extra) } });
            BatchTask.validate("job", args(0));
            await assertRejected(
                () => new BatchTask("job", args(1)),
                `job: schedule.input ("${RUN_LIMITS.overrideChars + 1 - runner} characters of command and environment") makes 8193 characters of container overrides with the runner's BATCH_RUN_ID, BATCH_RUN_STARTED_AT, BATCH_ATTEMPT (${runner} at most), over the 8192 ECS allows per task, JSON formatting included; shorten the command or environment, or pass large values by reference (an S3 key).`,
            );
            assert.deepStrictEqual(mocks.all(COMPONENT), []);
            assert.ok(runner > 200 && runner < 300, `the runner adds ${runner} characters (the TSDoc of schedule.input says under 300)`);
        });

        it("reports that problem beside the others of the same arguments", async () => {
            const input = { environment: { DATA: "x".repeat(RUN_LIMITS.overrideChars) } };
            await assert.rejects(
                async () => new BatchTask("job", { ...base, timeoutSeconds: 0, schedule: { expression: "rate(1 day)", input } }),
                (e: Error) => /timeoutSeconds \(0\)/.test(e.message) && /schedule\.input .* over the 8192 ECS allows/.test(e.message),
            );
        });

        it("a component name that cannot appear in child names", async () => {
            await assertRejected(() => new BatchTask("nightly_job", base), 'nightly_job: name ("nightly_job") must start with a letter and hold only letters, digits and hyphens, not ending with a hyphen; rename the component, for example "todo-web".');
            assert.deepStrictEqual(mocks.all(COMPONENT), []);
        });
    });
});
