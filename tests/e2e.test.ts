// The end-to-end test's logic, without AWS or the Pulumi CLI: the SDK clients are mocked with
// aws-sdk-client-mock (per instance, so the command line's tests keep their own mocks), the
// Automation API stack is a hand-written stub, and the clock's sleep only moves time on.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, Service } from "@aws-sdk/client-ecs";
import { GetExecutionHistoryCommand, HistoryEvent, ListExecutionsCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { GetSubscriptionAttributesCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { parse } from "yaml";
import { readStackFile } from "../app/stackFile";
import { deployTimes } from "../scripts/plan/deployTime";
import { evaluateStack } from "./program";
import { mocks } from "./setup";
import { EXPORT_ENTRY_POINT } from "../app/exportJob";
import { MAIN_CONTAINER } from "../cli/logs";
import { RUN_FAILURES, STATES } from "../components/batchRunner";
import { badDeployRollsBack, batchSucceeds, Check, CheckContext, CHECKS, FAILING_INPUT, FAILING_SHARD_INPUT, failureAlerts, notificationOf, scalingKeepsDeployment, shardedFailureAlerts, siteAnswers, startedByOf, timeoutStops } from "./e2e/checks";
import { checkSettings, E2E_BATCH_TIMEOUT_SECONDS, E2E_EXIT, e2eConfig, e2eStackName, E2eOptions, onSignal, runE2e } from "./e2e/e2e";
import { Backend, E2eClients, E2eStack, World } from "./e2e/world";

const ROOT = path.resolve(__dirname, "..");
const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const T0 = Date.parse("2026-03-01T02:00:00Z");
const SM_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:export-runner-1a2b3c4`;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts-abc`;
const TASK_DEF = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/fargate-workloads-e2e-export:1`;
const WEB_TD = (n: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web-task:${n}`;
const TASK = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/todo-cluster/0123456789abcdef`;
const OUTPUTS = { url: "http://web-alb-123.us-east-1.elb.amazonaws.com", clusterName: "todo-cluster", serviceName: "web-service", batchStateMachineArn: SM_ARN, alertTopicArn: TOPIC };
const SOURCE = readStackFile(ROOT, "dev");

/** A stub of the Automation API stack: records every call; `up` runs the next behaviour given. */
class StubStack implements E2eStack {
    public readonly calls: string[] = [];
    public readonly config: Record<string, unknown> = {};
    public upBehaviours: ((signal: AbortSignal) => Promise<Record<string, unknown>>)[] = [];
    public destroyFailures = 0;
    public removeFails = false;
    /** The key whose `pulumi config set` fails. */
    public setConfigFailsAt: string | undefined;
    /** SIGINTs the `pulumi` process got: from the terminal, and from the Automation API's abort. */
    public sigints = 0;
    constructor(public readonly name: string) {}
    async setConfig(key: string, value: unknown) {
        if (key === this.setConfigFailsAt) {
            throw new Error(`error: invalid configuration key '${key}'`);
        }
        this.calls.push(`setConfig ${key}`);
        this.config[key] = value;
    }
    async up(signal: AbortSignal) {
        this.calls.push("up");
        // The Automation API sends `pulumi` a SIGINT when the signal aborts.
        signal.addEventListener("abort", () => this.sigints++);
        const next = this.upBehaviours.shift();
        return next ? next(signal) : { ...OUTPUTS };
    }
    async destroy() {
        this.calls.push("destroy");
        if (this.destroyFailures-- > 0) {
            throw new Error("error: deleting security group: DependencyViolation");
        }
    }
    async remove() {
        this.calls.push("remove");
        if (this.removeFails) {
            throw new Error("stack still has resources");
        }
    }
}

/** An `up` that never ends unless aborted, as a hung update would. */
const hangingUp = (signal: AbortSignal) => new Promise<Record<string, unknown>>((_, reject) => signal.addEventListener("abort", () => reject(new Error("update canceled"))));

class FakeWorld implements World {
    public time = T0;
    public readonly progressLines: string[] = [];
    public readonly reportLines: string[] = [];
    public readonly files: Record<string, string> = {};
    public readonly controller = new AbortController();
    public readonly interrupt = this.controller.signal;
    public readonly cancelController = new AbortController();
    public readonly cancelPulumi = this.cancelController.signal;
    public readonly stacks: StubStack[] = [];
    public pulumi: string | undefined = "v3.200.0";
    public createFails = false;
    /** The configuration the last stack was given. */
    get createdWith(): Record<string, unknown> | undefined {
        return this.stacks[this.stacks.length - 1]?.config;
    }
    public http: (url: string) => Promise<number> = async () => 200;
    public readonly aws: E2eClients = {
        sfn: new SFNClient({ region: REGION }),
        logs: new CloudWatchLogsClient({ region: REGION }),
        ecs: new ECSClient({ region: REGION }),
        sqs: new SQSClient({ region: REGION }),
        sns: new SNSClient({ region: REGION }),
        sts: new STSClient({ region: REGION }),
    };
    public readonly mocks = {
        sfn: mockClient(this.aws.sfn),
        logs: mockClient(this.aws.logs),
        ecs: mockClient(this.aws.ecs),
        sqs: mockClient(this.aws.sqs),
        sns: mockClient(this.aws.sns),
        sts: mockClient(this.aws.sts),
    };
    public readonly clock = {
        now: () => this.time,
        // Yields first, so work that is already done wins a race against a timer.
        sleep: async (ms: number) => {
            await new Promise((resolve) => setImmediate(resolve));
            this.time += ms;
        },
    };
    public readonly log = { progress: (l: string) => void this.progressLines.push(l), report: (l: string) => void this.reportLines.push(l) };
    public readonly backend: Backend = {
        pulumiVersion: async () => this.pulumi,
        createStack: async (name) => {
            if (this.createFails) {
                throw new Error("no Pulumi backend: run `pulumi login`");
            }
            const stack = new StubStack(name);
            this.stacks.push(stack);
            return stack;
        },
    };
    constructor() {
        this.mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/e2e/ci` });
    }
    clients = (region: string) => {
        assert.strictEqual(region, REGION, "clients are made for the stack's region");
        return this.aws;
    };
    httpStatus = (url: string) => this.http(url);
    random = () => "a1b2c3d4";
    writeFile = (file: string, text: string) => void (this.files[file] = text);
}

function context(world: FakeWorld, timeoutMs: number, stack = new StubStack("e2e-test")): CheckContext {
    const config = e2eConfig(SOURCE);
    return {
        world,
        stack,
        clients: world.aws,
        region: REGION,
        outputs: { ...OUTPUTS },
        config,
        settings: checkSettings(config, 5000),
        clock: world.clock,
        at: world.time + timeoutMs,
        interrupt: world.interrupt,
        cancelPulumi: world.cancelPulumi,
        progress: (l) => void world.progressLines.push(l),
    };
}

const MINUTE = 60_000;

// ---- batch runs: a history that StartExecution's name makes, served as time passes ----

let nextId = 1;
const ev = (type: string, details: Partial<HistoryEvent> = {}): HistoryEvent => ({ id: nextId++, type: type as HistoryEvent["type"], timestamp: new Date(T0), ...details });
const submitted = () => ev("TaskSubmitted", { taskSubmittedEventDetails: { resourceType: "ecs", resource: "runTask.sync", output: JSON.stringify({ Tasks: [{ TaskArn: TASK, TaskDefinitionArn: TASK_DEF }] }) } });
const runStart = () => [ev("ExecutionStarted"), ev("TaskStateEntered", { stateEnteredEventDetails: { name: STATES.run } }), submitted()];

/**
 * Serves a run: ListExecutions shows `stillRunning` polls of an earlier run as RUNNING, then none;
 * StartExecution names the run, the history ends with `end` (or never), the log stream has `lines`.
 */
function serveRun(world: FakeWorld, end: HistoryEvent | undefined, lines: string[], stillRunning = 0): { inputs: string[]; names: string[]; pollsBeforeStart: number[] } {
    const started = { inputs: [] as string[], names: [] as string[], pollsBeforeStart: [] as number[] };
    let polls = 0;
    world.mocks.sfn.on(ListExecutionsCommand).callsFake((input) => {
        assert.deepStrictEqual(input, { stateMachineArn: SM_ARN, statusFilter: "RUNNING" });
        return { executions: polls++ < stillRunning ? [{ executionArn: `${SM_ARN.replace(":stateMachine:", ":execution:")}:run-before`, stateMachineArn: SM_ARN, name: "run-before", status: "RUNNING", startDate: new Date(T0) }] : [] };
    });
    const events = [...runStart(), ...(end ? [end] : [])];
    world.mocks.sfn.on(StartExecutionCommand).callsFake((input) => {
        started.inputs.push(input.input);
        started.names.push(input.name);
        started.pollsBeforeStart.push(polls);
        return { executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:export-runner-1a2b3c4:${input.name}`, startDate: new Date(T0) };
    });
    world.mocks.sfn.on(GetExecutionHistoryCommand).callsFake((input) => ({ events: input.reverseOrder ? [...events].reverse() : events }));
    world.mocks.sfn.on(StopExecutionCommand).resolves({});
    world.mocks.ecs.on(DescribeTaskDefinitionCommand).resolves({
        taskDefinition: { taskDefinitionArn: TASK_DEF, containerDefinitions: [{ name: MAIN_CONTAINER, logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/e2e/export", "awslogs-stream-prefix": "app" } } }] },
    });
    world.mocks.logs.on(GetLogEventsCommand).callsFake((input) => ({ events: input.nextToken ? [] : lines.map((message) => ({ message })), nextForwardToken: "f/1" }));
    return started;
}

const failedWith = (error: string, cause = "") => ev("ExecutionFailed", { executionFailedEventDetails: { error, cause } });

function serveService(world: FakeWorld, services: Service[]): void {
    let i = 0;
    world.mocks.ecs.on(DescribeServicesCommand).callsFake(() => ({ services: [services[Math.min(i++, services.length - 1)]] }));
}

const deployment = (id: string, td: string, extra: Record<string, unknown> = {}) => ({ id, status: "PRIMARY", taskDefinition: td, rolloutState: "COMPLETED", createdAt: new Date(T0), updatedAt: new Date(T0 + 100_000), ...extra });
const service = (desiredCount: number, deployments: any[], extra: Partial<Service> = {}): Service => ({ serviceName: "web-service", desiredCount, taskDefinition: deployments[0]?.taskDefinition, deployments, ...extra });

async function rejects(promise: Promise<unknown>, name: string, message: RegExp): Promise<void> {
    await assert.rejects(promise, (e: Error) => {
        assert.strictEqual(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
    });
}

describe("end-to-end test (npm run e2e), under mocks", () => {
    let world: FakeWorld;
    beforeEach(() => {
        world = new FakeWorld();
        nextId = 1;
    });

    describe("the e2e stack", () => {
        it("copies the dev stack's configuration and lowers only the batch timeout", () => {
            const config = e2eConfig(SOURCE);
            assert.deepStrictEqual(config["fargate-workloads:batch"], { ...(SOURCE.config["fargate-workloads:batch"] as object), timeoutSeconds: E2E_BATCH_TIMEOUT_SECONDS });
            const others = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== "fargate-workloads:batch"));
            assert.deepStrictEqual(others(config), others(SOURCE.config));
            assert.ok(Object.keys(others(config)).length >= 4, "the dev stack's other keys are copied");
            assert.ok(E2E_BATCH_TIMEOUT_SECONDS < 3600);
        });

        it("refuses a source stack with secret values, which cannot be copied", () => {
            assert.throws(() => e2eConfig({ ...SOURCE, secretKeys: ["web"] }), /secret values \(web\).*cannot be copied/);
        });

        it("compares against the deploy time the plan models for the dev stack, bake included, and its health path", async () => {
            const settings = checkSettings(e2eConfig(SOURCE));
            await evaluateStack("dev");
            const planned = deployTimes(mocks.all());
            assert.strictEqual(planned.length, 1, "dev has one web service");
            assert.ok(planned[0].estimate.terms.some((t) => /bake/i.test(t.name)), "the plan counts the deployment alarms' bake");
            assert.strictEqual(settings.modeledDeploySeconds, planned[0].estimate.totalSeconds);
            assert.strictEqual(settings.healthPath, "/");
            assert.strictEqual(settings.batchTimeoutSeconds, E2E_BATCH_TIMEOUT_SECONDS);
        });

        it("names each stack uniquely, in lower case, short", () => {
            assert.strictEqual(e2eStackName(T0, "A1-b2c3d4e5"), "e2e-20260301t0200-a1b2c3");
            assert.ok(e2eStackName(T0, "a1b2c3d4").length <= 24);
        });

        it("makes a run fail with exit code 3 under the batch container's entry point (/bin/sh -c)", () => {
            const [shell, ...flags] = EXPORT_ENTRY_POINT;
            assert.strictEqual(spawnSync(shell, [...flags, ...FAILING_INPUT.command], { stdio: "ignore" }).status, 3);
            // The form a user might write first runs `sh` alone, which exits 0.
            assert.strictEqual(spawnSync(shell, [...flags, "sh", "-c", "exit 3"], { stdio: "ignore", input: "" }).status, 0);
        });
    });

    describe("check 1: the site answers", () => {
        it("passes on HTTP 200 when ECS completed the deployment within the modeled deploy time", async () => {
            const statuses = [503, 200];
            world.http = async () => statuses.shift() ?? 200;
            serveService(world, [service(1, [deployment("ecs-svc/1", WEB_TD(1), { rolloutState: "IN_PROGRESS" })]), service(1, [deployment("ecs-svc/1", WEB_TD(1))])]);
            const detail = await siteAnswers.run(context(world, siteAnswers.timeoutMs(checkSettings(e2eConfig(SOURCE)))));
            assert.strictEqual(detail, "HTTP 200 from http://web-alb-123.us-east-1.elb.amazonaws.com/ after 5 s; ECS completed deployment ecs-svc/1 in 100 s, within the modeled 440 s");
        });

        it("fails when ECS took longer than the modeled deploy time, whenever the check itself started", async () => {
            serveService(world, [service(1, [deployment("ecs-svc/1", WEB_TD(1), { updatedAt: new Date(T0 + 441_000) })])]);
            await rejects(siteAnswers.run(context(world, 10 * MINUTE)), "CheckFailure", /^ECS took 441 s to complete deployment ecs-svc\/1 \(created to COMPLETED\), longer than the modeled 440 s/);
        });

        it("times out when ECS never completes the deployment, saying what it saw", async () => {
            serveService(world, [service(1, [deployment("ecs-svc/1", WEB_TD(1), { rolloutState: "IN_PROGRESS" })])]);
            await rejects(siteAnswers.run(context(world, 5 * MINUTE)), "CheckTimeout", /timed out waiting for ECS to mark the deployment of web-service COMPLETED \(last seen: ecs-svc\/1 PRIMARY IN_PROGRESS\)/);
        });

        it("times out when the site never answers 200, saying what it saw", async () => {
            world.http = async () => 503;
            await rejects(siteAnswers.run(context(world, 5 * MINUTE)), "CheckTimeout", /timed out waiting for HTTP 200 from .* \(last seen: HTTP 503\)/);
            assert.ok(world.time - T0 <= 5 * MINUTE, "the wait ends by the check's deadline");
        });

        it("fails when the stack has no url output", async () => {
            const ctx = context(world, MINUTE);
            delete ctx.outputs.url;
            await rejects(siteAnswers.run(ctx), "CheckFailure", /the stack has no output "url"/);
        });
    });

    describe("check 2: a batch run succeeds", () => {
        it("passes when the run started with the command line succeeds and its log stream has the output", async () => {
            const run = serveRun(world, ev("ExecutionSucceeded"), ["e2e-output-a1b2c3d4"]);
            const detail = await batchSucceeds.run(context(world, 10 * MINUTE));
            assert.deepStrictEqual(JSON.parse(run.inputs[0]), { command: ["echo e2e-output-a1b2c3d4"] });
            assert.match(detail, /^run run-20260301T020000Z-a1b2c3d4 SUCCEEDED; its log stream has "e2e-output-a1b2c3d4"$/);
        });

        it("starts its run only once ListExecutions shows the previous run ended (it is eventually consistent; the job runs one at a time)", async () => {
            const run = serveRun(world, ev("ExecutionSucceeded"), ["e2e-output-a1b2c3d4"], 2);
            await batchSucceeds.run(context(world, 10 * MINUTE));
            assert.strictEqual(world.mocks.sfn.commandCalls(ListExecutionsCommand).length, 3);
            assert.strictEqual(run.inputs.length, 1);
            assert.deepStrictEqual(run.pollsBeforeStart, [3], "started after the poll that showed no running run");
        });

        it("times out without starting a run while the previous run still shows RUNNING", async () => {
            const run = serveRun(world, ev("ExecutionSucceeded"), [], 1000);
            await rejects(batchSucceeds.run(context(world, 10 * MINUTE)), "CheckTimeout", /timed out waiting for ListExecutions to show no running run of export-runner-1a2b3c4 \(last seen: running: run-before\)/);
            assert.strictEqual(run.inputs.length, 0);
        });

        it("fails when the log stream lacks the container's output", async () => {
            serveRun(world, ev("ExecutionSucceeded"), ["something else"]);
            await rejects(batchSucceeds.run(context(world, 10 * MINUTE)), "CheckFailure", /succeeded, but its log stream does not have the container's output "e2e-output-a1b2c3d4" \(1 lines read\)/);
        });

        it("fails when the run fails", async () => {
            serveRun(world, failedWith(RUN_FAILURES.containerFailed, "failed: exit 1"), []);
            await rejects(batchSucceeds.run(context(world, 10 * MINUTE)), "CheckFailure", /ended FAILED Batch\.ContainerFailed, not SUCCEEDED/);
        });

        it("times out on a run that never ends, and stops that run", async () => {
            serveRun(world, undefined, []);
            await rejects(batchSucceeds.run(context(world, 10 * MINUTE)), "CheckTimeout", /timed out following run arn:aws:states:.*:run-20260301T020000Z-a1b2c3d4/);
            assert.strictEqual(world.mocks.sfn.commandCalls(StopExecutionCommand).length, 1);
            assert.ok(world.time - T0 <= 10 * MINUTE);
        });
    });

    /** The queue a check subscribes to the alerts topic to read its alerts: created, subscribed (confirmed), then removed. */
    function serveAlertQueue(w: FakeWorld): void {
        w.mocks.sqs.on(CreateQueueCommand).resolves({ QueueUrl: "https://sqs/q" });
        w.mocks.sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:q` } });
        w.mocks.sqs.on(SetQueueAttributesCommand).resolves({});
        w.mocks.sqs.on(DeleteQueueCommand).resolves({});
        w.mocks.sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:sub-1` });
        w.mocks.sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: { PendingConfirmation: "false" } });
        w.mocks.sns.on(UnsubscribeCommand).resolves({});
    }

    describe("check 3: a failing run alerts", () => {
        function serveQueue(bodies: (name: string) => string[]): void {
            serveAlertQueue(world);
            world.mocks.sqs.on(ReceiveMessageCommand).callsFake(() => ({ Messages: bodies("run-20260301T020000Z-a1b2c3d4").map((Body) => ({ Body, ReceiptHandle: "r" })) }));
        }
        const alert = (name: string, code: number) => `Batch task export (stack e2e): run ${name} failed.\n\nStatus: Batch.ContainerFailed\nExit code of the main container: ${code}\n`;

        it("passes when the run ends Batch.ContainerFailed and the alert names exit code 3; cleans up the queue", async () => {
            const run = serveRun(world, failedWith(RUN_FAILURES.containerFailed), []);
            serveQueue((name) => [alert(name, 3)]);
            const detail = await failureAlerts.run(context(world, 15 * MINUTE));
            assert.deepStrictEqual(JSON.parse(run.inputs[0]), FAILING_INPUT);
            assert.match(detail, /FAILED Batch\.ContainerFailed; the alert reached the topic and says "Exit code of the main container: 3"/);
            const policy = JSON.parse(world.mocks.sqs.commandCalls(SetQueueAttributesCommand)[0].args[0].input.Attributes!.Policy!);
            assert.deepStrictEqual(policy.Statement[0].Condition, { ArnEquals: { "aws:SourceArn": TOPIC } });
            assert.strictEqual(policy.Statement[0].Action, "sqs:SendMessage");
            assert.strictEqual(world.mocks.sns.commandCalls(UnsubscribeCommand).length, 1);
            assert.strictEqual(world.mocks.sqs.commandCalls(DeleteQueueCommand).length, 1);
        });

        it("reads an alert delivered in SNS's JSON envelope too", async () => {
            serveRun(world, failedWith(RUN_FAILURES.containerFailed), []);
            serveQueue((name) => [JSON.stringify({ Type: "Notification", TopicArn: TOPIC, Message: alert(name, 3) })]);
            await failureAlerts.run(context(world, 15 * MINUTE));
            assert.deepStrictEqual(notificationOf("plain text"), { type: "Notification", message: "plain text" });
        });

        it("fails when the alert names another exit code, and still cleans up", async () => {
            serveRun(world, failedWith(RUN_FAILURES.containerFailed), []);
            serveQueue((name) => [alert(name, 1)]);
            await rejects(failureAlerts.run(context(world, 15 * MINUTE)), "CheckFailure", /does not name exit code 3 \(Exit code of the main container: 1\)/);
            assert.strictEqual(world.mocks.sqs.commandCalls(DeleteQueueCommand).length, 1);
        });

        it("fails when the run ends another way", async () => {
            serveRun(world, ev("ExecutionSucceeded"), []);
            serveQueue(() => []);
            await rejects(failureAlerts.run(context(world, 15 * MINUTE)), "CheckFailure", /ended SUCCEEDED, not FAILED Batch\.ContainerFailed/);
        });

        it("times out when no alert arrives, and still deletes the queue and subscription", async () => {
            serveRun(world, failedWith(RUN_FAILURES.containerFailed), []);
            serveQueue(() => ["an alert of another run"]);
            await rejects(failureAlerts.run(context(world, 15 * MINUTE)), "CheckTimeout", /timed out waiting for the alert of run run-20260301T020000Z-a1b2c3d4 .*\(last seen: 1 other message\(s\)\)/);
            assert.strictEqual(world.mocks.sns.commandCalls(UnsubscribeCommand).length, 1);
            assert.strictEqual(world.mocks.sqs.commandCalls(DeleteQueueCommand).length, 1);
        });
    });

    describe("check 4: a run past its timeout", () => {
        const serveTasks = (statuses: string[], stoppedReason = "Timed out after 180 s (run run-20260301T020000Z-a1b2c3d4)", stopCode = "UserInitiated") => {
            world.mocks.ecs.on(DescribeTasksCommand).callsFake(() => {
                const last = statuses.length > 1 ? statuses.shift()! : statuses[0];
                return { tasks: [{ taskArn: TASK, desiredStatus: "STOPPED", lastStatus: last, stoppedReason, stopCode }] };
            });
        };

        it("passes when the run ends Batch.TimedOut and its task is stopped", async () => {
            const run = serveRun(world, failedWith(RUN_FAILURES.timedOut), []);
            serveTasks(["DEPROVISIONING", "STOPPED"]);
            const detail = await timeoutStops.run(context(world, 13 * MINUTE));
            assert.deepStrictEqual(JSON.parse(run.inputs[0]), { command: [`sleep ${E2E_BATCH_TIMEOUT_SECONDS * 5}`] });
            assert.strictEqual(detail, 'run run-20260301T020000Z-a1b2c3d4 FAILED Batch.TimedOut; 1 task(s) STOPPED by the runner ("Timed out after 180 s (run run-20260301T020000Z-a1b2c3d4)")');
            assert.strictEqual(startedByOf("run-1").length, 32, "the runner's startedBy is an MD5, 32 characters");
        });

        it("fails when the run ends as a crash instead", async () => {
            serveRun(world, failedWith(RUN_FAILURES.containerFailed), []);
            await rejects(timeoutStops.run(context(world, 13 * MINUTE)), "CheckFailure", /not FAILED Batch\.TimedOut/);
        });

        it("fails when the task stopped, but not by the runner (it ended by itself)", async () => {
            serveRun(world, failedWith(RUN_FAILURES.timedOut), []);
            serveTasks(["STOPPED"], "Essential container in task exited", "EssentialContainerExited");
            await rejects(timeoutStops.run(context(world, 13 * MINUTE)), "CheckFailure", /stopped, but not by the runner: its reason is "Essential container in task exited" \(stop code EssentialContainerExited\), not "Timed out after 180 s \(run run-20260301T020000Z-a1b2c3d4\)"/);
        });

        it("times out when the task never stops", async () => {
            serveRun(world, failedWith(RUN_FAILURES.timedOut), []);
            serveTasks(["RUNNING"]);
            await rejects(timeoutStops.run(context(world, 13 * MINUTE)), "CheckTimeout", /the task\(s\) of run .* to stop \(last seen: 0123456789abcdef desired STOPPED last RUNNING\)/);
        });
    });

    describe("check 5: a sharded run with a failing shard alerts once, naming it", () => {
        function serveQueue(bodies: (name: string) => string[]): void {
            serveAlertQueue(world);
            // Each message is delivered once, for the run as it was started (its name has the time it started at).
            let queued: string[] | undefined;
            world.mocks.sqs.on(ReceiveMessageCommand).callsFake(() => {
                const name = world.mocks.sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name;
                queued ??= name ? bodies(name) : undefined;
                return { Messages: (queued ?? []).splice(0, 10).map((Body) => ({ Body, ReceiptHandle: "r" })) };
            });
        }
        const alert = (name: string, shards: string[]) =>
            [`Batch task export (stack e2e): run ${name} failed: ${shards.length} of 3 shards failed (tolerated: 0%).`, "", "Status: Batch.ShardsFailed", ...shards.map((k) => `Shard ${k}: failed. Exit code: 3. Stop code: EssentialContainerExited. Stop reason: Essential container in task exited. Attempts: 3 of 3. Logs: https://x`), "Started: x"].join("\n");

        it("turns parallel on with a command (the export script cannot be split), runs shard 1 to exit 3, and passes on one alert naming shard 1", async () => {
            const stack = new StubStack("e2e-test");
            const run = serveRun(world, failedWith(RUN_FAILURES.shardsFailed), []);
            serveQueue((name) => [alert(name, ["1"])]);
            const detail = await shardedFailureAlerts.run(context(world, 25 * MINUTE, stack));
            assert.deepStrictEqual(stack.calls, ["setConfig fargate-workloads:batch", "setConfig fargate-workloads:batch", "up"]);
            assert.deepStrictEqual((stack.config["fargate-workloads:batch"] as any).parallel, { shards: 3, maxConcurrent: 3 });
            assert.deepStrictEqual(JSON.parse(run.inputs[0]), FAILING_SHARD_INPUT);
            assert.match(detail, /^run run-\d{8}T\d{6}Z-a1b2c3d4 FAILED Batch\.ShardsFailed; one alert, naming "Shard 1: failed\. Exit code: 3"$/);
            assert.strictEqual(world.mocks.sqs.commandCalls(DeleteQueueCommand).length, 1);
        });

        it("makes exactly shard 1 of 3 exit 3 under the batch container's entry point (/bin/sh -c)", () => {
            for (const shard of ["0", "1", "2"]) {
                const out = spawnSync("/bin/sh", ["-c", FAILING_SHARD_INPUT.command[0]], { env: { ...process.env, SHARD_INDEX: shard, SHARD_COUNT: "3" }, encoding: "utf8" });
                assert.strictEqual(out.status, shard === "1" ? 3 : 0, `shard ${shard}`);
            }
        });

        it("fails when a second alert of the run comes, one a shard", async () => {
            serveRun(world, failedWith(RUN_FAILURES.shardsFailed), []);
            serveQueue((name) => [alert(name, ["1"]), alert(name, ["1"])]);
            await rejects(shardedFailureAlerts.run(context(world, 25 * MINUTE)), "CheckFailure", /sent 2 alerts, not one/);
        });

        it("fails when the alert names another shard, or none", async () => {
            serveRun(world, failedWith(RUN_FAILURES.shardsFailed), []);
            serveQueue((name) => [alert(name, ["0", "1"])]);
            await rejects(shardedFailureAlerts.run(context(world, 25 * MINUTE)), "CheckFailure", /does not name shard 1 alone with exit code 3/);
        });
    });

    describe("check 6: a tags-only update does not deploy", () => {
        const tagged = (owner: string) => ({ tags: [{ key: "owner", value: owner }] });
        it("passes when the PRIMARY deployment stays the only one and the service carries the new owner", async () => {
            const stack = new StubStack("e2e-test");
            const owner = `e2e-${T0}`;
            serveService(world, [service(1, [deployment("ecs-svc/1", WEB_TD(1))]), service(1, [deployment("ecs-svc/1", WEB_TD(1))], tagged(owner))]);
            const detail = await scalingKeepsDeployment.run(context(world, 20 * MINUTE, stack));
            assert.strictEqual(detail, `owner tag ${owner}; still one deployment, ecs-svc/1`);
            assert.deepStrictEqual(stack.calls, ["setConfig fargate-workloads:owner", "up"]);
            assert.strictEqual(stack.config["fargate-workloads:owner"], owner);
        });

        it("fails when a new deployment started", async () => {
            serveService(world, [service(1, [deployment("ecs-svc/1", WEB_TD(1))]), service(1, [deployment("ecs-svc/2", WEB_TD(2)), { ...deployment("ecs-svc/1", WEB_TD(1)), status: "ACTIVE" }], tagged(`e2e-${T0}`))]);
            await rejects(scalingKeepsDeployment.run(context(world, 20 * MINUTE)), "CheckFailure", /started a new deployment: PRIMARY was ecs-svc\/1, is now ecs-svc\/2 \(deployments: ecs-svc\/2 PRIMARY COMPLETED, ecs-svc\/1 ACTIVE COMPLETED\)/);
        });

        it("fails when the update never reached the service (its tag is the old one)", async () => {
            serveService(world, [service(1, [deployment("ecs-svc/1", WEB_TD(1))]), service(1, [deployment("ecs-svc/1", WEB_TD(1))], tagged("todo-team"))]);
            await rejects(scalingKeepsDeployment.run(context(world, 20 * MINUTE)), "CheckFailure", /owner tag is todo-team after the update/);
        });

        it("times out when up does not finish, and aborts the update", async () => {
            const stack = new StubStack("e2e-test");
            let aborted = false;
            stack.upBehaviours = [(signal) => (signal.addEventListener("abort", () => (aborted = true)), hangingUp(signal))];
            serveService(world, [service(1, [deployment("ecs-svc/1", WEB_TD(1))])]);
            await rejects(scalingKeepsDeployment.run(context(world, 20 * MINUTE, stack)), "CheckTimeout", /pulumi up \(owner tag\) did not finish in time/);
            assert.ok(aborted);
        });
    });

    describe("check 7: a bad deploy rolls back", () => {
        it("passes when up fails and the service is back on the previous task definition", async () => {
            const stack = new StubStack("e2e-test");
            stack.upBehaviours = [async () => Promise.reject(new Error("error: updating ECS Service: deployment failed: ROLLBACK_SUCCESSFUL"))];
            serveService(world, [
                service(2, [deployment("ecs-svc/1", WEB_TD(1))]),
                service(2, [deployment("ecs-svc/2", WEB_TD(2), { rolloutState: "IN_PROGRESS" }), { ...deployment("ecs-svc/1", WEB_TD(1)), status: "ACTIVE" }]),
                service(2, [deployment("ecs-svc/3", WEB_TD(1))], { events: [{ message: "(service web-service) rolling back to deployment ecs-svc/1." }] }),
            ]);
            const detail = await badDeployRollsBack.run(context(world, 40 * MINUTE, stack));
            assert.match(detail, /^up failed \(error: updating ECS Service: deployment failed: ROLLBACK_SUCCESSFUL\); the service is back on .*web-task:1; ECS: "\(service web-service\) rolling back/);
            assert.deepStrictEqual((stack.config["fargate-workloads:web"] as any).environment, { ASPNETCORE_HTTP_PORTS: "8081" });
        });

        it("fails when up succeeds", async () => {
            serveService(world, [service(2, [deployment("ecs-svc/1", WEB_TD(1))])]);
            await rejects(badDeployRollsBack.run(context(world, 40 * MINUTE)), "CheckFailure", /pulumi up succeeded with a task that fails its health check/);
        });

        it("times out when the service never returns to the previous task definition", async () => {
            const stack = new StubStack("e2e-test");
            stack.upBehaviours = [async () => Promise.reject(new Error("deployment failed"))];
            serveService(world, [service(2, [deployment("ecs-svc/1", WEB_TD(1))]), service(2, [deployment("ecs-svc/2", WEB_TD(2), { rolloutState: "FAILED" })])]);
            await rejects(badDeployRollsBack.run(context(world, 40 * MINUTE, stack)), "CheckTimeout", /to roll back to .*web-task:1 \(last seen: task definition .*web-task:2; deployments: ecs-svc\/2 PRIMARY FAILED\)/);
        });
    });

    describe("every check can fail", () => {
        // One bad case per check: the broken promise each exists to catch.
        const badCases: Record<number, { what: string; setup: (w: FakeWorld) => void; error: RegExp }> = {
            1: { what: "ECS took longer than the model", setup: (w) => serveService(w, [service(1, [deployment("ecs-svc/1", WEB_TD(1), { updatedAt: new Date(T0 + 600_000) })])]), error: /longer than the modeled 440 s/ },
            2: { what: "the run failed", setup: (w) => serveRun(w, failedWith(RUN_FAILURES.containerFailed), []), error: /not SUCCEEDED/ },
            3: {
                what: "a failing input that succeeds (a command the entry point swallows)",
                setup: (w) => {
                    serveRun(w, ev("ExecutionSucceeded"), []);
                    serveAlertQueue(w);
                },
                error: /ended SUCCEEDED, not FAILED Batch\.ContainerFailed/,
            },
            4: { what: "a timed-out run reported as a crash", setup: (w) => serveRun(w, failedWith(RUN_FAILURES.containerFailed), []), error: /not FAILED Batch\.TimedOut/ },
            5: {
                what: "a sharded run whose failing shard is not named",
                setup: (w) => {
                    serveRun(w, ev("ExecutionSucceeded"), []);
                    serveAlertQueue(w);
                },
                error: /ended SUCCEEDED, not FAILED Batch\.ShardsFailed/,
            },
            6: {
                what: "a tags-only update that starts a deployment",
                setup: (w) => serveService(w, [service(1, [deployment("ecs-svc/1", WEB_TD(1))]), service(1, [deployment("ecs-svc/2", WEB_TD(1))], { tags: [{ key: "owner", value: `e2e-${T0}` }] })]),
                error: /started a new deployment/,
            },
            7: { what: "a bad deploy that up reports as a success", setup: (w) => serveService(w, [service(2, [deployment("ecs-svc/1", WEB_TD(1))])]), error: /pulumi up succeeded with a task that fails its health check/ },
        };

        it("has a bad case for each of the checks", () => {
            assert.deepStrictEqual(Object.keys(badCases).map(Number), CHECKS.map((c) => c.id));
        });

        for (const check of CHECKS) {
            it(`check ${check.id} fails on its bad case: ${badCases[check.id]?.what}`, async () => {
                badCases[check.id].setup(world);
                await rejects(check.run(context(world, check.timeoutMs(checkSettings(e2eConfig(SOURCE))))), "CheckFailure", badCases[check.id].error);
            });
        }
    });

    describe("the run: up, checks, always destroy", () => {
        const options = (checks: readonly Check[]): E2eOptions => ({ source: SOURCE, reportPath: "/tmp/report.json", checks, pollMs: 5000 });
        const check = (id: number, run: Check["run"]): Check => ({ id, name: `check ${id}`, timeoutMs: () => MINUTE, run });
        const report = () => JSON.parse(world.files["/tmp/report.json"]);
        /** The stack operations after its configuration was set. */
        const ops = (stack: StubStack) => stack.calls.filter((c) => !c.startsWith("setConfig "));

        it("passes: up, every check, destroy, remove; writes the report", async () => {
            const code = await runE2e(world, options([check(1, async () => "fine"), check(2, async () => "also fine")]));
            assert.strictEqual(code, E2E_EXIT.passed);
            const stack = world.stacks[0];
            assert.match(stack.name, /^e2e-20260301t0200-a1b2c3$/);
            assert.deepStrictEqual(ops(stack), ["up", "destroy", "remove"]);
            assert.deepStrictEqual(
                report().checks.map((c: any) => [c.id, c.status, c.detail]),
                [
                    [1, "passed", "fine"],
                    [2, "passed", "also fine"],
                ],
            );
            assert.strictEqual(report().exitCode, 0);
            assert.ok(world.reportLines.some((l) => /^PASSED .* 1\. check 1: fine$/.test(l)));
            assert.ok(world.reportLines.includes("exit code 0: 2 of 2 checks passed"));
        });

        it("gives the new stack the dev configuration with the lowered batch timeout", async () => {
            await runE2e(world, options([]));
            assert.deepStrictEqual(world.createdWith, e2eConfig(SOURCE));
            assert.strictEqual((world.createdWith?.["fargate-workloads:batch"] as any).timeoutSeconds, E2E_BATCH_TIMEOUT_SECONDS);
            assert.strictEqual(world.createdWith?.["aws:region"], REGION);
        });

        it("records a check that throws, runs the rest, and still destroys the stack", async () => {
            const ran: number[] = [];
            const code = await runE2e(
                world,
                options([
                    check(1, async () => {
                        throw new TypeError("Cannot read properties of undefined");
                    }),
                    check(2, async () => (ran.push(2), "fine")),
                ]),
            );
            assert.strictEqual(code, E2E_EXIT.checkFailed);
            assert.deepStrictEqual(ran, [2]);
            assert.deepStrictEqual(ops(world.stacks[0]), ["up", "destroy", "remove"]);
            assert.deepStrictEqual(report().checks[0].status, "failed");
            assert.match(report().checks[0].detail, /unexpected error: TypeError: Cannot read properties of undefined/);
        });

        it("destroys the stack after up fails, and runs no check", async () => {
            let ran = false;
            world.backend.createStack = async (name) => {
                const stack = new StubStack(name);
                stack.upBehaviours = [async () => Promise.reject(new Error("error: creating ALB: AccessDenied\nmore"))];
                world.stacks.push(stack);
                return stack;
            };
            const code = await runE2e(world, options([check(1, async () => ((ran = true), ""))]));
            assert.strictEqual(code, E2E_EXIT.setupFailed);
            assert.strictEqual(ran, false);
            assert.deepStrictEqual(ops(world.stacks[0]), ["up", "destroy", "remove"]);
            assert.deepStrictEqual(report().up.status, "failed");
            assert.match(report().up.detail, /AccessDenied/);
            assert.strictEqual(report().checks[0].status, "not run");
        });

        it("destroys the stack when interrupted during a check, and skips the rest", async () => {
            const code = await runE2e(
                world,
                options([
                    check(1, async () => {
                        world.controller.abort();
                        throw new Error("aborted");
                    }),
                    check(2, async () => "never"),
                ]),
            );
            assert.strictEqual(code, E2E_EXIT.interrupted);
            assert.deepStrictEqual(ops(world.stacks[0]), ["up", "destroy", "remove"]);
            assert.deepStrictEqual(
                report().checks.map((c: any) => c.status),
                ["not run", "not run"],
            );
        });

        it("retries a failed destroy, and reports the stack left behind when it keeps failing", async () => {
            world.backend.createStack = async (name) => {
                const stack = new StubStack(name);
                stack.destroyFailures = 3;
                world.stacks.push(stack);
                return stack;
            };
            const code = await runE2e(world, options([check(1, async () => "fine")]));
            assert.strictEqual(code, E2E_EXIT.cleanupFailed);
            assert.deepStrictEqual(ops(world.stacks[0]), ["up", "destroy", "destroy", "destroy"]);
            assert.match(report().leftBehind, /^stack e2e-.* still has resources: run `pulumi destroy --stack e2e-\S+ --yes && pulumi stack rm e2e-\S+ --yes`/);
            assert.ok(world.reportLines.some((l) => l.startsWith("LEFT BEHIND: ")));
        });

        it("goes on after one failed destroy attempt", async () => {
            world.backend.createStack = async (name) => {
                const stack = new StubStack(name);
                stack.destroyFailures = 1;
                world.stacks.push(stack);
                return stack;
            };
            assert.strictEqual(await runE2e(world, options([check(1, async () => "fine")])), E2E_EXIT.passed);
            assert.deepStrictEqual(ops(world.stacks[0]), ["up", "destroy", "destroy", "remove"]);
        });

        const withStack = (setup: (stack: StubStack) => void) => {
            world.backend.createStack = async (name) => {
                const stack = new StubStack(name);
                setup(stack);
                world.stacks.push(stack);
                return stack;
            };
        };

        it("destroys and removes a stack whose configuration could not be set, and says which step failed", async () => {
            withStack((stack) => (stack.setConfigFailsAt = "fargate-workloads:web"));
            const code = await runE2e(world, options([check(1, async () => "fine")]));
            assert.strictEqual(code, E2E_EXIT.setupFailed);
            assert.deepStrictEqual(ops(world.stacks[0]), ["destroy", "remove"]);
            assert.strictEqual(report().config.status, "failed");
            assert.match(report().config.detail, /invalid configuration key 'fargate-workloads:web'/);
            assert.strictEqual(report().up.status, "not run");
            assert.ok(world.reportLines.some((l) => /^FAILED .* pulumi config set: Error: error: invalid configuration key/.test(l)), world.reportLines.join("\n"));
            assert.ok(!world.reportLines.some((l) => l.startsWith("LEFT BEHIND")));
        });

        it("names the stack LEFT BEHIND when a stack whose configuration failed cannot be removed", async () => {
            withStack((stack) => {
                stack.setConfigFailsAt = "aws:region";
                stack.removeFails = true;
            });
            assert.strictEqual(await runE2e(world, options([])), E2E_EXIT.cleanupFailed);
            assert.ok(world.reportLines.includes(`LEFT BEHIND: stack ${world.stacks[0].name} is empty but not removed: run \`pulumi stack rm ${world.stacks[0].name} --yes\``), world.reportLines.join("\n"));
        });

        it("still prints the report, LEFT BEHIND line included, when the report file cannot be written", async () => {
            withStack((stack) => (stack.destroyFailures = 3));
            world.writeFile = () => {
                throw new Error("EACCES: permission denied, open '/tmp/report.json'");
            };
            assert.strictEqual(await runE2e(world, options([check(1, async () => "fine")])), E2E_EXIT.cleanupFailed);
            assert.ok(world.reportLines.some((l) => l.startsWith(`LEFT BEHIND: stack ${world.stacks[0].name} still has resources`)), world.reportLines.join("\n"));
            assert.ok(world.reportLines.some((l) => /^e2e: the report could not be written to \/tmp\/report\.json: .*EACCES/.test(l)));
        });

        /** A Ctrl-C during `up`, as the e2e process gets it (run.ts wires `onSignal` to the process's signals). */
        function interruptDuringUp(stack: StubStack, signal: "SIGINT" | "SIGTERM", inTerminal: boolean): void {
            stack.upBehaviours = [
                (upSignal) =>
                    new Promise((_, reject) => {
                        // A terminal's Ctrl-C goes to the whole foreground group: `pulumi` gets it too.
                        if (signal === "SIGINT" && inTerminal) {
                            stack.sigints++;
                        }
                        const action = onSignal(signal, world.interrupt.aborted, inTerminal);
                        if (action.interrupt) {
                            world.controller.abort();
                        }
                        if (action.cancelPulumi) {
                            world.cancelController.abort();
                        }
                        // `pulumi` cancels the update on its first SIGINT (and would terminate on a second).
                        if (stack.sigints > 0) {
                            setImmediate(() => reject(new Error(stack.sigints > 1 ? "terminated" : "update canceled")));
                        } else {
                            upSignal.addEventListener("abort", () => reject(new Error("update canceled")));
                        }
                    }),
            ];
        }

        for (const [signal, inTerminal] of [["SIGINT", true], ["SIGINT", false], ["SIGTERM", true], ["SIGTERM", false]] as const) {
            it(`cancels up with exactly one SIGINT to pulumi on ${signal}${inTerminal ? " in a terminal" : " sent to this process alone"}, then destroys and removes the stack`, async () => {
                withStack((stack) => interruptDuringUp(stack, signal, inTerminal));
                const code = await runE2e(world, options([check(1, async () => "never")]));
                const stack = world.stacks[0];
                assert.strictEqual(code, E2E_EXIT.interrupted);
                assert.strictEqual(stack.sigints, 1, "a second SIGINT would make pulumi terminate at once, orphaning resources");
                assert.deepStrictEqual(ops(stack), ["up", "destroy", "remove"]);
                assert.strictEqual(report().checks[0].status, "not run");
            });
        }

        it("answers later signals with a line only: the destroy goes on", () => {
            assert.deepStrictEqual(onSignal("SIGINT", true, true), { interrupt: false, cancelPulumi: false, line: "[e2e] SIGINT: the stack is being destroyed; killing this process now would leave its resources behind." });
            assert.deepStrictEqual(onSignal("SIGTERM", true, false), { interrupt: false, cancelPulumi: false, line: "[e2e] SIGTERM: the stack is being destroyed; killing this process now would leave its resources behind." });
            assert.strictEqual(onSignal("SIGINT", false, true).cancelPulumi, false, "the terminal's Ctrl-C reached pulumi");
            assert.strictEqual(onSignal("SIGINT", false, false).cancelPulumi, true);
            assert.strictEqual(onSignal("SIGTERM", false, true).cancelPulumi, true, "a terminal never sends SIGTERM");
        });

        it("exits 2 and destroys nothing when the stack cannot be created", async () => {
            world.createFails = true;
            assert.strictEqual(await runE2e(world, options([check(1, async () => "fine")])), E2E_EXIT.setupFailed);
            assert.strictEqual(world.stacks.length, 0);
        });

        it("without the Pulumi CLI: one line, exit 77, nothing else", async () => {
            world.pulumi = undefined;
            const code = await runE2e(world, options(CHECKS));
            assert.strictEqual(code, E2E_EXIT.notRun);
            assert.deepStrictEqual(world.reportLines, ["e2e: not run: no Pulumi CLI found (`pulumi version` failed); install it from https://www.pulumi.com/docs/install/ and try again."]);
            assert.deepStrictEqual(world.progressLines, []);
            assert.strictEqual(world.mocks.sts.calls().length, 0);
            assert.strictEqual(world.stacks.length, 0);
            assert.deepStrictEqual(world.files, {});
        });

        it("without AWS credentials: one line, exit 77, nothing else", async () => {
            world.mocks.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
            const code = await runE2e(world, options(CHECKS));
            assert.strictEqual(code, E2E_EXIT.notRun);
            assert.deepStrictEqual(world.reportLines, ["e2e: not run: no AWS credentials (Could not load credentials from any providers); set them as for the AWS CLI (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and try again."]);
            assert.deepStrictEqual(world.progressLines, []);
            assert.strictEqual(world.stacks.length, 0);
            assert.deepStrictEqual(world.files, {});
        });

        it("exits 2 when AWS refuses the credentials, creating nothing", async () => {
            world.mocks.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken" }));
            assert.strictEqual(await runE2e(world, options(CHECKS)), E2E_EXIT.setupFailed);
            assert.match(world.reportLines[0], /^e2e: cannot start: STS GetCallerIdentity failed: AWS refused the credentials/);
            assert.strictEqual(world.stacks.length, 0);
        });
    });

    describe("the nightly workflow", () => {
        const wf = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "e2e.yml"), "utf8"));
        const steps: any[] = wf.jobs.e2e.steps;
        const step = (uses: string) => steps.find((s) => String(s.uses ?? "").startsWith(uses));

        it("runs on demand and nightly, with an OIDC role and Node 22", () => {
            assert.ok("workflow_dispatch" in wf.on);
            assert.match(wf.on.schedule[0].cron, /^\S+ \S+ \* \* \*$/);
            assert.strictEqual(wf.permissions["id-token"], "write");
            assert.strictEqual(step("actions/setup-node").with["node-version"], 22);
            assert.strictEqual(step("aws-actions/configure-aws-credentials").with["role-to-assume"], "${{ secrets.AWS_E2E_ROLE_ARN }}");
            assert.ok(step("pulumi/actions") || step("pulumi/setup-pulumi"));
        });

        it("runs npm run e2e after npm ci and uploads the report even when it fails", () => {
            const runs = steps.map((s) => s.run).filter((r) => r);
            assert.ok(runs.indexOf("npm ci") < runs.findIndex((r: string) => /npm run e2e/.test(r)));
            const upload = step("actions/upload-artifact");
            assert.strictEqual(upload.if, "always()");
            const e2e = steps.find((s) => /npm run e2e/.test(s.run ?? ""));
            assert.strictEqual(upload.with.path, e2e.env.E2E_REPORT);
        });
    });
});
