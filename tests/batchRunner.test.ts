import * as assert from "assert";
import * as crypto from "crypto";
import { spawnSync } from "child_process";
import { CAPACITY_ERRORS, consoleLogName, longestRunIdentity, overrideChars, RESULT_WRITER, RUN_ENVIRONMENT, RUN_FAILURES, RUN_LIMITS, SHARD_ENVIRONMENT, SHARD_LIMITS, STATES, successPath, summarizeRunner, TIMED_OUT_TASK_SEARCH } from "../components/batchRunner";
import { BATCH_TASK_LIMITS, BatchTask, BatchTaskArgs } from "../components/batchTask";
import { MAX_COMPONENT_NAME_LENGTH } from "../components/naming";
import { outputValue } from "../components/testing";
import { parsed } from "./helpers";
import { mocks } from "./setup";
import { answerMapRunApi, historyPage, PAYLOAD_LIMIT_BYTES, runStateMachine, StatesError, TaskHandler, unparsableExpressions } from "./stateMachine";

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

async function definitionOf(args: Partial<BatchTaskArgs> = {}, name = "job"): Promise<any> {
    const job = new BatchTask(name, { ...base, ...args });
    await outputValue(job.runCommand);
    await mocks.settle();
    return parsed(mocks.one("aws:sfn/stateMachine:StateMachine").inputs.definition);
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
const runTaskCalls = <C extends { resource: string }>(calls: C[]) => calls.filter((c) => c.resource === RUN_TASK);
const published = <C extends { resource: string }>(calls: C[]) => calls.filter((c) => c.resource === PUBLISH);

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
            [[1, 2], 'the input must be a JSON object such as {"environment": {"MODE": "full"}}'],
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

    it("gives, in that refusal, an example input that works whatever the image's entry point (`/bin/sh -c` takes one shell string)", async () => {
        const run = await runStateMachine(await definitionOf(), "not an object", context, runTasks(succeeded));
        const example = JSON.parse(/such as (\{.*\})$/.exec(run.cause!)![1]);
        mocks.reset();
        const accepted = await runStateMachine(await definitionOf(), example, context, runTasks(succeeded));
        assert.strictEqual(accepted.status, "SUCCEEDED", "the example is an input the runner takes");
        // A command would run as `<entry point> <command...>`: under `/bin/sh -c` only its first element is the script.
        for (const entryPoint of [[], ["/bin/sh", "-c"]]) {
            for (const command of example.command === undefined ? [] : [example.command]) {
                const [file, ...args] = [...entryPoint, ...command];
                const out = spawnSync(file, args, { encoding: "utf8" });
                assert.ok(out.status === 0 && out.stdout.trim() !== "", `${JSON.stringify([...entryPoint, ...command])} does nothing visible (exit ${out.status}, output ${JSON.stringify(out.stdout)})`);
            }
        }
    });

    describe("an input ECS would refuse at RunTask: overrides over 8,192 characters", () => {
        /** An input whose overrides, with this run's identity and its last attempt's number, are exactly `chars` characters. */
        function inputOf(chars: number, lastAttempt: number): Record<string, unknown> {
            const identity = { runId: RUN, startedAt: context.Execution.StartTime, attempt: lastAttempt };
            const input = { command: ["./export.sh", "--full"], environment: { DATA: "" } };
            const filler = chars - overrideChars(input, identity);
            return { ...input, environment: { DATA: "x".repeat(filler) } };
        }

        it("refuses it before any task starts, naming its size and the limit, counting what the runner adds", async () => {
            const run = await runStateMachine(await definitionOf({ retries: { attempts: 9 } }), inputOf(RUN_LIMITS.overrideChars + 1, 10), context, runTasks(succeeded));
            assert.strictEqual(run.error, RUN_FAILURES.invalidInput);
            assert.strictEqual(runTaskCalls(run.calls).length, 0);
            assert.strictEqual(
                run.cause,
                "was refused: its input is not valid: Batch.InvalidInput The run input was refused: its command and environment make the task's container overrides 8193 characters with the runner's BATCH_RUN_ID, BATCH_RUN_STARTED_AT, BATCH_ATTEMPT, over the 8192 ECS allows (JSON formatting included): pass large values by reference, such as an S3 key",
            );
            assert.match(published(run.calls)[0].args.Message, /was refused: its input is not valid\./);
        });

        it("runs one of exactly 8,192 characters on its last attempt, and counts them as the RunTask call sends them", async () => {
            const input = inputOf(RUN_LIMITS.overrideChars, 3);
            const run = await runStateMachine(await definitionOf({ retries: { attempts: 2, intervalSeconds: 1 } }), input, context, runTasks(exited(1)));
            const calls = runTaskCalls(run.calls);
            assert.strictEqual(calls.length, 3, "every attempt ran");
            // The SDK sends RunTask's overrides with camelCase keys: count them as ECS receives them.
            const camel = (value: unknown): unknown =>
                Array.isArray(value) ? value.map(camel) : typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), camel(v)])) : value;
            assert.strictEqual(JSON.stringify(camel(calls[2].args.Overrides)).length, RUN_LIMITS.overrideChars, "the last attempt's overrides are exactly at the limit");
        });

        it("counts the longest run identity for a schedule's input: an 80-character run id and the last attempt", () => {
            assert.strictEqual(overrideChars({}, longestRunIdentity(11)) - overrideChars({}, { runId: "r", startedAt: "2026-12-02T03:00:00.123Z", attempt: 1 }), 79 + 1);
        });
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

    it("judges a run by the main container wherever DescribeTasks lists it (AWS promises no order): a sidecar first", async () => {
        const sidecarFirst = (app: number, sidecar: number) => new StatesError("States.TaskFailed", stoppedTask([{ name: "log-router", exitCode: sidecar }, { name: "app", exitCode: app }]));
        const ok = await runStateMachine(await definitionOf(), {}, context, runTasks(sidecarFirst(0, 137)));
        assert.strictEqual(ok.status, "SUCCEEDED");
        assert.strictEqual((ok.output as any).exitCode, 0);
        mocks.reset();
        const failed = await runStateMachine(await definitionOf({ retries: { attempts: 0 } }), {}, context, runTasks(sidecarFirst(3, 0)));
        assert.strictEqual(failed.error, RUN_FAILURES.containerFailed);
        assert.match(published(failed.calls)[0].args.Message, /\nExit code of the main container: 3\n/);
    });

    it("retries a failed attempt exactly retries.attempts times: attempts 1 gives one retry", async () => {
        const run = await runStateMachine(await definitionOf({ retries: { attempts: 1, intervalSeconds: 10 } }), {}, context, runTasks(exited(3)));
        assert.strictEqual(runTaskCalls(run.calls).length, 2);
        assert.deepStrictEqual(runTaskCalls(run.calls).map((c) => c.args.Overrides.ContainerOverrides[0].Environment[2].Value), ["1", "2"]);
        assert.deepStrictEqual(run.waits, [{ state: STATES.waitRetry, seconds: 10, retry: false, execution: context.Execution.Id }]);
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

    it("reads back the waits before each retry as the state machine waits them, for the plan", async () => {
        const definition = await definitionOf({ retries: { attempts: 4, intervalSeconds: 7, backoffRate: 1.5 } });
        const run = await runStateMachine(definition, {}, context, runTasks(exited(1)));
        assert.deepStrictEqual(run.waits.map((w) => w.seconds), [7, 10, 15, 23]);
        assert.deepStrictEqual(summarizeRunner(definition).retryWaitsSeconds, [7, 10, 15, 23]);
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

    describe("an attempt that times out (a Task state's timeout leaves the ECS task running)", () => {
        /**
         * ECS as the runner meets it on a timeout: RunTask (`.sync`) records its response in the
         * history (TaskSubmitted), with the task's startedBy either as asked or overwritten by Step
         * Functions, and the attempt times out; ListTasks filters by startedBy; StopTask stops.
         */
        function timingOut(options: { keepsStartedBy: boolean; history?: "ok" | "denied"; listTasks?: "ok" | "denied"; stopTask?: "ok" | "denied"; before?: (StatesError | "exit1")[]; submits?: boolean }) {
            const tasks: { arn: string; startedBy: string; running: boolean }[] = [];
            const before = [...(options.before ?? [])];
            let n = 0;
            const handler: TaskHandler = (call) => {
                if (call.resource === RUN_TASK) {
                    const next = before.shift();
                    if (next instanceof StatesError) {
                        throw next;
                    }
                    if (options.submits === false && next === undefined) {
                        // RunTask itself outlasted the timeout: no response, no task recorded.
                        throw new StatesError("States.Timeout", "");
                    }
                    const arn = `${TASK_ARN.slice(0, -2)}${String(++n).padStart(2, "0")}`;
                    const startedBy = options.keepsStartedBy ? call.args.StartedBy : "AWS Step Functions";
                    tasks.push({ arn, startedBy, running: true });
                    call.submit({ Tasks: [{ TaskArn: arn, StartedBy: startedBy, TaskDefinitionArn: call.args.TaskDefinition, LastStatus: "PROVISIONING" }], Failures: [] });
                    if (next === "exit1") {
                        tasks[tasks.length - 1].running = false;
                        throw new StatesError("States.TaskFailed", JSON.stringify({ TaskArn: arn, StopCode: "EssentialContainerExited", Containers: [{ Name: "app", ExitCode: 1 }] }));
                    }
                    throw new StatesError("States.Timeout", "");
                }
                if (call.resource.endsWith(":getExecutionHistory")) {
                    if (options.history === "denied") {
                        throw new StatesError("Sfn.SfnException", "not authorized to perform states:GetExecutionHistory");
                    }
                    assert.strictEqual(call.args.ExecutionArn, context.Execution.Id, "the runner reads its own history");
                    return historyPage(call.history, call.args);
                }
                if (call.resource.endsWith(":listTasks")) {
                    if (options.listTasks === "denied") {
                        throw new StatesError("Ecs.AccessDeniedException", "not authorized to perform ecs:ListTasks");
                    }
                    return { TaskArns: tasks.filter((t) => t.running && t.startedBy === call.args.StartedBy).map((t) => t.arn) };
                }
                if (call.resource.endsWith(":stopTask")) {
                    if (options.stopTask === "denied") {
                        throw new StatesError("Ecs.AccessDeniedException", "not authorized to perform ecs:StopTask");
                    }
                    const task = tasks.find((t) => t.arn === call.args.Task)!;
                    task.running = false;
                    return { Task: { TaskArn: task.arn, DesiredStatus: "STOPPED" } };
                }
                return runTasks(succeeded)(call);
            };
            return { handler, tasks };
        }
        const stopped = (calls: { resource: string; args: any }[]) => calls.filter((c) => c.resource.endsWith(":stopTask")).map((c) => c.args.Task);

        for (const keepsStartedBy of [true, false]) {
            it(`stops the timed-out attempt's task found in the run's history, when Step Functions ${keepsStartedBy ? "keeps" : "overwrites"} the startedBy it asked for, and does not retry`, async () => {
                const ecs = timingOut({ keepsStartedBy });
                const run = await runStateMachine(await definitionOf({ timeoutSeconds: 600 }), {}, context, ecs.handler);
                const CLUSTER = runTaskCalls(run.calls)[0].args.Cluster;
                assert.strictEqual(run.error, RUN_FAILURES.timedOut);
                assert.strictEqual(runTaskCalls(run.calls).length, 1, "a timed-out attempt is not retried");
                assert.deepStrictEqual(stopped(run.calls), [ecs.tasks[0].arn]);
                assert.ok(ecs.tasks.every((t) => !t.running), "no task is left running");
                const stop = run.calls.find((c) => c.resource.endsWith(":stopTask"))!;
                assert.deepStrictEqual(stop.args, { Cluster: CLUSTER, Task: ecs.tasks[0].arn, Reason: `Timed out after 600 s (run ${RUN})` });
                assert.strictEqual(run.calls.filter((c) => c.resource.endsWith(":listTasks")).length, 0, "the history found it");
                const history = run.calls.find((c) => c.resource.endsWith(":getExecutionHistory"))!;
                assert.deepStrictEqual(history.args, { ExecutionArn: context.Execution.Id, ReverseOrder: true, MaxResults: TIMED_OUT_TASK_SEARCH.pageSize, IncludeExecutionData: true });
                const [alert] = published(run.calls);
                assert.strictEqual(alert.args.Subject, "Batch task job (test): run timed out after 600 s; its task was stopped");
                assert.match(alert.args.Message, new RegExp(`\nCause: The attempt ran longer than 600 s; the runner stopped its task ${ecs.tasks[0].arn}\.\n`));
                assert.match(alert.args.Message, /\nTask logs: https:.*log-events\/app\$252Fapp\$252F0123456789abcdef0123456789abcd01$/);
                assert.strictEqual(run.cause, `timed out after 600 s; its task was stopped: States.Timeout The attempt ran longer than 600 s; the runner stopped its task ${ecs.tasks[0].arn}.`);
            });
        }

        it("stays within Step Functions' 256 KiB per state on the longest way back: the largest input, 99 other runs, 20 capacity retries, no task in the history", async () => {
            const definition = await definitionOf({ timeoutSeconds: 600, concurrency: 100, retries: { attempts: 1, intervalSeconds: 5, capacity: { attempts: 20, intervalSeconds: 1, maxDelaySeconds: 1 } } });
            const identity = { runId: RUN, startedAt: context.Execution.StartTime, attempt: 2 };
            const input = { command: ["./export.sh"], environment: { DATA: "" } };
            const largest = { ...input, environment: { DATA: '"'.repeat((RUN_LIMITS.overrideChars - overrideChars(input, identity)) / 2) } };
            assert.ok(overrideChars(largest, identity) <= RUN_LIMITS.overrideChars);
            const others = { Executions: Array.from({ length: 99 }, (_, i) => ({ ExecutionArn: `${context.Execution.Id}-${i}`, StateMachineArn: STATE_MACHINE, Name: `run-20260301T020000Z-${String(i).padStart(12, "0")}`, Status: "RUNNING", StartDate: "2026-12-02T02:00:00.000Z" })) };
            const noCapacity = new StatesError("ECS.AmazonECSException", "Capacity is unavailable at this time. Please try again later or in a different availability zone");
            // RunTask outlasts the timeout (nothing submitted): the history is read back to the attempt's start, then ListTasks.
            const ecs = timingOut({ keepsStartedBy: true, submits: false, before: ["exit1", ...Array(20).fill(noCapacity)] });
            const pageBytes: number[] = [];
            const handler: TaskHandler = (call) => {
                if (call.resource.endsWith(":listExecutions")) {
                    return others;
                }
                if (call.resource.endsWith(":getExecutionHistory")) {
                    const page = ecs.handler(call);
                    pageBytes.push(Buffer.byteLength(JSON.stringify(page)));
                    return page;
                }
                if (call.resource === RUN_TASK) {
                    // RunTask's response echoes the overrides, with a few KB of task description.
                    const submit = call.submit;
                    return ecs.handler({ ...call, submit: (output: any) => submit({ ...output, Tasks: output.Tasks.map((t: any) => ({ ...t, Overrides: call.args.Overrides, Attachments: [{ Details: "x".repeat(3000) }] })), SdkHttpMetadata: { AllHttpHeaders: "x".repeat(500) } }) });
                }
                return ecs.handler(call);
            };
            const run = await runStateMachine(definition, largest, context, handler);
            assert.strictEqual(run.error, RUN_FAILURES.timedOut, `${run.error}: ${run.cause}`);
            assert.ok(!run.history.some((e) => e.Type === "TaskFailed" && JSON.stringify(e).includes("DataLimitExceeded")), "no state's result went over the limit");
            assert.ok(pageBytes.length >= 3, `${pageBytes.length} pages read back`);
            // Ten events with RunTask's arguments (the overrides, escaped twice) still fit.
            assert.ok(Math.max(...pageBytes) < PAYLOAD_LIMIT_BYTES, `pages of ${pageBytes.join(", ")} bytes`);
        });

        it("stops only the attempt that timed out, not an earlier attempt's task", async () => {
            const ecs = timingOut({ keepsStartedBy: false, before: ["exit1"] });
            const run = await runStateMachine(await definitionOf({ timeoutSeconds: 600, retries: { attempts: 1, intervalSeconds: 5 } }), {}, context, ecs.handler);
            assert.strictEqual(run.error, RUN_FAILURES.timedOut);
            assert.strictEqual(ecs.tasks.length, 2);
            assert.deepStrictEqual(stopped(run.calls), [ecs.tasks[1].arn], "the second attempt's task, not the first's");
        });

        it("reads the history back, page by page, to the attempt's start and no further; then asks ListTasks", async () => {
            const noCapacity = new StatesError("ECS.AmazonECSException", "Capacity is unavailable at this time.");
            const ecs = timingOut({ keepsStartedBy: true, submits: false, before: ["exit1", noCapacity, noCapacity, noCapacity, noCapacity, noCapacity] });
            const run = await runStateMachine(await definitionOf({ timeoutSeconds: 600, retries: { attempts: 1, intervalSeconds: 5 } }), {}, context, ecs.handler);
            const pages = run.calls.filter((c) => c.resource.endsWith(":getExecutionHistory"));
            const entries = run.history.filter((e) => e.Type === "TaskStateEntered" && (e.StateEnteredEventDetails as any).Name === STATES.run).map((e) => e.Id);
            const lastEntry = entries[entries.length - 1];
            const firstRead = run.history.find((h) => h.Type === "TaskStarted" && (h.TaskStartedEventDetails as any).Resource === "getExecutionHistory")!.Id;
            assert.ok(pages.length >= 2, `the attempt's start is more than one page back (${pages.length} page(s) read)`);
            assert.strictEqual(pages.length, Math.ceil((firstRead - lastEntry + 1) / TIMED_OUT_TASK_SEARCH.pageSize), "it stops at the page that holds the attempt's start");
            assert.strictEqual(pages[1].args.NextToken, String(firstRead - TIMED_OUT_TASK_SEARCH.pageSize));
            assert.strictEqual(run.calls.filter((c) => c.resource.endsWith(":listTasks")).length, 1);
            assert.deepStrictEqual(stopped(run.calls), [], "the first attempt's task (stopped already) is not taken for this one's");
            assert.strictEqual(published(run.calls)[0].args.Subject, "Batch task job (test): run timed out after 600 s; its task was not found and may still run");
        });

        it("finds the task by startedBy when the history cannot be read, if Step Functions kept it", async () => {
            const ecs = timingOut({ keepsStartedBy: true, history: "denied" });
            const run = await runStateMachine(await definitionOf({ timeoutSeconds: 600 }), {}, context, ecs.handler);
            const CLUSTER = runTaskCalls(run.calls)[0].args.Cluster;
            assert.strictEqual(run.calls.filter((c) => c.resource.endsWith(":getExecutionHistory")).length, 3, "one try and two retries");
            const list = run.calls.find((c) => c.resource.endsWith(":listTasks"))!;
            assert.deepStrictEqual(list.args, { Cluster: CLUSTER, StartedBy: crypto.createHash("md5").update(RUN).digest("hex"), DesiredStatus: "RUNNING" });
            assert.deepStrictEqual(stopped(run.calls), [ecs.tasks[0].arn]);
            assert.strictEqual(published(run.calls)[0].args.Subject, "Batch task job (test): run timed out after 600 s; its task was stopped");
        });

        for (const [what, options, why] of [
            ["neither finds it", { keepsStartedBy: false, history: "denied" }, ""],
            ["listing fails too", { keepsStartedBy: true, history: "denied", listTasks: "denied" }, " (which failed: Ecs.AccessDeniedException)"],
        ] as const) {
            it(`says its task may still be running, and how to stop it by hand, when ${what}`, async () => {
                const ecs = timingOut(options);
                const run = await runStateMachine(await definitionOf({ timeoutSeconds: 600 }), {}, context, ecs.handler);
                const CLUSTER = runTaskCalls(run.calls)[0].args.Cluster;
                assert.strictEqual(run.error, RUN_FAILURES.timedOut);
                assert.deepStrictEqual(stopped(run.calls), []);
                const [alert] = published(run.calls);
                assert.strictEqual(alert.args.Subject, "Batch task job (test): run timed out after 600 s; its task was not found and may still run");
                const startedBy = crypto.createHash("md5").update(RUN).digest("hex");
                assert.ok(
                    alert.args.Message.includes(
                        `\nCause: The attempt ran longer than 600 s, and its task was found neither in the history of the run (Sfn.SfnException) nor by ListTasks (startedBy ${startedBy})${why}: it may still be running. Look for it with: aws ecs list-tasks --cluster ${CLUSTER} --region us-east-1 --desired-status RUNNING; stop it with: aws ecs stop-task --cluster ${CLUSTER} --region us-east-1 --task <task id>\n`,
                    ),
                    alert.args.Message,
                );
                assert.doesNotMatch(alert.args.Message, /was stopped/);
            });
        }

        it("says stopping failed, and gives the command that stops it, when StopTask fails", async () => {
            const ecs = timingOut({ keepsStartedBy: true, stopTask: "denied" });
            const run = await runStateMachine(await definitionOf({ timeoutSeconds: 600 }), {}, context, ecs.handler);
            const CLUSTER = runTaskCalls(run.calls)[0].args.Cluster;
            assert.strictEqual(run.error, RUN_FAILURES.timedOut);
            assert.ok(ecs.tasks[0].running);
            const [alert] = published(run.calls);
            assert.strictEqual(alert.args.Subject, "Batch task job (test): run timed out after 600 s; its task could not be stopped");
            assert.ok(
                alert.args.Message.includes(
                    `\nCause: The attempt ran longer than 600 s, and stopping its task ${ecs.tasks[0].arn} failed (Ecs.AccessDeniedException: not authorized to perform ecs:StopTask): it may still be running. Stop it with: aws ecs stop-task --cluster ${CLUSTER} --region us-east-1 --task ${ecs.tasks[0].arn}\n`,
                ),
                alert.args.Message,
            );
            assert.match(alert.args.Message, /\nTask logs: https:.*0123456789abcdef0123456789abcd01$/, "the task's logs are linked");
        });
    });

    describe("its alert", () => {
        /** SNS Publish as AWS checks it: a subject of fewer than 100 characters, on one line. */
        const strictSns: (inner: TaskHandler) => TaskHandler = (inner) => (call) => {
            if (call.resource === PUBLISH && (call.args.Subject.length >= 100 || /[\r\n]/.test(call.args.Subject))) {
                throw new StatesError("SNS.InvalidParameterException", "Invalid parameter: Subject");
            }
            return inner(call);
        };

        for (const name of ["a".repeat(40), "b".repeat(MAX_COMPONENT_NAME_LENGTH)]) {
            it(`is published, with a subject SNS takes (under 100 characters), for a job named with ${name.length} characters, in every way a run can fail`, async () => {
                mocks.reset();
                const definition = await definitionOf({ timeoutSeconds: BATCH_TASK_LIMITS.timeoutSeconds.max, capacity: "spot", alerts: { onSkipped: true } }, name);
                const cases: [string, TaskHandler][] = [
                    ["failed", runTasks(exited(1))],
                    ["timed out, task not found", (call) => (call.resource === RUN_TASK ? (() => { throw new StatesError("States.Timeout", ""); })() : call.resource.endsWith(":listTasks") ? { TaskArns: [] } : runTasks(succeeded)(call))],
                    ["no capacity", runTasks(new StatesError("ECS.AmazonECSException", "Capacity is unavailable at this time."))],
                    ["refused by ECS", runTasks(new StatesError("ECS.AccessDeniedException", "no"))],
                ];
                for (const [what, handler] of cases) {
                    const run = await runStateMachine(definition, {}, context, strictSns(handler));
                    assert.ok(run.error!.startsWith("Batch."), `${what}: ${run.error} ${run.cause}`);
                    const [alert] = published(run.calls);
                    assert.ok(alert.args.Subject.length < 100, `${what}: ${alert.args.Subject}`);
                }
            });
        }
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

describe("BatchTask runner of a sharded job (parallel: a Distributed Map of shards)", () => {
    const shardOf = (call: { args: any }) => Number(call.args.Overrides.ContainerOverrides[0].Environment.find((e: any) => e.Name === SHARD_ENVIRONMENT.index).Value);
    const taskOf = (shard: number, attempt = 1) => `${TASK_ARN.slice(0, -6)}${String(shard).padStart(4, "0")}0${attempt}`;
    const shardSucceeded = (shard: number) => ({ TaskArn: taskOf(shard), LastStatus: "STOPPED", Containers: [{ Name: "app", ExitCode: 0 }] });
    const shardExited = (shard: number, code: number, attempt = 1) =>
        new StatesError("States.TaskFailed", JSON.stringify({ TaskArn: taskOf(shard, attempt), StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited", Containers: [{ Name: "app", ExitCode: code }] }));

    /**
     * ECS and Step Functions as a sharded run meets them: `outcome(shard, n)` answers the n-th
     * RunTask call of a shard (its result, or a StatesError); the Map Run API from what the run
     * recorded; ListExecutions of the state machine with this run only, unless `listed` says.
     */
    function shards(outcome: (shard: number, n: number) => unknown, listed: unknown = onlyThisRun): TaskHandler {
        const counts = new Map<number, number>();
        return (call) => {
            if (call.resource === RUN_TASK) {
                const shard = shardOf(call);
                const n = (counts.get(shard) ?? 0) + 1;
                counts.set(shard, n);
                const result = outcome(shard, n);
                if (result instanceof StatesError) {
                    throw result;
                }
                return result;
            }
            const answer = answerMapRunApi(call);
            if (answer !== undefined) {
                return answer;
            }
            if (call.resource.endsWith(":listExecutions")) {
                return listed;
            }
            return {};
        };
    }
    const failingShards =
        (...failed: number[]) =>
        (shard: number) =>
            failed.includes(shard) ? shardExited(shard, 3) : shardSucceeded(shard);

    async function shardedDefinition(parallel: BatchTaskArgs["parallel"], args: Partial<BatchTaskArgs> = {}): Promise<any> {
        return definitionOf({ retries: { attempts: 0 }, ...args, parallel });
    }

    it("gives the plan exactly the states a run that succeeds at once enters, and each of its shards (the state transitions it costs)", async () => {
        const plain = await definitionOf();
        const once = await runStateMachine(plain, {}, context, runTasks(succeeded));
        assert.deepStrictEqual(once.path, successPath(plain)!.run);
        mocks.reset();
        const sharded = await shardedDefinition({ shards: 30, maxConcurrent: 20 });
        const run = await runStateMachine(sharded, {}, context, shards(shardSucceeded));
        assert.deepStrictEqual(run.path, successPath(sharded)!.run);
        assert.ok(run.mapRuns[0].children.every((c) => JSON.stringify(c.path) === JSON.stringify(successPath(sharded)!.shard)));
        assert.deepStrictEqual(summarizeRunner(sharded).transitions, { run: 9, shard: 4 });
        assert.deepStrictEqual(summarizeRunner(sharded).parallel, { shards: 30, maxConcurrent: 20, toleratedFailurePercent: 0 });
    });

    it("holds only expressions the JSONata engine parses, in every state and field", async () => {
        for (const args of [{}, { capacity: "spot" as const }, { alerts: { onSkipped: true } }]) {
            mocks.reset();
            assert.deepStrictEqual(unparsableExpressions(await shardedDefinition({ shards: 30, maxConcurrent: 30, toleratedFailurePercent: 10 }, args)), []);
        }
    });

    it("runs each shard as a STANDARD child execution that runs the task with SHARD_INDEX and SHARD_COUNT beside the run's identity, and succeeds once every shard did", async () => {
        const definition = await shardedDefinition({ shards: 3 });
        const map = definition.States[STATES.runShards];
        assert.deepStrictEqual(
            [map.Type, map.ItemProcessor.ProcessorConfig, map.Label, map.MaxConcurrency, map.ToleratedFailurePercentage],
            ["Map", { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, "shard", 3, 0],
        );
        const run = await runStateMachine(definition, {}, context, shards(shardSucceeded));
        assert.strictEqual(run.status, "SUCCEEDED", `${run.error} ${run.cause}`);
        assert.deepStrictEqual(run.output, { status: "SUCCEEDED", runId: RUN, shards: 3, succeeded: 3, failed: 0 });
        const calls = runTaskCalls(run.calls);
        assert.deepStrictEqual(
            calls.map((c) => c.args.Overrides.ContainerOverrides[0].Environment),
            [0, 1, 2].map((shard) => [
                { Name: RUN_ENVIRONMENT.runId, Value: RUN },
                { Name: RUN_ENVIRONMENT.startedAt, Value: context.Execution.StartTime },
                { Name: RUN_ENVIRONMENT.attempt, Value: "1" },
                { Name: SHARD_ENVIRONMENT.index, Value: String(shard) },
                { Name: SHARD_ENVIRONMENT.count, Value: "3" },
            ]),
        );
        assert.deepStrictEqual(
            calls.map((c) => c.execution),
            run.mapRuns[0].children.map((c) => c.executionArn),
            "each shard's task is started by its own child execution",
        );
        assert.ok(calls.every((c) => /:execution:job-runner-1a2b3c4\/shard:/.test(c.execution)));
        assert.deepStrictEqual(new Set(calls.map((c) => c.args.StartedBy)).size, 3, "a startedBy of its own per shard");
        assert.deepStrictEqual(published(run.calls), []);
    });

    it("takes a run's shards from its input, up to parallel.shards, and refuses more before any task starts", async () => {
        const definition = await shardedDefinition({ shards: 5 });
        const fewer = await runStateMachine(definition, { shards: 2 }, context, shards(shardSucceeded));
        assert.strictEqual(runTaskCalls(fewer.calls).length, 2);
        assert.ok(runTaskCalls(fewer.calls).every((c) => c.args.Overrides.ContainerOverrides[0].Environment.some((e: any) => e.Name === SHARD_ENVIRONMENT.count && e.Value === "2")));
        for (const shardsAsked of [6, 0, 1.5, "3"]) {
            const refused = await runStateMachine(definition, { shards: shardsAsked }, context, shards(shardSucceeded));
            assert.strictEqual(refused.error, RUN_FAILURES.invalidInput, String(shardsAsked));
            assert.strictEqual(refused.cause, "was refused: its input is not valid: Batch.InvalidInput The run input was refused: shards must be a whole number from 1 to 5 (the job's parallel.shards)");
            assert.strictEqual(runTaskCalls(refused.calls).length, 0);
        }
        const shardVariable = await runStateMachine(definition, { environment: { SHARD_INDEX: "9" } }, context, shards(shardSucceeded));
        assert.strictEqual(shardVariable.cause, "was refused: its input is not valid: Batch.InvalidInput The run input was refused: environment.SHARD_INDEX is set by the runner");
        mocks.reset();
        const unsharded = await runStateMachine(await definitionOf(), { shards: 2 }, context, runTasks(succeeded));
        assert.match(unsharded.cause!, /unknown key "shards" \(known: command, environment\)$/, "a job without parallel takes no shards");
    });

    it("judges each shard as a run: its main container, its retries, its capacity retries and spot fallback, apart from the others", async () => {
        const definition = await shardedDefinition({ shards: 3 }, { capacity: "spot", retries: { attempts: 1, intervalSeconds: 10 } });
        const noCapacity = new StatesError("ECS.AmazonECSException", "Capacity is unavailable at this time.");
        const outcome = (shard: number, n: number) => {
            if (shard === 1) {
                // A sidecar killed after the main container exited 0, then nothing more.
                return new StatesError("States.TaskFailed", JSON.stringify({ TaskArn: taskOf(1), Containers: [{ Name: "app", ExitCode: 0 }, { Name: "log-router", ExitCode: 137 }] }));
            }
            if (shard === 2) {
                return n <= 6 ? noCapacity : shardSucceeded(2);
            }
            return n === 1 ? shardExited(0, 1) : shardSucceeded(0);
        };
        const run = await runStateMachine(definition, {}, context, shards(outcome));
        assert.strictEqual(run.status, "SUCCEEDED", `${run.error} ${run.cause}`);
        const calls = runTaskCalls(run.calls);
        const of = (shard: number) => calls.filter((c) => shardOf(c) === shard);
        assert.deepStrictEqual(of(0).map((c) => c.args.Overrides.ContainerOverrides[0].Environment[2].Value), ["1", "2"], "shard 0 was retried as an attempt");
        assert.strictEqual(of(1).length, 1, "shard 1 succeeded once: its main container exited 0");
        assert.deepStrictEqual(of(2).map((c) => c.args.CapacityProviderStrategy[0].CapacityProvider), [...Array(6).fill("FARGATE_SPOT"), "FARGATE"], "shard 2 fell back to on demand alone");
        assert.deepStrictEqual(
            run.waits.filter((w) => w.execution === run.mapRuns[0].children[0].executionArn && !w.retry).map((w) => w.seconds),
            [10],
            "shard 0 waited before its retry",
        );
    });

    it("ends FAILED Batch.ShardsFailed with one alert naming each failed shard: its exit code, stop code and reason, attempts and logs", async () => {
        const run = await runStateMachine(await shardedDefinition({ shards: 4 }), {}, context, shards(failingShards(1, 3)));
        assert.strictEqual(run.error, RUN_FAILURES.shardsFailed);
        const alerts = published(run.calls);
        assert.strictEqual(alerts.length, 1, "one alert for the run, none for a shard");
        assert.strictEqual(alerts[0].execution, context.Execution.Id);
        assert.strictEqual(alerts[0].args.Subject, "Batch task job (test): run failed: 2 of 4 shards failed");
        const logs = (shard: number) => `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/${consoleLogName("/ecs/fargate-workloads/test/job")}/log-events/app$252Fapp$252F${taskOf(shard).split("/").pop()}`;
        assert.strictEqual(
            alerts[0].args.Message,
            [
                `Batch task job (stack test): run ${RUN} failed: 2 of 4 shards failed (tolerated: 0%).`,
                "",
                "Status: Batch.ShardsFailed",
                "Shards: 4: 2 succeeded, 2 failed, 0 stopped when the run failed, 0 not started",
                "Error of the Map state: States.ExceedToleratedFailureThreshold",
                "Cause: The specified tolerated failure threshold was exceeded",
                "Failed shards (2 of 2, the last to end, by shard):",
                ...[1, 3].map((shard) => `Shard ${shard}: failed. Exit code: 3. Stop code: EssentialContainerExited. Stop reason: Essential container in task exited. Attempts: 1 of 1. Logs: ${logs(shard)}`),
                `Started: ${context.Execution.StartTime}`,
                `Execution: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${context.Execution.Id}`,
            ].join("\n"),
        );
        assert.strictEqual(run.cause, "failed: 2 of 4 shards failed: States.ExceedToleratedFailureThreshold The specified tolerated failure threshold was exceeded");
        // The Map Run's failure carries no shard's cause: the run read them from the failed children.
        const read = run.calls.filter((c) => c.resource.endsWith(":describeExecution")).map((c) => c.args.ExecutionArn);
        assert.deepStrictEqual(read.sort(), [run.mapRuns[0].children[1].executionArn, run.mapRuns[0].children[3].executionArn].sort());
    });

    it("describes 20 failed shards and counts the others", async () => {
        assert.strictEqual(SHARD_LIMITS.listed, 20);
        const run = await runStateMachine(await shardedDefinition({ shards: 26, maxConcurrent: 26 }), {}, context, shards(failingShards(...[...Array(25).keys()])));
        const message: string = published(run.calls)[0].args.Message;
        assert.strictEqual(message.split("\n").filter((l) => l.startsWith("Shard ")).length, SHARD_LIMITS.listed);
        assert.match(message, /\nFailed shards \(20 of 25, the last to end, by shard\):\n/);
        assert.match(message, new RegExp(`\\n\\.\\.\\. and 5 more: fargate-workloads logs job --run ${RUN} --shard K shows shard K\\n`));
        assert.strictEqual(run.calls.filter((c) => c.resource.endsWith(":describeExecution")).length, SHARD_LIMITS.listed);
    });

    it("succeeds, without an alert, while failed shards stay within toleratedFailurePercent, and says how many failed", async () => {
        const run = await runStateMachine(await shardedDefinition({ shards: 4, toleratedFailurePercent: 25 }), {}, context, shards(failingShards(2)));
        assert.strictEqual(run.status, "SUCCEEDED", `${run.error} ${run.cause}`);
        assert.deepStrictEqual(run.output, { status: "SUCCEEDED", runId: RUN, shards: 4, succeeded: 3, failed: 1 });
        assert.deepStrictEqual(published(run.calls), []);
        mocks.reset();
        const over = await runStateMachine(await shardedDefinition({ shards: 4, toleratedFailurePercent: 25 }), {}, context, shards(failingShards(0, 2)));
        assert.strictEqual(over.error, RUN_FAILURES.shardsFailed);
    });

    it("says which shard timed out, and what became of its task, found in that shard's own history", async () => {
        const definition = await shardedDefinition({ shards: 3 }, { timeoutSeconds: 600 });
        const running = new Set<string>();
        const handler: TaskHandler = (call) => {
            if (call.resource === RUN_TASK && shardOf(call) === 2) {
                call.submit({ Tasks: [{ TaskArn: taskOf(2), StartedBy: "AWS Step Functions", LastStatus: "PROVISIONING" }], Failures: [] });
                running.add(taskOf(2));
                throw new StatesError("States.Timeout", "");
            }
            if (call.resource.endsWith(":getExecutionHistory")) {
                assert.strictEqual(call.args.ExecutionArn, call.execution, "a shard reads its own history");
                return historyPage(call.history, call.args);
            }
            if (call.resource.endsWith(":stopTask")) {
                running.delete(call.args.Task);
                return {};
            }
            return shards(shardSucceeded)(call);
        };
        const run = await runStateMachine(definition, {}, context, handler);
        assert.strictEqual(run.error, RUN_FAILURES.shardsFailed);
        assert.deepStrictEqual([...running], [], "the timed-out shard's task was stopped");
        assert.strictEqual(run.mapRuns[0].children[2].error, RUN_FAILURES.timedOut);
        const stop = run.calls.find((c) => c.resource.endsWith(":stopTask"))!;
        assert.strictEqual(stop.args.Reason, `Timed out after 600 s (run ${RUN})`);
        const message: string = published(run.calls)[0].args.Message;
        assert.ok(
            message.includes(`\nShard 2: timed out after 600 s; its task was stopped. Exit code: none. Stop code: none. Stop reason: none. Attempts: 1 of 1. The attempt ran longer than 600 s; the runner stopped its task ${taskOf(2)}. Logs: https:`),
            message,
        );
    });

    it("starts the first wave at most 10 shards a second, and no later shard waits", async () => {
        assert.strictEqual(SHARD_LIMITS.startsPerSecond, 10);
        const run = await runStateMachine(await shardedDefinition({ shards: 30, maxConcurrent: 25 }), {}, context, shards(shardSucceeded));
        assert.strictEqual(run.status, "SUCCEEDED");
        const waits = run.mapRuns[0].children.map((c) => run.waits.find((w) => w.execution === c.executionArn && w.state === STATES.stagger)!.seconds);
        assert.deepStrictEqual(waits, [...Array(30).keys()].map((k) => (k < 25 ? Math.floor(k / 10) : 0)));
        mocks.reset();
        const narrow = await shardedDefinition({ shards: 30 });
        assert.strictEqual(narrow.States[STATES.runShards].ItemProcessor.States[STATES.stagger], undefined, "ten at once need no stagger");
        assert.strictEqual(narrow.States[STATES.runShards].MaxConcurrency, 10, "maxConcurrent defaults to 10");
    });

    it("counts runs, not shards, against concurrency", async () => {
        const definition = await shardedDefinition({ shards: 2 });
        const shardOfAnotherRun = { ExecutionArn: "arn:aws:states:us-east-1:123456789012:execution:job-runner-1a2b3c4/shard:0f1e2d3c", Name: "0f1e2d3c", Status: "RUNNING" };
        const withShard = await runStateMachine(definition, {}, context, shards(shardSucceeded, { Executions: [...onlyThisRun.Executions, shardOfAnotherRun] }));
        assert.strictEqual(withShard.status, "SUCCEEDED", "a listed shard is not a run");
        const anotherRun = { ExecutionArn: `${context.Execution.Id}-other`, Name: "yesterday", Status: "RUNNING" };
        const busy = await runStateMachine(definition, {}, context, shards(shardSucceeded, { Executions: [...onlyThisRun.Executions, anotherRun] }));
        assert.strictEqual(busy.error, RUN_FAILURES.skipped);
        assert.strictEqual(runTaskCalls(busy.calls).length, 0);
    });

    it("refuses an input whose overrides, with the last shard's SHARD_INDEX and SHARD_COUNT, pass 8,192 characters", async () => {
        const identity = { runId: RUN, startedAt: context.Execution.StartTime, attempt: 1, shard: { index: 99, count: 100 } };
        const atLimit = (extra: number) => ({ environment: { DATA: "x".repeat(RUN_LIMITS.overrideChars - overrideChars({ environment: { DATA: "" } }, identity) + extra) } });
        const definition = await shardedDefinition({ shards: 100 });
        const refused = await runStateMachine(definition, atLimit(1), context, shards(shardSucceeded));
        assert.strictEqual(refused.error, RUN_FAILURES.invalidInput);
        assert.match(refused.cause!, /make the task's container overrides 8193 characters with the runner's BATCH_RUN_ID, BATCH_RUN_STARTED_AT, BATCH_ATTEMPT, SHARD_INDEX, SHARD_COUNT, over the 8192/);
        const fits = await runStateMachine(definition, { ...atLimit(0), shards: 100 }, context, shards(shardSucceeded));
        assert.strictEqual(fits.status, "SUCCEEDED", `${fits.error} ${fits.cause}`);
    });

    const PUT_OBJECT = "arn:aws:states:::s3:putObject";
    const resultBucket = () => mocks.one("aws:s3/bucket:Bucket").state.bucket as string;

    it("writes the shards' results to S3 with a tolerance, so 300 shards with 30 failed and the longest input succeed (the Map state's result is only a reference)", async () => {
        // Without a ResultWriter, 30 failed shards' execution records with this input would make
        // the Map state's result several hundred KB: States.DataLimitExceeded, past every catcher.
        const definition = await shardedDefinition({ shards: 300, maxConcurrent: 300, toleratedFailurePercent: 10 });
        const identity = { runId: RUN, startedAt: context.Execution.StartTime, attempt: 1, shard: { index: 299, count: 300 } };
        const input = { environment: { DATA: "x".repeat(RUN_LIMITS.overrideChars - overrideChars({ environment: { DATA: "" } }, identity)) } };
        const failing = [...Array(30).keys()].map((k) => k * 10);
        const run = await runStateMachine(definition, input, context, shards(failingShards(...failing)));
        assert.strictEqual(run.status, "SUCCEEDED", `${run.error} ${run.cause}`);
        assert.deepStrictEqual(run.output, { status: "SUCCEEDED", runId: RUN, shards: 300, succeeded: 270, failed: 30 });
        const writes = run.calls.filter((c) => c.resource === PUT_OBJECT);
        const folder = `${RESULT_WRITER.prefix}/${RUN}/${run.mapRuns[0].mapRunArn.split(":").pop()}`;
        assert.deepStrictEqual(
            writes.map((c) => [c.args.Bucket, c.args.Key]),
            ["FAILED_0.json", "SUCCEEDED_0.json", "manifest.json"].map((file) => [resultBucket(), `${folder}/${file}`]),
        );
        assert.strictEqual(run.mapRuns[0].resultsWritten, 300);
        assert.ok(writes.reduce((bytes, c) => bytes + c.args.Body.length, 0) > 2 * PAYLOAD_LIMIT_BYTES, "the records written would not have fit the state's result");
        assert.deepStrictEqual(published(run.calls), []);
    });

    it("keeps no ResultWriter (and needs no bucket) without a tolerance: a failed shard fails the map, and 10,000 succeeded ones' {} fit", async () => {
        const definition = await shardedDefinition({ shards: 10000 });
        assert.strictEqual(definition.States[STATES.runShards].ResultWriter, undefined);
        assert.deepStrictEqual(mocks.all("aws:s3/bucket:Bucket"), []);
        assert.ok(JSON.stringify([...Array(10000)].map(() => ({}))).length < PAYLOAD_LIMIT_BYTES);
    });

    it("points the alert of a tolerant run that failed its threshold at its results only when the Map Run counts some written", async () => {
        const definition = await shardedDefinition({ shards: 4, toleratedFailurePercent: 25 });
        const run = await runStateMachine(definition, {}, context, shards(failingShards(1, 2)));
        assert.strictEqual(run.error, RUN_FAILURES.shardsFailed);
        assert.ok(run.mapRuns[0].resultsWritten > 0);
        assert.ok(published(run.calls)[0].args.Message.includes(`\nResults of the shards (kept 14 days): s3://${resultBucket()}/runs/${RUN}/\n`));
        // AWS does not say it writes them for a Map Run that failed: when none are counted, the alert says so.
        const none = await runStateMachine(definition, {}, context, (call) =>
            call.resource.endsWith(":describeMapRun") ? { ExecutionCounts: { Pending: 0, Running: 0, Succeeded: 2, Failed: 2, TimedOut: 0, Aborted: 0, Total: 4, ResultsWritten: 0 } } : shards(failingShards(1, 2))(call),
        );
        assert.ok(published(none.calls)[0].args.Message.includes("\nResults of the shards: none were written\n"));
    });

    it("still alerts, saying the results could not be written and where they were to go, when the ResultWriter fails (States.ResultWriterFailed)", async () => {
        const denied: TaskHandler = (call) => {
            if (call.resource === PUT_OBJECT) {
                throw new StatesError("S3.AccessDenied", "Access Denied");
            }
            return shards(failingShards(1))(call);
        };
        const run = await runStateMachine(await shardedDefinition({ shards: 4, toleratedFailurePercent: 25 }), {}, context, denied);
        assert.strictEqual(run.error, RUN_FAILURES.shardsFailed);
        const alerts = published(run.calls);
        assert.strictEqual(alerts.length, 1);
        assert.strictEqual(alerts[0].args.Subject, "Batch task job (test): run failed: its shards' results could not be written to S3 (1 of 4 shards fa");
        assert.ok(alerts[0].args.Subject.length < 100);
        const message: string = alerts[0].args.Message;
        assert.ok(message.startsWith(`Batch task job (stack test): run ${RUN} failed: its shards' results could not be written to S3 (1 of 4 shards failed, within the tolerance) (tolerated: 25%).\n`), message);
        assert.match(message, /\nShards: 4: 3 succeeded, 1 failed, 0 stopped when the run failed, 0 not started\nError of the Map state: States\.ResultWriterFailed\nCause: S3\.AccessDenied: Access Denied\n/);
        assert.ok(message.includes("\nResults of the shards: none were written\n"), message);
        assert.match(message, /\nShard 1: failed\. Exit code: 3\./, "the shard that failed within the tolerance is still named");
    });

    it("counts shards still running in the alert when the Map Run's counts (eventually consistent) have not caught up", async () => {
        const lagging: TaskHandler = (call) =>
            call.resource.endsWith(":describeMapRun")
                ? { ExecutionCounts: { Pending: 0, Running: 1, Succeeded: 1, Failed: 1, TimedOut: 0, Aborted: 0, Total: 3, ResultsWritten: 0 } }
                : shards(failingShards(1))(call);
        const run = await runStateMachine(await shardedDefinition({ shards: 3 }), {}, context, lagging);
        assert.match(published(run.calls)[0].args.Message, /\nShards: 3: 1 succeeded, 1 failed, 0 stopped when the run failed, 0 not started, 1 still running\n/);
    });

    it("lists its failed shards again, twice at most, when ListExecutions (eventually consistent) lists fewer than the Map Run counts", async () => {
        const lagging = (late: number): TaskHandler => {
            let listings = 0;
            return (call) => {
                if (call.resource.endsWith(":listExecutions") && call.args.MapRunArn !== undefined && listings++ < late) {
                    return { Executions: [] };
                }
                return shards(failingShards(1))(call);
            };
        };
        const definition = await shardedDefinition({ shards: 3 });
        const caughtUp = await runStateMachine(definition, {}, context, lagging(2));
        assert.deepStrictEqual(caughtUp.waits.filter((w) => w.state === STATES.waitForListing).map((w) => w.seconds), [5, 5]);
        assert.match(published(caughtUp.calls)[0].args.Message, /\nShard 1: failed\. Exit code: 3\./);
        const never = await runStateMachine(definition, {}, context, lagging(3));
        assert.strictEqual(never.calls.filter((c) => c.resource.endsWith(":listExecutions") && c.args.MapRunArn !== undefined).length, SHARD_LIMITS.listings);
        assert.match(published(never.calls)[0].args.Message, /\nShards: 3: 2 succeeded, 1 failed, 0 stopped when the run failed, 0 not started\n[\s\S]*\nFailed shards: none could be read\n/);
        assert.strictEqual(never.error, RUN_FAILURES.shardsFailed);
    });

    it("still alerts, saying what it could not read, when the Map Run cannot be read", async () => {
        const denied: TaskHandler = (call) => {
            if (call.resource.endsWith(":listMapRuns")) {
                throw new StatesError("Sfn.SfnException", "not authorized to perform states:ListMapRuns");
            }
            return shards(failingShards(0))(call);
        };
        const run = await runStateMachine(await shardedDefinition({ shards: 2 }), {}, context, denied);
        assert.strictEqual(run.error, RUN_FAILURES.shardsFailed);
        const [alert] = published(run.calls);
        assert.strictEqual(alert.args.Subject, "Batch task job (test): run failed: more shards failed than tolerated");
        assert.match(alert.args.Message, /\nShards: 2 \(their counts could not be read: Sfn\.SfnException\)\n[\s\S]*\nFailed shards: none could be read \(Sfn\.SfnException\)\n/);
    });

    it("alerts once, with a subject SNS takes, for a job named with 100 characters", async () => {
        mocks.reset();
        const definition = await definitionOf({ parallel: { shards: 10000, maxConcurrent: 10000 }, retries: { attempts: 0 } }, "b".repeat(MAX_COMPONENT_NAME_LENGTH));
        const run = await runStateMachine(definition, { shards: 3 }, context, shards(failingShards(0, 1, 2)));
        const [alert] = published(run.calls);
        assert.ok(alert.args.Subject.length < 100, alert.args.Subject);
    });
});
