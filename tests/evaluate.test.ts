import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluateInChild, EvaluationReply } from "../scripts/plan/child";
import { EvaluationError, evaluateProgram, resolveEntryPoint } from "../scripts/plan/evaluate";
import { readProject, readStackConfig, SECRET_PLACEHOLDER as PLAN_PLACEHOLDER } from "../scripts/plan/project";
import { SECRET_PLACEHOLDER } from "../app/config";
import { counters, installTypeScript } from "../scripts/plan/tsCache";
import { ROOT } from "./program";
import { mocks } from "./setup";

const FIXTURE = path.join(ROOT, "tests", "fixtures", "planProject");

/** A project folder in the temporary directory whose node_modules link to this repository's packages. */
function tempProject(files: Record<string, string>, packages: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-project-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    for (const pkg of packages) {
        fs.mkdirSync(path.dirname(path.join(dir, "node_modules", pkg)), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules", pkg), path.join(dir, "node_modules", pkg), "dir");
    }
    return dir;
}

const failed = (reply: EvaluationReply) => {
    assert.ok(!reply.ok, "the evaluation is refused");
    return reply;
};

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

    describe("the evaluation process's start", () => {
        it("loads the Pulumi SDK without the TypeScript compiler, which loads when the SDK first uses it", () => {
            const script = [
                'require("./scripts/plan/lazySdkTypescript"); require("@pulumi/pulumi");',
                'const loaded = () => Object.keys(require.cache).some((k) => k.endsWith("/typescript/lib/typescript.js"));',
                'const before = loaded(); const ts = require("@pulumi/pulumi/typescript-shim");',
                "process.stdout.write(JSON.stringify([before, typeof ts.createSourceFile, ts.SyntaxKind.Identifier > 0, loaded()]));",
            ].join("\n");
            const run = () => spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts", "plan", "register.js"), "-e", script], { cwd: ROOT, encoding: "utf8" });
            // The first run may transpile lazySdkTypescript.ts (a cold transpile cache loads the compiler); the second reads the cache, as every later plan does.
            run();
            const result = run();
            assert.deepStrictEqual([result.status, JSON.parse(result.stdout || "null")], [0, [false, "function", true, true]], result.stderr);
        });
    });

    describe("in a child process, as the command line runs it", function () {
        // Each case starts Node with the Pulumi SDK and the program, some twice; a bound for a hung
        // child, not a speed requirement (a loaded 2-core machine took 30 s for one).
        this.timeout(180000);

        it("hands back the same record, serialisable, and the plan built from it", async () => {
            const reply = await evaluateInChild({ projectDir: FIXTURE, stack: "dev", plan: true, record: true });
            assert.ok(reply.ok, JSON.stringify(reply));
            const record = reply.record!;
            assert.deepStrictEqual(JSON.parse(JSON.stringify(record)), record);
            assert.strictEqual(record.resources.find((r) => r.name === "uploads")?.options?.protect, true);
            assert.deepStrictEqual(reply.plan!.resources.map((r) => r.urn), record.resources.map((r) => r.urn));
            assert.ok(reply.plan!.cost.unpriced.includes("aws:s3/bucketV2:BucketV2 (1)"));
        });

        it("names an invoke the mocks cannot answer with --invokes, and uses the answer given", async () => {
            const refused = failed(await evaluateInChild({ projectDir: FIXTURE, stack: "dev", config: { defaultVpc: "true" } }));
            assert.deepStrictEqual(refused.problems, ['The invoke aws:ec2/getVpc:getVpc (called with {"default":true}) cannot be answered offline; give its result in a JSON file with --invokes FILE, as in {"aws:ec2/getVpc:getVpc": {...}}']);
            const reply = await evaluateInChild({ projectDir: FIXTURE, stack: "dev", config: { defaultVpc: "true" }, invokes: { "aws:ec2/getVpc:getVpc": { id: "vpc-0fedcba987654321f" } }, record: true });
            assert.ok(reply.ok, JSON.stringify(reply));
            assert.strictEqual(reply.record!.resources.find((r) => r.name === "resizer-service-sg")?.inputs.vpcId, "vpc-0fedcba987654321f");
        });

        it("names a stack reference it cannot read, and uses the outputs given", async () => {
            const refused = failed(await evaluateInChild({ projectDir: FIXTURE, stack: "dev", config: { networkStack: "acme/network/prod" } }));
            assert.deepStrictEqual(refused.problems, [
                "Required output 'vpcId' does not exist on stack 'acme/network/prod'.: give the stack's outputs with --stack-outputs acme/network/prod=FILE (the JSON of pulumi stack output --stack acme/network/prod --json)",
            ]);
            assert.ok(refused.notes.some((n) => n.startsWith("The program reads the stack acme/network/prod, whose outputs cannot be read offline")));
            const reply = await evaluateInChild({ projectDir: FIXTURE, stack: "dev", config: { networkStack: "acme/network/prod" }, stackOutputs: { "acme/network/prod": { vpcId: "vpc-0aaaabbbbccccdddd" } }, record: true });
            assert.ok(reply.ok, JSON.stringify(reply));
            assert.strictEqual(reply.record!.resources.find((r) => r.name === "resizer-service-sg")?.inputs.vpcId, "vpc-0aaaabbbbccccdddd");
            assert.ok(!reply.record!.notes.some((n) => n.includes("acme/network/prod")));
        });

        it("refuses a TypeScript program whose project has no ts-node, with the fix", async () => {
            const dir = tempProject({ "Pulumi.yaml": "name: bare\nruntime: nodejs\n", "Pulumi.dev.yaml": "config: {}\n", "index.ts": "export const x: number = 1;\n" }, ["@pulumi/pulumi"]);
            const reply = failed(await evaluateInChild({ projectDir: dir, stack: "dev" }));
            assert.strictEqual(reply.problems.length, 1);
            assert.match(reply.problems[0], /has no ts-node and no typescript of its own\. Pulumi would fall back to its bundled ts-node 7 and TypeScript 3\.8.*npm install --save-dev ts-node@10\.9\.2 typescript@5\.9\.3/);
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("runs the program with the project's own ts-node and typescript, modern syntax included, and names a missing entry point", async () => {
            const program = 'import * as aws from "@pulumi/aws";\nclass Names { static #prefix = "n"; static of(s: string) { return `${Names.#prefix}-${s}` satisfies string; } }\nnew aws.sqs.Queue(Names.of("q"));\n';
            const dir = tempProject({ "Pulumi.yaml": "name: modern\nruntime: nodejs\n", "Pulumi.dev.yaml": "config: {}\n", "package.json": '{ "name": "modern", "main": "index.ts" }\n', "index.ts": program }, ["@pulumi/pulumi", "@pulumi/aws", "ts-node", "typescript"]);
            const reply = await evaluateInChild({ projectDir: dir, stack: "dev", record: true });
            assert.ok(reply.ok, JSON.stringify(reply));
            assert.deepStrictEqual(reply.record!.resources.map((r) => `${r.type} ${r.name}`), ["aws:sqs/queue:Queue n-q"]);
            fs.writeFileSync(path.join(dir, "package.json"), '{ "name": "modern", "main": "src/missing.ts" }\n');
            fs.rmSync(path.join(dir, "index.ts"));
            assert.deepStrictEqual(failed(await evaluateInChild({ projectDir: dir, stack: "dev" })).problems, ["The program's entry point . does not exist (read from package.json's main, or an index.ts or index.js); set main in Pulumi.yaml to the program's file."]);
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("runs an ES module program (package.json type module) through ts-node's loader", async () => {
            const program = 'import * as aws from "@pulumi/aws";\nexport const queue = new aws.sqs.Queue("esm-queue").url;\n';
            const dir = tempProject(
                {
                    "Pulumi.yaml": "name: esm\nruntime: nodejs\n",
                    "Pulumi.dev.yaml": "config: {}\n",
                    "package.json": '{ "name": "esm", "type": "module", "main": "index.ts" }\n',
                    "tsconfig.json": '{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "strict": true } }\n',
                    "index.ts": program,
                },
                ["@pulumi/pulumi", "@pulumi/aws", "ts-node", "typescript"],
            );
            const reply = await evaluateInChild({ projectDir: dir, stack: "dev", record: true });
            assert.ok(reply.ok, JSON.stringify(reply));
            assert.deepStrictEqual(reply.record!.resources.map((r) => `${r.type} ${r.name}`), ["aws:sqs/queue:Queue esm-queue"]);
            fs.rmSync(dir, { recursive: true, force: true });
        });
    });
});
