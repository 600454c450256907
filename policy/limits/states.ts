/**
 * Step Functions: state machines (definition size and StartAt, Task state timeouts and retries, the
 * arguments of ecs:runTask, logging); and `allStates` and `taskArguments` to read a definition.
 */
import { at } from "../preview";
import { Add, intIn, parseJson } from "./common";
import { capacityStrategyRules } from "./ecs";

/**
 * Step Functions ranges of a Task state, and of a Map state in Distributed mode: "Step Functions
 * runs 10,000 parallel child workflow executions" at most; a tolerated failure percentage "between
 * zero and 100".
 */
export const STATES_LIMITS = { seconds: { min: 1, max: 99999999 }, maxAttempts: { min: 0, max: 99999999 }, definitionBytes: 1048576, distributedConcurrency: 10000 } as const;

/** Integration patterns that wait on a task (Run a Job, Wait for Callback). */
const WAITING_RESOURCE = /\.(sync|waitForTaskToken)(:2)?$/;

const STATE_MACHINE_LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"];

function walkStates(states: Record<string, any> | undefined, visit: (name: string, state: any) => void): void {
    for (const [name, state] of Object.entries(states ?? {})) {
        visit(name, state);
        for (const branch of state?.Branches ?? []) {
            walkStates(branch?.States, visit);
        }
        walkStates((state?.ItemProcessor ?? state?.Iterator)?.States, visit);
    }
}

/** A Task state's request: `Arguments` (JSONata) or `Parameters` (JSONPath). */
export function taskArguments(state: any): any {
    return state?.Arguments ?? state?.Parameters ?? {};
}

/** Every state of an Amazon States Language definition, nested ones included. */
export function allStates(definition: any): { name: string; state: any }[] {
    const found: { name: string; state: any }[] = [];
    walkStates(definition?.States, (name, state) => found.push({ name, state }));
    return found;
}

export function stateMachineRules(p: Record<string, any>, add: Add): void {
    const text = at(p, "definition");
    if (typeof text === "string" && Buffer.byteLength(text) > STATES_LIMITS.definitionBytes) {
        add(`definition is ${Buffer.byteLength(text)} bytes; at most ${STATES_LIMITS.definitionBytes}`);
    }
    const definition = parseJson(add, "definition", text);
    if (definition !== undefined) {
        if (typeof definition.StartAt !== "string" || definition.States?.[definition.StartAt] === undefined) {
            add("definition.StartAt must name one of its States");
        }
        const s = STATES_LIMITS.seconds;
        for (const { name, state } of allStates(definition)) {
            intIn(add, `${name}.TimeoutSeconds`, state.TimeoutSeconds, s.min, s.max, "seconds");
            intIn(add, `${name}.HeartbeatSeconds`, state.HeartbeatSeconds, s.min, s.max, "seconds");
            ((state.Retry ?? []) as any[]).forEach((r, i) => {
                intIn(add, `${name}.Retry[${i}].IntervalSeconds`, r.IntervalSeconds, s.min, s.max, "seconds");
                intIn(add, `${name}.Retry[${i}].MaxAttempts`, r.MaxAttempts, STATES_LIMITS.maxAttempts.min, STATES_LIMITS.maxAttempts.max);
                if (r.BackoffRate !== undefined && !(typeof r.BackoffRate === "number" && Number.isFinite(r.BackoffRate) && r.BackoffRate >= 1)) {
                    add(`${name}.Retry[${i}].BackoffRate (${JSON.stringify(r.BackoffRate)}) must be a number of at least 1.0`);
                }
            });
            if (state.Type === "Map" && state.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED") {
                distributedMapRules(add, name, state);
            }
            if (/^arn:aws[a-z-]*:states:::ecs:runTask/.test(state.Resource ?? "")) {
                const args = taskArguments(state);
                capacityStrategyRules(add, `${name}.${state.Arguments ? "Arguments" : "Parameters"}.CapacityProviderStrategy`, (args.CapacityProviderStrategy ?? []).map((i: any) => ({ base: i?.Base, weight: i?.Weight })));
                const assign = args.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp;
                if (assign !== undefined && assign !== "ENABLED" && assign !== "DISABLED") {
                    add(`${name}: AssignPublicIp (${JSON.stringify(assign)}) must be ENABLED or DISABLED`);
                }
            }
        }
    }
    const level = at(p, "loggingConfiguration.level");
    if (level !== undefined && !STATE_MACHINE_LOG_LEVELS.includes(level)) {
        add(`loggingConfiguration.level (${JSON.stringify(level)}) must be one of ${STATE_MACHINE_LOG_LEVELS.join(", ")}`);
    }
    const destination = at(p, "loggingConfiguration.logDestination");
    if (typeof destination === "string" && !destination.endsWith(":*")) {
        add('loggingConfiguration.logDestination must be a log group ARN ending in ":*"');
    }
}

/**
 * A Map state in Distributed mode: child executions STANDARD or EXPRESS, Express ones without
 * `.sync` or `.waitForTaskToken` ("Express Workflows support Request Response, but they do not
 * support Run a Job (.sync) or Wait for Callback (.waitForTaskToken)"), at most 10,000 at once, a
 * tolerance from 0 to 100 percent.
 */
function distributedMapRules(add: Add, name: string, state: any): void {
    const type = state.ItemProcessor.ProcessorConfig.ExecutionType;
    if (type !== "STANDARD" && type !== "EXPRESS") {
        add(`${name}.ItemProcessor.ProcessorConfig.ExecutionType (${JSON.stringify(type)}) must be STANDARD or EXPRESS in Distributed mode`);
    }
    if (type === "EXPRESS") {
        const waiting = allStates(state.ItemProcessor).filter(({ state: s }) => WAITING_RESOURCE.test(s?.Resource ?? ""));
        for (const w of waiting) {
            add(`${name}: its EXPRESS child executions cannot run ${w.name} (${w.state.Resource}): Express workflows do not support .sync or .waitForTaskToken; use ExecutionType STANDARD`);
        }
    }
    if (typeof state.MaxConcurrency === "number") {
        intIn(add, `${name}.MaxConcurrency`, state.MaxConcurrency, 0, STATES_LIMITS.distributedConcurrency);
    }
    const tolerated = state.ToleratedFailurePercentage;
    if (typeof tolerated === "number" && !(tolerated >= 0 && tolerated <= 100)) {
        add(`${name}.ToleratedFailurePercentage (${tolerated}) must be from 0 to 100`);
    }
}
