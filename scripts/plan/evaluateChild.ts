/**
 * The child process of an evaluation (see child.ts): receives an {@link EvaluationRequest} on its
 * IPC channel, evaluates the program under fresh mocks and replies with the plan and, when asked,
 * the {@link ProgramRecord}; or with the problems that stopped it. Its standard output is the
 * caller's standard error, so whatever the program prints never lands inside a plan.
 */
import "./compileCache";
import "./lazySdkTypescript";
// Measured from the process's start: FARGATE_WORKLOADS_PLAN_PROFILE=1 prints where the time went.
const started = performance.now();
import { installMocks, useFastStackTraces } from "../../components/testing";
import type { EvaluationReply, ChildRequest } from "./child";
import { EvaluationError, evaluateProgram } from "./evaluate";
import { planFromRecord } from "./plan";
import { counters as tsCacheCounters } from "./tsCache";

const loaded = performance.now();

async function reply(request: ChildRequest): Promise<EvaluationReply> {
    useFastStackTraces();
    const stacks = process.env.FARGATE_WORKLOADS_PLAN_STACKS === "1";
    if (!stacks) {
        // The SDK captures a stack trace for every promise it tracks (runtime/debuggable.js): 40%
        // of an evaluation's CPU time, measured on 50 services. The plan reports messages; the
        // variable above brings the traces back for a program that fails where it should not.
        Error.stackTraceLimit = 0;
    }
    process.env.PULUMI_ERROR_OUTPUT_STRING ??= "true";
    try {
        const record = await evaluateProgram(installMocks(), request);
        const evaluated = performance.now();
        const plan = request.plan ? planFromRecord(record) : undefined;
        if (process.env.FARGATE_WORKLOADS_PLAN_PROFILE === "1") {
            const ms = (a: number, b: number) => `${Math.round(b - a)} ms`;
            const { hits, misses } = tsCacheCounters;
            process.stderr.write(
                `plan profile (evaluation process): Node.js start to here ${Math.round(started)} ms; the SDK, the mocks and the plan modules ${ms(started, loaded)}; ` +
                    `the program (TypeScript: ${hits} cached, ${misses} transpiled) ${ms(loaded, evaluated)}; the plan ${ms(evaluated, performance.now())}; ${record.resources.length} resources\n`,
            );
        }
        return { ok: true, plan, record: request.record ? record : undefined };
    } catch (e) {
        if (e instanceof EvaluationError) {
            const hint = !stacks && e.problems.some((p) => /^(TypeError|ReferenceError|RangeError|SyntaxError)\b|is not a function|is not defined|Cannot read properties/.test(p)) ? ["(Run again with FARGATE_WORKLOADS_PLAN_STACKS=1 to see where in the program.)"] : [];
            return { ok: false, problems: [...e.problems, ...hint], notes: [...e.notes] };
        }
        return { ok: false, problems: [`The evaluation failed: ${(e as Error).stack ?? e}`], notes: [] };
    }
}

process.once("message", (request: ChildRequest) => {
    reply(request).then((answer) => process.send!(answer, () => process.exit(0)));
});
