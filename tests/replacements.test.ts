import * as assert from "assert";
import * as path from "path";
import { buildTable, readPatches } from "../scripts/replacements/generate";
import { PulumiInputs } from "../scripts/replacements/pulumiNames";
import { attrConstantValue, openSource } from "../scripts/replacements/source";

const AWS_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));

const TG = "aws:lb/targetGroup:TargetGroup";
const SERVICE = "aws:ecs/service:Service";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

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
            [["capacityProviderStrategies", "forceNewDeployment", at("ecs/service.go", 45)]],
        );
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
