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

/** Answers a Task state: its result, or throws a {@link StatesError}. */
export type TaskHandler = (call: { state: string; resource: string; args: any }) => unknown;

/** What a run did, step by step. */
export interface Execution {
    readonly status: "SUCCEEDED" | "FAILED";
    readonly output?: unknown;
    readonly error?: string;
    readonly cause?: string;
    /** Every state entered, in order. */
    readonly path: string[];
    /** Every Task call with its evaluated arguments. */
    readonly calls: { state: string; resource: string; args: any }[];
    /** Seconds of every Wait state and retry, in order. */
    readonly waits: { state: string; seconds: number; retry: boolean }[];
}

export interface Context {
    readonly Execution: { readonly Id: string; readonly Name: string; readonly StartTime: string; readonly Input?: unknown };
    readonly StateMachine: { readonly Id: string; readonly Name: string };
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
        const result = await expression.evaluate({}, bindings);
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
    return errorEquals.some((e) => e === "States.ALL" || e === error || (e === "States.TaskFailed" && error !== "States.Timeout"));
}

/** Runs `definition` on `input`, answering Task states with `handler`. */
export async function runStateMachine(definition: any, input: unknown, context: Context, handler: TaskHandler): Promise<Execution> {
    const path: string[] = [];
    const calls: Execution["calls"] = [];
    const waits: Execution["waits"] = [];
    const variables: Record<string, unknown> = {};
    const retryCounts = new Map<string, number[]>();

    async function assign(block: Record<string, unknown> | undefined, states: Record<string, unknown>): Promise<void> {
        if (!block) {
            return;
        }
        const values = await evaluate(block, { ...variables, states });
        Object.assign(variables, values);
    }

    async function runTask(name: string, state: any, stateInput: unknown): Promise<unknown> {
        const args = await evaluate(state.Arguments ?? {}, { ...variables, states: { input: stateInput, context } });
        const call = { state: name, resource: state.Resource, args };
        calls.push(call);
        return handler(call);
    }

    async function runStates(machine: any, input: unknown): Promise<{ status: "SUCCEEDED" | "FAILED"; output?: unknown; error?: string; cause?: string }> {
        let name: string = machine.StartAt;
        let stateInput = input;
        for (let step = 0; step < 500; step++) {
            const state = machine.States[name];
            path.push(name);
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
                    waits.push({ state: name, seconds: Number(await evaluate(state.Seconds, { ...variables, states })), retry: false });
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
                            } else {
                                const items = (await evaluate(state.Items, { ...variables, states })) as unknown[];
                                const results: unknown[] = [];
                                for (const item of items) {
                                    const branch = await runStates(state.ItemProcessor, item);
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
                            waits.push({ state: name, seconds: Math.min(backoff, r.MaxDelaySeconds ?? Infinity), retry: true });
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
                        return { status: "SUCCEEDED", output };
                    }
                    break;
                }
                default:
                    throw new Error(`state type ${state.Type} is not supported by this runner`);
            }
            if (next === undefined) {
                return { status: "SUCCEEDED", output };
            }
            name = next;
            stateInput = output;
        }
        throw new Error("more than 500 transitions: a loop that never ends");
    }

    const result = await runStates(definition, input);
    return { ...result, path, calls, waits };
}
