/**
 * `npm run plan` and `fargate-workloads plan` as a user runs them: each case starts Node, most
 * also the evaluation's child process with the Pulumi SDK. Slower than the rest of `npm test`, so
 * `npm run test:commands` runs them (as CI does, beside `npm test`).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { USAGE } from "../../scripts/plan/cli";
import { ROOT } from "../program";

/** How long one run of the command may take before it counts as hung (mocha's own per-test bound). */
const CHILD_TIMEOUT_MS = 120000;

describe("npm run plan", () => {
    describe("the command", function () {
        // Bounds for a hung command, not speed requirements: a command starts Node twice (itself, then
        // the evaluation with the Pulumi SDK), a loaded 2-core machine took 30 s for an evaluation, and
        // a test runs the command up to twice. spawnSync blocks mocha's own timer, so each child has one.
        this.timeout(2 * CHILD_TIMEOUT_MS + 60000);
        const run = (...args: string[]) =>
            spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts", "plan", "register.js"), path.join(ROOT, "cli", "bin.ts"), "plan", ...args], {
                cwd: ROOT,
                encoding: "utf8",
                timeout: CHILD_TIMEOUT_MS,
            });

        // npm itself, as the usage says: -s keeps npm's banner out of the plan.
        const npmRun = (...args: string[]) =>
            spawnSync(process.env.npm_execpath ? process.execPath : "npm", [...(process.env.npm_execpath ? [process.env.npm_execpath] : []), "run", "-s", "plan", "--", ...args], {
                cwd: ROOT,
                encoding: "utf8",
                timeout: CHILD_TIMEOUT_MS,
            });

        it("loads no Pulumi SDK itself, nor do the batch commands: only the evaluation's child process does", () => {
            const script = 'require("./scripts/plan/command"); require("./cli/main"); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes("@pulumi"))))';
            const result = spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts", "plan", "register.js"), "-e", script], { cwd: ROOT, encoding: "utf8" });
            assert.deepStrictEqual([result.status, JSON.parse(result.stdout)], [0, []], result.stderr);
        });

        it("prints the usage for --help on stdout, exit 0", () => {
            const result = run("--help");
            assert.deepStrictEqual([result.status, result.stdout, result.stderr], [0, USAGE, ""]);
        });

        it("exits 2 with the problem and the usage on stderr and nothing on stdout for a bad flag", () => {
            const result = run("--format", "yaml");
            assert.deepStrictEqual([result.status, result.stdout, result.stderr], [2, "", `plan: --format must be text, markdown or json (got "yaml")\n\n${USAGE}`]);
        });

        it("writes plan.json, plan.md, architecture.mmd and architecture.dot with --out, and JSON alone on stdout with npm run -s", () => {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
            const result = npmRun("--stack", "prod", "--format", "json", "--out", out);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(fs.readdirSync(out).sort(), ["architecture.dot", "architecture.mmd", "plan.json", "plan.md"]);
            const json = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
            assert.strictEqual(json.stack, "prod");
            assert.deepStrictEqual(JSON.parse(result.stdout), json);
            assert.ok(fs.readFileSync(path.join(out, "architecture.mmd"), "utf8").startsWith("flowchart LR"));
            fs.rmSync(out, { recursive: true, force: true });
        });

        it("prints the program's own errors for a bad stack file and exits non-zero", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bad-"));
            fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  fargate-workloads:web:\n    cpu: big\n    colour: blue\n");
            const result = run("--stack", "bad", "--config-dir", dir);
            assert.strictEqual(result.status, 1);
            assert.strictEqual(result.stdout, "");
            assert.ok(result.stderr.startsWith("Stack bad is refused, as pulumi preview would refuse it:\nInvalid stack configuration (2 problems):"), result.stderr);
            assert.ok(result.stderr.includes('fargate-workloads:web.cpu ("big") must be a number; write it as one'));
            assert.ok(result.stderr.includes("fargate-workloads:web.colour is not a known key"));
            fs.rmSync(dir, { recursive: true, force: true });
        });
    });
});
