import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const CONSUMER = path.join(__dirname, "..");

/** `npx fargate-workloads plan ...` in the consumer project, as its user types it. */
function plan(...args: string[]) {
    return spawnSync("npx", ["--no-install", "fargate-workloads", "plan", ...args], { cwd: CONSUMER, encoding: "utf8", timeout: 120000 });
}

describe("npx fargate-workloads plan, from the installed package, of the user's own program", function () {
    // Each case starts npx, the command and its evaluation process: give them their own time limit.
    this.timeout(120000);

    it("plans two web services on one load balancer, a batch task and a plain bucket, in the stack's own Region", () => {
        const result = plan("--cwd", "plan", "--stack", "staging", "--format", "json", "--config", "alertEmail=ops@example.com");
        assert.strictEqual(result.status, 0, result.stderr);
        const json = JSON.parse(result.stdout);
        assert.deepStrictEqual([json.project, json.stack, json.region, json.cost.region], ["consumer-plan", "staging", "eu-west-1", "us-east-1"]);
        const count = (type: string) => json.resources.filter((r: { type: string }) => r.type === type).length;
        assert.deepStrictEqual([count("aws:ecs/service:Service"), count("aws:lb/loadBalancer:LoadBalancer"), count("aws:sfn/stateMachine:StateMachine"), count("aws:s3/bucketV2:BucketV2")], [2, 1, 1, 1]);
        assert.ok(json.resources.some((r: { type: string; name: string }) => r.type === "aws:lb/listenerRule:ListenerRule" && r.name.startsWith("storefront")), "the second service has its rule on the shared listener");
        // Project-level config of Pulumi.yaml (apiCpu defaults to 256) reached the program.
        assert.match(result.stderr, /consumer-plan: api with 256 CPU units/, "the program's console output went to standard error");
        assert.ok(json.cost.unpriced.some((u: string) => u.startsWith("aws:s3/bucketV2:BucketV2")), `the bucket is listed as unpriced (${json.cost.unpriced})`);
        assert.ok(json.notes.some((n: string) => n.includes("No price table for eu-west-1")), "prices fall back to us-east-1 with a note");
    });

    it("refuses a bad stack file naming the key and its value, exit 1, nothing on standard output", () => {
        const result = plan("--cwd", "plan", "--stack", "bad");
        assert.strictEqual(result.status, 1, result.stderr);
        assert.strictEqual(result.stdout, "");
        assert.match(result.stderr, /Stack bad is refused/);
        assert.match(result.stderr, /consumer-plan:apiCpu/);
        assert.match(result.stderr, /lots/);
    });

    it("names a secure: value it cannot decrypt, and takes a stand-in with --config", () => {
        const result = plan("--cwd", "plan", "--stack", "staging", "--format", "markdown");
        assert.strictEqual(result.status, 1, "the stand-in [secret] is no email address, so the batch task refuses it");
        assert.match(result.stderr, /alerts\.email/);
        assert.match(result.stderr, /consumer-plan:alertEmail is a secure: value, which only the Pulumi CLI can decrypt: planned with the stand-in "\[secret\]"; give another with --config KEY=VALUE/);
    });

    it("prints its usage for --help, exit 0", () => {
        const result = plan("--help");
        assert.strictEqual(result.status, 0);
        assert.match(result.stdout, /^Usage: fargate-workloads plan /);
    });
});
