import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import { builtinModules } from "module";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { componentOptions, PREVIOUS_TYPE_TOKENS, TYPE_TOKENS } from "../components/tokens";
import { BatchTask } from "../components/batchTask";
import { WebService } from "../components/webService";
import { ROOT } from "./program";
import { mocks } from "./setup";

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Bare module names a file imports (not relative, not Node built-ins). */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const names = [...text.matchAll(/^import [^;]*? from "([^".][^"]*)";$/gm), ...text.matchAll(/require\("([^".][^"]*)"\)/g)].map((m) => m[1]);
    return names.map((n) => (n.startsWith("@") ? n.split("/").slice(0, 2).join("/") : n.split("/")[0])).filter((n) => !n.startsWith("node:") && !builtinModules.includes(n));
}

describe("the importable library", () => {
    it("exports the components and the testing harness from the built files, with their types", () => {
        assert.strictEqual(pkg.main, "lib/index.js");
        assert.strictEqual(pkg.types, "dist/components/index.d.ts");
        assert.deepStrictEqual(pkg.exports["."], { types: "./dist/components/index.d.ts", default: "./lib/index.js" });
        assert.deepStrictEqual(pkg.exports["./testing"], { types: "./dist/components/testing.d.ts", default: "./lib/testing.js" });
        assert.deepStrictEqual(pkg.files, ["lib/*.js", "dist/**/*.js", "dist/**/*.d.ts", "dist/policy/PulumiPolicy.yaml", "dist/policy/package.json", "docs/batch-cli.md", "README.md", "LICENSE"]);
        assert.match(fs.readFileSync(path.join(ROOT, "lib", "index.js"), "utf8"), /require\("\.\/load"\)\("components\/index\.js"\)/);
        assert.match(fs.readFileSync(path.join(ROOT, "lib", "testing.js"), "utf8"), /require\("\.\/load"\)\("components\/testing\.js"\)/);
    });

    it("builds in prepare, except in this checkout's own npm ci and npm install, where the tests need no dist/", () => {
        assert.strictEqual(pkg.scripts.prepare, "node scripts/build.js --prepare");
        const prepare = (env: Record<string, string>) => spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.js"), "--prepare"], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
        for (const command of ["ci", "install"]) {
            const result = prepare({ INIT_CWD: ROOT, npm_command: command });
            assert.deepStrictEqual([result.status, result.stdout], [0, `prepare: no build for this checkout's own npm ${command} (npm run build builds dist/)\n`]);
        }
        // npm pack, and npm installing this repository from git into another project, build:
        // scripts/test-package.sh and scripts/test-git-install.sh check the result.
        const build = fs.readFileSync(path.join(ROOT, "scripts", "build.js"), "utf8");
        assert.match(build, /\["ci", "install"\]\.includes\(process\.env\.npm_command/);
    });

    it("says at import how to build it when dist/ is missing (installed from git with --ignore-scripts)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unbuilt-"));
        fs.mkdirSync(path.join(dir, "lib"));
        for (const file of fs.readdirSync(path.join(ROOT, "lib"))) {
            fs.copyFileSync(path.join(ROOT, "lib", file), path.join(dir, "lib", file));
        }
        assert.throws(
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            () => require(path.join(dir, "lib", "index.js")),
            (e: Error) => e.message.startsWith(`fargate-workloads: ${path.join("dist", "components", "index.js")} is missing in ${dir}: the package was installed without its build`) && e.message.includes("allowScripts") && e.message.endsWith(`cd ${dir} && npm install && npm run build`),
        );
        const bin = spawnSync(process.execPath, [path.join(dir, "lib", "bin.js"), "plan", "--help"], { encoding: "utf8" });
        assert.deepStrictEqual([bin.status, bin.stdout], [1, ""]);
        assert.match(bin.stderr, /^fargate-workloads: dist\/cli\/bin\.js is missing in /);
        fs.mkdirSync(path.join(dir, "dist", "components"), { recursive: true });
        fs.writeFileSync(path.join(dir, "dist", "components", "testing.js"), "module.exports = { built: true };\n");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.deepStrictEqual(require(path.join(dir, "lib", "testing.js")), { built: true }, "once built, the entry point is the build");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("maps every typed subpath export in typesVersions, for consumers on node10 resolution (module commonjs)", () => {
        const subpaths = Object.entries(pkg.exports as Record<string, { types?: string }>).filter(([key, target]) => key !== "." && typeof target === "object" && target.types);
        assert.deepStrictEqual(subpaths.map(([key]) => key), ["./testing"]);
        assert.deepStrictEqual(pkg.typesVersions, { "*": Object.fromEntries(subpaths.map(([key, target]) => [key.slice(2), [target.types]])) });
    });

    it("takes the Pulumi runtime and the AWS provider as peers, so a consumer has one copy of each", () => {
        assert.deepStrictEqual(Object.keys(pkg.peerDependencies).sort(), ["@pulumi/aws", "@pulumi/pulumi"]);
        assert.ok(!("@pulumi/pulumi" in pkg.dependencies) && !("@pulumi/aws" in pkg.dependencies));
        for (const peer of Object.keys(pkg.peerDependencies)) {
            assert.ok(peer in pkg.devDependencies, `${peer} is pinned for this repository's own use`);
        }
    });

    it("gives consumers only what the components, the command line, the plan and the policy pack import: nothing of the program's (awsx, zod)", () => {
        const dirs = ["components", "cli", "scripts/plan", "policy", "policy/limits"].map((d) => path.join(ROOT, d));
        const used = new Set(dirs.flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).flatMap((f) => importsOf(path.join(dir, f)))));
        const provided = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
        assert.deepStrictEqual([...used].filter((u) => !provided.has(u)), [], "every import of what the package ships is a dependency or a peer");
        assert.deepStrictEqual(Object.keys(pkg.dependencies).filter((d) => !used.has(d)), [], "no dependency the package does not use");
        for (const programOnly of ["@pulumi/awsx", "zod"]) {
            assert.ok(!(programOnly in pkg.dependencies), `${programOnly} is not a consumer dependency`);
        }
    });

    it("keeps the program's entry point index.ts for the Pulumi CLI, whatever package.json's main says", () => {
        assert.match(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), /^main: index\.ts$/m);
    });

    describe("type tokens", () => {
        it("stay exactly the published ones", async () => {
            assert.deepStrictEqual(TYPE_TOKENS, {
                WebService: "fargate-workloads:ecs:WebService",
                BatchTask: "fargate-workloads:ecs:BatchTask",
                LoadBalancer: "fargate-workloads:elb:LoadBalancer",
                WorkerService: "fargate-workloads:ecs:WorkerService",
            });
            assert.deepStrictEqual(PREVIOUS_TYPE_TOKENS, { WebService: [], BatchTask: [], LoadBalancer: [], WorkerService: [] }, "no rename so far");
        });

        it("pass an alias for each previous token after a rename, keeping the user's aliases", async () => {
            const seen = new Map<string, pulumi.ResourceOptions>();
            const record: pulumi.ResourceTransformation = (a) => {
                seen.set(`${a.type}::${a.name}`, a.opts);
                return undefined;
            };
            PREVIOUS_TYPE_TOKENS.WebService.push("fargate-workloads:index:WebService");
            PREVIOUS_TYPE_TOKENS.BatchTask.push("fargate-workloads:index:BatchTask");
            try {
                const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] };
                new WebService("web", { image: "public.ecr.aws/x/y:1", network, loadBalancer: { subnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] } }, { transformations: [record], aliases: [{ name: "old-web" }] });
                new BatchTask("job", { image: "public.ecr.aws/x/y:1", network }, { transformations: [record] });
                await mocks.settle();
            } finally {
                PREVIOUS_TYPE_TOKENS.WebService.length = 0;
                PREVIOUS_TYPE_TOKENS.BatchTask.length = 0;
            }
            assert.deepStrictEqual(seen.get("fargate-workloads:ecs:WebService::web")!.aliases, [{ name: "old-web" }, { type: "fargate-workloads:index:WebService" }]);
            assert.deepStrictEqual(seen.get("fargate-workloads:ecs:BatchTask::job")!.aliases, [{ type: "fargate-workloads:index:BatchTask" }]);
            assert.strictEqual(mocks.one("fargate-workloads:ecs:WebService").type, TYPE_TOKENS.WebService);
        });

        it("leave the options alone when there is nothing to alias", () => {
            const opts = { protect: true };
            assert.strictEqual(componentOptions("WebService", opts), opts);
            assert.deepStrictEqual(componentOptions("BatchTask"), {});
        });
    });
});
