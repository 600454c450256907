/**
 * The update corpus's harness: run a program twice (before and after a change) under the mocks and
 * plan the update between them (components/updatePlan.ts), then say what the plan must hold.
 */
import * as assert from "assert";
import { describeUpdate, planUpdate, ProgramSnapshot, UpdatePlan } from "../../components/testing";
import { evaluateStack } from "../program";
import { mocks } from "../setup";

/** The demo program for `stack`, its stack file changed by `edit` (see tests/program.ts). */
export async function stack(name: string, edit: Record<string, unknown> = {}): Promise<ProgramSnapshot> {
    await evaluateStack(name, edit);
    return mocks.snapshot();
}

/** A program of components, under the mocks of stack "updates". */
export async function program(build: () => void): Promise<ProgramSnapshot> {
    mocks.useStack("updates");
    build();
    return mocks.snapshot();
}

/** What an update must do: steps by resource name, problems by rule. */
export interface Expected {
    /** Resources replaced (their new names). */
    readonly replace?: readonly string[];
    readonly create?: readonly string[];
    readonly delete?: readonly string[];
    /** Resources updated in place, each with a property path that must be among its changes. */
    readonly update?: Readonly<Record<string, string>>;
    /** The rules of every problem, errors and warnings alike (sorted): `[]` is a safe update. */
    readonly problems: readonly string[];
}

function names(plan: UpdatePlan, op: string): string[] {
    return plan.steps.filter((s) => s.op === op).map((s) => s.name);
}

/** Checks `plan` against `expected`; each failure shows the whole plan. */
export function expectUpdate(plan: UpdatePlan, expected: Expected): void {
    const text = `\n${describeUpdate(plan)}`;
    assert.deepStrictEqual(plan.problems.map((p) => `${p.severity} ${p.rule}`).sort(), [...expected.problems].sort(), `problems${text}`);
    for (const op of ["replace", "create", "delete"] as const) {
        for (const name of expected[op] ?? []) {
            assert.ok(names(plan, op).includes(name), `${op} ${name}${text}`);
        }
    }
    for (const [name, path] of Object.entries(expected.update ?? {})) {
        const step = plan.steps.find((s) => s.name === name);
        assert.ok(step && step.op === "update" && step.changed.some((c) => c.startsWith(path)), `update ${name} (${path})${text}`);
    }
}

/** Plans the update from `before` to `after`. */
export async function pair(before: () => Promise<ProgramSnapshot>, after: () => Promise<ProgramSnapshot>): Promise<UpdatePlan> {
    const a = await before();
    const b = await after();
    return planUpdate(a, b);
}

/** The steps of `plan` that change something, one line each: for a failure's message. */
export function changes(plan: UpdatePlan): string {
    return describeUpdate(plan);
}
