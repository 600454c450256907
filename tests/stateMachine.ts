/**
 * Runs a JSONata-mode Amazon States Language definition in the test process, with the real JSONata
 * engine (the `jsonata` package) and the AWS calls of Task states answered by the test. No local
 * Step Functions runtime supports JSONata (aws-local-stepfunctions and Step Functions Local read
 * JSONPath only), so this covers exactly the states and fields the BatchTask runner uses, with the
 * semantics the Step Functions developer guide documents:
 *
 * - "Transforming data with JSONata": `{% %}` expressions in Arguments, Output, Assign, Condition,
 *   Seconds, Items, Error and Cause; `$states.input`, `$states.result`, `$states.errorOutput`,
 *   `$states.context`; the Step Functions functions `$hash` and `$parse`.
 * - "Passing data between states with variables": every expression of an `Assign` block sees the
 *   variables as they were when the state was entered; new values are visible from the next state.
 * - "Handling errors": retriers are scanned in order, `States.ALL` matches any error,
 *   `States.TaskFailed` any error but `States.Timeout`; retries come before catchers; a retrier's
 *   count resets when its state is entered again.
 * - The execution history, as GetExecutionHistory returns it through the AWS SDK integration
 *   (PascalCase fields of `HistoryEvent`: `Id`, `Type`, `StateEnteredEventDetails.Name`,
 *   `TaskScheduledEventDetails`, `TaskSubmittedEventDetails.Output` and so on): an event for
 *   each state entered and exited, each Task scheduled, started, submitted (a `.sync` task whose
 *   handler calls `submit` with the API's response), succeeded, failed or timed out. Answer
 *   `aws-sdk:sfn:getExecutionHistory` with {@link historyPage}.
 * - "Service quotas": a task's result over 256 KiB fails the state with
 *   `States.DataLimitExceeded`; a state's output over it fails the execution. `States.ALL` (and
 *   `States.TaskFailed`) catch neither `States.DataLimitExceeded` nor `States.Runtime`.
 * - "Map state in Distributed mode" (tests/stateMachine.test.ts quotes each sentence): each item,
 *   after `ItemSelector` (`$states.context.Map.Item`), is the input of a child execution with its
 *   own context, history and no variable of the run, named by the state's `Label`; at most
 *   `MaxConcurrency` run at once (in waves); `ToleratedFailurePercentage` fails the Map Run with
 *   `States.ExceedToleratedFailureThreshold` and stops starting children; the result holds each
 *   succeeded child's output and each failed child's execution; `.sync` in Express children is
 *   refused. {@link answerMapRunApi} answers ListMapRuns, DescribeMapRun, ListExecutions of a Map
 *   Run and DescribeExecution of a child from what the run recorded.
 * - "ResultWriter (Map)": with `ResultWriter` (`Resource` `s3:putObject`, `Arguments` in JSONata,
 *   `Parameters` in JSONPath), the children's execution records (Transformation NONE, the default
 *   when exporting) are written under `<Prefix>/<Map Run id>/`, one file per status
 *   (`SUCCEEDED_0.json`, `FAILED_0.json`, ...) then `manifest.json`, each write a call of the
 *   handler with the ResultWriter's resource; the state's result is only
 *   `{MapRunArn, ResultWriterDetails: {Bucket, Key}}` (the manifest's key), and DescribeMapRun
 *   counts `ResultsWritten`. A write the handler fails fails the state with
 *   `States.ResultWriterFailed`, which `States.ALL` catches.
 *
 * Waits do not wait: they are recorded with their seconds.
 */
import * as crypto from "crypto";
import jsonata from "jsonata";

/** An error a Task state raises, as Step Functions reports it. */
export class StatesError extends Error {
    constructor(
        public readonly error: string,
        public readonly cause: string,
    ) {
        super(`${error}: ${cause}`);
    }
}

/** One event of the execution history, with the fields GetExecutionHistory gives (PascalCase, as the AWS SDK integration returns them). */
export interface HistoryEvent {
    readonly Id: number;
    readonly Type: string;
    readonly [details: string]: unknown;
}

export interface Context {
    readonly Execution: { readonly Id: string; readonly Name: string; readonly StartTime: string; readonly Input?: unknown };
    readonly StateMachine: { readonly Id: string; readonly Name: string };
    /** Inside a Map state's ItemSelector: the item's index and value. */
    readonly Map?: { readonly Item: { readonly Index: number; readonly Value: unknown } };
}

/** Every `{% %}` expression of a definition that the JSONata engine cannot parse, with where it is. */
export function unparsableExpressions(definition: unknown): string[] {
    const found: string[] = [];
    const walk = (value: unknown, at: string) => {
        if (typeof value === "string") {
            const m = EXPRESSION.exec(value);
            if (m) {
                try {
                    jsonata(m[1]);
                } catch (e) {
                    found.push(`${at}: ${(e as Error).message}`);
                }
            }
        } else if (typeof value === "object" && value !== null) {
            for (const [k, v] of Object.entries(value)) {
                walk(v, `${at}.${k}`);
            }
        }
    };
    walk(definition, "");
    return found;
}

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

async function evaluate(value: unknown, bindings: Record<string, unknown>): Promise<unknown> {
    if (typeof value === "string") {
        const m = EXPRESSION.exec(value);
        if (!m) {
            return value;
        }
        const expression = jsonata(m[1]);
        expression.registerFunction("hash", (text: string, algorithm: string) => crypto.createHash(algorithm.toLowerCase().replace("-", "")).update(text).digest("hex"), "<ss:s>");
        expression.registerFunction("parse", (text: string) => JSON.parse(text), "<s:x>");
        let result: unknown;
        try {
            result = await expression.evaluate({}, bindings);
        } catch (e) {
            // "States.QueryEvaluationError: ... the evaluation of a JSONata expression failed" (error handling guide).
            throw new StatesError("States.QueryEvaluationError", `${m[1].trim().slice(0, 200)}: ${(e as { message?: string }).message ?? String(e)}`);
        }
        if (result === undefined) {
            throw new StatesError("States.QueryEvaluationError", `${m[1].trim()} evaluated to undefined`);
        }
        // Step Functions hands on JSON: plain objects and arrays, not JSONata's sequences.
        return JSON.parse(JSON.stringify(result));
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map((v) => evaluate(v, bindings)));
    }
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = await evaluate(v, bindings);
        }
        return out;
    }
    return value;
}

function matches(errorEquals: readonly string[], error: string): boolean {
    return errorEquals.some((e) => e === error || (e === "States.ALL" && !UNCATCHABLE.includes(error)) || (e === "States.TaskFailed" && error !== "States.Timeout" && !UNCATCHABLE.includes(error)));
}

/** `ecs` and `runTask.sync` from `arn:aws:states:::ecs:runTask.sync`; `aws-sdk:sfn` and `getExecutionHistory` from an AWS SDK integration. */
function resourceParts(resource: string): { ResourceType: string; Resource: string } {
    const tail = resource.split(":::")[1] ?? resource;
    const at = tail.lastIndexOf(":");
    return { ResourceType: tail.slice(0, at), Resource: tail.slice(at + 1) };
}

/**
 * One page of GetExecutionHistory (the AWS SDK integration's request and response fields):
 * `ReverseOrder`, `MaxResults` (default 100, at most 1000), `NextToken` (a cursor: events recorded
 * after the first page do not shift later pages); `IncludeExecutionData` false drops the inputs
 * and outputs, as the API does.
 */
export function historyPage(history: readonly HistoryEvent[], args: { ReverseOrder?: boolean; MaxResults?: number; NextToken?: string; IncludeExecutionData?: boolean }): { Events: HistoryEvent[]; NextToken?: string } {
    const from = args.NextToken === undefined ? undefined : Number(args.NextToken);
    const ordered = args.ReverseOrder ? [...history].reverse().filter((e) => from === undefined || e.Id <= from) : history.filter((e) => from === undefined || e.Id >= from);
    const size = Math.min(args.MaxResults || 100, 1000);
    const page = ordered.slice(0, size).map((e) => (args.IncludeExecutionData === false ? withoutData(e) : e));
    return { Events: page, ...(ordered.length > size ? { NextToken: String(ordered[size].Id) } : {}) };
}

function withoutData(event: HistoryEvent): HistoryEvent {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event)) {
        out[key] = typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).filter(([k]) => !["Input", "Output", "Parameters"].includes(k))) : value;
    }
    return out as unknown as HistoryEvent;
}

/** Step Functions' quota on a task's result and a state's input or output: 256 KiB of UTF-8. */
export const PAYLOAD_LIMIT_BYTES = 262144;

function checkSize(what: string, value: unknown): void {
    const bytes = Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
    if (bytes > PAYLOAD_LIMIT_BYTES) {
        throw new StatesError("States.DataLimitExceeded", `${what} is ${bytes} bytes, over the ${PAYLOAD_LIMIT_BYTES} a state may hold`);
    }
}

/** One child execution of a Distributed Map state's Map Run, as the Step Functions API describes it. */
export interface ChildExecution {
    readonly executionArn: string;
    readonly name: string;
    readonly index: number;
    /** Its input (the item after ItemSelector). */
    readonly input: unknown;
    /** RUNNING while it runs; PENDING when the Map Run failed before starting it; ABORTED when the Map Run stopped it. */
    status: "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";
    output?: unknown;
    error?: string;
    cause?: string;
    /** Every state it entered, and its own history. */
    path: string[];
    history: HistoryEvent[];
}

/** A Map Run: the child executions a Distributed Map state started. */
export interface MapRun {
    readonly mapRunArn: string;
    readonly executionArn: string;
    readonly label: string;
    readonly maxConcurrency: number;
    readonly toleratedFailurePercentage: number;
    status: "RUNNING" | "SUCCEEDED" | "FAILED";
    readonly children: ChildExecution[];
    /** The most child executions that ran at once. */
    maxRunning: number;
    /** Child executions whose records its ResultWriter wrote. */
    resultsWritten: number;
}

/** A Task call as the handler sees it. */
export interface TaskCall {
    readonly state: string;
    readonly resource: string;
    readonly args: any;
    /** The ARN of the execution that makes the call: the run's, or a child execution's. */
    readonly execution: string;
    /** The execution history so far (the call's own TaskScheduled and TaskStarted included). */
    readonly history: readonly HistoryEvent[];
    /** The Map Runs of the run so far, for answering the Step Functions API about them ({@link answerMapRunApi}). */
    readonly mapRuns: readonly MapRun[];
    /** Records a TaskSubmitted event with `output` (JSON-encoded): what a `.sync` task does once its API call returned. */
    submit(output: unknown): void;
}

/** Answers a Task state: its result, or throws a {@link StatesError}. */
export type TaskHandler = (call: TaskCall) => unknown;

/** What a run did, step by step. */
export interface Execution {
    readonly status: "SUCCEEDED" | "FAILED";
    readonly output?: unknown;
    readonly error?: string;
    readonly cause?: string;
    /** Every state entered, in order (a child execution's are in its {@link ChildExecution}). */
    readonly path: string[];
    /** Every Task call with its evaluated arguments, the child executions' included. */
    readonly calls: { state: string; resource: string; args: any; execution: string }[];
    /** The execution history, oldest first. */
    readonly history: readonly HistoryEvent[];
    /** Seconds of every Wait state and retry, in order, with the execution that waited. */
    readonly waits: { state: string; seconds: number; retry: boolean; execution: string }[];
    /** The Map Runs the run started, with their child executions. */
    readonly mapRuns: readonly MapRun[];
}

/** The cause AWS gives a Map Run that failed more child executions than it tolerates (LocalStack's AWS-validated recording of TestState, 2025-11-13). */
export const TOLERATED_FAILURE_CAUSE = "The specified tolerated failure threshold was exceeded";

/** Errors that `States.ALL` does not catch: "States.ALL ... can't catch the States.DataLimitExceeded terminal error or Runtime error types" (error handling guide). */
const UNCATCHABLE = ["States.DataLimitExceeded", "States.Runtime"];

/**
 * Answers the Step Functions API calls a run makes about its own Map Runs, from what the
 * interpreter recorded (PascalCase, as the AWS SDK integration returns them): ListMapRuns,
 * DescribeMapRun (ExecutionCounts), ListExecutions of a Map Run (StatusFilter, MaxResults; the last
 * to end first), DescribeExecution of a child execution. Undefined for any other call.
 */
export function answerMapRunApi(call: TaskCall): unknown {
    const action = call.resource.split(":").pop();
    const mapRun = (arn: string) => {
        const found = call.mapRuns.find((m) => m.mapRunArn === arn);
        if (!found) {
            throw new StatesError("Sfn.ResourceNotFoundException", `Map Run ${arn} does not exist`);
        }
        return found;
    };
    switch (action) {
        case "listMapRuns":
            return { MapRuns: call.mapRuns.filter((m) => m.executionArn === call.args.ExecutionArn).map((m) => ({ ExecutionArn: m.executionArn, MapRunArn: m.mapRunArn, StateMachineArn: `${m.executionArn.split(":execution:")[0]}:stateMachine:${m.executionArn.split(":")[6]}` })) };
        case "describeMapRun": {
            const m = mapRun(call.args.MapRunArn);
            const count = (status: ChildExecution["status"]) => m.children.filter((c) => c.status === status).length;
            return {
                MapRunArn: m.mapRunArn,
                ExecutionArn: m.executionArn,
                Status: m.status,
                MaxConcurrency: m.maxConcurrency,
                ToleratedFailurePercentage: m.toleratedFailurePercentage,
                ExecutionCounts: { Pending: count("PENDING"), Running: count("RUNNING"), Succeeded: count("SUCCEEDED"), Failed: count("FAILED"), TimedOut: 0, Aborted: count("ABORTED"), Total: m.children.length, ResultsWritten: m.resultsWritten },
            };
        }
        case "listExecutions": {
            if (call.args.MapRunArn === undefined) {
                return undefined;
            }
            const m = mapRun(call.args.MapRunArn);
            const listed = m.children.filter((c) => c.status !== "PENDING" && (call.args.StatusFilter === undefined || c.status === call.args.StatusFilter)).reverse();
            return { Executions: listed.slice(0, call.args.MaxResults || 100).map((c) => ({ ExecutionArn: c.executionArn, Name: c.name, Status: c.status, MapRunArn: m.mapRunArn })) };
        }
        case "describeExecution": {
            const child = call.mapRuns.flatMap((m) => m.children).find((c) => c.executionArn === call.args.ExecutionArn);
            if (!child) {
                return undefined;
            }
            return { ExecutionArn: child.executionArn, Name: child.name, Status: child.status, Input: JSON.stringify(child.input), ...(child.error !== undefined ? { Error: child.error, Cause: child.cause } : {}) };
        }
        default:
            return undefined;
    }
}

/** True when `state` is a Map state in Distributed mode. */
const isDistributed = (state: any) => state?.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED";

/** Every Task resource of a set of states, nested ones included. */
function resourcesOf(states: Record<string, any>): string[] {
    return Object.values(states ?? {}).flatMap((s: any) => [...(s.Resource ? [s.Resource] : []), ...resourcesOf(s.ItemProcessor?.States), ...((s.Branches ?? []) as any[]).flatMap((b) => resourcesOf(b.States))]);
}

/** Runs `definition` on `input`, answering Task states with `handler`. */
export async function runStateMachine(definition: any, input: unknown, context: Context, handler: TaskHandler): Promise<Execution> {
    const calls: Execution["calls"] = [];
    const waits: Execution["waits"] = [];
    const mapRuns: MapRun[] = [];
    const top = await execute(definition, input, context, { calls, waits, mapRuns, handler });
    return { ...top, calls, waits, mapRuns };
}

interface Shared {
    readonly calls: Execution["calls"];
    readonly waits: Execution["waits"];
    readonly mapRuns: MapRun[];
    readonly handler: TaskHandler;
}

/** One execution (the run, or a child execution of a Distributed Map): its own path, history and variables. */
async function execute(definition: any, input: unknown, context: Context, shared: Shared): Promise<{ status: "SUCCEEDED" | "FAILED"; output?: unknown; error?: string; cause?: string; path: string[]; history: HistoryEvent[] }> {
    const { calls, waits, handler } = shared;
    const execution = context.Execution.Id;
    const path: string[] = [];
    const history: HistoryEvent[] = [];
    const variables: Record<string, unknown> = {};
    const retryCounts = new Map<string, number[]>();
    const record = (type: string, details: Record<string, unknown> = {}) => void history.push({ Id: history.length + 1, Type: type, ...details });
    record("ExecutionStarted", { ExecutionStartedEventDetails: { Input: JSON.stringify(input) } });

    async function assign(block: Record<string, unknown> | undefined, states: Record<string, unknown>): Promise<void> {
        if (!block) {
            return;
        }
        const values = await evaluate(block, { ...variables, states });
        Object.assign(variables, values);
    }

    async function runTask(name: string, state: any, stateInput: unknown): Promise<unknown> {
        const args = await evaluate(state.Arguments ?? {}, { ...variables, states: { input: stateInput, context } });
        const call = { state: name, resource: state.Resource, args, execution };
        calls.push(call);
        const parts = resourceParts(state.Resource);
        record("TaskScheduled", { TaskScheduledEventDetails: { ...parts, Region: "us-east-1", Parameters: JSON.stringify(args) } });
        record("TaskStarted", { TaskStartedEventDetails: parts });
        const submit = (output: unknown) => record("TaskSubmitted", { TaskSubmittedEventDetails: { ...parts, Output: JSON.stringify(output) } });
        try {
            const result = await handler({ ...call, history, mapRuns: shared.mapRuns, submit });
            checkSize(`the result of ${name}`, result);
            record("TaskSucceeded", { TaskSucceededEventDetails: { ...parts, Output: JSON.stringify(result ?? null) } });
            return result;
        } catch (e) {
            if (e instanceof StatesError) {
                record(e.error === "States.Timeout" ? "TaskTimedOut" : "TaskFailed", { [e.error === "States.Timeout" ? "TaskTimedOutEventDetails" : "TaskFailedEventDetails"]: { ...parts, Error: e.error, Cause: e.cause } });
            }
            throw e;
        }
    }

    /**
     * A Map state in Distributed mode: each item's ItemSelector output is the input of a child
     * execution with its own context, history and variables (none of the run's), named
     * `execution:<state machine>/<Label>:<name>`. Children run in waves of MaxConcurrency; once
     * failed children pass ToleratedFailurePercentage of the items, no further child starts and the
     * Map Run fails with `States.ExceedToleratedFailureThreshold`. The result holds each
     * succeeded child's output and, for a failed one, its execution as DescribeExecution gives it.
     */
    async function runDistributed(name: string, state: any, states: Record<string, unknown>): Promise<unknown> {
        const processor = state.ItemProcessor;
        const type = processor.ProcessorConfig.ExecutionType;
        if (type !== "STANDARD" && resourcesOf(processor.States).some((r) => /\.(sync|waitForTaskToken)(:2)?$/.test(r))) {
            throw new Error(`${name}: ${type} child executions do not support .sync or .waitForTaskToken`);
        }
        const items = (await evaluate(state.Items, { ...variables, states })) as unknown[];
        const label = state.Label ?? "map";
        const machine = context.StateMachine.Name;
        const arnBase = context.StateMachine.Id.split(":stateMachine:")[0];
        const mapRun: MapRun = {
            mapRunArn: `${arnBase}:mapRun:${machine}/${label}:${shared.mapRuns.length + 1}`,
            executionArn: execution,
            label,
            maxConcurrency: state.MaxConcurrency ?? 0,
            toleratedFailurePercentage: state.ToleratedFailurePercentage ?? 0,
            status: "RUNNING",
            children: [],
            maxRunning: 0,
            resultsWritten: 0,
        };
        shared.mapRuns.push(mapRun);
        record("MapStateStarted", { MapStateStartedEventDetails: { Length: items.length } });
        record("MapRunStarted", { MapRunStartedEventDetails: { MapRunArn: mapRun.mapRunArn } });
        for (const [index, value] of items.entries()) {
            const childInput = state.ItemSelector !== undefined ? await evaluate(state.ItemSelector, { ...variables, states: { ...states, context: { ...context, Map: { Item: { Index: index, Value: value } } } } }) : value;
            const childName = `${String(index).padStart(8, "0")}-0000-0000-0000-000000000000`;
            mapRun.children.push({ executionArn: `${arnBase}:execution:${machine}/${label}:${childName}`, name: childName, index, input: childInput, status: "PENDING", path: [], history: [] });
        }
        const wave = mapRun.maxConcurrency > 0 ? mapRun.maxConcurrency : 10000;
        const exceeded = () => {
            const failed = mapRun.children.filter((c) => c.status === "FAILED").length;
            return failed > 0 && (failed / mapRun.children.length) * 100 > mapRun.toleratedFailurePercentage;
        };
        for (let from = 0; from < mapRun.children.length && !exceeded(); from += wave) {
            const running = mapRun.children.slice(from, from + wave);
            running.forEach((c) => (c.status = "RUNNING"));
            mapRun.maxRunning = Math.max(mapRun.maxRunning, running.length);
            for (const child of running) {
                const childContext: Context = {
                    Execution: { Id: child.executionArn, Name: child.name, StartTime: context.Execution.StartTime, Input: child.input },
                    StateMachine: { Id: `${context.StateMachine.Id}/${label}`, Name: `${machine}/${label}` },
                };
                const ended = await execute({ StartAt: processor.StartAt, States: processor.States }, child.input, childContext, shared);
                Object.assign(child, { status: ended.status, output: ended.output, error: ended.error, cause: ended.cause, path: ended.path, history: ended.history });
            }
        }
        const writer = state.ResultWriter?.Resource !== undefined ? state.ResultWriter : undefined;
        if (exceeded()) {
            mapRun.status = "FAILED";
            mapRun.children.filter((c) => c.status === "RUNNING").forEach((c) => (c.status = "ABORTED"));
            // Whether AWS writes the records of a Map Run that failed its threshold is not
            // documented (the manifest's PENDING key is there for every run, empty or not); this
            // interpreter writes them, and the runner's alert points at them only when the Map
            // Run counts some written. Which error AWS reports when that write fails as well is
            // not documented either: the threshold's is kept.
            if (writer) {
                await writeResults(writer).catch((e: unknown) => {
                    if (!(e instanceof StatesError)) {
                        throw e;
                    }
                });
            }
            record("MapRunFailed", { MapRunFailedEventDetails: { Error: "States.ExceedToleratedFailureThreshold", Cause: TOLERATED_FAILURE_CAUSE } });
            throw new StatesError("States.ExceedToleratedFailureThreshold", TOLERATED_FAILURE_CAUSE);
        }
        if (writer) {
            const reference = await writeResults(writer);
            mapRun.status = "SUCCEEDED";
            record("MapRunSucceeded");
            return reference;
        }
        mapRun.status = "SUCCEEDED";
        record("MapRunSucceeded");
        // input-output-resultwriter: without a ResultWriter, COMPACT returns the children's outputs;
        // "If a child workflow execution fails, Step Functions returns its execution result
        // unchanged. The results would be equivalent to having set Transformation to NONE." Read
        // as the stricter of its two meanings: once a child has failed, every child's entry is its
        // execution record (NONE), the succeeded ones' with their output as JSON text.
        const anyFailed = mapRun.children.some((c) => c.status !== "SUCCEEDED");
        const result = mapRun.children.map((c) => (anyFailed ? executionRecord(c) : c.output));
        // "States.DataLimitExceeded: A terminal error that can't be caught by the States.ALL error type."
        const bytes = Buffer.byteLength(JSON.stringify(result), "utf8");
        if (bytes > PAYLOAD_LIMIT_BYTES) {
            throw new StatesError("States.DataLimitExceeded", `the result of ${name} is ${bytes} bytes, over the ${PAYLOAD_LIMIT_BYTES} a state may hold`);
        }
        return result;

        /**
         * Writes every child's execution record (Transformation NONE) under `<Prefix>/<Map Run
         * id>/`, a file per status, then the manifest, each through the handler; returns the state's
         * result, the reference. A failed write fails the state with `States.ResultWriterFailed`.
         */
        async function writeResults(config: any): Promise<unknown> {
            const args = (await evaluate(config.Arguments ?? config.Parameters ?? {}, { ...variables, states })) as { Bucket: string; Prefix?: string };
            const folder = [args.Prefix, mapRun.mapRunArn.split(":").pop()].filter((p) => p !== undefined && p !== "").join("/");
            // The manifest of AWS's example (and of real runs) keys files by FAILED, PENDING and
            // SUCCEEDED, each listed even when empty; aborted and timed-out children are put
            // under FAILED here (not documented).
            const category = (c: ChildExecution) => (c.status === "SUCCEEDED" ? "SUCCEEDED" : c.status === "PENDING" ? "PENDING" : "FAILED");
            const byStatus = new Map<string, ChildExecution[]>([["FAILED", []], ["PENDING", []], ["SUCCEEDED", []]]);
            for (const c of mapRun.children) {
                byStatus.get(category(c))!.push(c);
            }
            const put = async (key: string, body: unknown) => {
                const call = { state: name, resource: config.Resource, args: { Bucket: args.Bucket, Key: key, Body: JSON.stringify(body) }, execution };
                calls.push(call);
                try {
                    await handler({ ...call, history, mapRuns: shared.mapRuns, submit: () => undefined });
                } catch (e) {
                    if (e instanceof StatesError) {
                        throw new StatesError("States.ResultWriterFailed", `${e.error}: ${e.cause}`);
                    }
                    throw e;
                }
                return { Key: key, Size: Buffer.byteLength(JSON.stringify(body), "utf8") };
            };
            const files: Record<string, { Key: string; Size: number }[]> = {};
            for (const [status, children] of byStatus) {
                files[status] = children.length > 0 ? [await put(`${folder}/${status}_0.json`, children.map(executionRecord))] : [];
                mapRun.resultsWritten += children.length;
            }
            const manifest = `${folder}/manifest.json`;
            await put(manifest, { DestinationBucket: args.Bucket, MapRunArn: mapRun.mapRunArn, ResultFiles: files });
            return { MapRunArn: mapRun.mapRunArn, ResultWriterDetails: { Bucket: args.Bucket, Key: manifest } };
        }

        function executionRecord(c: ChildExecution) {
            return {
            ExecutionArn: c.executionArn,
            Input: JSON.stringify(c.input),
            InputDetails: { Included: true },
            Name: c.name,
            Output: c.status === "SUCCEEDED" ? JSON.stringify(c.output) : null,
            OutputDetails: { Included: true },
            RedriveCount: 0,
            RedriveStatus: "NOT_REDRIVABLE",
            RedriveStatusReason: c.status === "SUCCEEDED" ? "Execution is SUCCEEDED and cannot be redriven" : "Execution is in a redrivable state but Map Run is not redrivable",
            StartDate: context.Execution.StartTime,
            StateMachineArn: `${context.StateMachine.Id}/${label}`,
            Status: c.status,
            StopDate: context.Execution.StartTime,
            ...(c.status === "SUCCEEDED" ? {} : { Error: c.error, Cause: c.cause }),
            };
        }
    }

    async function runStates(machine: any, input: unknown): Promise<{ status: "SUCCEEDED" | "FAILED"; output?: unknown; error?: string; cause?: string }> {
        let name: string = machine.StartAt;
        let stateInput = input;
        for (let step = 0; step < 500; step++) {
            const state = machine.States[name];
            path.push(name);
            record(`${state.Type}StateEntered`, { StateEnteredEventDetails: { Name: name, Input: JSON.stringify(stateInput ?? null) } });
            const exited = (output: unknown) => record(`${state.Type}StateExited`, { StateExitedEventDetails: { Name: name, Output: JSON.stringify(output ?? null) } });
            const states = { input: stateInput, context };
            let next: string | undefined;
            let output: unknown = stateInput;
            switch (state.Type) {
                case "Pass": {
                    await assign(state.Assign, states);
                    output = state.Output !== undefined ? await evaluate(state.Output, { ...variables, states }) : stateInput;
                    next = state.Next;
                    break;
                }
                case "Wait": {
                    waits.push({ state: name, seconds: Number(await evaluate(state.Seconds, { ...variables, states })), retry: false, execution });
                    await assign(state.Assign, states);
                    next = state.Next;
                    break;
                }
                case "Choice": {
                    next = state.Default;
                    for (const choice of state.Choices ?? []) {
                        if ((await evaluate(choice.Condition, { ...variables, states })) === true) {
                            next = choice.Next;
                            break;
                        }
                    }
                    if (next === undefined) {
                        return { status: "FAILED", error: "States.NoChoiceMatched", cause: name };
                    }
                    break;
                }
                case "Fail": {
                    const error = String(await evaluate(state.Error, { ...variables, states }));
                    const cause = String(await evaluate(state.Cause, { ...variables, states }));
                    return { status: "FAILED", error, cause };
                }
                case "Succeed": {
                    return { status: "SUCCEEDED", output: state.Output !== undefined ? await evaluate(state.Output, { ...variables, states }) : stateInput };
                }
                case "Task":
                case "Map": {
                    retryCounts.set(name, (state.Retry ?? []).map(() => 0));
                    let result: unknown;
                    let failure: StatesError | undefined;
                    for (;;) {
                        try {
                            if (state.Type === "Task") {
                                result = await runTask(name, state, stateInput);
                            } else if (isDistributed(state)) {
                                result = await runDistributed(name, state, states);
                            } else {
                                const items = (await evaluate(state.Items, { ...variables, states })) as unknown[];
                                const results: unknown[] = [];
                                for (const [index, item] of items.entries()) {
                                    record("MapIterationStarted", { MapIterationStartedEventDetails: { Name: name, Index: index } });
                                    const branch = await runStates(state.ItemProcessor, item);
                                    record(branch.status === "FAILED" ? "MapIterationFailed" : "MapIterationSucceeded", { [branch.status === "FAILED" ? "MapIterationFailedEventDetails" : "MapIterationSucceededEventDetails"]: { Name: name, Index: index } });
                                    if (branch.status === "FAILED") {
                                        throw new StatesError(branch.error ?? "States.Runtime", branch.cause ?? "");
                                    }
                                    results.push(branch.output);
                                }
                                result = results;
                            }
                            failure = undefined;
                            break;
                        } catch (e) {
                            if (!(e instanceof StatesError)) {
                                throw e;
                            }
                            failure = e;
                            const counts = retryCounts.get(name)!;
                            const index = (state.Retry ?? []).findIndex((r: any) => matches(r.ErrorEquals, e.error));
                            if (index < 0 || counts[index] >= state.Retry[index].MaxAttempts) {
                                break;
                            }
                            const r = state.Retry[index];
                            const backoff = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, counts[index]);
                            waits.push({ state: name, seconds: Math.min(backoff, r.MaxDelaySeconds ?? Infinity), retry: true, execution });
                            counts[index]++;
                        }
                    }
                    if (failure) {
                        const catcher = (state.Catch ?? []).find((c: any) => matches(c.ErrorEquals, failure!.error));
                        if (!catcher) {
                            return { status: "FAILED", error: failure.error, cause: failure.cause };
                        }
                        const errorOutput = { Error: failure.error, Cause: failure.cause };
                        await assign(catcher.Assign, { ...states, errorOutput });
                        output = catcher.Output !== undefined ? await evaluate(catcher.Output, { ...variables, states: { ...states, errorOutput } }) : errorOutput;
                        next = catcher.Next;
                        break;
                    }
                    await assign(state.Assign, { ...states, result });
                    output = state.Output !== undefined ? await evaluate(state.Output, { ...variables, states: { ...states, result } }) : result;
                    next = state.Next;
                    if (state.End) {
                        exited(output);
                        return { status: "SUCCEEDED", output };
                    }
                    break;
                }
                default:
                    throw new Error(`state type ${state.Type} is not supported by this runner`);
            }
            try {
                checkSize(`the output of ${name}`, output);
            } catch (e) {
                return { status: "FAILED", error: (e as StatesError).error, cause: (e as StatesError).cause };
            }
            exited(output);
            if (next === undefined) {
                return { status: "SUCCEEDED", output };
            }
            name = next;
            stateInput = output;
        }
        throw new Error("more than 500 transitions: a loop that never ends");
    }

    // An expression that fails where no catcher is (Pass, Choice, Fail, Succeed) fails the execution.
    const result = await runStates(definition, input).catch((e: unknown) => {
        if (e instanceof StatesError) {
            return { status: "FAILED" as const, error: e.error, cause: e.cause };
        }
        throw e;
    });
    record(result.status === "SUCCEEDED" ? "ExecutionSucceeded" : "ExecutionFailed", result.status === "SUCCEEDED" ? { ExecutionSucceededEventDetails: { Output: JSON.stringify(result.output ?? null) } } : { ExecutionFailedEventDetails: { Error: result.error, Cause: result.cause } });
    return { ...result, path, history };
}
