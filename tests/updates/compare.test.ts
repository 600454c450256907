/**
 * `plan --compare`: the update from a base program (a folder, or a git ref) to the current one,
 * each evaluated in a process of its own, with the exit status that gates a pull request.
 * Each case starts two evaluations: in `npm run test:updates`, not `npm test`.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planCommand, PlanIo } from "../../scripts/plan/command";
import { configDirOfBase } from "../../scripts/plan/compare";
import { ROOT } from "../program";

const FIXTURE = path.join(ROOT, "tests", "fixtures", "compareProject");
/** Inside the repository (so the copies resolve its packages), ignored by git and the linter. */
const SCRATCH = path.join(ROOT, ".scratch", "compare-tests");

/** A copy of the fixture whose stack file says `config` (namespace compare-fixture). */
function project(name: string, config: Record<string, unknown>, extra: Record<string, string> = {}): string {
    const dir = path.join(SCRATCH, `${name}-${process.pid}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const file of ["Pulumi.yaml", "program.ts"]) {
        fs.copyFileSync(path.join(FIXTURE, file), path.join(dir, file));
    }
    const lines = ["config:", "  aws:region: eu-west-1", ...Object.entries(config).map(([k, v]) => `  compare-fixture:${k}: ${JSON.stringify(v)}`)];
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), `${lines.join("\n")}\n`);
    for (const [file, text] of Object.entries(extra)) {
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const io: PlanIo = { cwd, out: async (t) => void (out += t), err: async (t) => void (err += t) };
    const code = await planCommand(args, io);
    return { code, out, err };
}

describe("plan --compare: the update from a base program, offline", function () {
    // Two evaluations a case, each a Node.js process with the SDK and the program.
    this.timeout(180000);
    after(() => fs.rmSync(SCRATCH, { recursive: true, force: true }));

    it("prints each step in the engine's order, and exits 1 when a step would fail (a priority its holder still has)", async () => {
        const base = project("base", { fifo: false, rules: { a: 1, b: 2 } });
        const current = project("current", { fifo: false, rules: { b: 1 } });
        const r = await run(["--compare", base], current);
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /^Update of stack dev, from .*base-\d+ to this checkout \(in the order pulumi up takes the steps\): 0 to create, 1 to update, 0 to replace, 1 to delete, 0 unknown\n/);
        assert.ok(r.out.indexOf("  ~ b (aws:lb/listenerRule:ListenerRule): update: priority") < r.out.indexOf("  - a (aws:lb/listenerRule:ListenerRule): delete"), r.out);
        assert.match(r.out, /ERROR \[unique-while-both-exist\] the update of b takes priority 1 on its listener while a holds it until it is deleted/);
        assert.match(r.out, /Blocked: 1 error\(s\)\.\n$/);
    });

    it("exits 1 on a stateful replacement unless --allow-replace names it; says what forces it, as markdown and JSON too", async () => {
        const base = project("base", { fifo: false });
        const current = project("current", { fifo: true });
        const blocked = await run(["--compare", base], current);
        assert.strictEqual(blocked.code, 1);
        assert.match(blocked.out, /\+- jobs \(aws:sqs\/queue:Queue\): replace: fifoQueue forces it \(ForceNew, [^)]+\)/);
        assert.match(blocked.out, /ERROR \[stateful-kept\] jobs \(aws:sqs\/queue:Queue\) would be replaced/);
        const allowed = await run(["--compare", base, "--allow-replace", "jobs", "--format", "json"], current);
        assert.strictEqual(allowed.code, 0, allowed.out);
        const json = JSON.parse(allowed.out);
        assert.deepStrictEqual(
            json.steps.map((s: any) => [s.op, s.name]),
            [["replace", "jobs"], ["delete-replaced", "jobs"]],
        );
        assert.deepStrictEqual([json.blocked, json.problems.map((p: any) => [p.rule, p.allowed])], [false, [["stateful-kept", true]]]);
        const markdown = await run(["--compare", base, "--allow-replace", "jobs", "--format", "markdown"], current);
        assert.match(markdown.out, /^### Update of `dev` from `.*base-\d+`\n\n0 to create, 0 to update, 1 to replace, 0 to delete, 0 unknown\. No step would fail\.\n/);
        assert.match(markdown.out, /\| replace \| `jobs` \| `aws:sqs\/queue:Queue` \| fifoQueue forces it/);
        assert.match(markdown.out, /- allowed `stateful-kept`: jobs/);
    });

    it("compares with a git ref, and warns when the two lock files differ", async () => {
        const repo = project("repo", { fifo: false }, { "package-lock.json": '{"lockfileVersion": 3}\n' });
        const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" });
        git("init", "-q");
        git("add", ".");
        git("commit", "-q", "-m", "base");
        fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n  compare-fixture:fifo: false\n  compare-fixture:rules:\n    c: 7\n");
        fs.writeFileSync(path.join(repo, "package-lock.json"), '{"lockfileVersion": 3, "changed": true}\n');
        const r = await run(["--compare", "HEAD"], repo);
        assert.strictEqual(r.code, 0, r.err + r.out);
        assert.match(r.out, /from HEAD \([0-9a-f]{12}\) to this checkout/);
        assert.match(r.out, /\+ c \(aws:lb\/listenerRule:ListenerRule\): create/);
        assert.match(r.out, /Note: package-lock\.json differs between the base and this checkout/);
    });

    it("refuses, with exit 2, an unknown ref, a folder without the program, and a stack without its file in the base", async () => {
        const current = project("current", { fifo: false });
        const unknown = await run(["--compare", "no-such-ref"], current);
        assert.deepStrictEqual([unknown.code, unknown.out], [2, ""]);
        assert.match(unknown.err, /--compare no-such-ref: not a directory, and .* is in no git repository to read it as a ref from|--compare no-such-ref: no such commit, branch or tag/);
        const empty = path.join(SCRATCH, `empty-${process.pid}`);
        fs.mkdirSync(empty, { recursive: true });
        const folder = await run(["--compare", empty], current);
        assert.strictEqual(folder.code, 2);
        assert.match(folder.err, /holds no Pulumi program \(no Pulumi\.yaml in it\)/);
        const base = project("base", { fifo: false });
        fs.renameSync(path.join(base, "Pulumi.dev.yaml"), path.join(base, "Pulumi.test.yaml"));
        const noStack = await run(["--compare", base], current);
        assert.strictEqual(noStack.code, 2);
        assert.match(noStack.err, /the base has no stack file Pulumi\.dev\.yaml in .*, so the stack is new there: plan it alone \(no --compare\)/);
    });

    it("reads the base's stack file from the same --config-dir inside its own checkout", async () => {
        const base = project("cfg-base", { fifo: false });
        const current = project("cfg-current", { fifo: false });
        for (const dir of [base, current]) {
            fs.mkdirSync(path.join(dir, "stacks"), { recursive: true });
            fs.renameSync(path.join(dir, "Pulumi.dev.yaml"), path.join(dir, "stacks", "Pulumi.dev.yaml"));
        }
        fs.writeFileSync(path.join(current, "stacks", "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n  compare-fixture:fifo: true\n");
        const r = await run(["--compare", base, "--config-dir", "stacks"], current);
        assert.strictEqual(r.code, 1, r.err + r.out);
        assert.match(r.out, /replace/);
        // The same folder name in the base; a folder outside the project as given; none: the project.
        assert.strictEqual(configDirOfBase({ projectDir: current, configDir: path.join(current, "stacks") }, base), path.join(base, "stacks"));
        // A folder outside the project, not beside it (so joining it to the base would give another path).
        const outside = path.join(os.tmpdir(), "fargate-workloads-stacks");
        assert.strictEqual(configDirOfBase({ projectDir: current, configDir: outside }, path.join(base, "deeper")), outside);
        assert.strictEqual(configDirOfBase({ projectDir: current, configDir: current }, base), base);
    });
});
