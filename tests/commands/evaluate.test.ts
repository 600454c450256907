/**
 * The plan's evaluation in a child process, as the command line runs it: each case starts Node with
 * the Pulumi SDK and a program. Slower than the rest of `npm test`, so `npm run test:commands` runs
 * them (as CI does, beside `npm test`).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { evaluateInChild, EvaluationReply, stopEvaluations } from "../../scripts/plan/child";
import { PLAN_FIXTURE, tempProject } from "../planProject";
import { ROOT } from "../program";

const FIXTURE = PLAN_FIXTURE;

const failed = (reply: EvaluationReply) => {
    assert.ok(!reply.ok, "the evaluation is refused");
    return reply;
};

describe("evaluating a user's program for the plan", () => {
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

        it("stops with a signal when its parent is interrupted, and says it stopped before it answered", async () => {
            const pending = evaluateInChild({ projectDir: FIXTURE, stack: "dev", record: true });
            stopEvaluations("SIGTERM");
            const reply = await pending;
            assert.deepStrictEqual(reply, { ok: false, problems: ["The evaluation stopped before it answered (signal SIGTERM); its output is above."], notes: [] });
        });

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
