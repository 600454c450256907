// The fargate-workloads command, driven through main() with mocked SDK clients
// (aws-sdk-client-mock) and a fake clock whose sleep only moves time on: a run of hours takes
// milliseconds. It does not touch the Pulumi mocks.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { DescribeExecutionCommand, DescribeMapRunCommand, GetExecutionHistoryCommand, HistoryEvent, ListExecutionsCommand, ListMapRunsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { createClients } from "../cli/aws";
import { CAPACITY_ERRORS as CLI_CAPACITY_ERRORS, RUN_ERRORS, RUNNER_STATES } from "../cli/history";
import { Io } from "../cli/io";
import { executionArnOf, knownJobs, parseStateMachineArn, resolveJob } from "../cli/jobs";
import { MAX_OVERRIDE_CHARS, overrideCharsOf, referencePath, USAGE } from "../cli/args";
import { MAIN_CONTAINER } from "../cli/logs";
import { main } from "../cli/main";
import { runName } from "../cli/run";
import { Pace, SHARD_SEARCH } from "../cli/showLogs";
import { CAPACITY_ERRORS, overrideChars, RUN_FAILURES, RUN_LIMITS, STATES } from "../components/batchRunner";
import { MAIN_CONTAINER_NAME } from "../components/taskDefinition";

const REGION = "eu-west-1";
const SM_ARN = `arn:aws:states:${REGION}:123456789012:stateMachine:export-runner-1a2b3c4`;
const OUTPUTS = JSON.stringify({ batchStateMachineArn: SM_ARN, batchRunCommand: "aws stepfunctions start-execution ...", alertTopicArn: `arn:aws:sns:${REGION}:123456789012:alerts-abc` });
const T0 = Date.parse("2025-03-01T02:00:00Z");
const TASK_DEF = `arn:aws:ecs:${REGION}:123456789012:task-definition/export-task-abc:7`;
const LOG_GROUP = "/fargate-workloads/dev/export";
const taskArn = (id: string) => `arn:aws:ecs:${REGION}:123456789012:task/todo-cluster/${id}`;

let sfn = mockClient(SFNClient);
const logs = mockClient(CloudWatchLogsClient);
const ecs = mockClient(ECSClient);

/** A fake world: stdout and stderr lines, a clock that sleep moves on, stack outputs on disk. */
class FakeIo implements Io {
    public readonly stdout: string[] = [];
    public readonly stderr: string[] = [];
    public time = T0;
    public readonly pollMs = 2000;
    public readonly progressMs = 30000;
    public readonly files: Record<string, string> = { "outputs.json": OUTPUTS };
    public stdin = "";
    clients = (region: string) => {
        assert.strictEqual(region, REGION, "clients are made for the state machine's region");
        return createClients(region);
    };
    out = (line: string) => void this.stdout.push(line);
    err = (line: string) => void this.stderr.push(line);
    now = () => new Date(this.time);
    sleep = async (ms: number) => {
        this.time += ms;
    };
    random = () => "a1b2c3d4";
    readFile = (p: string) => {
        if (!(p in this.files)) {
            throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: "ENOENT" });
        }
        return this.files[p];
    };
    readStdin = async () => this.stdin;
    get errText(): string {
        return this.stderr.join("\n");
    }
}

/** A history event `at` ms after T0; the fake GetExecutionHistory shows it once the clock has passed it. */
type Timed = HistoryEvent & { at: number };
let nextId = 1;
function ev(at: number, type: string, details: Partial<HistoryEvent> = {}): Timed {
    return { at, id: nextId++, type: type as HistoryEvent["type"], timestamp: new Date(T0 + at), ...details };
}
const entered = (at: number, type: string, name: string) => ev(at, type, { stateEnteredEventDetails: { name } });
const submitted = (at: number, id: string) =>
    ev(at, "TaskSubmitted", { taskSubmittedEventDetails: { resourceType: "ecs", resource: "runTask.sync", output: JSON.stringify({ Tasks: [{ TaskArn: taskArn(id), TaskDefinitionArn: TASK_DEF, LastStatus: "PROVISIONING" }], Failures: [] }) } });
const failed = (at: number, error: string, cause: string) => ev(at, "ExecutionFailed", { executionFailedEventDetails: { error, cause } });

/** The runner's history up to a submitted task, as Step Functions records it. */
function startOfRun(taskId: string, submittedAt = 1000): Timed[] {
    return [ev(0, "ExecutionStarted"), entered(10, "PassStateEntered", STATES.start), entered(20, "TaskStateEntered", STATES.run), ev(30, "TaskScheduled"), ev(40, "TaskStarted"), submitted(submittedAt, taskId)];
}

/** Serves `events` to GetExecutionHistory as time passes, in pages of `pageSize`, in either order. */
function serveHistory(io: FakeIo, events: Timed[], pageSize = 100): void {
    sfn.on(GetExecutionHistoryCommand).callsFake((input) => {
        const visible = events.filter((e) => T0 + e.at <= io.time).map(({ at: _at, ...e }) => e);
        const ordered = input.reverseOrder ? visible.reverse() : visible;
        const start = input.nextToken ? Number(input.nextToken) : 0;
        const size = Math.min(pageSize, input.maxResults ?? pageSize);
        const page = ordered.slice(start, start + size);
        return { events: page, ...(start + size < ordered.length ? { nextToken: String(start + size) } : {}) };
    });
}

/** Serves a task's log stream: it exists from `from` ms, and line i appears at `from + i * every` ms. */
function serveLogs(io: FakeIo, taskId: string, lines: string[], from: number, every = 1500): void {
    logs.on(GetLogEventsCommand, { logGroupName: LOG_GROUP, logStreamName: `app/app/${taskId}` }).callsFake((input) => {
        if (io.time < T0 + from) {
            throw Object.assign(new Error("The specified log stream does not exist."), { name: "ResourceNotFoundException" });
        }
        const start = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
        const visible = lines.filter((_, i) => T0 + from + i * every <= io.time).length;
        const page = lines.slice(start, Math.min(visible, start + 2));
        return { events: page.map((message, i) => ({ message: `${message}\n`, timestamp: T0 + from + (start + i) * every })), nextForwardToken: `f/${start + page.length}`, nextBackwardToken: "b/0" };
    });
}

function serveTaskDefinition(): void {
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: TASK_DEF }).resolves({
        taskDefinition: {
            taskDefinitionArn: TASK_DEF,
            containerDefinitions: [{ name: MAIN_CONTAINER, logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": LOG_GROUP, "awslogs-region": REGION, "awslogs-stream-prefix": "app" } } }],
        },
    });
}

function serveStart(): string {
    const name = runName(new Date(T0), "a1b2c3d4");
    const executionArn = `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4:${name}`;
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date(T0) });
    return executionArn;
}

async function follow(io: FakeIo, events: Timed[], ...extra: string[]): Promise<number> {
    serveStart();
    serveHistory(io, events);
    serveTaskDefinition();
    return main(["run", "export", "--outputs", "outputs.json", "--follow", ...extra], io);
}

beforeEach(() => {
    nextId = 1;
    sfn.reset();
    logs.reset();
    ecs.reset();
});

after(() => {
    sfn.restore();
    logs.restore();
    ecs.restore();
});

describe("fargate-workloads run --follow", () => {
    it("starts a run, prints its console link, streams its task's log lines and exits 0 when it succeeds", async () => {
        const io = new FakeIo();
        const lines = ["exporting table todo", "wrote 120 items", "done"];
        serveLogs(io, "task1", lines, 40000);
        const code = await follow(io, [...startOfRun("task1"), ev(50000, "TaskSucceeded"), entered(50010, "SucceedStateEntered", STATES.succeeded), ev(50020, "ExecutionSucceeded")], "--input", '{"command": ["--dry-run"]}');

        assert.strictEqual(code, 0, io.errText);
        assert.deepStrictEqual(io.stdout, lines, "every log line once, in order, and nothing else on stdout");
        const start = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
        assert.strictEqual(start.stateMachineArn, SM_ARN);
        assert.strictEqual(start.input, '{"command": ["--dry-run"]}');
        assert.match(start.name!, /^run-20250301T020000Z-a1b2c3d4$/);
        assert.match(io.stderr[0], new RegExp(`^Started run ${start.name} of export-runner-1a2b3c4: https://${REGION}\\.console\\.aws\\.amazon\\.com/states/home\\?region=${REGION}#/v2/executions/details/arn:aws:states:${REGION}:123456789012:execution:`));
        assert.ok(io.stderr.includes("Task task1 is provisioning (attempt 1)…"), io.errText);
        assert.ok(io.stderr.some((l) => /^Task task1 is still provisioning \(\d+s\)…$/.test(l)), `a progress line while the task provisions:\n${io.errText}`);
        assert.match(io.stderr[io.stderr.length - 1], /^Run run-20250301T020000Z-a1b2c3d4 succeeded in 50s\.$/);
        assert.ok(sfn.commandCalls(GetExecutionHistoryCommand).every((c) => c.args[0].input.reverseOrder === true), "history is read newest first, stopping at what was seen");
        assert.strictEqual(ecs.commandCalls(DescribeTasksCommand).length, 0, "the task is found through the history, not ECS");
    });

    it("exits 1 and prints the error and cause when the main container fails", async () => {
        const io = new FakeIo();
        serveLogs(io, "task1", ["Traceback: table not found"], 5000);
        const cause = 'failed: States.TaskFailed {"TaskArn":"x","Containers":[{"Name":"app","ExitCode":3}]}';
        const code = await follow(io, [...startOfRun("task1"), ev(9000, "TaskFailed"), entered(9100, "FailStateEntered", STATES.failed), failed(9200, RUN_FAILURES.containerFailed, cause)]);

        assert.strictEqual(code, 1);
        assert.deepStrictEqual(io.stdout, ["Traceback: table not found"]);
        assert.strictEqual(io.stderr[io.stderr.length - 1], `Run run-20250301T020000Z-a1b2c3d4 failed after 9s (Batch.ContainerFailed: ${cause}).`);
    });

    it("says a run timed out, with the runner's cause, and exits 1", async () => {
        const io = new FakeIo();
        serveLogs(io, "task1", ["still scanning"], 5000);
        const code = await follow(io, [
            ...startOfRun("task1"),
            ev(3600040, "TaskTimedOut"),
            entered(3600050, "TaskStateEntered", STATES.findTimedOut),
            failed(3600900, RUN_FAILURES.timedOut, "timed out after 3600 s; its task was stopped: States.Timeout The attempt ran longer than 3600 s; the runner stopped its task arn:aws:ecs:eu-west-1:123456789012:task/todo-cluster/task1."),
        ]);

        assert.strictEqual(code, 1);
        assert.ok(io.stderr.includes("The attempt ran past its timeout: the runner looks for its task to stop it."), io.errText);
        assert.match(io.stderr[io.stderr.length - 1], /^Run run-20250301T020000Z-a1b2c3d4 timed out after 1h00m \(Batch\.TimedOut: timed out after 3600 s; its task was stopped/);
        assert.ok(io.stderr.some((l) => /^Task task1 is running, no new output \(\d+m\d+s\)…$/.test(l)), "progress lines while a quiet task runs");
    });

    it("exits 3 for a run skipped because another was running, without looking for logs", async () => {
        const io = new FakeIo();
        const code = await follow(io, [ev(0, "ExecutionStarted"), failed(300, RUN_ERRORS.skipped, "another run of export is still running (run-20250301T013000Z-ffff0000)")]);

        assert.strictEqual(code, 3);
        assert.strictEqual(io.stderr[io.stderr.length - 1], "Run run-20250301T020000Z-a1b2c3d4 was skipped: another run of export is still running (run-20250301T013000Z-ffff0000).");
        assert.strictEqual(logs.commandCalls(GetLogEventsCommand).length, 0);
    });

    it("says when a run never got a task (no Fargate capacity) and exits 1", async () => {
        const io = new FakeIo();
        const capacity = (at: number) => ev(at, "TaskFailed", { taskFailedEventDetails: { resourceType: "ecs", resource: "runTask.sync", error: "ECS.AmazonECSException", cause: "Capacity is unavailable at this time." } });
        const code = await follow(io, [
            ev(0, "ExecutionStarted"),
            entered(10, "TaskStateEntered", STATES.run),
            capacity(100),
            capacity(60000),
            entered(60100, "TaskStateEntered", STATES.notify),
            failed(61000, RUN_FAILURES.capacityUnavailable, "could not get Fargate capacity: ECS.AmazonECSException Capacity is unavailable at this time."),
        ]);

        assert.strictEqual(code, 1);
        assert.strictEqual(io.stderr.filter((l) => l === "No Fargate capacity yet (ECS.AmazonECSException); the runner retries.").length, 2, io.errText);
        assert.ok(io.stderr.some((l) => /^Still waiting for a task \(\d+s\)…$/.test(l)), io.errText);
        assert.match(io.stderr[io.stderr.length - 1], /failed: no Fargate capacity \(Batch\.CapacityUnavailable: .*\)\. No task was started for this run\.$/);
        assert.strictEqual(logs.commandCalls(GetLogEventsCommand).length, 0);
        assert.deepStrictEqual(io.stdout, []);
    });

    it("follows a retry to its new task, showing both attempts' lines once", async () => {
        const io = new FakeIo();
        serveLogs(io, "task1", ["attempt one", "boom"], 3000);
        serveLogs(io, "task2", ["attempt two", "ok"], 80000);
        const code = await follow(io, [
            ...startOfRun("task1"),
            ev(10000, "TaskFailed"),
            entered(10100, "WaitStateEntered", STATES.waitRetry),
            entered(70100, "TaskStateEntered", STATES.run),
            submitted(71000, "task2"),
            ev(90000, "TaskSucceeded"),
            ev(90100, "ExecutionSucceeded"),
        ]);

        assert.strictEqual(code, 0, io.errText);
        assert.deepStrictEqual(io.stdout, ["attempt one", "boom", "attempt two", "ok"]);
        assert.ok(io.stderr.includes("Attempt 1 failed; attempt 2 starts after the retry wait."), io.errText);
        assert.ok(io.stderr.includes("Task task2 is provisioning (attempt 2)…"), io.errText);
    });

    it("reads long histories page by page", async () => {
        const io = new FakeIo();
        serveStart();
        const events = [...startOfRun("task1"), ...Array.from({ length: 7 }, (_, i) => ev(2000 + i, "MapIterationStarted")), ev(4000, "ExecutionSucceeded")];
        serveHistory(io, events, 3);
        serveTaskDefinition();
        serveLogs(io, "task1", ["one"], 1500);
        const code = await main(["run", "export", "--outputs", "outputs.json", "--follow"], io);
        assert.strictEqual(code, 0, io.errText);
        assert.ok(sfn.commandCalls(GetExecutionHistoryCommand).some((c) => c.args[0].input.nextToken !== undefined), "a second page was read");
        assert.deepStrictEqual(io.stdout, ["one"]);
        assert.strictEqual(io.stderr.filter((l) => l.startsWith("Task task1 is provisioning")).length, 1, "each event is taken once");
    });
});

describe("fargate-workloads run without --follow", () => {
    it("prints the execution ARN on stdout and exits 0 at once", async () => {
        const io = new FakeIo();
        const arn = serveStart();
        assert.strictEqual(await main(["run", SM_ARN], io), 0, io.errText);
        assert.deepStrictEqual(io.stdout, [arn]);
        assert.strictEqual(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input, "{}", "no --input starts with an empty object");
        assert.strictEqual(sfn.commandCalls(GetExecutionHistoryCommand).length, 0);
    });
});

describe("fargate-workloads runs", () => {
    const item = (name: string, startMin: number, status: string, durationS?: number) => ({
        executionArn: `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4:${name}`,
        stateMachineArn: SM_ARN,
        name,
        status: status as any,
        startDate: new Date(T0 - startMin * 60000),
        ...(durationS !== undefined ? { stopDate: new Date(T0 - startMin * 60000 + durationS * 1000) } : {}),
    });

    it("lists runs newest first across pages, with status, start, duration and the reason of failed ones", async () => {
        const io = new FakeIo();
        const pages = [
            { executions: [item("run-c", 5, "RUNNING"), item("run-b", 60 * 24, "FAILED", 3605)], nextToken: "page2" },
            { executions: [item("run-a", 60 * 48, "SUCCEEDED", 192), item("run-0", 60 * 49, "FAILED", 1)] },
        ];
        // The paginator reuses its input object: record each call's token when it is made.
        const calls: { stateMachineArn?: string; nextToken?: string }[] = [];
        sfn.on(ListExecutionsCommand).callsFake((input) => {
            calls.push({ stateMachineArn: input.stateMachineArn, nextToken: input.nextToken });
            return pages[calls.length - 1];
        });
        sfn.on(DescribeExecutionCommand, { executionArn: item("run-b", 0, "").executionArn }).resolves({ error: RUN_FAILURES.timedOut, cause: "timed out after 3600 s; its task was stopped: States.Timeout\nsecond line" });
        sfn.on(DescribeExecutionCommand, { executionArn: item("run-0", 0, "").executionArn }).resolves({ error: RUN_ERRORS.skipped, cause: "another run of export is still running" });

        assert.strictEqual(await main(["runs", "export", "--outputs", "outputs.json"], io), 0, io.errText);
        assert.deepStrictEqual(
            calls.map((c) => c.nextToken),
            [undefined, "page2"],
        );
        assert.ok(calls.every((c) => c.stateMachineArn === SM_ARN));
        assert.deepStrictEqual(io.stdout, [
            "RUN    STATUS     STARTED               DURATION      REASON",
            "run-c  RUNNING    2025-03-01 01:55:00Z  5m00s so far",
            "run-b  FAILED     2025-02-28 02:00:00Z  1h00m         Batch.TimedOut: timed out after 3600 s; its task was stopped: States.Timeout",
            "run-a  SUCCEEDED  2025-02-27 02:00:00Z  3m12s",
            "run-0  SKIPPED    2025-02-27 01:00:00Z  1s            Batch.Skipped: another run of export is still running",
        ]);
    });

    it("stops paging once no later page can hold a run that started later than the --limit listed", async () => {
        const io = new FakeIo();
        sfn.on(ListExecutionsCommand)
            .resolvesOnce({ executions: [item("run-c", 5, "SUCCEEDED", 10), item("run-b", 10, "SUCCEEDED", 10)], nextToken: "page2" })
            .resolvesOnce({ executions: [item("run-a", 15, "SUCCEEDED", 10)], nextToken: "page3" })
            .resolves({ executions: [item("run-0", 20, "SUCCEEDED", 10)] });
        assert.strictEqual(await main(["runs", "export", "--outputs", "outputs.json", "--limit", "2"], io), 0, io.errText);
        // run-b ended 9m50s ago: a run on the next page ended (and so started) before that, but
        // not necessarily before run-b started; run-a ended before run-b started: no need for page 3.
        assert.strictEqual(sfn.commandCalls(ListExecutionsCommand).length, 2);
        assert.deepStrictEqual(io.stdout.slice(1).map((l) => l.split(" ")[0]), ["run-c", "run-b"]);
    });

    it("lists the runs that started last, last started first, even when a long run ended after them (ListExecutions orders finished runs by their stop)", async () => {
        const io = new FakeIo();
        // As ListExecutions pages them: the long run-long ended last, so it comes first.
        sfn.on(ListExecutionsCommand)
            .resolvesOnce({ executions: [item("run-long", 120, "SUCCEEDED", 119 * 60)], nextToken: "page2" })
            .resolvesOnce({ executions: [item("run-short", 10, "SUCCEEDED", 60)], nextToken: "page3" })
            .resolvesOnce({ executions: [item("run-older", 30, "SUCCEEDED", 60)], nextToken: "page4" })
            .resolvesOnce({ executions: [item("run-oldest", 200, "SUCCEEDED", 60)], nextToken: "page5" })
            .resolves({ executions: [item("run-ancient", 300, "SUCCEEDED", 60)] });
        assert.strictEqual(await main(["runs", "export", "--outputs", "outputs.json", "--limit", "2"], io), 0, io.errText);
        assert.deepStrictEqual(io.stdout.slice(1).map((l) => l.split(" ")[0]), ["run-short", "run-older"]);
        // Until run-oldest, which stopped before run-older started, a later page could hold a run started after run-older.
        assert.strictEqual(sfn.commandCalls(ListExecutionsCommand).length, 4, "pages are read until the listing passes the start of the last run shown, and no further");
    });
});

describe("fargate-workloads logs", () => {
    it("prints every attempt's logs of the latest run from its history, without asking ECS for the long-gone tasks", async () => {
        const io = new FakeIo();
        io.time = T0 + 86400000;
        const name = "run-20250301T020000Z-a1b2c3d4";
        const executionArn = `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4:${name}`;
        sfn.on(ListExecutionsCommand).resolves({ executions: [{ executionArn, stateMachineArn: SM_ARN, name, status: "SUCCEEDED", startDate: new Date(T0) }] });
        serveHistory(io, [...startOfRun("task1"), ev(10000, "TaskFailed"), entered(10100, "WaitStateEntered", STATES.waitRetry), entered(70100, "TaskStateEntered", STATES.run), submitted(71000, "task2"), ev(90100, "ExecutionSucceeded")]);
        serveTaskDefinition();
        serveLogs(io, "task1", ["one", "two", "three", "four", "five"], 3000);
        serveLogs(io, "task2", ["six"], 80000);

        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json"], io), 0, io.errText);
        assert.deepStrictEqual(io.stdout, ["one", "two", "three", "four", "five", "six"]);
        assert.deepStrictEqual(io.stderr, [
            `Task task1 (attempt 1), log stream ${LOG_GROUP} app/app/task1:`,
            `Task task2 (attempt 2), log stream ${LOG_GROUP} app/app/task2:`,
            `Run ${name} succeeded in 1m30s.`,
        ]);
        assert.strictEqual(ecs.commandCalls(DescribeTasksCommand).length, 0);
        assert.strictEqual(ecs.commandCalls(DescribeTaskDefinitionCommand).length, 1, "the task definition is read once per revision");
    });

    it("without --run, shows the run that started last, not the one ListExecutions lists first (a long run that ended later)", async () => {
        const io = new FakeIo();
        io.time = T0 + 86400000;
        const arnOf = (name: string) => `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4:${name}`;
        // In ListExecutions' order (by stop for finished runs), paged by maxResults as the API does.
        const listed = [
            { executionArn: arnOf("run-long"), stateMachineArn: SM_ARN, name: "run-long", status: "SUCCEEDED" as const, startDate: new Date(T0 - 7200000), stopDate: new Date(T0 - 60000) },
            { executionArn: arnOf("run-short"), stateMachineArn: SM_ARN, name: "run-short", status: "SUCCEEDED" as const, startDate: new Date(T0 - 600000), stopDate: new Date(T0 - 540000) },
            { executionArn: arnOf("run-before"), stateMachineArn: SM_ARN, name: "run-before", status: "SUCCEEDED" as const, startDate: new Date(T0 - 9000000), stopDate: new Date(T0 - 8900000) },
        ];
        sfn.on(ListExecutionsCommand).callsFake((input) => {
            const from = Number(input.nextToken ?? 0);
            const size = input.maxResults || 100;
            return { executions: listed.slice(from, from + size), ...(from + size < listed.length ? { nextToken: String(from + size) } : {}) };
        });
        serveHistory(io, [...startOfRun("task1"), ev(5000, "ExecutionSucceeded")]);
        serveTaskDefinition();
        serveLogs(io, "task1", ["one"], 3000);
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json"], io), 0, io.errText);
        assert.strictEqual(sfn.commandCalls(GetExecutionHistoryCommand)[0].args[0].input.executionArn, arnOf("run-short"));
    });

    it("finds a run by --run name, and says when its stream is gone", async () => {
        const io = new FakeIo();
        io.time = T0 + 86400000;
        serveHistory(io, [...startOfRun("task1"), failed(5000, RUN_FAILURES.containerFailed, "failed: exit 1")]);
        serveTaskDefinition();
        logs.on(GetLogEventsCommand).rejects(Object.assign(new Error("The specified log stream does not exist."), { name: "ResourceNotFoundException" }));
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json", "--run", "run-old"], io), 0, io.errText);
        assert.strictEqual(sfn.commandCalls(GetExecutionHistoryCommand)[0].args[0].input.executionArn, `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4:run-old`);
        assert.ok(io.stderr.includes("No log stream for task task1: its container never started, or the log group's retention has removed it."), io.errText);
    });
});

describe("fargate-workloads bad input", () => {
    async function rejected(argv: string[], io = new FakeIo()): Promise<string> {
        const code = await main(argv, io);
        assert.strictEqual(code, 2, io.errText);
        assert.strictEqual(io.stdout.length, 0);
        assert.strictEqual(sfn.commandCalls(StartExecutionCommand).length, 0, "nothing is started");
        return io.errText;
    }

    it("names the known jobs when the job is unknown, with the one meant when it is a typo", async () => {
        assert.strictEqual(await rejected(["run", "exprot", "--outputs", "outputs.json"]), 'fargate-workloads: Unknown job "exprot"; did you mean export? The stack outputs name these jobs: batch, export.');
        assert.strictEqual(await rejected(["run", "nightly", "--outputs", "outputs.json"]), 'fargate-workloads: Unknown job "nightly". The stack outputs name these jobs: batch, export.');
        const io = new FakeIo();
        io.files["empty.json"] = JSON.stringify({ url: "http://x" });
        assert.strictEqual(await rejected(["run", "nightly", "--outputs", "empty.json"], io), 'fargate-workloads: Unknown job "nightly". The stack outputs hold no state machine ARN; export one from the program, such as a BatchTask\'s runCommand or stateMachine.arn.');
    });

    it("says how to pass the outputs when a job name comes without them", async () => {
        assert.match(await rejected(["run", "export"]), /^fargate-workloads: "export" is not a state machine ARN: pass the stack outputs .*pulumi stack output --json > outputs\.json.*--outputs outputs\.json/);
    });

    it("rejects --input that is not JSON before starting anything", async () => {
        assert.match(await rejected(["run", "export", "--outputs", "outputs.json", "--input", "{command: x}"]), /^fargate-workloads: --input is not valid JSON \(.+\); quote it for the shell/);
    });

    it("rejects stack outputs that are not JSON, from a file or standard input", async () => {
        const io = new FakeIo();
        io.files["bad.json"] = "Current stack outputs (3):";
        assert.match(await rejected(["runs", "export", "--outputs", "bad.json"], io), /^fargate-workloads: The stack outputs from bad\.json are not JSON \(.+\); write them with `pulumi stack output --json > outputs\.json`\.$/);
        const piped = new FakeIo();
        piped.stdin = OUTPUTS;
        sfn.on(ListExecutionsCommand).resolves({ executions: [] });
        assert.strictEqual(await main(["runs", "export", "--outputs", "-"], piped), 0, "outputs read from standard input with -");
    });

    it("says there are no credentials in one line, without a stack trace (mocked CredentialsProviderError)", async () => {
        sfn.on(StartExecutionCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
        const io = new FakeIo();
        assert.strictEqual(await main(["run", SM_ARN], io), 2);
        const message = io.errText;
        assert.strictEqual(message.split("\n").length, 1);
        assert.match(message, /^fargate-workloads: No AWS credentials found \(Could not load credentials from any providers\)\. Set them as for the AWS CLI/);
    });

    it("says there are no credentials when the real SDK chain finds none", async () => {
        const saved = { ...process.env };
        sfn.restore();
        try {
            for (const key of Object.keys(process.env).filter((k) => k.startsWith("AWS_"))) {
                delete process.env[key];
            }
            Object.assign(process.env, { AWS_CONFIG_FILE: "/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials", AWS_EC2_METADATA_DISABLED: "true" });
            const io = new FakeIo();
            assert.strictEqual(await main(["runs", SM_ARN], io), 2, io.errText);
            assert.match(io.errText, /^fargate-workloads: No AWS credentials found \(.+\)\. Set them as for the AWS CLI[^\n]*$/);
        } finally {
            process.env = saved;
            sfn = mockClient(SFNClient);
        }
    });

    it("rejects an unknown command, a misplaced option and a bad --limit with usage", async () => {
        assert.match(await rejected(["start", "export"]), /Unknown command "start"/);
        assert.match(await rejected(["runs", SM_ARN, "--follow"]), /^fargate-workloads: runs does not take --follow\./);
        assert.match(await rejected(["runs", SM_ARN, "--limit", "0"]), /--limit \(0\) must be a whole number from 1 to 1000\./);
        assert.match(await rejected(["logs", SM_ARN, "--run", "a b"]), /--run "a b" is not a run name/);
    });
});

describe("fargate-workloads and AWS's refusals", () => {
    /** An SDK service exception as the client throws it: its name and message. */
    const refusal = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });

    const cases: [string, string[], Error, number, RegExp][] = [
        ["a missing IAM permission (AccessDeniedException)", ["run", SM_ARN], refusal("AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/dev/me is not authorized to perform: states:StartExecution"), 2, /^fargate-workloads: Not allowed: User: .* is not authorized to perform: states:StartExecution\. The caller needs the permissions listed in docs\/batch-cli\.md\.$/],
        ["the state machine's KMS key refused (KmsAccessDeniedException)", ["run", SM_ARN], refusal("KmsAccessDeniedException", "Either your KMS key policy or API caller does not have the required permissions."), 2, /^fargate-workloads: Not allowed to use the state machine's KMS key .*: the caller needs kms:Decrypt and kms:GenerateDataKey on the key, and the key policy must allow it; see docs\/batch-cli\.md \(KmsAccessDeniedException: Either your KMS key policy/],
        ["a disabled key (KmsInvalidStateException)", ["run", SM_ARN], refusal("KmsInvalidStateException", "The KMS key is not in valid state"), 4, /^fargate-workloads: The state machine's KMS key is disabled or pending deletion, so its runs can be neither started nor read until the key is enabled again \(KmsInvalidStateException: /],
        ["expired credentials (ExpiredTokenException)", ["run", SM_ARN], refusal("ExpiredTokenException", "The security token included in the request is expired"), 2, /^fargate-workloads: AWS refused the credentials \(ExpiredTokenException: The security token included in the request is expired\); refresh them \(for SSO, `aws sso login`\) and try again\.$/],
        ["unknown credentials (UnrecognizedClientException)", ["run", SM_ARN], refusal("UnrecognizedClientException", "The security token included in the request is invalid."), 2, /^fargate-workloads: AWS refused the credentials \(UnrecognizedClientException: /],
    ];
    for (const [what, argv, error, code, message] of cases) {
        it(`exits ${code} with one line for ${what}`, async () => {
            sfn.on(StartExecutionCommand).rejects(error);
            const io = new FakeIo();
            assert.strictEqual(await main(argv, io), code, io.errText);
            assert.strictEqual(io.stderr.length, 1);
            assert.match(io.errText, message);
            assert.deepStrictEqual(io.stdout, []);
        });
    }

    it("exits 2 for a run that does not exist (ExecutionDoesNotExist), saying how to list the runs", async () => {
        sfn.on(GetExecutionHistoryCommand).rejects(refusal("ExecutionDoesNotExist", "Execution Does Not Exist: 'arn:aws:states:eu-west-1:123456789012:execution:export-runner-1a2b3c4:run-typo'"));
        const io = new FakeIo();
        assert.strictEqual(await main(["logs", SM_ARN, "--run", "run-typo"], io), 2, io.errText);
        assert.match(io.errText, /^fargate-workloads: ExecutionDoesNotExist: Execution Does Not Exist: '.*:run-typo'; no such run of this job; `fargate-workloads runs <job>` lists its runs/);
    });

    it("exits 2 for a state machine that does not exist (StateMachineDoesNotExist), saying the outputs may be stale", async () => {
        sfn.on(ListExecutionsCommand).rejects(refusal("StateMachineDoesNotExist", "State Machine Does Not Exist"));
        const io = new FakeIo();
        assert.strictEqual(await main(["runs", SM_ARN], io), 2, io.errText);
        assert.match(io.errText, /StateMachineDoesNotExist: State Machine Does Not Exist; the stack outputs may be from another stack or account/);
    });

    it("lists the KMS permissions an encrypted state machine needs in its reference", () => {
        const reference = fs.readFileSync(referencePath(), "utf8");
        assert.match(reference, /\| `kms:Decrypt`, `kms:GenerateDataKey` \| the state machine's KMS key/);
    });
});

describe("fargate-workloads usage", () => {
    it("prints the usage, without an error line in front, when given no arguments, and exits 2", async () => {
        const io = new FakeIo();
        assert.strictEqual(await main([], io), 2);
        assert.deepStrictEqual(io.stderr, [USAGE]);
        assert.match(io.stderr[0], /^Usage: fargate-workloads <command> <job> \[options\]\n/);
    });

    it("points --help to a reference that exists: docs/batch-cli.md, which the package ships", async () => {
        const io = new FakeIo();
        assert.strictEqual(await main(["--help"], io), 0);
        const line = io.stdout.join("\n").split("\n").pop()!;
        const file = /^Full reference: (\S+)$/.exec(line)![1];
        assert.ok(path.isAbsolute(file) && fs.existsSync(file), `${file} exists`);
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
        assert.ok(pkg.files.includes("docs/*.md"), "the package ships it, with the other pages of docs/");
        assert.strictEqual(path.relative(path.join(__dirname, ".."), file), path.join("docs", "batch-cli.md"));
    });

    const typos: [string[], string][] = [
        [["run", "export", "--folow"], "fargate-workloads: run: unknown option --folow; did you mean --follow? It takes --input JSON, --shards N, --follow, --outputs FILE, --help."],
        [["runs", "export", "--limt", "3"], "fargate-workloads: runs: unknown option --limt; did you mean --limit? It takes --limit N, --outputs FILE, --help."],
        [["logs", "export", "--outptus", "o.json"], "fargate-workloads: logs: unknown option --outptus; did you mean --outputs? It takes --run NAME|ARN, --shard K, --outputs FILE, --help."],
        [["run", "export", "--zzz"], "fargate-workloads: run: unknown option --zzz. It takes --input JSON, --shards N, --follow, --outputs FILE, --help."],
        [["run", "export", "-z"], "fargate-workloads: run: unknown option -z. It takes --input JSON, --shards N, --follow, --outputs FILE, --help."],
        [["run", "export", "--input"], "fargate-workloads: run: --input needs a value: --input JSON."],
        [["run", "export", "--follow=yes"], "fargate-workloads: run: --follow takes no value."],
        [["rn", "export"], 'fargate-workloads: Unknown command "rn"; did you mean run? The commands are run, runs, logs; fargate-workloads --help shows the usage.'],
        [["lgs", "export"], 'fargate-workloads: Unknown command "lgs"; did you mean logs? The commands are run, runs, logs; fargate-workloads --help shows the usage.'],
        [["deploy", "export"], 'fargate-workloads: Unknown command "deploy". The commands are run, runs, logs; fargate-workloads --help shows the usage.'],
    ];
    for (const [argv, message] of typos) {
        it(`says what was meant, in one balanced line: ${argv.join(" ")}`, async () => {
            const io = new FakeIo();
            assert.strictEqual(await main(argv, io), 2);
            assert.deepStrictEqual(io.stderr, [message]);
            for (const [open, close] of [["(", ")"], ["[", "]"], ["{", "}"]]) {
                assert.strictEqual(message.split(open).length, message.split(close).length, `${open}${close} balanced`);
            }
            assert.strictEqual((message.match(/"/g) ?? []).length % 2, 0, "double quotes balanced");
            assert.strictEqual((message.match(/(^|\s)'|'(\s|$|[.,;])/g) ?? []).length % 2, 0, "single quotes balanced");
        });
    }
});

describe("fargate-workloads run --input that ECS would refuse", () => {
    it("refuses, before starting anything, an input whose overrides pass 8,192 characters with the runner's variables, and starts one that fits", async () => {
        const base = overrideCharsOf({ environment: { DATA: "" } });
        const input = (extra: number) => JSON.stringify({ environment: { DATA: "x".repeat(MAX_OVERRIDE_CHARS - base + extra) } });
        const io = new FakeIo();
        assert.strictEqual(await main(["run", SM_ARN, "--input", input(1)], io), 2);
        assert.strictEqual(io.errText, `fargate-workloads: --input makes ${MAX_OVERRIDE_CHARS + 1} characters of container overrides with the runner's BATCH_RUN_ID, BATCH_RUN_STARTED_AT and BATCH_ATTEMPT; ECS allows at most 8192 per task, JSON formatting included. Pass large values by reference, such as an S3 key.`);
        assert.strictEqual(sfn.commandCalls(StartExecutionCommand).length, 0);
        serveStart();
        assert.strictEqual(await main(["run", SM_ARN, "--input", input(0)], new FakeIo()), 0);
    });

    it("counts the overrides as the runner does, with the longest run name it gives and the last attempt", () => {
        const inputs = [{}, { command: ["./x.sh", "--all"] }, { environment: { A: "1", QUOTE: 'say "hi"', UNICODE: "é€" } }, { command: ["a\\b"], environment: { B: "\n" } }];
        const name = runName(new Date(T0), "a1b2c3d4e5f6a7b8");
        assert.strictEqual(name.length, 33, "the longest run name this command gives");
        for (const input of inputs) {
            assert.strictEqual(overrideCharsOf(input), overrideChars(input as never, { runId: name, startedAt: "2025-03-01T02:00:00.000Z", attempt: 10 }), JSON.stringify(input));
        }
        assert.strictEqual(MAX_OVERRIDE_CHARS, RUN_LIMITS.overrideChars);
    });
});

describe("fargate-workloads jobs", () => {
    const arn = (name: string) => `arn:aws:states:${REGION}:123456789012:stateMachine:${name}`;

    it("finds the job of the docs' example (docs/batch-task.md), which exports only the BatchTask's runCommand", () => {
        const outputs = { runNightly: `aws stepfunctions start-execution --state-machine-arn ${arn("nightly-runner-7f3e2a1")} --region ${REGION} --input '{}'`, url: "http://x" };
        assert.strictEqual(resolveJob("nightly", outputs).arn, arn("nightly-runner-7f3e2a1"));
        assert.deepStrictEqual(knownJobs(outputs), ["nightly"]);
        assert.strictEqual(resolveJob("nightly", { jobs: { all: [{ arn: arn("nightly-runner-7f3e2a1") }] } }).arn, arn("nightly-runner-7f3e2a1"), "nested in objects and lists too");
        assert.strictEqual(resolveJob("nightly", { a: arn("nightly-runner-7f3e2a1"), b: `run with ${arn("nightly-runner-7f3e2a1")}` }).arn, arn("nightly-runner-7f3e2a1"), "the same ARN twice is one job");
        assert.throws(() => resolveJob("nightly", { a: `${arn("nightly-runner-7f3e2a1")}x-y` }), /Unknown job/, "an ARN is not read out of a longer name");
    });

    it("resolves a name through a jobs map, then <name>StateMachineArn, then the BatchTask runner's name", () => {
        const outputs = { jobs: { nightly: arn("a") }, reportStateMachineArn: arn("b"), batchStateMachineArn: arn("export-runner-1a2b3c4") };
        assert.strictEqual(resolveJob("nightly", outputs).arn, arn("a"));
        assert.strictEqual(resolveJob("report", outputs).arn, arn("b"));
        assert.strictEqual(resolveJob("export", outputs).arn, arn("export-runner-1a2b3c4"));
        assert.strictEqual(resolveJob("batch", outputs).arn, arn("export-runner-1a2b3c4"));
        assert.throws(() => resolveJob("toString", outputs), /Unknown job "toString"/);
        assert.throws(() => resolveJob("exp", outputs), /Unknown job "exp"/);
    });

    it("refuses a name that matches two state machines", () => {
        assert.throws(() => resolveJob("export", { a: arn("export-runner-1111111"), b: arn("export-runner-2222222") }), /Job "export" matches 2 state machines/);
    });

    it("reads the region from the ARN and builds a run's execution ARN", () => {
        const sm = parseStateMachineArn(SM_ARN)!;
        assert.deepStrictEqual(sm, { arn: SM_ARN, region: REGION, name: "export-runner-1a2b3c4" });
        assert.strictEqual(executionArnOf(sm, "run-1"), `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4:run-1`);
    });
});

describe("fargate-workloads and the runner it reads", () => {
    it("knows the runner's state names, errors and main container as components/ defines them", () => {
        assert.strictEqual(RUNNER_STATES.run, STATES.run);
        assert.strictEqual(RUNNER_STATES.runOnDemand, STATES.runOnDemand);
        assert.strictEqual(RUNNER_STATES.waitRetry, STATES.waitRetry);
        assert.strictEqual(RUNNER_STATES.capacity, STATES.capacity);
        assert.strictEqual(RUNNER_STATES.findTimedOut, STATES.findTimedOut);
        for (const [key, error] of Object.entries(RUN_FAILURES)) {
            assert.strictEqual(RUN_ERRORS[key as keyof typeof RUN_ERRORS], error, key);
        }
        assert.deepStrictEqual(CLI_CAPACITY_ERRORS, CAPACITY_ERRORS);
        assert.strictEqual(MAIN_CONTAINER, MAIN_CONTAINER_NAME);
    });

    it("starts without Pulumi: the command imports neither components/ nor @pulumi packages", () => {
        const dir = path.join(__dirname, "..", "cli");
        for (const file of fs.readdirSync(dir)) {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            assert.doesNotMatch(text, /from "(\.\.\/components|@pulumi\/)/, file);
        }
    });

    it("ships as the package's bin, an executable script", () => {
        const root = path.join(__dirname, "..");
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.deepStrictEqual(pkg.bin, { "fargate-workloads": "lib/bin.js" });
        assert.match(fs.readFileSync(path.join(root, "lib", "bin.js"), "utf8"), /^#!\/usr\/bin\/env node\n/);
        assert.match(fs.readFileSync(path.join(root, "lib", "bin.js"), "utf8"), /require\("\.\/load"\)\("cli\/bin\.js"\)/, "it runs dist/cli/bin.js");
        for (const sdk of ["@aws-sdk/client-sfn", "@aws-sdk/client-cloudwatch-logs", "@aws-sdk/client-ecs"]) {
            assert.match(pkg.dependencies[sdk], /^\d+\.\d+\.\d+$/, `${sdk} is a pinned runtime dependency`);
        }
    });
});

describe("fargate-workloads and a sharded job's runs", () => {
    const RUN = "run-20250301T020000Z-a1b2c3d4";
    const RUN_ARN = `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4:${RUN}`;
    const MAP_RUN = `arn:aws:states:${REGION}:123456789012:mapRun:export-runner-1a2b3c4/shard:0f1e2d3c-0000-0000-0000-000000000000`;
    const child = (k: number) => `arn:aws:states:${REGION}:123456789012:execution:export-runner-1a2b3c4/shard:${String(k).padStart(8, "0")}-feed-0000-0000-000000000000`;
    const counts = (c: Partial<Record<"pending" | "running" | "succeeded" | "failed" | "timedOut" | "aborted" | "total", number>>) => ({ pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0, ...c });

    /** The NextToken of each ListExecutions call of the Map Run, as made (the paginator reuses its input object). */
    let tokens: (string | undefined)[] = [];

    function serveMapRun(executionCounts: ReturnType<typeof counts>, children = 0, startOf: (k: number) => number = () => 0): void {
        tokens = [];
        sfn.on(ListMapRunsCommand, { executionArn: RUN_ARN }).resolves({ mapRuns: [{ executionArn: RUN_ARN, mapRunArn: MAP_RUN, stateMachineArn: SM_ARN, startDate: new Date(T0) }] });
        sfn.on(DescribeMapRunCommand, { mapRunArn: MAP_RUN }).resolves({ mapRunArn: MAP_RUN, executionCounts, executionArn: RUN_ARN, status: "RUNNING", startDate: new Date(T0), maxConcurrency: 10, toleratedFailurePercentage: 0, toleratedFailureCount: 0, itemCounts: executionCounts });
        // The Map Run's children, as ListExecutions pages them (the most recent first), and their inputs.
        const arns = [...Array(children).keys()].sort((a, b) => startOf(b) - startOf(a) || b - a).map(child);
        sfn.on(ListExecutionsCommand, { mapRunArn: MAP_RUN }).callsFake((input) => {
            tokens.push(input.nextToken);
            const from = Number(input.nextToken ?? 0);
            const size = input.maxResults || 100;
            return { executions: arns.slice(from, from + size).map((executionArn) => ({ executionArn, stateMachineArn: `${SM_ARN}/shard`, name: executionArn.split(":").pop(), status: "SUCCEEDED", startDate: new Date(T0 + startOf(Number(executionArn!.split(":").pop()!.slice(0, 8)))) })), ...(from + size < arns.length ? { nextToken: String(from + size) } : {}) };
        });
        sfn.on(DescribeExecutionCommand).callsFake(({ executionArn }) => ({ executionArn, input: JSON.stringify({ shard: Number(executionArn.split(":").pop().slice(0, 8)), count: children, run: { id: RUN, startedAt: "2025-03-01T02:00:00.000Z" }, input: {} }) }));
    }

    it("run --shards N asks for N shards in the run's input, beside --input, and refuses what the runner would", async () => {
        const io = new FakeIo();
        serveStart();
        assert.strictEqual(await main(["run", "export", "--outputs", "outputs.json", "--shards", "40", "--input", '{"environment": {"MODE": "full"}}'], io), 0, io.errText);
        assert.deepStrictEqual(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!), { environment: { MODE: "full" }, shards: 40 });
        for (const [argv, message] of [
            [["--shards", "0"], "--shards (0) must be a whole number from 1 to 10000."],
            [["--shards", "2.5"], "--shards (2.5) must be a whole number from 1 to 10000."],
            [["--shards", "10001"], "--shards (10001) must be a whole number from 1 to 10000."],
            [["--shards", "3", "--input", '{"shards": 4}'], '--shards 3 and the "shards" of --input (4) differ; give the shards once.'],
            [["--shards", "3", "--input", "[1]"], '--shards needs an --input that is a JSON object, such as {"environment": {"MODE": "full"}}; the run\'s shards go into it.'],
        ] as const) {
            const refused = new FakeIo();
            assert.strictEqual(await main(["run", "export", "--outputs", "outputs.json", ...argv], refused), 2);
            assert.deepStrictEqual(refused.stderr, [`fargate-workloads: ${message}`]);
        }
        assert.strictEqual(sfn.commandCalls(StartExecutionCommand).length, 1, "nothing refused was started");
    });

    it("run --shards counts the last shard's SHARD_INDEX and SHARD_COUNT in the overrides, as the runner does", async () => {
        const name = runName(new Date(T0), "a1b2c3d4e5f6a7b8");
        const input = { environment: { DATA: "x" }, shards: 10000 };
        assert.strictEqual(overrideCharsOf(input), overrideChars(input, { runId: name, startedAt: "2025-03-01T02:00:00.000Z", attempt: 10, shard: { index: 9999, count: 10000 } }));
        const io = new FakeIo();
        const data = "x".repeat(MAX_OVERRIDE_CHARS - overrideCharsOf({ environment: { DATA: "" }, shards: 10000 }) + 1);
        assert.strictEqual(await main(["run", "export", "--outputs", "outputs.json", "--shards", "10000", "--input", JSON.stringify({ environment: { DATA: data } })], io), 2);
        assert.match(io.errText, /with the runner's BATCH_RUN_ID, BATCH_RUN_STARTED_AT and BATCH_ATTEMPT and the last shard's SHARD_INDEX and SHARD_COUNT; ECS allows at most 8192/);
    });

    it("runs shows each sharded run's shard counts, and leaves out a shard listed as a run", async () => {
        const io = new FakeIo();
        sfn.on(ListExecutionsCommand, { stateMachineArn: SM_ARN }).resolves({
            executions: [
                { executionArn: RUN_ARN, stateMachineArn: SM_ARN, name: RUN, status: "RUNNING", startDate: new Date(T0 - 60000) },
                { executionArn: child(3), stateMachineArn: `${SM_ARN}/shard`, name: "00000003-feed", status: "RUNNING", startDate: new Date(T0 - 50000) },
            ],
        });
        serveMapRun(counts({ total: 100, succeeded: 40, failed: 2, running: 10, pending: 48 }));
        assert.strictEqual(await main(["runs", "export", "--outputs", "outputs.json"], io), 0, io.errText);
        assert.deepStrictEqual(io.stdout, [
            "RUN                            STATUS   STARTED               DURATION      SHARDS                                                   REASON",
            `${RUN}  RUNNING  2025-03-01 01:59:00Z  1m00s so far  100 shards: 40 ok, 2 failed, 10 running, 48 not started`,
        ]);
    });

    it("runs lists the runs without counts, and stops asking, when the caller may not read Map Runs (as for a job without shards)", async () => {
        const io = new FakeIo();
        sfn.on(ListExecutionsCommand, { stateMachineArn: SM_ARN }).resolves({ executions: [{ executionArn: RUN_ARN, stateMachineArn: SM_ARN, name: RUN, status: "SUCCEEDED", startDate: new Date(T0 - 60000), stopDate: new Date(T0) }] });
        sfn.on(ListMapRunsCommand).rejects(Object.assign(new Error("User is not authorized to perform: states:ListMapRuns"), { name: "AccessDeniedException" }));
        assert.strictEqual(await main(["runs", "export", "--outputs", "outputs.json"], io), 0, io.errText);
        assert.deepStrictEqual(io.stdout, ["RUN                            STATUS     STARTED               DURATION  REASON", `${RUN}  SUCCEEDED  2025-03-01 01:59:00Z  1m00s`]);
        assert.deepStrictEqual(io.stderr, [], "no warning: a job without shards needs no ListMapRuns");
    });

    it("logs --shard K shows the logs of the task of the shard whose input says shard K (its SHARD_INDEX)", async () => {
        const io = new FakeIo();
        io.time = T0 + 86400000;
        serveMapRun(counts({ total: 2500, succeeded: 2500 }), 2500);
        const shardHistory = [...startOfRun("task1234"), ev(5000, "ExecutionSucceeded")];
        sfn.on(GetExecutionHistoryCommand, { executionArn: child(1234) }).resolves({ events: [...shardHistory].reverse().map(({ at: _at, ...e }) => e) });
        serveTaskDefinition();
        serveLogs(io, "task1234", ["shard 1234 of 2500"], 3000);
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json", "--run", RUN, "--shard", "1234"], io), 0, io.errText);
        assert.deepStrictEqual(io.stdout, ["shard 1234 of 2500"]);
        assert.deepStrictEqual(io.stderr, [
            `Shard 1234 of run ${RUN}: execution ${child(1234)}`,
            `Task task1234 (attempt 1), log stream ${LOG_GROUP} app/app/task1234:`,
            `Run ${RUN} shard 1234 succeeded in 5s.`,
        ]);
        assert.deepStrictEqual(tokens, [undefined, "1000", "2000"], "every page of the Map Run's children is read, to order them by start");
        assert.strictEqual(sfn.commandCalls(DescribeExecutionCommand).length, SHARD_SEARCH.concurrency, "the children nearest the shard's position are described first");
    });

    it("logs --shard finds a shard that started out of order among its wave, and paces a long search under DescribeExecution's throttle, saying how far it is", async () => {
        // Waves of 40 starting a second apart, in no order within a wave (a fixed permutation).
        const wave = (k: number) => Math.floor(k / 40) * 1000 + ((k * 17) % 40) * 3;
        const io = new FakeIo();
        serveMapRun(counts({ total: 2500, succeeded: 2500 }), 2500, wave);
        sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json", "--run", RUN, "--shard", "1234"], io), 0, io.errText);
        assert.strictEqual(io.stderr[0], `Shard 1234 of run ${RUN}: execution ${child(1234)}`);
        assert.ok(sfn.commandCalls(DescribeExecutionCommand).length <= 80, `found within two waves: ${sfn.commandCalls(DescribeExecutionCommand).length} calls`);
        assert.strictEqual(io.time, T0, "no wait within the burst");

        // Start order unrelated to the shard (the last shard started first): every child is
        // described, after the burst at the paced rate, with a progress line every 200.
        sfn.reset();
        const slow = new FakeIo();
        serveMapRun(counts({ total: 2500, succeeded: 2500 }), 2500, (k) => (2499 - k) * 10);
        sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json", "--run", RUN, "--shard", "2499"], slow), 0, slow.errText);
        const described = sfn.commandCalls(DescribeExecutionCommand).length;
        assert.strictEqual(described, 2500);
        const paced = ((described - SHARD_SEARCH.burst) / SHARD_SEARCH.perSecond) * 1000;
        assert.ok(slow.time - T0 >= paced - 1000 && slow.time - T0 <= paced + 2000, `paced: ${(slow.time - T0) / 1000} s for ${described} calls, neither faster nor much slower than the rate`);
        const progress = slow.stderr.filter((l) => l.startsWith("Looking for shard 2499: "));
        assert.strictEqual(progress.length, Math.floor((described - 1) / SHARD_SEARCH.progressEvery));
        assert.strictEqual(progress[0], "Looking for shard 2499: 200 of 2500 child executions described...");
    });

    it("paces DescribeExecution as a bucket does: never more than its burst at once, however long it rested", async () => {
        const io = new FakeIo();
        const pace = new Pace(io, 200, 8);
        await pace.take(200);
        assert.strictEqual(io.time, T0, "the burst at once");
        io.time += 3600_000; // an hour of rest refills the bucket to its burst, not beyond
        await pace.take(200);
        assert.strictEqual(io.time, T0 + 3600_000);
        await pace.take(8);
        assert.strictEqual(io.time, T0 + 3600_000 + 1000, "then a second for the next eight");
    });

    it("logs --shard says which shards a run has, and that a run without shards has none", async () => {
        const io = new FakeIo();
        serveMapRun(counts({ total: 3, succeeded: 3 }), 3);
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json", "--run", RUN, "--shard", "3"], io), 2);
        assert.deepStrictEqual(io.stderr, [`fargate-workloads: Run ${RUN} has 3 shards, 0 to 2: there is no shard 3.`]);
        sfn.reset();
        sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
        const plain = new FakeIo();
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json", "--run", RUN, "--shard", "0"], plain), 2);
        assert.match(plain.errText, /has no shards: it is not a sharded job's run, or it ended before its shards started; leave out --shard\.$/);
    });

    it("logs of a sharded run without --shard says where its tasks are", async () => {
        const io = new FakeIo();
        io.time = T0 + 86400000;
        serveMapRun(counts({ total: 3, succeeded: 2, failed: 1 }));
        serveHistory(io, [ev(0, "ExecutionStarted"), entered(10, "MapStateEntered", STATES.runShards), ev(20, "MapRunStarted", { mapRunStartedEventDetails: { mapRunArn: MAP_RUN } }), failed(90000, RUN_FAILURES.shardsFailed, "failed: 1 of 3 shards failed: States.ExceedToleratedFailureThreshold")]);
        assert.strictEqual(await main(["logs", "export", "--outputs", "outputs.json", "--run", RUN], io), 0, io.errText);
        assert.deepStrictEqual(io.stderr, [
            `Run ${RUN} ran its tasks in shards (3 shards: 2 ok, 1 failed, 0 running): add --shard K (0 for the first) to see shard K's logs.`,
            `Run ${RUN} failed after 1m30s (Batch.ShardsFailed: failed: 1 of 3 shards failed: States.ExceedToleratedFailureThreshold).`,
        ]);
    });

    it("run --follow of a sharded run prints its shards' counts as they change, and exits 1 when more failed than tolerated", async () => {
        const io = new FakeIo();
        serveStart();
        sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
        const mapRun = new Map<number, ReturnType<typeof counts>>([
            [0, counts({ total: 3, running: 3 })],
            [60000, counts({ total: 3, running: 1, succeeded: 2 })],
            [90000, counts({ total: 3, succeeded: 2, failed: 1 })],
        ]);
        sfn.on(DescribeMapRunCommand).callsFake(() => ({ executionCounts: [...mapRun.entries()].filter(([at]) => T0 + at <= io.time).pop()![1] }));
        serveHistory(io, [ev(0, "ExecutionStarted"), entered(10, "MapStateEntered", STATES.runShards), ev(20, "MapRunStarted", { mapRunStartedEventDetails: { mapRunArn: MAP_RUN } }), failed(95000, RUN_FAILURES.shardsFailed, "failed: 1 of 3 shards failed: States.ExceedToleratedFailureThreshold")]);
        assert.strictEqual(await main(["run", "export", "--outputs", "outputs.json", "--follow"], io), 1);
        assert.deepStrictEqual(io.stderr.slice(1), [
            `The run's shards are starting (Map Run ${MAP_RUN}).`,
            "Shards: 3 shards: 0 ok, 0 failed, 3 running.",
            "Shards: 3 shards: 2 ok, 0 failed, 1 running.",
            "Shards: 3 shards: 2 ok, 1 failed, 0 running.",
            `Run ${RUN} failed after 1m35s (Batch.ShardsFailed: failed: 1 of 3 shards failed: States.ExceedToleratedFailureThreshold).`,
        ]);
    });
});
