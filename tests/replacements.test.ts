import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPLACEMENT_SOURCE, REPLACEMENTS, ReplacementRule, TypeReplacements } from "../components/replacements";
import { buildTable, readPatches } from "../scripts/replacements/generate";
import { PulumiInputs } from "../scripts/replacements/pulumiNames";
import { attrConstantValue, openSource } from "../scripts/replacements/source";
import { RESOURCE_TYPES } from "../scripts/replacements/types";
import { evaluateStack } from "./program";
import { mocks } from "./setup";

const AWS_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));

function entry(token: string): TypeReplacements {
    const e = REPLACEMENTS[token];
    assert.ok(e, `${token} is in the table`);
    return e;
}

function rules(token: string, p: string): readonly ReplacementRule[] {
    return entry(token).replaceOn.filter((r) => r.path === p);
}

const TG = "aws:lb/targetGroup:TargetGroup";
const RULE = "aws:lb/listenerRule:ListenerRule";
const SERVICE = "aws:ecs/service:Service";
const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

/** The value inside pulumi.Input<...>, array elements included. */
type Plain<T> = NonNullable<T> extends infer U ? (U extends pulumi.OutputInstance<infer V> ? Plain<V> : U extends Promise<infer V> ? Plain<V> : U extends readonly (infer E)[] ? Plain<E> : U) : never;
type HasPath<T, P extends string> = P extends `${infer H}.${infer R}` ? (H extends keyof Plain<T> ? HasPath<Plain<T>[H], R> : false) : P extends keyof Plain<T> ? true : false;
/** A path the compiler has checked against the resource's Args type: a misspelt or renamed input fails `npm run typecheck`. */
function inputPath<Args>() {
    return <P extends string>(p: P & (HasPath<Args, P> extends true ? unknown : never)): string => p;
}

describe("which changes replace a resource (components/replacements.ts)", () => {
    after(() => mocks.useStack("test"));

    it("was generated for the installed @pulumi/aws: upgrading it without regenerating the table fails here", () => {
        const installed = (JSON.parse(fs.readFileSync(path.join(AWS_DIR, "package.json"), "utf8")) as { version: string }).version;
        assert.strictEqual(REPLACEMENT_SOURCE.pulumiAws, installed, "run `npm run replacements` (see docs/aws-behaviour.md, \"Which changes replace a resource\")");
    });

    describe("the entries the update planner's correctness hangs on", () => {
        it("replaces a target group when its port, protocol, VPC or target type changes (defect 4 of issue 23 rests on this)", () => {
            for (const p of ["port", "protocol", "vpcId", "targetType"]) {
                assert.deepStrictEqual(rules(TG, p).map((r) => r.how), ["ForceNew"], `targetGroup.${p} forces a new target group`);
            }
            assert.deepStrictEqual(rules(TG, "healthCheck.protocol"), [], "a health check's protocol is updated in place");
            assert.strictEqual(entry(TG).autoNamed, "name");
        });

        it("replaces a listener rule when it moves to another listener, and changes its priority in place", () => {
            assert.deepStrictEqual(rules(RULE, "listenerArn").map((r) => r.how), ["ForceNew"]);
            assert.deepStrictEqual(rules(RULE, "priority"), [], "priority is updated with SetRulePriorities, not by a replacement");
            assert.deepStrictEqual(rules(RULE, "conditions"), []);
        });

        it("refuses a capacity provider strategy change on an existing service unless forceNewDeployment is set, and never replaces for it", () => {
            assert.deepStrictEqual(rules(SERVICE, "capacityProviderStrategies"), [], "the strategy is not ForceNew");
            const refused = (entry(SERVICE).refusedChanges ?? []).filter((r) => r.path === "capacityProviderStrategies");
            assert.strictEqual(refused.length, 1);
            assert.strictEqual(refused[0].how, "CustomizeDiff");
            assert.strictEqual(refused[0].unless, "forceNewDeployment");
            assert.match(refused[0].note ?? "", /d\.Id\(\) != "" && d\.HasChange\(names\.AttrCapacityProviderStrategy\)/, "only an existing service's change is refused");
            assert.match(refused[0].note ?? "", /force_new_deployment should be true when capacity_provider_strategy is being updated/);
            assert.deepStrictEqual(rules(SERVICE, "forceNewDeployment"), []);
            assert.deepStrictEqual(
                entry(SERVICE).replaceOn.filter((r) => r.how === "ForceNew").map((r) => r.path),
                ["cluster", "iamRole", "launchType", "name", "schedulingStrategy"],
            );
        });

        for (const token of [INGRESS, EGRESS]) {
            it(`replaces a ${token.split(":").pop()} when its security group changes, or its source changes kind, and updates everything else in place`, () => {
                assert.deepStrictEqual(rules(token, "securityGroupId"), [
                    { path: "securityGroupId", how: "RequiresReplace", source: "index/internal/service/ec2/method.securityGroupRuleResource.Schema.goindex:83" },
                ]);
                for (const source of ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"]) {
                    const [rule] = rules(token, source);
                    assert.strictEqual(rule?.how, "RequiresReplace", `${source}: a change of the source's kind (from or to ${source}) replaces the rule`);
                    assert.match(rule.note ?? "", /^ModifyPlan: .*sourceAttributeName\(\).*new != old/);
                }
                for (const inPlace of ["ipProtocol", "fromPort", "toPort", "description", "tags"]) {
                    assert.deepStrictEqual(rules(token, inPlace), [], `${inPlace} is updated in place`);
                }
                assert.strictEqual(entry(token).framework, "plugin-framework");
            });
        }

        it("replaces a task definition for any change of its container definitions (a new revision)", () => {
            assert.deepStrictEqual(rules(TASK, "containerDefinitions").map((r) => r.how), ["ForceNew"]);
        });

        it("replaces a log group when its name changes, and the name is the one the bridge auto-names", () => {
            assert.deepStrictEqual(rules(LOG_GROUP, "name").map((r) => r.how), ["ForceNew"]);
            assert.deepStrictEqual(rules(LOG_GROUP, "retentionInDays"), []);
            assert.strictEqual(entry(LOG_GROUP).autoNamed, "name");
        });

        it("marks an ECS service's alarms, circuit breaker and deployment controller blocks as suppressed when removed (SuppressMissingOptionalConfigurationBlock)", () => {
            assert.deepStrictEqual(
                entry(SERVICE).suppressedWhenRemoved.map((s) => s.path),
                ["alarms", "deploymentCircuitBreaker", "deploymentController"],
            );
            assert.strictEqual(entry(SERVICE).suppressedWhenRemoved[0].source, "index/internal/service/ecs/func.resourceService.goindex:539");
        });
    });

    it("names inputs as @pulumi/aws's TypeScript types spell them (a sample, checked by the compiler)", () => {
        const sample: [string, string][] = [
            ["aws:lb/listenerRule:ListenerRule", inputPath<aws.lb.ListenerRuleArgs>()("actions.forward.stickiness")],
            ["aws:lb/listener:Listener", inputPath<aws.lb.ListenerArgs>()("defaultActions.forward.stickiness")],
            [TASK, inputPath<aws.ecs.TaskDefinitionArgs>()("volumes.efsVolumeConfiguration.authorizationConfig.accessPointId")],
            ["aws:acm/certificate:Certificate", inputPath<aws.acm.CertificateArgs>()("validationOptions.validationDomain")],
            ["aws:dynamodb/table:Table", inputPath<aws.dynamodb.TableArgs>()("localSecondaryIndexes.projectionType")],
            ["aws:ecr/repository:Repository", inputPath<aws.ecr.RepositoryArgs>()("encryptionConfigurations.kmsKey")],
            ["aws:sns/topicSubscription:TopicSubscription", inputPath<aws.sns.TopicSubscriptionArgs>()("topic")],
            ["aws:cloudwatch/metricAlarm:MetricAlarm", inputPath<aws.cloudwatch.MetricAlarmArgs>()("name")],
            [SERVICE, inputPath<aws.ecs.ServiceArgs>()("deploymentCircuitBreaker")],
            [INGRESS, inputPath<aws.vpc.SecurityGroupIngressRuleArgs>()("referencedSecurityGroupId")],
        ];
        for (const [token, p] of sample) {
            const e = entry(token);
            const paths = [...e.replaceOn, ...e.suppressedWhenRemoved, ...(e.refusedChanges ?? [])].map((r) => r.path);
            assert.ok(paths.includes(p), `${token}: ${p} is in the table`);
        }
    });

    describe("coverage of the types the program creates", () => {
        it("lists each type of scripts/replacements/types.ts once, and nothing else", () => {
            const listed = RESOURCE_TYPES.map((t) => t.token).sort();
            assert.deepStrictEqual(new Set(listed).size, listed.length, "a token is listed twice in scripts/replacements/types.ts");
            assert.deepStrictEqual(Object.keys(REPLACEMENTS).sort(), listed, "components/replacements.ts is stale: run `npm run replacements` (docs/aws-behaviour.md, \"Which changes replace a resource\")");
        });

        const stacks: [string, Record<string, unknown>][] = [
            ["dev", {}],
            ["prod", {}],
            ["dev", { "fargate-workloads:worker": { image: "public.ecr.aws/docker/library/busybox:1.37" } }],
            ["prod", { "fargate-workloads:worker": { image: "public.ecr.aws/docker/library/busybox:1.37" } }],
        ];
        for (const [stack, edit] of stacks) {
            it(`knows every aws: type the ${stack} stack creates${Object.keys(edit).length ? " with a worker" : ""}`, async () => {
                await evaluateStack(stack, edit);
                const created = [...new Set(mocks.resources.map((r) => r.type))].filter((t) => t.startsWith("aws:")).sort();
                assert.ok(created.length > 20, "the stack was evaluated");
                const missing = created.filter((t) => !(t in REPLACEMENTS));
                assert.deepStrictEqual(
                    missing,
                    [],
                    `the ${stack} stack creates ${missing.join(", ")}, which components/replacements.ts lacks: add each to RESOURCE_TYPES in scripts/replacements/types.ts and regenerate the table with \`npm run replacements\` (docs/aws-behaviour.md, "Which changes replace a resource")`,
                );
            });
        }
    });
});

describe("the replacement table's generator (scripts/replacements)", () => {
    const fixture = path.join(__dirname, "fixtures", "replacements", "provider");
    const table = buildTable(openSource(fixture), new PulumiInputs(AWS_DIR), [
        { token: TG, terraformType: "aws_lb_target_group", pkg: "internal/service/elbv2", sdkv2: "resourceTargetGroup" },
        { token: SERVICE, terraformType: "aws_ecs_service", pkg: "internal/service/ecs", sdkv2: "resourceService" },
        { token: INGRESS, terraformType: "aws_vpc_security_group_ingress_rule", pkg: "internal/service/ec2", framework: "securityGroupIngressRuleResource" },
    ]);
    const at = (file: string, line: number): string => `internal/service/${file}:${line}`;

    it("reads ForceNew through helper functions, package variables and nested blocks, with file and line, and skips computed-only attributes", () => {
        const tg = table.get(TG)!;
        assert.deepStrictEqual(tg.replaceOn, [
            { path: "healthCheck.protocol", how: "ForceNew", source: at("elbv2/target_group.go", 54) },
            { path: "name", how: "ForceNew", source: at("elbv2/target_group.go", 20) },
            { path: "port", how: "ForceNew", source: at("elbv2/target_group.go", 25) },
            { path: "stickiness.cookieDuration", how: "ForceNew", source: at("elbv2/target_group.go", 70) },
        ]);
        assert.deepStrictEqual(tg.suppressedWhenRemoved, [{ path: "stickiness", source: at("elbv2/target_group.go", 36) }]);
        assert.strictEqual(tg.autoNamed, "name");
        assert.deepStrictEqual(tg.unresolved, []);
    });

    it("reads a CustomizeDiff refusal with the input that lets it through, a ForceNewIfChange, and ignores errors passed on from failed calls", () => {
        const service = table.get(SERVICE)!;
        assert.deepStrictEqual(
            service.refusedChanges.map((r) => [r.path, r.unless, r.source]),
            [["capacityProviderStrategies", "forceNewDeployment", at("ecs/service.go", 48)]],
        );
        assert.match(service.refusedChanges[0].note ?? "", /^if !\(d\.Id\(\) == ""\) => d\.HasChange\("capacity_provider_strategy"\) => v := d\.Get/, "an early return's condition holds, negated, for what follows it");
        assert.deepStrictEqual(
            service.replaceOn.map((r) => [r.path, r.how, r.source]),
            [
                ["launchType", "CustomizeDiff", at("ecs/service.go", 35)],
                ["name", "ForceNew", at("ecs/service.go", 30)],
            ],
        );
        assert.match(service.replaceOn[0].note ?? "", /^customdiff\.ForceNewIfChange: func.*return old\.\(string\) != ""/);
    });

    it("reads plan-modifier and ModifyPlan replacements of a framework resource through its embedded struct", () => {
        const rule = table.get(INGRESS)!;
        assert.deepStrictEqual(
            rule.replaceOn.map((r) => [r.path, r.how, r.source]),
            [
                ["cidrIpv4", "RequiresReplace", at("ec2/rule.go", 42)],
                ["referencedSecurityGroupId", "RequiresReplace", at("ec2/rule.go", 42)],
                ["securityGroupId", "RequiresReplace", at("ec2/rule.go", 32)],
            ],
        );
        assert.strictEqual(rule.framework, "plugin-framework");
    });

    it("lists the pulumi-aws patches that touch the packages it reads, flagging those that change replacement-relevant lines", () => {
        const patches = readPatches(path.join(__dirname, "fixtures", "replacements", "pulumi-aws"));
        assert.deepStrictEqual(patches, [
            { name: "0001-Make-target-group-port-updatable.patch", files: ["internal/service/elbv2/target_group.go"], relevant: true },
            { name: "0002-Retry-reads.patch", files: ["internal/service/ecs/service.go"], relevant: false },
        ]);
    });

    it("derives names.Attr constants as names/attr_consts_gen.go spells them where no names package is at hand", () => {
        assert.deepStrictEqual(
            ["VPCID", "KMSKeyID", "CapacityProviderStrategy", "IPv6CIDRBlock", "ARNs", "TagsAll", "DNSName", "HealthCheck"].map(attrConstantValue),
            ["vpc_id", "kms_key_id", "capacity_provider_strategy", "ipv6_cidr_block", "arns", "tags_all", "dns_name", "health_check"],
        );
    });
});
