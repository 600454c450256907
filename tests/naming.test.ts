import * as assert from "assert";
import { Validator } from "../components/errors";
import { AUTO_NAME_SUFFIX_LENGTH, childName, logGroupName, NAME_LIMITS, physicalName, taskFamilyName, validateComponentName } from "../components/naming";

const v = new Validator("x");

describe("naming", () => {
    it("keeps short child names readable as <name>-<role>", () => {
        assert.strictEqual(childName("web", "alb", NAME_LIMITS.loadBalancer), "web-alb");
        assert.strictEqual(childName("web", "task", NAME_LIMITS.iamRole), "web-task");
    });

    it("shortens long child names so the auto-name fits the AWS limit, keeping the role", () => {
        const name = "a-very-long-component-name-that-platform-teams-like-to-use60";
        assert.strictEqual(name.length, 60);
        const alb = childName(name, "alb", NAME_LIMITS.loadBalancer);
        assert.ok(alb.length + AUTO_NAME_SUFFIX_LENGTH <= 32, alb);
        assert.match(alb, /^a-very-long-[0-9a-f]{7}-alb$/);
        assert.strictEqual(childName(name, "alb", NAME_LIMITS.loadBalancer), alb, "the same input gives the same name");
        assert.notStrictEqual(childName(`${name}x`, "alb", NAME_LIMITS.loadBalancer), alb, "different names stay different");
    });

    it("fits every limit for names of any length", () => {
        for (let length = 1; length <= 300; length += 7) {
            const name = "n".repeat(length);
            for (const [role, limit] of [["alb", 32], ["tg", 32], ["execution", 64], ["task", 64], ["runner", 80], ["schedule", 64]] as const) {
                const logical = childName(name, role, limit);
                assert.ok(logical.length + AUTO_NAME_SUFFIX_LENGTH <= limit, `${logical} (${logical.length}) over ${limit}`);
                assert.match(logical, /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/);
            }
        }
    });

    it("builds stable physical names and shortens them with a hash", () => {
        assert.strictEqual(physicalName(["a", "b.c", "d"], 64, /[A-Za-z0-9_-]/), "a-b-c-d");
        const long = physicalName(["x".repeat(300)], 255, /[A-Za-z0-9_-]/);
        assert.strictEqual(long.length, 255);
        assert.match(long, /^x+-[0-9a-f]{8}$/);
        assert.strictEqual(physicalName(["x".repeat(300)], 255, /[A-Za-z0-9_-]/), long);
    });

    it("derives the task family and log group from project, stack and name", () => {
        assert.strictEqual(taskFamilyName("web"), "fargate-workloads-test-web");
        assert.strictEqual(logGroupName("web"), "/ecs/fargate-workloads/test/web");
    });

    it("rejects component names that cannot appear in every child name", () => {
        for (const bad of ["", "1web", "web_app", "web-", "web app", "wéb"]) {
            assert.throws(() => validateComponentName(v, bad), {
                message: `x: name (${JSON.stringify(bad)}) must start with a letter and hold only letters, digits and hyphens, not ending with a hyphen; rename the component, for example "todo-web".`,
            });
        }
        for (const name of ["sg", "Sg", "sg-jobs"]) {
            assert.throws(() => validateComponentName(v, name), { message: `x: name ("${name}") must not be "sg" or start with "sg-": its security groups would be named "sg-...", which EC2 refuses; rename the component.` });
        }
        assert.strictEqual(validateComponentName(v, "sgx"), "sgx");
        assert.throws(() => validateComponentName(v, "internal-api"), { message: 'x: name ("internal-api") must not start with "internal-" (AWS reserves it for load balancer names); rename the component.' });
        // S3 bucket naming rules (general purpose buckets): no name may start with these prefixes.
        for (const [name, prefix] of [["xn--web", "xn--"], ["sthree-jobs", "sthree-"], ["Amzn-S3-Demo-app", "amzn-s3-demo-"]]) {
            assert.throws(() => validateComponentName(v, name), { message: `x: name ("${name}") must not start with "${prefix}": its buckets are named after it, and S3 refuses bucket names that start so; rename the component.` });
        }
        assert.strictEqual(validateComponentName(v, "xn-web"), "xn-web");
        assert.strictEqual(validateComponentName(v, "todo-web2"), "todo-web2");
        assert.strictEqual(validateComponentName(v, `a${"b".repeat(99)}`).length, 100);
        assert.throws(() => validateComponentName(v, `a${"b".repeat(100)}`), {
            message: `x: name ("a${"b".repeat(100)}") is 101 characters long; names of up to 100 fit every description and name AWS derives from them; shorten it.`,
        });
    });
});
