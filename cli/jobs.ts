/**
 * Which state machine a `<job>` names: an ARN as it is, or a job name looked up in the stack's
 * outputs (the JSON of `pulumi stack output --json`). The rules, in order, are in
 * docs/batch-cli.md; the first rule that matches decides.
 */
import { didYouMean } from "./args";
import { CliError } from "./errors";

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
/** The same, anywhere in a text (a BatchTask's `runCommand` holds its state machine's ARN). */
const STATE_MACHINE_ARN_IN_TEXT = /arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(?![A-Za-z0-9_-])/g;

/** The parts of a state machine ARN the command needs. */
export interface StateMachine {
    readonly arn: string;
    readonly region: string;
    readonly name: string;
}

/** Reads a state machine ARN, or undefined when `text` is not one. */
export function parseStateMachineArn(text: unknown): StateMachine | undefined {
    if (typeof text !== "string" || !STATE_MACHINE_ARN.test(text)) {
        return undefined;
    }
    const parts = text.split(":");
    return { arn: text, region: parts[3], name: parts[6] };
}

/** Parses the stack outputs, or says how to produce them. */
export function parseOutputs(text: string, source: string): Record<string, unknown> {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        throw new CliError(`The stack outputs from ${source} are not JSON (${(e as Error).message}); write them with \`pulumi stack output --json > outputs.json\`.`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new CliError(`The stack outputs from ${source} are not a JSON object; write them with \`pulumi stack output --json > outputs.json\`.`);
    }
    return value as Record<string, unknown>;
}

/**
 * Every state machine ARN in an output's value: the value itself, inside a text (such as the
 * `aws stepfunctions start-execution ...` of a BatchTask's `runCommand`), or in an object or list.
 */
export function stateMachineArnsIn(value: unknown): string[] {
    if (typeof value === "string") {
        return [...value.matchAll(STATE_MACHINE_ARN_IN_TEXT)].map((m) => m[0]);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).flatMap(stateMachineArnsIn);
    }
    return [];
}

/** The runner a BatchTask named `job` creates: Pulumi auto-names it `<job>-runner-<suffix>`. */
function isRunnerOf(job: string, stateMachineName: string): boolean {
    return stateMachineName === job || (stateMachineName.startsWith(`${job}-runner-`) && /^[a-z0-9]+$/.test(stateMachineName.slice(job.length + "-runner-".length)));
}

/** Every job the outputs name, with where each was found (for the "unknown job" message). */
export function knownJobs(outputs: Record<string, unknown>): string[] {
    const names = new Set<string>();
    const jobs = outputs.jobs;
    if (jobs && typeof jobs === "object") {
        Object.keys(jobs).forEach((k) => names.add(k));
    }
    for (const [key, value] of Object.entries(outputs)) {
        if (key.endsWith("StateMachineArn") && key !== "StateMachineArn" && parseStateMachineArn(value)) {
            names.add(key.slice(0, -"StateMachineArn".length));
        }
        for (const arn of stateMachineArnsIn(value)) {
            const name = parseStateMachineArn(arn)!.name;
            const runner = /^(.+)-runner-[a-z0-9]+$/.exec(name);
            names.add(runner ? runner[1] : name);
        }
    }
    return [...names].sort();
}

/** The state machine `job` names, given the stack outputs when it is not an ARN. */
export function resolveJob(job: string, outputs: Record<string, unknown> | undefined): StateMachine {
    const direct = parseStateMachineArn(job);
    if (direct) {
        return direct;
    }
    if (job.startsWith("arn:")) {
        throw new CliError(`"${job}" is not a Step Functions state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>).`);
    }
    if (!outputs) {
        throw new CliError(`"${job}" is not a state machine ARN: pass the stack outputs to look it up, for example \`pulumi stack output --json > outputs.json\` and then --outputs outputs.json (or --outputs - to read them from standard input).`);
    }
    const jobs = outputs.jobs && typeof outputs.jobs === "object" ? (outputs.jobs as Record<string, unknown>) : {};
    const rules: (() => unknown[])[] = [
        () => (Object.hasOwn(jobs, job) ? [jobs[job]] : []),
        () => (Object.hasOwn(outputs, `${job}StateMachineArn`) ? [outputs[`${job}StateMachineArn`]] : []),
        () => stateMachineArnsIn(outputs).filter((arn) => isRunnerOf(job, parseStateMachineArn(arn)!.name)),
    ];
    for (const rule of rules) {
        const found = [...new Set(rule())];
        if (found.length === 0) {
            continue;
        }
        if (found.length > 1) {
            throw new CliError(`Job "${job}" matches ${found.length} state machines in the stack outputs (${found.join(", ")}); pass the ARN of the one you mean.`);
        }
        const sm = parseStateMachineArn(found[0]);
        if (!sm) {
            throw new CliError(`The stack output for job "${job}" is not a state machine ARN (${JSON.stringify(found[0])}).`);
        }
        return sm;
    }
    const known = knownJobs(outputs);
    const guess = didYouMean(job, known);
    throw new CliError(
        `Unknown job "${job}"${guess ? `; did you mean ${guess}?` : "."} ${
            known.length > 0
                ? `The stack outputs name these jobs: ${known.join(", ")}.`
                : "The stack outputs hold no state machine ARN; export one from the program, such as a BatchTask's runCommand or stateMachine.arn."
        }`,
    );
}

/** The execution ARN of run `run` (a name or an execution ARN) of `stateMachine`. */
export function executionArnOf(stateMachine: StateMachine, run: string): string {
    if (run.startsWith("arn:")) {
        if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/.test(run)) {
            throw new CliError(`--run "${run}" is not an execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<run>).`);
        }
        return run;
    }
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(run)) {
        throw new CliError(`--run "${run}" is not a run name (letters, digits, - and _, as \`runs\` lists them) or an execution ARN.`);
    }
    return stateMachine.arn.replace(":stateMachine:", ":execution:") + `:${run}`;
}
