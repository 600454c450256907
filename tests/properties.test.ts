import * as assert from "assert";
import * as fc from "fast-check";
import { BatchTask, BatchTaskArgs } from "../components/batchTask";
import { ArgumentError } from "../components/errors";
import { RecordedResource } from "../components/testing";
import { WebService, WebServiceArgs } from "../components/webService";
import { checkResourceLimits, checkStackLimits } from "../policy/awsLimits";
import { validateStateMachine } from "./aslValidator";
import { asEngineValue } from "./policyHarness";
import { evaluateStack } from "./program";
import { batchTaskCase, BATCH_TASK_ARGUMENTS, WEB_SERVICE_ARGUMENTS, webServiceCase } from "./propertiesArbitraries";
import { mocks } from "./setup";

/**
 * Cases per component in `npm test` (one evaluation takes about 50 ms); `PROPERTY_RUNS=N` for more.
 * `npm test` replays one fixed seed, so it passes or fails the same way on every run; new inputs
 * come from `PROPERTY_SEED=random` (as `npm run test:properties` sets) or another number.
 * A failure prints the shrunk counterexample and the seed to replay it (`PROPERTY_SEED=...`).
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 250);
const FIXED_SEED = 17;
const SEED = process.env.PROPERTY_SEED === "random" ? undefined : Number(process.env.PROPERTY_SEED ?? FIXED_SEED);
const ROOT_USER = /^(0|root)(:|$)/;

/** What AWS would reject in the recorded resources (known component bugs set aside), one line each. */
function limitProblems(resources: readonly RecordedResource[]): string[] {
    const problems: string[] = [];
    for (const r of resources.filter((x) => x.type.startsWith("aws:"))) {
        const report = checkResourceLimits(r.type, asEngineValue(r.inputs), r.name);
        problems.push(...report.violations.map((v) => `${r.name} (${r.type}): ${v}`));
        problems.push(...report.unknown.map((p) => `${r.name}: ${p} is unknown outside a preview`));
    }
    const across = checkStackLimits(resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: asEngineValue(r.state) })));
    problems.push(...across.violations.map((v) => v.message), ...across.unknown);
    for (const sfn of resources.filter((r) => r.type === "aws:sfn/stateMachine:StateMachine")) {
        const result = validateStateMachine(JSON.parse(sfn.inputs.definition));
        if (!result.isValid) {
            problems.push(`${sfn.name}: invalid Amazon States Language: ${result.errorsText("; ")}`);
        }
    }
    return problems;
}

interface Tally {
    accepted: number;
    rejected: number;
    paths: Map<string, number>;
}

/**
 * The property: building the component either throws an ArgumentError whose path starts with an
 * argument the input gave (or `name`) and registers no AWS resource, or registers only resources
 * AWS accepts.
 */
async function buildsOnlyWhatAwsAccepts(tally: Tally, given: readonly string[], build: () => unknown, users: readonly (string | undefined)[]): Promise<void> {
    mocks.reset();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...parts: unknown[]) => warnings.push(parts.join(" "));
    let thrown: unknown;
    try {
        build();
    } catch (e) {
        thrown = e;
    } finally {
        console.warn = warn;
    }
    await mocks.settle();
    if (thrown !== undefined) {
        assert.ok(thrown instanceof ArgumentError, `throws an ArgumentError, not ${thrown instanceof Error ? thrown.stack : String(thrown)}`);
        const error = thrown;
        for (const problem of error.problems) {
            const root = problem.path.split(/[.[]/)[0];
            assert.ok(root === "name" || given.includes(root), `the error's path "${problem.path}" names an argument the input gave (${given.join(", ")}): ${problem.message}`);
            assert.ok(problem.message.startsWith(`${problem.component}: ${problem.path}`), `the message starts with the component and the path: ${problem.message}`);
        }
        if (error.problems.length > 1) {
            assert.strictEqual(error.message, `${error.component}: ${error.problems.length} problems:\n${error.problems.map((p) => `  - ${p.message}`).join("\n")}`, "one line per problem");
        }
        assert.deepStrictEqual(
            mocks.awsResources().map((r) => `${r.type} ${r.name}`),
            [],
            `no AWS resource is registered when validation fails (${thrown.message})`,
        );
        tally.rejected++;
        const first = error.path.split(/[.[]/)[0];
        tally.paths.set(first, (tally.paths.get(first) ?? 0) + 1);
        return;
    }
    assert.deepStrictEqual(limitProblems(mocks.all()), [], "every registered resource is within AWS's limits");
    const root = users.some((u) => u !== undefined && ROOT_USER.test(u));
    assert.strictEqual(warnings.some((w) => w.includes("ECS.20")), root, `warns about a root user exactly when a container runs as root (${warnings.join(" | ")})`);
    tally.accepted++;
}

function containerUsers(args: { user?: string; sidecars?: readonly { user?: string }[] }): (string | undefined)[] {
    return [args.user, ...(args.sidecars ?? []).map((s) => s.user)];
}

function summary(kind: string, tally: Tally, ms: number): string {
    const top = [...tally.paths.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(", ");
    return `${kind}: ${tally.accepted + tally.rejected} cases in ${(ms / 1000).toFixed(1)} s, ${tally.accepted} built and checked against AWS's limits, ${tally.rejected} rejected (most often: ${top})`;
}

/** Inputs of every recorded resource, in order, as a comparable value. */
function snapshot(): unknown[] {
    return mocks.all().map((r) => [r.type, r.name, r.parent, asEngineValue(r.inputs)]);
}

describe("properties of every input", function () {
    this.timeout(Math.max(60000, RUNS * 1000));
    after(() => mocks.useStack("test"));

    const parameters = (runs: number): fc.Parameters<unknown> => ({ numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}) });

    it(`WebService: any input is rejected with a named argument and nothing registered, or builds only what AWS accepts (${RUNS} cases)`, async () => {
        const tally: Tally = { accepted: 0, rejected: 0, paths: new Map() };
        const start = Date.now();
        await fc.assert(
            fc.asyncProperty(webServiceCase, async ({ name, args }) => {
                const given = Object.keys(args).filter((k) => WEB_SERVICE_ARGUMENTS.includes(k));
                await buildsOnlyWhatAwsAccepts(tally, given, () => new WebService(name, args), containerUsers(args));
            }),
            parameters(RUNS),
        );
        console.log(`      ${summary("WebService", tally, Date.now() - start)}`);
        assert.ok(tally.accepted >= RUNS / 5 && tally.rejected >= RUNS / 5, `both outcomes are exercised: ${tally.accepted} built, ${tally.rejected} rejected`);
    });

    it(`BatchTask: any input is rejected with a named argument and nothing registered, or builds only what AWS accepts (${RUNS} cases)`, async () => {
        const tally: Tally = { accepted: 0, rejected: 0, paths: new Map() };
        const start = Date.now();
        await fc.assert(
            fc.asyncProperty(batchTaskCase, async ({ name, args }) => {
                const given = Object.keys(args).filter((k) => BATCH_TASK_ARGUMENTS.includes(k));
                await buildsOnlyWhatAwsAccepts(tally, given, () => new BatchTask(name, args), containerUsers(args));
            }),
            parameters(RUNS),
        );
        console.log(`      ${summary("BatchTask", tally, Date.now() - start)}`);
        assert.ok(tally.accepted >= RUNS / 5 && tally.rejected >= RUNS / 5, `both outcomes are exercised: ${tally.accepted} built, ${tally.rejected} rejected`);
    });

    it("building the same input twice registers identical resources (no diff on the next pulumi up)", async () => {
        const twice = async (build: () => unknown) => {
            const results: unknown[] = [];
            for (let i = 0; i < 2; i++) {
                mocks.reset();
                try {
                    build();
                } catch (e) {
                    results.push(e instanceof Error ? e.message : e);
                    continue;
                }
                await mocks.settle();
                results.push(snapshot());
            }
            assert.deepStrictEqual(results[1], results[0]);
        };
        const silent = console.warn;
        console.warn = () => undefined;
        try {
            await fc.assert(
                fc.asyncProperty(fc.oneof(webServiceCase.map((c) => ({ ...c, kind: "web" as const })), batchTaskCase.map((c) => ({ ...c, kind: "batch" as const }))), async (c) => {
                    await twice(() => (c.kind === "web" ? new WebService(c.name, c.args as WebServiceArgs) : new BatchTask(c.name, c.args as BatchTaskArgs)));
                }),
                parameters(Math.max(10, Math.round(RUNS / 10))),
            );
        } finally {
            console.warn = silent;
        }
    });

    it("evaluating each stack file twice registers identical resources", async () => {
        for (const stack of ["dev", "prod"]) {
            await evaluateStack(stack);
            const first = snapshot();
            await evaluateStack(stack);
            assert.deepStrictEqual(snapshot(), first, stack);
        }
    });

});
