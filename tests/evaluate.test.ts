import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { EvaluationError, evaluateProgram, resolveEntryPoint } from "../scripts/plan/evaluate";
import { readProject, readStackConfig, SECRET_PLACEHOLDER as PLAN_PLACEHOLDER } from "../scripts/plan/project";
import { SECRET_PLACEHOLDER } from "../app/config";
import { counters, installTypeScript } from "../scripts/plan/tsCache";
import { PLAN_FIXTURE, tempProject } from "./planProject";
import { mocks } from "./setup";

const FIXTURE = PLAN_FIXTURE;

describe("evaluating a user's program for the plan", () => {
    after(() => mocks.useStack("test"));

    describe("the project", () => {
        it("reads Pulumi.yaml's config under the project's namespace, the stack's over it, and stand-ins over both", () => {
            const project = readProject(FIXTURE);
            assert.deepStrictEqual([project.name, project.main, project.typescript, project.config], ["plan-fixture", "src/program.ts", true, { "plan-fixture:owner": "platform" }]);
            const stack = readStackConfig(project, "dev", FIXTURE, { owner: "data", "aws:region": "eu-west-3" });
            assert.deepStrictEqual(stack.config, { "plan-fixture:owner": "data", "aws:region": "eu-west-3", "plan-fixture:token": PLAN_PLACEHOLDER });
            assert.deepStrictEqual([stack.secretKeys, stack.environments], [["plan-fixture:token"], ["shared/network"]]);
            assert.deepStrictEqual(readStackConfig(project, "dev", FIXTURE, { token: "stand-in" }).secretKeys, [], "a stand-in is no longer a secret placeholder");
        });

        it("puts the same placeholder in a secure: value as the demo program accepts", () => {
            assert.strictEqual(PLAN_PLACEHOLDER, SECRET_PLACEHOLDER);
        });

        it("finds the entry point as Pulumi does: main of Pulumi.yaml, else package.json, else the index", () => {
            assert.deepStrictEqual(resolveEntryPoint(FIXTURE, "src/program.ts"), { program: path.join(FIXTURE, "src", "program.ts"), file: path.join(FIXTURE, "src", "program.ts"), esm: false });
            assert.deepStrictEqual(resolveEntryPoint(FIXTURE, "src/program"), { program: path.join(FIXTURE, "src", "program"), file: path.join(FIXTURE, "src", "program.ts"), esm: false }, "without its extension, as require finds it");
            assert.throws(() => resolveEntryPoint(FIXTURE, "src"), (e: EvaluationError) => e.problems[0] === "The program's entry point src does not exist (read from main: src of Pulumi.yaml); set main in Pulumi.yaml to the program's file.", "a folder without an index");
        });
    });

    describe("in this process, with the tests' mocks", () => {
        it("records each resource with its type, name, URN, parent, inputs and resource options", async () => {
            const record = await evaluateProgram(mocks, { projectDir: FIXTURE, stack: "dev" });
            assert.deepStrictEqual([record.project, record.stack, record.region, record.entryPoint], ["plan-fixture", "dev", "eu-central-1", path.join("src", "program.ts")]);
            const bucket = record.resources.find((r) => r.name === "uploads")!;
            const queue = record.resources.find((r) => r.name === "jobs")!;
            assert.strictEqual(bucket.urn, "urn:pulumi:dev::plan-fixture::aws:s3/bucketV2:BucketV2::uploads");
            assert.deepStrictEqual(bucket.inputs.tags, { owner: "platform" });
            assert.strictEqual(bucket.options?.protect, true);
            assert.deepStrictEqual(bucket.options?.ignoreChanges, ["tags"]);
            assert.match(bucket.options?.provider ?? "", /^urn:pulumi:dev::plan-fixture::pulumi:providers:aws::frankfurt::/);
            assert.deepStrictEqual(queue.options?.dependencies, [bucket.urn]);
            assert.strictEqual(queue.options?.deleteBeforeReplace, true);
            assert.strictEqual(queue.options?.aliases?.length, 1);
            const worker = record.resources.find((r) => r.type === "fargate-workloads:ecs:WorkerService")!;
            assert.ok(record.resources.some((r) => r.parent === worker.urn && r.type === "aws:ecs/service:Service"), "a component's children name it as parent");
            assert.ok(record.notes.some((n) => n.startsWith("plan-fixture:token is a secure: value")));
            assert.ok(record.notes.some((n) => n.startsWith("The stack imports the ESC environment shared/network")));
        });

        it("throws every problem of a program that refuses its stack, with the notes", async () => {
            const error = await evaluateProgram(mocks, { projectDir: FIXTURE, stack: "dev", config: { defaultVpc: "yes" } }).catch((e) => e);
            assert.ok(error instanceof EvaluationError, String(error));
            assert.deepStrictEqual(error.problems, ["Configuration 'plan-fixture:defaultVpc' value 'yes' is not a valid boolean"]);
            assert.strictEqual(error.notes.length, 2, "the secure: value and the ESC environment");
        });
    });

    describe("the transpile cache", () => {
        it("transpiles a file once with the project's ts-node, then serves it from the cache until it changes", () => {
            const dir = tempProject({ "tsconfig.json": '{ "compilerOptions": { "strict": true } }\n', "a.ts": "export const value: number = 1;\n" }, ["ts-node", "typescript"]);
            fs.mkdirSync(path.join(dir, "node_modules", ".cache"));
            assert.deepStrictEqual(installTypeScript(dir), { tsNode: require.resolve("ts-node"), typescript: require.resolve("typescript") });
            const file = path.join(dir, "a.ts");
            const load = () => {
                delete require.cache[file];
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                return require(file).value;
            };
            const before = { ...counters };
            assert.strictEqual(load(), 1);
            assert.strictEqual(load(), 1);
            fs.writeFileSync(file, "export const value: number = 2;\n");
            assert.strictEqual(load(), 2);
            assert.deepStrictEqual({ hits: counters.hits - before.hits, misses: counters.misses - before.misses }, { hits: 1, misses: 2 });
            assert.strictEqual(fs.readdirSync(path.join(dir, "node_modules", ".cache", "fargate-workloads", "typescript")).length, 2, "one entry per content");
            fs.rmSync(dir, { recursive: true, force: true });
        });
    });
});
