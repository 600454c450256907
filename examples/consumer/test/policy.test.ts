import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, requireFresh } from "fargate-workloads/testing";
import { mocks } from "./setup";

/** The folder `pulumi preview --policy-pack` is given: inside the installed package. */
const PACK = path.join(path.dirname(require.resolve("fargate-workloads/package.json")), "dist", "policy");
/**
 * The pack's policies as the policy host calls them. (@pulumi/policy's own declarations fail this
 * project's skipLibCheck: false, so its types are not imported here.)
 */
type Report = (message: string, urn?: string) => void;
type ResourceValidationPolicy = { name: string; enforcementLevel?: string; validateResource?: ((args: unknown, report: Report) => unknown) | ((args: unknown, report: Report) => unknown)[] };
type StackValidationPolicy = { name: string; enforcementLevel?: string; validateStack: (args: unknown, report: Report) => unknown };
type PolicyResource = Record<string, unknown>;
/** The pack's policies, loaded from the installed package as its index.js loads them. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { policies } = require(path.join(PACK, "policies.js")) as { policies: (ResourceValidationPolicy | StackValidationPolicy)[] };

interface Finding {
    readonly policy: string;
    readonly level: string;
    readonly name?: string;
}

/** Runs every policy as the policy server does after an update: resource policies on inputs, stack policies on outputs. */
async function runPolicies(resources: readonly RecordedResource[]): Promise<Finding[]> {
    const findings: Finding[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const stack = resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.state, opts: { protect: r.options?.protect ?? false }, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined }) as unknown as PolicyResource);
    for (const policy of policies) {
        const level = policy.enforcementLevel ?? "advisory";
        if ("validateStack" in policy && typeof policy.validateStack === "function") {
            await (policy as StackValidationPolicy).validateStack({ resources: stack, getConfig: () => ({}) } as never, (_message, urn) => findings.push({ policy: policy.name, level, name: urn ? byUrn.get(urn)?.name : undefined }));
            continue;
        }
        for (const r of resources) {
            for (const validate of [(policy as ResourceValidationPolicy).validateResource ?? []].flat()) {
                await validate({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, opts: { protect: r.options?.protect ?? false } } as never, () => findings.push({ policy: policy.name, level, name: r.name }));
            }
        }
    }
    return findings;
}

describe("the policy pack, from the installed package", () => {
    after(() => mocks.useStack("test", { project: "consumer-example" }));

    it("starts as pulumi preview --policy-pack starts it: Pulumi's policy host runs the folder and the pack serves", async function () {
        this.timeout(60_000);
        assert.match(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
        // What the Node.js analyzer plugin runs: @pulumi/pulumi's policy-pack host with the engine's
        // address and the pack's folder, in that folder. The pack reads its version from the
        // package.json there and prints the port it serves on; the engine's address is not dialled
        // until the engine calls, so an unused one will do.
        const host = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
        const child = spawn(process.execPath, [host, "127.0.0.1:1", PACK], { cwd: PACK, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        try {
            const port = await new Promise<string>((resolve, reject) => {
                child.stdout.on("data", (d: Buffer) => {
                    out += d.toString();
                    const m = /^(\d+)\s*$/m.exec(out);
                    if (m) resolve(m[1]);
                });
                child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before it served: ${err || out}`)));
            });
            assert.ok(Number(port) > 0, `served on port ${port}`);
        } finally {
            child.kill();
        }
        const manifest = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { version: string; main: string };
        const own = JSON.parse(fs.readFileSync(path.join(PACK, "..", "..", "package.json"), "utf8")) as { version: string };
        assert.strictEqual(manifest.version, own.version, "the pack reports the package's version");
        assert.ok(policies.length >= 20, `${policies.length} policies`);
    });

    it("runs over the user's own program: its HTTP-only load balancer fails ELB.1, and ELB.6 because the stack protects its bucket", async () => {
        mocks.useStack("staging", { project: "consumer-plan", config: { "aws:region": "eu-west-1", "consumer-plan:alertEmail": "ops@example.com" } });
        requireFresh(path.join(__dirname, "..", "plan", "index.ts"));
        await mocks.settle();
        assert.strictEqual(pulumi.getProject(), "consumer-plan");
        const findings = await runPolicies(mocks.all());
        const mandatory = findings.filter((f) => f.level === "mandatory").map((f) => `${f.policy} ${f.name ?? ""}`.trim());
        assert.deepStrictEqual([...new Set(mandatory)].sort(), ["elb-1-http-redirects-to-https edge-http", "elb-6-deletion-protection-when-protected edge-alb"], "the stack protects its bucket, so ELB.6 wants the load balancer protected too");
    });
});
