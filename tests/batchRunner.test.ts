import * as assert from "assert";
import * as crypto from "crypto";
import { CAPACITY_ERRORS, consoleLogName, RUN_ENVIRONMENT, RUN_FAILURES, STATES } from "../components/batchRunner";
import { BatchTask, BatchTaskArgs } from "../components/batchTask";
import { outputValue } from "../components/testing";
import { parsed } from "./helpers";
import { mocks } from "./setup";
import { runStateMachine, StatesError, TaskHandler, unparsableExpressions } from "./stateMachine";

const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"] };
const base: BatchTaskArgs = { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network };
const RUN = "nightly-2026-12-02";
const STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:job-runner-1a2b3c4";
const context = {
    Execution: { Id: `arn:aws:states:us-east-1:123456789012:execution:job-runner:${RUN}`, Name: RUN, StartTime: "2026-12-02T03:00:00.123Z" },
    StateMachine: { Id: STATE_MACHINE, Name: "job-runner-1a2b3c4" },
};
/** ListExecutions' answer with only this run running. */
const onlyThisRun = { Executions: [{ ExecutionArn: context.Execution.Id, Name: RUN, Status: "RUNNING" }] };
const TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/job-cluster/0123456789abcdef0123456789abcdef";
const RUN_TASK = "arn:aws:states:::ecs:runTask.sync";
const PUBLISH = "arn:aws:states:::sns:publish";

async function definitionOf(args: Partial<BatchTaskArgs> = {}): Promise<any> {
    const job = new BatchTask("job", { ...base, ...args });
    await outputValue(job.runCommand);
    await mocks.settle();
    return parsed(mocks.one("aws:sfn/stateMachine:StateMachine", "job-runner").inputs.definition);
}

/** The description of a stopped task, as `.sync` puts it in a failure's cause. */
function stoppedTask(containers: { name: string; exitCode?: number }[], stopCode = "EssentialContainerExited", reason = "Essential container in task exited"): string {
    return JSON.stringify({
        TaskArn: TASK_ARN,
        LastStatus: "STOPPED",
        StopCode: stopCode,
        StoppedReason: reason,
        Containers: containers.map((c) => ({ Name: c.name, LastStatus: "STOPPED", ...(c.exitCode !== undefined ? { ExitCode: c.exitCode } : {}) })),
    });
}

/** A handler that answers RunTask from a list of outcomes, in order, and every other call with `{}`. */
function runTasks(...outcomes: (unknown | StatesError)[]): TaskHandler {
    let i = 0;
    return ({ resource }) => {
        if (resource === RUN_TASK) {
            const outcome = outcomes[Math.min(i++, outcomes.length - 1)];
            if (outcome instanceof StatesError) {
                throw outcome;
            }
            return outcome;
        }
        if (resource.endsWith(":listTasks")) {
            return { TaskArns: [TASK_ARN] };
        }
        if (resource.endsWith(":listExecutions")) {
            return onlyThisRun;
        }
        return {};
    };
}

const succeeded = { TaskArn: TASK_ARN, LastStatus: "STOPPED", Containers: [{ Name: "app", ExitCode: 0 }] };
const exited = (code: number) => new StatesError("States.TaskFailed", stoppedTask([{ name: "app", exitCode: code }]));
const runTaskCalls = (calls: { resource: string; args: any }[]) => calls.filter((c) => c.resource === RUN_TASK);
const published = (calls: { resource: string; args: any }[]) => calls.filter((c) => c.resource === PUBLISH);

describe("BatchTask runner (the state machine, run with the JSONata engine)", () => {
    it("holds only expressions the JSONata engine parses, in every state and field", async () => {
        for (const args of [{}, { capacity: "spot" as const }, { alerts: { onSkipped: true } }]) {
            mocks.reset();
            assert.deepStrictEqual(unparsableExpressions(await definitionOf(args)), []);
        }
    });

    it("passes a run's command and environment to the main container, before the run's identity, which input cannot override", async () => {
        const run = await runStateMachine(await definitionOf(), { command: ["sh", "-c", "echo $MODE"], environment: { MODE: "full", DAY: "2026-12-01" } }, context, runTasks(succeeded));
        assert.strictEqual(run.status, "SUCCEEDED");
        assert.deepStrictEqual(runTaskCalls(run.calls)[0].args.Overrides.ContainerOverrides, [
            {
                Name: "app",
                Environment: [
                    { Name: "MODE", Value: "full" },
                    { Name: "DAY", Value: "2026-12-01" },
                    { Name: RUN_ENVIRONMENT.runId, Value: RUN },
                    { Name: RUN_ENVIRONMENT.startedAt, Value: "2026-12-02T03:00:00.123Z" },
                    { Name: RUN_ENVIRONMENT.attempt, Value: "1" },
                ],
                Command: ["sh", "-c", "echo $MODE"],
            },
        ]);
    });

    it("refuses a run whose input it does not understand, without starting a task, and says why", async () => {
        const cases: [unknown, string][] = [
            [{ comand: ["x"] }, 'unknown key "comand" (known: command, environment)'],
            [{ command: "echo hi" }, "command must be a list of strings"],
            [{ environment: { N: 1 } }, "environment.N must be a string"],
            [{ environment: { BATCH_RUN_ID: "mine" } }, "environment.BATCH_RUN_ID is set by the runner"],
            [[1, 2], 'the input must be a JSON object such as {"command": ["sh", "-c", "date"]}'],
        ];
        for (const [input, problem] of cases) {
            mocks.reset();
            const run = await runStateMachine(await definitionOf(), input, context, runTasks(succeeded));
            assert.strictEqual(run.error, RUN_FAILURES.invalidInput, JSON.stringify(input));
            assert.strictEqual(runTaskCalls(run.calls).length, 0);
            assert.strictEqual(run.cause, `was refused: its input is not valid: Batch.InvalidInput The run input was refused: ${problem}`);
            assert.match(published(run.calls)[0].args.Message, /run nightly-2026-12-02 was refused: its input is not valid\./);
        }
    });

    it("skips a run while concurrency runs are running: no task, FAILED Batch.Skipped, no alert unless asked", async () => {
        const another = { Executions: [onlyThisRun.Executions[0], { ExecutionArn: `${context.Execution.Id}-other`, Name: "yesterday", Status: "RUNNING" }] };
        const busy: TaskHandler = (call) => (call.resource.endsWith(":listExecutions") ? another : runTasks(succeeded)(call));
        const run = await runStateMachine(await definitionOf(), {}, context, busy);
        assert.strictEqual(run.error, RUN_FAILURES.skipped);
        assert.strictEqual(run.cause, "Skipped: 1 run(s) already running (yesterday), and concurrency is 1.");
        assert.strictEqual(runTaskCalls(run.calls).length, 0);
        assert.deepStrictEqual(published(run.calls), []);
        const list = run.calls.find((c) => c.resource.endsWith(":listExecutions"))!;
        assert.deepStrictEqual(list.args, { StateMachineArn: STATE_MACHINE, StatusFilter: "RUNNING", MaxResults: 2 });
        mocks.reset();
        const two = await runStateMachine(await definitionOf({ concurrency: 2 }), {}, context, busy);
        assert.strictEqual(two.status, "SUCCEEDED", "with concurrency 2, one other run leaves room");
        mocks.reset();
        const alerted = await runStateMachine(await definitionOf({ alerts: { onSkipped: true } }), {}, context, busy);
        assert.strictEqual(alerted.error, RUN_FAILURES.skipped);
        assert.match(published(alerted.calls)[0].args.Message, /was skipped: another run is still running\./);
    });

    it("runs the task once, tagged with a hash of the run, giving the main container the run's identity", async () => {
        const run = await runStateMachine(await definitionOf(), {}, context, runTasks(succeeded));
        assert.strictEqual(run.status, "SUCCEEDED");
        const [call] = runTaskCalls(run.calls);
        assert.strictEqual(call.args.StartedBy, crypto.createHash("md5").update(RUN).digest("hex"));
        assert.ok(call.args.StartedBy.length <= 36, "RunTask's startedBy takes at most 36 characters");
        assert.deepStrictEqual(call.args.Overrides.ContainerOverrides, [
            {
                Name: "app",
                Environment: [
                    { Name: RUN_ENVIRONMENT.runId, Value: RUN },
                    { Name: RUN_ENVIRONMENT.startedAt, Value: "2026-12-02T03:00:00.123Z" },
                    { Name: RUN_ENVIRONMENT.attempt, Value: "1" },
                ],
            },
        ]);
        assert.deepStrictEqual(run.output, { status: "SUCCEEDED", runId: RUN, attempt: 1, onDemand: false, taskArn: TASK_ARN, exitCode: 0 });
        assert.deepStrictEqual(published(run.calls), []);
    });

    it("succeeds once, without a retry, when a sidecar is killed after the main container exited 0", async () => {
        const sidecarKilled = new StatesError("States.TaskFailed", stoppedTask([{ name: "app", exitCode: 0 }, { name: "log-router", exitCode: 137 }]));
        const run = await runStateMachine(await definitionOf(), {}, context, runTasks(sidecarKilled, succeeded));
        assert.strictEqual(run.status, "SUCCEEDED");
        assert.strictEqual(runTaskCalls(run.calls).length, 1, "a successful job must not run twice");
        assert.deepStrictEqual(run.path, [STATES.start, STATES.checkInput, STATES.countRunning, STATES.checkConcurrency, STATES.run, STATES.readTask, STATES.judge, STATES.succeeded]);
    });

    it("retries a failed attempt exactly retries.attempts times: attempts 1 gives one retry", async () => {
        const run = await runStateMachine(await definitionOf({ retries: { attempts: 1, intervalSeconds: 10 } }), {}, context, runTasks(exited(3)));
        assert.strictEqual(runTaskCalls(run.calls).length, 2);
        assert.deepStrictEqual(runTaskCalls(run.calls).map((c) => c.args.Overrides.ContainerOverrides[0].Environment[2].Value), ["1", "2"]);
        assert.deepStrictEqual(run.waits, [{ state: STATES.waitRetry, seconds: 10, retry: false }]);
        assert.strictEqual(run.status, "FAILED");
        assert.strictEqual(run.error, RUN_FAILURES.containerFailed);
    });

    it("retries twice by default, one then two minutes apart, and a retry that succeeds ends the run SUCCEEDED", async () => {
        const failing = await runStateMachine(await definitionOf(), {}, context, runTasks(exited(1)));
        assert.strictEqual(runTaskCalls(failing.calls).length, 3);
        assert.deepStrictEqual(failing.waits.map((w) => w.seconds), [60, 120]);
        mocks.reset();
        const recovering = await runStateMachine(await definitionOf(), {}, context, runTasks(exited(1), succeeded));
        assert.strictEqual(recovering.status, "SUCCEEDED");
        assert.strictEqual((recovering.output as any).attempt, 2);
    });

    it("does not retry with attempts 0", async () => {
        const run = await runStateMachine(await definitionOf({ retries: { attempts: 0 } }), {}, context, runTasks(exited(1)));
        assert.strictEqual(runTaskCalls(run.calls).length, 1);
        assert.strictEqual(run.error, RUN_FAILURES.containerFailed);
    });

    it("publishes why a run failed: job, stack, status, exit code, stop reason, error, attempts and links to the execution and the task's own log stream", async () => {
        const run = await runStateMachine(await definitionOf({ retries: { attempts: 1, intervalSeconds: 10 } }), {}, context, runTasks(exited(3)));
        const [alert] = published(run.calls);
        assert.strictEqual(alert.args.Subject, "Batch task job (test): run failed");
        const logs = `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/${consoleLogName("/ecs/fargate-workloads/test/job")}/log-events/app$252Fapp$252F0123456789abcdef0123456789abcdef`;
        assert.strictEqual(
            alert.args.Message,
            [
                `Batch task job (stack test): run ${RUN} failed.`,
                "",
                "Status: Batch.ContainerFailed",
                "Attempts: 2 of 2",
                "Exit code of the main container: 3",
                "Stop code: EssentialContainerExited",
                "Stop reason: Essential container in task exited",
                "Error: States.TaskFailed",
                `Cause: ${stoppedTask([{ name: "app", exitCode: 3 }])}`,
                "Started: 2026-12-02T03:00:00.123Z",
                `Execution: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${context.Execution.Id}`,
                `Task logs: ${logs}`,
            ].join("\n"),
        );
        assert.strictEqual(consoleLogName("/ecs/a b"), "$252Fecs$252Fa$2520b");
        assert.match(run.cause!, /^failed: States\.TaskFailed /);
    });

    it("stops the task of an attempt that timed out (a Task timeout leaves it running), reports it as a timeout, and does not retry", async () => {
        const run = await runStateMachine(await definitionOf({ timeoutSeconds: 600 }), {}, context, runTasks(new StatesError("States.Timeout", "")));
        assert.strictEqual(run.status, "FAILED");
        assert.strictEqual(run.error, RUN_FAILURES.timedOut);
        assert.strictEqual(runTaskCalls(run.calls).length, 1);
        const list = run.calls.find((c) => c.resource.endsWith(":listTasks"))!;
        assert.deepStrictEqual(list.args, { Cluster: runTaskCalls(run.calls)[0].args.Cluster, StartedBy: crypto.createHash("md5").update(RUN).digest("hex"), DesiredStatus: "RUNNING" });
        const stop = run.calls.find((c) => c.resource.endsWith(":stopTask"))!;
        assert.deepStrictEqual(stop.args, { Cluster: list.args.Cluster, Task: TASK_ARN, Reason: `Timed out after 600 s (run ${RUN})` });
        const [alert] = published(run.calls);
        assert.strictEqual(alert.args.Subject, "Batch task job (test): run timed out after 600 s (its task was stopped)");
        assert.match(alert.args.Message, /^Batch task job \(stack test\): run nightly-2026-12-02 timed out after 600 s \(its task was stopped\)\.\n/);
        assert.match(alert.args.Message, /\nCause: The attempt ran longer than 600 s; stopped 1 task\(s\): arn:aws:ecs:/);
    });

    it("retries capacity errors with jittered, capped backoff without spending an attempt, then falls back to on-demand on Fargate Spot", async () => {
        const definition = await definitionOf({ capacity: "spot" });
        const retrier = definition.States[STATES.run].Retry[0];
        assert.deepStrictEqual(retrier, { ErrorEquals: [...CAPACITY_ERRORS], IntervalSeconds: 30, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: "FULL" });
        const noCapacity = new StatesError("ECS.AmazonECSException", "Capacity is unavailable at this time. Please try again later or in a different availability zone");
        const run = await runStateMachine(definition, {}, context, runTasks(noCapacity, noCapacity, noCapacity, noCapacity, noCapacity, noCapacity, succeeded));
        assert.strictEqual(run.status, "SUCCEEDED");
        const calls = runTaskCalls(run.calls);
        assert.strictEqual(calls.length, 7, "one try and five capacity retries on spot, then on demand");
        assert.deepStrictEqual(calls[5].args.CapacityProviderStrategy, [{ CapacityProvider: "FARGATE_SPOT", Weight: 1, Base: 0 }]);
        assert.deepStrictEqual(calls[6].args.CapacityProviderStrategy, [{ CapacityProvider: "FARGATE", Weight: 1, Base: 0 }]);
        assert.ok(calls.every((c) => c.args.Overrides.ContainerOverrides[0].Environment[2].Value === "1"), "capacity retries are the same attempt");
        assert.deepStrictEqual(run.waits.map((w) => w.seconds), [30, 60, 120, 240, 300], "the capped backoff before jitter");
        assert.strictEqual((run.output as any).onDemand, true);
    });

    it("reports capacity that never came, without a fallback when it is off or the task is on demand", async () => {
        const noCapacity = new StatesError("AmazonECS.Unknown", "Capacity is unavailable at this time.");
        for (const args of [{ capacity: "spot" as const, spotFallbackToOnDemand: false }, {}]) {
            mocks.reset();
            const run = await runStateMachine(await definitionOf(args), {}, context, runTasks(noCapacity));
            assert.strictEqual(run.error, RUN_FAILURES.capacityUnavailable);
            assert.strictEqual(runTaskCalls(run.calls).length, 6);
            assert.ok(runTaskCalls(run.calls).every((c) => c.args.CapacityProviderStrategy[0].CapacityProvider === (args.capacity === "spot" ? "FARGATE_SPOT" : "FARGATE")));
            assert.match(published(run.calls)[0].args.Message, /could not get Fargate capacity\.\n[\s\S]*\nTask logs: no task ran$/);
        }
    });

    it("does not retry an error ECS gives before any task exists (permissions, parameters)", async () => {
        const run = await runStateMachine(await definitionOf(), {}, context, runTasks(new StatesError("ECS.AccessDeniedException", "User is not authorized to perform ecs:RunTask")));
        assert.strictEqual(runTaskCalls(run.calls).length, 1);
        assert.strictEqual(run.error, RUN_FAILURES.runTaskFailed);
        assert.match(published(run.calls)[0].args.Message, /\nExit code of the main container: none \(the container did not run to an exit\)\n/);
    });

    it("retries a task that stopped before its container ran (an image that could not be pulled), and says so", async () => {
        const failedToStart = new StatesError("States.TaskFailed", stoppedTask([{ name: "app" }], "TaskFailedToStart", "CannotPullContainerError: pull access denied"));
        const run = await runStateMachine(await definitionOf({ retries: { attempts: 1, intervalSeconds: 5 } }), {}, context, runTasks(failedToStart));
        assert.strictEqual(runTaskCalls(run.calls).length, 2);
        const message = published(run.calls)[0].args.Message;
        assert.match(message, /\nStop code: TaskFailedToStart\nStop reason: CannotPullContainerError: pull access denied\n/);
    });

    it("says when Fargate Spot reclaimed the capacity", async () => {
        const interrupted = new StatesError("States.TaskFailed", stoppedTask([{ name: "app", exitCode: 143 }], "SpotInterruption", "Your Spot Task was interrupted."));
        const run = await runStateMachine(await definitionOf({ capacity: "spot", retries: { attempts: 0 } }), {}, context, runTasks(interrupted));
        assert.match(published(run.calls)[0].args.Message, /\nAttempts: 1 of 1 \(on Fargate Spot\)\n[\s\S]*\nStop code: SpotInterruption \(Fargate Spot reclaimed the capacity\)\n/);
    });

    it("ends with an error the failure rule alerts on when its own alert could not be published", async () => {
        const handler: TaskHandler = (call) => {
            if (call.resource === PUBLISH) {
                throw new StatesError("SNS.AuthorizationErrorException", "not allowed");
            }
            return runTasks(exited(1))(call);
        };
        const run = await runStateMachine(await definitionOf({ retries: { attempts: 0 } }), {}, context, handler);
        assert.strictEqual(run.error, "AlertNotSent");
        assert.ok(!run.error!.startsWith("Batch."));
    });
});
