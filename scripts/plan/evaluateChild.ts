/**
 * The child process of an evaluation (see child.ts): receives an {@link EvaluationRequest} on its
 * IPC channel, evaluates the program under fresh mocks and replies with the plan and, when asked,
 * the {@link ProgramRecord}; or with the problems that stopped it. Its standard output is the
 * caller's standard error, so whatever the program prints never lands inside a plan.
 */
import "./compileCache";
import { installMocks, useFastStackTraces } from "../../components/testing";
import type { EvaluationReply, ChildRequest } from "./child";
import { EvaluationError, evaluateProgram } from "./evaluate";
import { planFromRecord } from "./plan";

async function reply(request: ChildRequest): Promise<EvaluationReply> {
    useFastStackTraces();
    process.env.PULUMI_ERROR_OUTPUT_STRING ??= "true";
    try {
        const record = await evaluateProgram(installMocks(), request);
        return { ok: true, plan: request.plan ? planFromRecord(record) : undefined, record: request.record ? record : undefined };
    } catch (e) {
        if (e instanceof EvaluationError) {
            return { ok: false, problems: [...e.problems], notes: [...e.notes] };
        }
        return { ok: false, problems: [`The evaluation failed: ${(e as Error).stack ?? e}`], notes: [] };
    }
}

process.once("message", (request: ChildRequest) => {
    reply(request).then((answer) => process.send!(answer, () => process.exit(0)));
});
