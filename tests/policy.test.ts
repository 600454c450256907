import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { listStacks } from "../app/stackFile";
import { NO_OPTIONS, RecordedResource } from "../components/testing";
import { ELB17_SSL_POLICIES } from "../components/loadBalancer";
import * as fc from "fast-check";
import { scheduleExpressionProblem as componentScheduleProblem } from "../components/batchTask";
import { checkResourceLimits, checkStackLimits, scheduleExpressionProblem } from "../policy/awsLimits";
import { BatchTask, RESULT_WRITER_ACTIONS } from "../components/batchTask";
import { RESULT_WRITER_S3_ACTIONS } from "../policy/limits/stack";
import { scheduleExpression } from "./propertiesArbitraries";
import { WILDCARD_RESOURCE_ACTIONS } from "../policy/checks";
import { ecs5ReadOnlyRootFilesystem, policies } from "../policy/policies";
import { CANNOT_CHECK_AT_PREVIEW, UNKNOWN_SENTINELS, UNKNOWN_STRING } from "../policy/preview";
import {
    asEngineValue,
    Diagnostic,
    evaluateStackForPolicies,
    resourceArgs,
    runPack,
    runResourcePolicy,
    runStackPolicy,
    stackArgs,
    stackResource,
} from "./policyHarness";
import { ROOT } from "./program";
import { mocks } from "./setup";

/**
 * What each stack file's choices make the pack report, policy name to the resources (logical
 * names) it reports. A new stack file must say here what it is expected to fail.
 */
const EXPECTED: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
    // Tasks in public subnets with public IPs (no NAT gateway), and HTTP without HTTPS. Deletion
    // protection is off, but dev protects no resource, so ELB.6 does not apply.
    dev: {
        "ecs-2-public-subnet-tasks": ["export-runner", "web-service"],
        "elb-1-http-redirects-to-https": ["todo-http"],
    },
    prod: {},
};

const POLICY_NAMES = policies.map((p) => p.name);

function policyNamed(name: string): ResourceValidationPolicy | StackValidationPolicy {
    const policy = policies.find((p) => p.name === name);
    assert.ok(policy, `no policy ${name}`);
    return policy;
}

function isStack(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
    return "validateStack" in p;
}

function resourceName(urn: string | undefined): string {
    return urn?.split("::").pop() ?? "(the stack)";
}

/** policy name -> sorted resource names, for the violations among `found`. */
function failures(found: readonly Diagnostic[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const d of found.filter((x) => !x.cannotCheck)) {
        (out[d.policy] ??= []).push(resourceName(d.urn));
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...new Set(v)].sort()]));
}

describe("policy pack (policy/)", () => {
    const stacks: Record<string, RecordedResource[]> = {};
    before(async () => {
        for (const stack of listStacks(ROOT)) {
            stacks[stack] = await evaluateStackForPolicies(stack);
        }
    });
    after(() => mocks.useStack("test"));

    describe("the pack", () => {
        it("has the package.json Pulumi's policy host reads its version from, at the package's version", () => {
            // @pulumi/policy's PolicyPack refuses to start without a version in the package.json of
            // the folder it runs in; the build writes dist/policy/package.json from this one.
            const own = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; files: string[] };
            const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")) as { version: string; main: string };
            assert.strictEqual(pack.version, own.version);
            assert.strictEqual(pack.main, "index.ts");
            assert.ok(own.files.includes("dist/policy/package.json"), "the package ships the compiled pack's package.json");
        });
        it("ships in the package as a nodejs CrossGuard pack (dist/policy), on the package's pinned @pulumi/policy", () => {
            const dir = path.join(ROOT, "policy");
            const manifest = parse(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"));
            assert.strictEqual(manifest.runtime, "nodejs");
            assert.ok(typeof manifest.description === "string" && manifest.description.length > 20);
            const own = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: unknown; devDependencies?: unknown };
            assert.ok(!own.dependencies && !own.devDependencies, "no dependencies of its own: the pack is part of fargate-workloads and uses its dependencies");
            const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
            // A dependency, not a peer: pulumi preview --policy-pack node_modules/fargate-workloads/dist/policy finds it from there.
            assert.strictEqual(root.dependencies["@pulumi/policy"], "1.21.0");
            assert.ok(root.files.includes("dist/policy/PulumiPolicy.yaml"), "the manifest ships beside the compiled pack");
            const build = parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8").replace(/^\s*\/\/.*$/gm, ""));
            assert.ok(build.include.includes("policy/**/*.ts"), "npm run build compiles the pack");
            assert.match(fs.readFileSync(path.join(ROOT, "scripts", "build.js"), "utf8"), /\["policy\/PulumiPolicy\.yaml", "policy\/PulumiPolicy\.yaml"\]/);
            // Constructing a PolicyPack starts its server: index.ts does that and nothing else.
            const index = fs.readFileSync(path.join(dir, "index.ts"), "utf8").replace(/^\s*\/\/.*$/gm, "").trim();
            assert.match(index, /^import \{ PolicyPack \} from "@pulumi\/policy";\s*import \{ policies \} from "\.\/policies";\s*new PolicyPack\("fargate-workloads", \{ policies \}\);$/);
        });

        it("gives every policy a unique name, a description saying why, and an enforcement level", () => {
            assert.strictEqual(new Set(POLICY_NAMES).size, POLICY_NAMES.length, "policy names are unique");
            for (const p of policies) {
                assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${p.name}: kebab-case`);
                assert.ok(p.description.length >= 60, `${p.name}: the description says why`);
                assert.ok(p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory", `${p.name}: explicit enforcement level`);
            }
            assert.deepStrictEqual(
                policies.filter((p) => p.enforcementLevel === "advisory").map((p) => p.name),
                ["ecs-2-public-subnet-tasks"],
                "only the public-subnet choice is advisory",
            );
        });

        it("covers the Security Hub controls the security notes say it checks (docs/security.md)", () => {
            const notes = fs.readFileSync(path.join(ROOT, "docs", "security.md"), "utf8");
            const pack = notes.slice(notes.indexOf("## The policy pack"), notes.indexOf("\n## ", notes.indexOf("## The policy pack") + 1));
            const controls = [...pack.split("\n\n")[1].matchAll(/\b(ECS|ELB)\.(\d+)\b/g)].map((m) => `${m[1].toLowerCase()}-${m[2]}`);
            assert.deepStrictEqual(controls, ["ecs-2", "ecs-4", "ecs-5", "ecs-8", "ecs-9", "ecs-10", "ecs-12", "ecs-20", "elb-1", "elb-4", "elb-6", "elb-12", "elb-13", "elb-17"]);
            for (const control of controls) {
                assert.ok(POLICY_NAMES.some((n) => n.startsWith(`${control}-`)), `a policy for ${control.toUpperCase()}`);
            }
        });

        it("allows resource \"*\" only for actions AWS grants nowhere else", () => {
            assert.deepStrictEqual([...WILDCARD_RESOURCE_ACTIONS].sort(), [
                "ecr:GetAuthorizationToken",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetHealth",
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ]);
        });
    });

    describe("the stack files", () => {
        it("each say what the pack reports on them", () => {
            assert.deepStrictEqual(Object.keys(EXPECTED).sort(), listStacks(ROOT));
        });

        for (const stack of listStacks(ROOT)) {
            it(`${stack}: fails exactly the policies its choices explain (${Object.keys(EXPECTED[stack] ?? {}).join(", ") || "none"})`, async () => {
                const found = await runPack(stacks[stack]);
                assert.deepStrictEqual(failures(found), EXPECTED[stack]);
                assert.deepStrictEqual(found.filter((d) => d.cannotCheck), [], "after an update every value is known");
            });
        }

        it("prod passes every mandatory policy", async () => {
            const found = await runPack(stacks.prod);
            assert.deepStrictEqual(found.filter((d) => d.level === "mandatory"), []);
        });

        it("prod with a queue worker and Service Connect passes every mandatory policy", async () => {
            const worker = { image: "public.ecr.aws/docker/library/python:3.13-slim", user: "1000", minCount: 0 };
            const found = await runPack(await evaluateStackForPolicies("prod", false, { "fargate-workloads:worker": worker }));
            assert.ok(mocks.all("aws:sqs/queue:Queue").some((q) => q.name === "worker-queue"), "the worker is in the stack");
            assert.deepStrictEqual(found.filter((d) => d.level === "mandatory"), []);
        });

        it("dev's failures are the HTTP listener (mandatory) and its public-subnet tasks (advisory)", async () => {
            const found = await runPack(stacks.dev);
            assert.deepStrictEqual(
                found.map((d) => [d.policy, d.level, resourceName(d.urn)]).sort(),
                [
                    ["ecs-2-public-subnet-tasks", "advisory", "export-runner"],
                    ["ecs-2-public-subnet-tasks", "advisory", "export-runner"],
                    ["ecs-2-public-subnet-tasks", "advisory", "web-service"],
                    ["elb-1-http-redirects-to-https", "mandatory", "todo-http"],
                ],
            );
            assert.match(found.find((d) => d.policy === "elb-1-http-redirects-to-https")!.message, /^the HTTP listener on port 80 has default action fixed-response instead of a redirect to HTTPS$/);
        });
    });

    describe("values unknown at preview", () => {
        it("are the seven sentinels of @pulumi/policy, the string one being @pulumi/pulumi's unknownValue", () => {
            assert.strictEqual(new Set(UNKNOWN_SENTINELS.values()).size, 7);
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            assert.strictEqual(UNKNOWN_STRING, require("@pulumi/pulumi/runtime/rpc").unknownValue);
        });

        it("make a mandatory policy report \"cannot check at preview\" at advisory level instead of passing", async () => {
            const td = stacks.prod.find((r) => r.name === "web-task-definition")!;
            const found = await runResourcePolicy(ecs5ReadOnlyRootFilesystem, resourceArgs(td, { ...asEngineValue(td.inputs), containerDefinitions: UNKNOWN_STRING }));
            assert.deepStrictEqual(
                found.map((d) => [d.level, d.cannotCheck, d.message]),
                [["advisory", true, `${CANNOT_CHECK_AT_PREVIEW}: containerDefinitions is not known until the resources it depends on exist; the policy runs again with the real values during pulumi up`]],
            );
        });

        it("are reported at advisory level by the policy SDK's own server, and violations at the policy's level", async () => {
            // The server module the pack runs with (same copy as the policies' @pulumi/policy).
            const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [path.join(ROOT, "policy")] }));
            /* eslint-disable @typescript-eslint/no-require-imports */
            const load = (id: string) => require(require.resolve(id, { paths: [policyDir] }));
            const server = load("@pulumi/policy/server");
            const analyzer = load("@pulumi/pulumi/proto/analyzer_pb");
            const { Struct } = load("google-protobuf/google/protobuf/struct_pb");
            /* eslint-enable @typescript-eslint/no-require-imports */
            const analyze = server.makeAnalyzeRpcFun("fargate-workloads", "0.1.0", "advisory", [ecs5ReadOnlyRootFilesystem]);
            const td = stacks.prod.find((r) => r.name === "web-task-definition")!;
            const diagnose = async (props: Record<string, unknown>) => {
                const request = new analyzer.AnalyzeRequest();
                request.setType(td.type);
                request.setUrn(td.urn);
                request.setName(td.name);
                request.setProperties(Struct.fromJavaScript(props));
                request.setOptions(new analyzer.AnalyzerResourceOptions());
                const response: any = await new Promise((resolve, reject) => analyze({ request }, (err: unknown, r: unknown) => (err ? reject(err) : resolve(r))));
                return response.getDiagnosticsList().map((d: any) => ({ level: d.getEnforcementlevel(), message: d.getMessage() }));
            };
            const unknown = await diagnose({ ...asEngineValue(td.inputs), containerDefinitions: UNKNOWN_STRING });
            assert.strictEqual(unknown.length, 1);
            assert.strictEqual(unknown[0].level, analyzer.EnforcementLevel.ADVISORY);
            assert.match(unknown[0].message, /^can't run policy 'ecs-5-read-only-root-filesystem' from policy pack 'fargate-workloads@v0\.1\.0' during preview: cannot check at preview: containerDefinitions is not known/);
            const writable = JSON.stringify(JSON.parse(td.inputs.containerDefinitions).map((c: any) => ({ ...c, readonlyRootFilesystem: false })));
            const violation = await diagnose({ ...asEngineValue(td.inputs), containerDefinitions: writable });
            assert.deepStrictEqual(violation.map((d: any) => d.level), [analyzer.EnforcementLevel.MANDATORY]);
            assert.match(violation[0].message, /container "app" has a writable root filesystem/);
        });

        it("do not stop a stack policy from reporting the violations it can see", async () => {
            const resources = stacks.dev.map((r) => {
                if (r.name === "export-runner") {
                    return stackResource(r, { ...asEngineValue(r.state), definition: UNKNOWN_STRING });
                }
                return stackResource(r);
            });
            const found = await runStackPolicy(policyNamed("ecs-2-public-subnet-tasks") as StackValidationPolicy, stackArgs(resources));
            assert.deepStrictEqual(
                found.map((d) => [d.level, d.cannotCheck, resourceName(d.urn)]),
                [
                    ["advisory", false, "web-service"],
                    ["advisory", true, "(the stack)"],
                ],
            );
            assert.match(found[1].message, /^cannot check at preview: export-runner\.definition is not known/);
        });

        for (const stack of listStacks(ROOT)) {
            it(`${stack}: at a new stack's first preview, no policy passes what it fails after the update, nor fails what passes`, async () => {
                const afterUpdate = await runPack(stacks[stack]);
                const preview = await runPack(await evaluateStackForPolicies(stack, true), true);
                const key = (d: Diagnostic) => `${d.policy} @ ${resourceName(d.urn)}`;
                for (const d of afterUpdate) {
                    const seen = preview.filter((p) => p.policy === d.policy && (p.urn === d.urn || (p.cannotCheck && p.urn === undefined)));
                    assert.ok(
                        seen.some((p) => p.cannotCheck || p.message === d.message),
                        `${key(d)} fails after the update but passed silently at preview`,
                    );
                }
                for (const p of preview.filter((x) => !x.cannotCheck)) {
                    assert.ok(afterUpdate.some((d) => d.policy === p.policy && d.urn === p.urn && d.message === p.message), `${key(p)} fails at preview only: ${p.message}`);
                }
                const cannotCheck = preview.filter((p) => p.cannotCheck);
                assert.ok(cannotCheck.every((p) => p.level === "advisory" && p.message.startsWith(CANNOT_CHECK_AT_PREVIEW)));
                // ARNs are unknown before the roles exist, so the role comparison must wait for pulumi up.
                assert.ok(cannotCheck.some((p) => p.policy === "execution-role-differs-from-task-role" && resourceName(p.urn) === "web-task-definition"));
            });
        }
    });

    describe("each policy", () => {
        /** A copy of a prod resource's inputs (or outputs, for stack policies) to change. */
        function propsOf(name: string, outputs = false): { resource: RecordedResource; props: Record<string, any> } {
            const resource = stacks.prod.find((r) => r.name === name);
            assert.ok(resource, `prod has no resource ${name}`);
            return { resource, props: asEngineValue(outputs ? resource.state : resource.inputs) };
        }

        function editContainers(props: Record<string, any>, edit: (c: any) => void): void {
            const containers = JSON.parse(props.containerDefinitions);
            containers.forEach(edit);
            props.containerDefinitions = JSON.stringify(containers);
        }

        function editPolicy(props: Record<string, any>, edit: (statements: any[]) => void): void {
            const doc = JSON.parse(props.policy);
            edit(doc.Statement);
            props.policy = JSON.stringify(doc);
        }

        /** Diagnostics of `policyName` on prod, with one resource's properties changed by `edit`. */
        async function run(policyName: string, resourceName: string, edit?: (props: Record<string, any>) => void): Promise<Diagnostic[]> {
            const policy = policyNamed(policyName);
            if (isStack(policy)) {
                const resources = stacks.prod.map((r) => {
                    if (r.name !== resourceName || !edit) {
                        return stackResource(r);
                    }
                    const { props } = propsOf(r.name, true);
                    edit(props);
                    return stackResource(r, props);
                });
                return await runStackPolicy(policy, stackArgs(resources));
            }
            const { resource, props } = propsOf(resourceName);
            edit?.(props);
            return await runResourcePolicy(policy, resourceArgs(resource, props));
        }

        interface Case {
            readonly policy: string;
            readonly resource: string;
            readonly when: string;
            readonly edit: (props: Record<string, any>) => void;
            readonly expect: RegExp;
        }

        const cases: Case[] = [
            {
                policy: "ecs-2-no-public-ip",
                resource: "web-service",
                when: "the service assigns public IPs in the private subnets",
                edit: (p) => (p.networkConfiguration.assignPublicIp = true),
                expect: /^service web-service assigns public IPs to its tasks in subnets \(subnet-\w+, subnet-\w+\) that this stack does not show to be public/,
            },
            {
                policy: "ecs-2-public-subnet-tasks",
                resource: "web-service",
                when: "the service runs in the load balancer's public subnets with public IPs",
                edit: (p) => {
                    p.networkConfiguration.assignPublicIp = true;
                    p.networkConfiguration.subnets = [...propsOf("todo-alb", true).props.subnets];
                },
                expect: /^service web-service runs its tasks in public subnets with public IPs/,
            },
            { policy: "ecs-4-no-privileged-containers", resource: "web-task-definition", when: "a container is privileged", edit: (p) => editContainers(p, (c) => (c.privileged = true)), expect: /^container "app" runs privileged$/ },
            {
                policy: "ecs-5-read-only-root-filesystem",
                resource: "web-task-definition",
                when: "readonlyRootFilesystem is missing",
                edit: (p) => editContainers(p, (c) => delete c.readonlyRootFilesystem),
                expect: /^container "app" has a writable root filesystem \(readonlyRootFilesystem is "unset"\)$/,
            },
            {
                policy: "ecs-8-no-credentials-in-environment",
                resource: "web-task-definition",
                when: "AWS_SECRET_ACCESS_KEY is in the environment",
                edit: (p) => editContainers(p, (c) => c.environment.push({ name: "AWS_SECRET_ACCESS_KEY", value: "x" })),
                expect: /^container "app" sets AWS_SECRET_ACCESS_KEY in plain environment/,
            },
            { policy: "ecs-9-container-logging", resource: "export-task-definition", when: "a container has no log configuration", edit: (p) => editContainers(p, (c) => delete c.logConfiguration), expect: /^container "app" has no logConfiguration$/ },
            { policy: "ecs-10-latest-platform-version", resource: "web-service", when: "the service pins 1.4.0", edit: (p) => (p.platformVersion = "1.4.0"), expect: /^the service pins platformVersion "1\.4\.0"/ },
            {
                policy: "ecs-10-latest-platform-version",
                resource: "export-runner",
                when: "the state machine's run pins 1.4.0",
                edit: (p) => {
                    const d = JSON.parse(p.definition);
                    d.States.RunTask.Arguments.PlatformVersion = "1.4.0";
                    p.definition = JSON.stringify(d);
                },
                expect: /^state RunTask pins platformVersion "1\.4\.0"/,
            },
            { policy: "ecs-12-container-insights", resource: "todo-cluster", when: "Container Insights is off", edit: (p) => (p.settings = [{ name: "containerInsights", value: "disabled" }]), expect: /^Container Insights is "disabled"/ },
            { policy: "ecs-20-non-root-user", resource: "web-task-definition", when: "the user is root", edit: (p) => editContainers(p, (c) => (c.user = "0:0")), expect: /^container "app" runs as root \(user "0:0"\)$/ },
            { policy: "ecs-20-non-root-user", resource: "export-task-definition", when: "no user is set", edit: (p) => editContainers(p, (c) => delete c.user), expect: /^container "app" sets no user/ },
            {
                policy: "elb-1-http-redirects-to-https",
                resource: "todo-http",
                when: "HTTP forwards to the targets",
                edit: (p) => (p.defaultActions = [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1" }]),
                expect: /^the HTTP listener on port 80 has default action forward instead of a redirect to HTTPS$/,
            },
            { policy: "elb-4-drop-invalid-headers", resource: "todo-alb", when: "invalid headers are kept", edit: (p) => delete p.dropInvalidHeaderFields, expect: /^dropInvalidHeaderFields is not true/ },
            {
                policy: "elb-6-deletion-protection-when-protected",
                resource: "todo-alb",
                when: "the load balancer of a protected stack has no deletion protection",
                edit: (p) => (p.enableDeletionProtection = false),
                expect: /^load balancer todo-alb has no deletion protection in a stack that protects its data/,
            },
            { policy: "elb-12-desync-mitigation", resource: "todo-alb", when: "desync mitigation only monitors", edit: (p) => (p.desyncMitigationMode = "monitor"), expect: /^desyncMitigationMode is "monitor"$/ },
            { policy: "elb-13-multiple-availability-zones", resource: "todo-alb", when: "the load balancer has one subnet", edit: (p) => (p.subnets = p.subnets.slice(0, 1)), expect: /^the load balancer has 1 subnet\(s\)/ },
            { policy: "elb-17-tls-policy", resource: "todo-https", when: "the TLS policy is TLS13-1-2-2021-06", edit: (p) => (p.sslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"), expect: /^sslPolicy is "ELBSecurityPolicy-TLS13-1-2-2021-06"; use one of/ },
            { policy: "elb-17-tls-policy", resource: "todo-https", when: "no TLS policy is given", edit: (p) => delete p.sslPolicy, expect: /ELBSecurityPolicy-2016-08 allows TLS 1\.0/ },
            { policy: "target-group-ip-with-health-check", resource: "web-tg", when: "the target type is the provider's default", edit: (p) => delete p.targetType, expect: /^targetType is "instance"; Fargate tasks \(awsvpc\) register only as "ip" targets$/ },
            { policy: "target-group-ip-with-health-check", resource: "web-tg", when: "the health check is disabled", edit: (p) => (p.healthCheck.enabled = false), expect: /^the target group defines no enabled health check$/ },
            {
                policy: "target-group-interval-above-timeout",
                resource: "web-tg",
                when: "interval equals timeout",
                edit: (p) => Object.assign(p.healthCheck, { interval: 5, timeout: 5 }),
                expect: /^healthCheck\.interval \(5\) is not greater than healthCheck\.timeout \(5\)$/,
            },
            { policy: "log-group-retention", resource: "web-logs", when: "retention is unset", edit: (p) => delete p.retentionInDays, expect: /^retentionInDays is not set/ },
            { policy: "log-group-retention", resource: "export-runner-logs", when: "retention is 10 days", edit: (p) => (p.retentionInDays = 10), expect: /^retentionInDays \(10\) is not a value CloudWatch Logs accepts$/ },
            {
                policy: "execution-role-differs-from-task-role",
                resource: "web-task-definition",
                when: "both roles are the execution role",
                edit: (p) => (p.taskRoleArn = p.executionRoleArn),
                expect: /^executionRoleArn and taskRoleArn are the same role \(arn:aws:iam::123456789012:role\/web-execution-\w+\)/,
            },
            {
                policy: "iam-no-wildcard-actions",
                resource: "web-task-policy",
                when: "a statement allows dynamodb:*",
                edit: (p) => editPolicy(p, (s) => s.push({ Sid: "All", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:*"], Resource: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"] })),
                expect: /^policy statement "All" allows dynamodb:\*$/,
            },
            { policy: "iam-no-wildcard-actions", resource: "export-task-policy", when: "a statement allows *", edit: (p) => editPolicy(p, (s) => (s[0].Action = "*")), expect: /^policy statement "ExportTable" allows \*$/ },
            {
                policy: "iam-no-wildcard-actions",
                resource: "export-task-policy",
                when: "a statement uses NotAction",
                edit: (p) => editPolicy(p, (s) => (s[0] = { Sid: "Not", Effect: "Allow", NotAction: "iam:*", Resource: "*" })),
                expect: /^policy statement "Not" allows every action except iam:\* \(NotAction\)$/,
            },
            {
                policy: "iam-no-wildcard-resources",
                resource: "web-task-policy",
                when: "a statement allows an item read on *",
                edit: (p) => editPolicy(p, (s) => (s[0].Resource = "*")),
                expect: /^policy statement "TodoItems" grants dynamodb:DeleteItem, .* on "\*"; name the resources$/,
            },
            {
                policy: "iam-no-wildcard-resources",
                resource: "web-task-policy",
                when: 'a statement lists "*" beside the table',
                edit: (p) => editPolicy(p, (s) => (s[0].Resource = [s[0].Resource[0], "*"])),
                expect: /^policy statement "TodoItems" grants dynamodb:DeleteItem, .* on "\*"; name the resources$/,
            },
            {
                policy: "iam-no-wildcard-resources",
                resource: "export-runner-policy",
                when: "the log delivery statement also lists logs:PutLogEvents",
                edit: (p) => editPolicy(p, (s) => s.find((x) => x.Sid === "LogDelivery").Action.push("logs:PutLogEvents")),
                expect: /^policy statement "LogDelivery" grants logs:PutLogEvents on "\*"/,
            },
            { policy: "aws-limits", resource: "web-tg", when: "the health check interval is 400 s", edit: (p) => (p.healthCheck.interval = 400), expect: /^healthCheck\.interval \(400\) must be a whole number from 5 to 300 seconds$/ },
            {
                policy: "aws-limits-across-resources",
                resource: "web-service",
                when: "the load balancer targets a port the container does not map",
                edit: (p) => (p.loadBalancers[0].containerPort = 9090),
                expect: /^web-service: load balancer target app:9090 is not a port mapping of its task definition$/,
            },
        ];

        it("each has a case that violates it", () => {
            assert.deepStrictEqual([...new Set(cases.map((c) => c.policy))].sort(), [...POLICY_NAMES].sort());
        });

        for (const c of cases) {
            it(`${c.policy}: passes prod's ${c.resource}, fails when ${c.when}`, async () => {
                assert.deepStrictEqual(await run(c.policy, c.resource), [], "prod passes");
                const found = await run(c.policy, c.resource, c.edit);
                assert.strictEqual(found.length, 1, `one violation, got ${JSON.stringify(found)}`);
                assert.strictEqual(found[0].cannotCheck, false);
                assert.strictEqual(found[0].level, policyNamed(c.policy).enforcementLevel);
                assert.match(found[0].message, c.expect);
                assert.strictEqual(resourceName(found[0].urn), c.resource);
            });
        }

        it("iam-no-wildcard-actions refuses AWS's administrator and FullAccess managed policies", async () => {
            const attachment = { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "web-task-policy-0", urn: "urn:x::web-task-policy-0", inputs: {}, state: {}, custom: true, id: "web-task-policy-0", options: NO_OPTIONS } as RecordedResource;
            const policy = policyNamed("iam-no-wildcard-actions") as ResourceValidationPolicy;
            for (const [arn, fails] of [
                ["arn:aws:iam::aws:policy/AdministratorAccess", true],
                ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", true],
                ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", false],
            ] as const) {
                const found = await runResourcePolicy(policy, resourceArgs(attachment, { role: "r", policyArn: arn }));
                assert.strictEqual(found.length, fails ? 1 : 0, arn);
            }
        });

        it("ecs-2-no-public-ip counts subnets with mapPublicIpOnLaunch as public", async () => {
            const web = propsOf("web-service", true);
            web.props.networkConfiguration.assignPublicIp = true;
            const subnets = (web.props.networkConfiguration.subnets as string[]).map((id, i) => ({ type: "aws:ec2/subnet:Subnet", name: `public-${i}`, urn: `urn:subnet-${i}`, inputs: {}, state: { id, mapPublicIpOnLaunch: true }, custom: true, id, options: NO_OPTIONS }) as RecordedResource);
            const resources = [...stacks.prod.map((r) => (r === web.resource ? stackResource(r, web.props) : stackResource(r))), ...subnets.map((s) => stackResource(s))];
            assert.deepStrictEqual(await runStackPolicy(policyNamed("ecs-2-no-public-ip") as StackValidationPolicy, stackArgs(resources)), []);
            assert.strictEqual((await runStackPolicy(policyNamed("ecs-2-public-subnet-tasks") as StackValidationPolicy, stackArgs(resources))).length, 1);
        });

        it("elb-6 does not apply to a stack that protects nothing (dev)", async () => {
            const dev = stacks.dev.map((r) => stackResource(r));
            assert.strictEqual(asEngineValue(stacks.dev.find((r) => r.name === "todo-alb")!.inputs).enableDeletionProtection, false);
            assert.deepStrictEqual(await runStackPolicy(policyNamed("elb-6-deletion-protection-when-protected") as StackValidationPolicy, stackArgs(dev)), []);
        });

        it("elb-1 takes a listener without a protocol for HTTP (the provider's default)", async () => {
            const found = await run("elb-1-http-redirects-to-https", "todo-https", (p) => {
                delete p.protocol;
                delete p.sslPolicy;
                delete p.certificateArn;
            });
            assert.deepStrictEqual(found.map((d) => d.message), ["the HTTP listener on port 443 has default action fixed-response instead of a redirect to HTTPS"]);
        });

        it("the IAM policies report a policy document that is not JSON", async () => {
            for (const name of ["iam-no-wildcard-actions", "iam-no-wildcard-resources"]) {
                const found = await run(name, "web-task-policy", (p) => (p.policy = "{ not json"));
                assert.deepStrictEqual(found.map((d) => d.message), ["policy is not a JSON policy document"], name);
            }
        });

        it("ecs-5 exempts exactly a task definition tagged for ECS Exec whose writable containers start Exec's init process", async () => {
            const tag = { "fargate-workloads:exemption": "ecs-5:ecs-exec" };
            const writable = (c: any) => (c.readonlyRootFilesystem = false);
            const exec = (c: any) => {
                c.readonlyRootFilesystem = false;
                c.linuxParameters = { initProcessEnabled: true };
            };
            const on = (edit: (c: any) => void, tags?: Record<string, string>) => (p: Record<string, any>) => {
                editContainers(p, edit);
                if (tags) {
                    p.tags = tags;
                }
            };
            assert.deepStrictEqual(await run("ecs-5-read-only-root-filesystem", "web-task-definition", on(exec, tag)), []);
            assert.strictEqual((await run("ecs-5-read-only-root-filesystem", "web-task-definition", on(writable, tag))).length, 1, "tagged, but not started for Exec");
            assert.strictEqual((await run("ecs-5-read-only-root-filesystem", "web-task-definition", on(exec))).length, 1, "started for Exec, but not tagged");
            assert.strictEqual((await run("ecs-5-read-only-root-filesystem", "web-task-definition", on(exec, { "fargate-workloads:exemption": "ecs-5" }))).length, 1, "another tag value");
        });

        it("elb-17 accepts every TLS policy of Security Hub's list", async () => {
            for (const sslPolicy of ELB17_SSL_POLICIES) {
                assert.deepStrictEqual(await run("elb-17-tls-policy", "todo-https", (p) => (p.sslPolicy = sslPolicy)), [], sslPolicy);
            }
        });
    });

    describe("the AWS limits checker", () => {
        it("reads schedule expressions as EventBridge Scheduler does", () => {
            for (const ok of ["rate(1 minute)", "rate(5 minutes)", "rate(1 day)", "cron(0 3 * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)", "cron(0 12 L * ? 2030)", "cron(0 9 ? * 6#3 *)", "cron(30 2 15W * ? *)", "at(2030-02-28T23:59:59)"]) {
                assert.strictEqual(scheduleExpressionProblem(ok), undefined, ok);
            }
            for (const bad of ["cron( 0 3 * * ? * )", "cron(0  3 * * ? *)", "rate(1 minutes)", "rate(2 hour)", "rate(0 days)", "rate(1 week)", "cron(0 3 * * * *)", "cron(0 3 ? * ? *)", "cron(0 3 * * ?)", "cron(60 3 * * ? *)", "cron(0 24 * * ? *)", "cron(0 3 32 * ? *)", "cron(0 3 ? * 8 *)", "cron(0 3 * 13 ? *)", "cron(0 3 * * ? 1969)", "at(2030-02-29T00:00:00)", "at(2030-01-01 00:00:00)", "every day"]) {
                assert.notStrictEqual(scheduleExpressionProblem(bad), undefined, bad);
            }
        });

        it("agrees with the BatchTask on every schedule expression the property tests generate (one rule: six fields, single spaces)", () => {
            const seed = 1910384528;
            console.log(`      (fast-check seed ${seed})`);
            fc.assert(
                fc.property(scheduleExpression.wild, (expression) => {
                    const component = componentScheduleProblem(expression);
                    assert.strictEqual(scheduleExpressionProblem(expression), component?.problem, expression);
                }),
                { numRuns: 2000, seed },
            );
            assert.notStrictEqual(componentScheduleProblem("cron( 0 3 * * ? * )"), undefined, "the expression seed 1910384528 once generated");
        });

        it("checks auto-names as the logical name plus 8 characters", () => {
            assert.deepStrictEqual(checkResourceLimits("aws:lb/targetGroup:TargetGroup", { port: 80, targetType: "ip" }, "a".repeat(24)).violations, []);
            assert.deepStrictEqual(checkResourceLimits("aws:lb/targetGroup:TargetGroup", { port: 80, targetType: "ip" }, "a".repeat(25)).violations, [
                `auto-name of "${"a".repeat(25)}" (the logical name plus 8 characters) makes a name of 33 characters; AWS accepts at most 32`,
            ]);
        });

        it("counts a test rule's header value toward a listener rule's five condition values", () => {
            const rule = (header: string[]) => ({
                priority: 10,
                conditions: [{ hostHeader: { values: ["a.example.com", "b.example.com"] } }, { pathPattern: { values: ["/api/*", "/v2/*"] } }, { httpHeader: { httpHeaderName: "X-Deploy-Test", values: header } }],
                actions: [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/1" }],
            });
            assert.deepStrictEqual(checkResourceLimits("aws:lb/listenerRule:ListenerRule", rule(["green"])).violations, [], "four host and path values and one header value: five");
            assert.deepStrictEqual(checkResourceLimits("aws:lb/listenerRule:ListenerRule", rule(["green", "blue"])).violations, ["conditions hold 6 values in all; a rule may have at most 5"]);
            const wildcards = { ...rule(["*-green"]), conditions: [{ hostHeader: { values: ["*.example.com", "?.example.org"] } }, { pathPattern: { values: ["/a/*/b/*"] } }, { httpHeader: { httpHeaderName: "X-Deploy-Test", values: ["*-green"] } }] };
            assert.deepStrictEqual(checkResourceLimits("aws:lb/listenerRule:ListenerRule", wildcards).violations, [], "five wildcards, the header's included");
            wildcards.conditions[2].httpHeader!.values = ["*-green*"];
            assert.deepStrictEqual(checkResourceLimits("aws:lb/listenerRule:ListenerRule", wildcards).violations, ["conditions hold 6 wildcards in all; a rule may have at most 5"]);
        });

        it("refuses texts EC2 does not accept in security groups", () => {
            assert.deepStrictEqual(checkResourceLimits("aws:ec2/securityGroup:SecurityGroup", { description: "Tasks of web: port 8080 [tcp] from the load balancer only" }).violations, []);
            assert.match(checkResourceLimits("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { description: "the app's calls", ipProtocol: "-1" }).violations[0], /holds "'", outside the characters EC2 accepts/);
            assert.match(checkResourceLimits("aws:ec2/securityGroup:SecurityGroup", { description: "x".repeat(256) }).violations[0], /256 characters long; AWS accepts at most 255/);
        });

        it("reports what it cannot read at preview instead of passing it", () => {
            assert.deepStrictEqual(checkResourceLimits("aws:lb/targetGroup:TargetGroup", { port: UNKNOWN_STRING, targetType: "ip" }, "web-tg"), { violations: [], unknown: ["port"] });
        });
    });
});

describe("policy pack: a Distributed Map state (a sharded BatchTask)", () => {
    const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] };

    async function sharded(): Promise<RecordedResource[]> {
        mocks.useStack("test");
        new BatchTask("job", { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network, parallel: { shards: 100 } });
        await mocks.settle();
        return mocks.all();
    }
    const across = (resources: readonly RecordedResource[]) => checkStackLimits(resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: asEngineValue(r.state) })));

    it("aws-limits refuses Express children that run .sync, and a concurrency or tolerance AWS refuses", async () => {
        const definition = JSON.parse((await sharded()).find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!.inputs.definition);
        const map = definition.States.RunShards;
        assert.deepStrictEqual(checkResourceLimits("aws:sfn/stateMachine:StateMachine", { definition: JSON.stringify(definition) }, "job-runner").violations, []);
        map.ItemProcessor.ProcessorConfig.ExecutionType = "EXPRESS";
        map.MaxConcurrency = 10001;
        map.ToleratedFailurePercentage = 101;
        assert.deepStrictEqual(checkResourceLimits("aws:sfn/stateMachine:StateMachine", { definition: JSON.stringify(definition) }, "job-runner").violations, [
            "RunShards: its EXPRESS child executions cannot run RunTask (arn:aws:states:::ecs:runTask.sync): Express workflows do not support .sync or .waitForTaskToken; use ExecutionType STANDARD",
            "RunShards.MaxConcurrency (10001) must be a whole number from 0 to 10000",
            "RunShards.ToleratedFailurePercentage (101) must be from 0 to 100",
        ]);
    });

    it("aws-limits-across-resources passes a sharded BatchTask, and fails it when its role may not start or stop its own shards", async () => {
        const resources = await sharded();
        assert.deepStrictEqual(across(resources), { violations: [], unknown: [] });
        const listRuns = resources.find((r) => r.name === "job-runner-list-runs")!;
        const withoutShards = (sids: string[]) => {
            const policy = JSON.parse(listRuns.state.policy);
            policy.Statement = policy.Statement.filter((s: { Sid: string }) => !sids.includes(s.Sid));
            return resources.map((r) => (r === listRuns ? { ...r, state: { ...r.state, policy: JSON.stringify(policy) } } : r));
        };
        const arn = resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!.state.arn as string;
        const child = `${arn.replace(":stateMachine:", ":execution:")}/shard:00000000-0000-0000-0000-000000000000`;
        assert.deepStrictEqual(
            across(withoutShards(["StartShards", "WatchShards"])).violations.map((v) => v.message),
            [`job-runner state RunShards is a Distributed Map, but its role job-runner-role is not allowed states:StartExecution on ${arn}, states:DescribeExecution on ${child}, states:StopExecution on ${child}: its child executions could not start or be watched`],
        );
        assert.strictEqual(across(withoutShards(["WatchShards"])).violations.length, 1);
    });

    it("aws-limits-across-resources passes a sharded BatchTask with a tolerance, and fails it when its role may not write its ResultWriter's bucket", async () => {
        mocks.useStack("test");
        new BatchTask("job", { image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000", network, parallel: { shards: 1000, toleratedFailurePercent: 5 } });
        await mocks.settle();
        const resources = mocks.all();
        assert.deepStrictEqual(across(resources), { violations: [], unknown: [] });
        assert.strictEqual(checkResourceLimits("aws:sfn/stateMachine:StateMachine", { definition: resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!.inputs.definition }, "job-runner").violations.length, 0);
        const runnerPolicy = resources.find((r) => r.name === "job-runner-policy")!;
        const policy = JSON.parse(runnerPolicy.state.policy);
        policy.Statement = policy.Statement.filter((s: { Sid: string }) => s.Sid !== "WriteShardResults");
        const without = resources.map((r) => (r === runnerPolicy ? { ...r, state: { ...r.state, policy: JSON.stringify(policy) } } : r));
        const bucket = resources.find((r) => r.type === "aws:s3/bucket:Bucket")!.state.bucket;
        assert.deepStrictEqual(across(without).violations.map((v) => v.message), [
            `job-runner state RunShards writes its results to s3://${bucket}, but its role job-runner-role is not allowed s3:PutObject, s3:GetObject, s3:ListMultipartUploadParts, s3:AbortMultipartUpload on arn:aws:s3:::${bucket}/runs/run-1/00000000-0000-0000-0000-000000000000/manifest.json: its Map Runs would fail States.ResultWriterFailed`,
        ]);
        assert.deepStrictEqual([...RESULT_WRITER_S3_ACTIONS], [...RESULT_WRITER_ACTIONS], "the pack checks what the component grants");
        // A prefix chosen at run time without a fixed start cannot be checked against a role
        // scoped to some prefix: no violation is made up (JSONPath's Prefix.$, JSONata without a literal).
        const machine = resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
        for (const args of [{ Bucket: bucket, "Prefix.$": "$.prefix" }, { Bucket: bucket, Prefix: "{% $run.id %}" }]) {
            const definition = JSON.parse(machine.inputs.definition);
            definition.States.RunShards.ResultWriter.Arguments = args;
            const rewritten = without.map((r) => (r === machine ? { ...r, inputs: { ...r.inputs, definition: JSON.stringify(definition) }, state: { ...r.state, definition: JSON.stringify(definition) } } : r));
            assert.deepStrictEqual(across(rewritten).violations, [], JSON.stringify(args));
        }
    });
});
