/**
 * Runs an evaluation (evaluate.ts) in a child process and hands back its plan and record: the
 * caller loads no Pulumi SDK and no program, and two evaluations (`plan --compare`) never share a
 * module cache.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type { EvaluationRequest, ProgramRecord } from "./evaluate";
import type { Plan } from "./plan";

/** The request the child receives: what to evaluate, and what to send back. */
export interface ChildRequest extends EvaluationRequest {
    /** Send the plan built from the record. */
    readonly plan?: boolean;
    /** Send the record itself (all inputs and states: large for big stacks). */
    readonly record?: boolean;
}

/** The child's answer: the plan and record asked for, or every problem that stopped it. */
export type EvaluationReply = { readonly ok: true; readonly plan?: Plan; readonly record?: ProgramRecord } | { readonly ok: false; readonly problems: string[]; readonly notes: string[] };

/** The child's entry point beside this file: compiled JavaScript in the package, TypeScript here. */
function childCommand(): string[] {
    const ext = path.extname(__filename);
    const entry = path.join(__dirname, `evaluateChild${ext}`);
    return ext === ".ts" ? ["-r", path.join(__dirname, "register.js"), entry] : [entry];
}

/** The evaluations running now, so that a signal can stop them with their parent. */
const running = new Set<ChildProcess>();

/** Stops every running evaluation (a compare interrupted before it removes the base's copy). */
export function stopEvaluations(signal: NodeJS.Signals = "SIGTERM"): void {
    for (const child of running) {
        child.kill(signal);
    }
}

/**
 * Evaluates in a new Node.js process, started in the project's folder. The program's own output
 * goes to this process's standard error.
 */
export function evaluateInChild(request: ChildRequest): Promise<EvaluationReply> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, childCommand(), { cwd: request.projectDir, stdio: ["ignore", 2, 2, "ipc"] });
        running.add(child);
        let answer: EvaluationReply | undefined;
        child.on("message", (message: EvaluationReply) => {
            answer = message;
        });
        child.on("error", reject);
        child.on("exit", (code, signal) => {
            running.delete(child);
            resolve(answer ?? { ok: false, problems: [`The evaluation stopped before it answered (${signal ? `signal ${signal}` : `exit code ${code}`}); its output is above.`], notes: [] });
        });
        child.send(request);
    });
}
