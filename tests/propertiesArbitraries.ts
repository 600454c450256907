/**
 * fast-check arbitraries of `WebService` and `BatchTask` arguments. Each argument has a `valid`
 * arbitrary (what the documentation allows, so combinations of valid values exercise how arguments
 * interact) and a `wild` one (edge and invalid values: out of range, wrong form, any characters).
 * A case is either all valid, or valid with one argument wild, so that most cases get far enough
 * to build, and every argument's invalid values still come up. Optional arguments are often left
 * out, so the defaults are exercised too. Names run from 1 to 120 characters.
 */
import * as fc from "fast-check";
import { BatchTaskArgs } from "../components/batchTask";
import { allTaskSizes, FARGATE_CPU_VALUES, LOG_RETENTION_DAYS } from "../components/sizing";
import { ELB17_SSL_POLICIES } from "../components/loadBalancer";
import { WebServiceArgs } from "../components/webService";

const VPC = "vpc-0123456789abcdef0";
const SUBNETS: string[] = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const LB_SUBNETS: string[] = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];
const ACCOUNT = "123456789012";
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";

interface Field<T> {
    readonly valid: fc.Arbitrary<T>;
    readonly wild: fc.Arbitrary<T>;
}

/** `wild` also yields valid values now and then, so shrinking can walk back to them; its values need not fit the argument's type. */
function field<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>): Field<T> {
    return { valid, wild: fc.oneof({ weight: 1, arbitrary: valid }, { weight: 3, arbitrary: invalid as fc.Arbitrary<T> }) };
}

const int = (min: number, max: number) => fc.integer({ min, max });
const char = (set: string) => fc.constantFrom(...set.split(""));

/** Strings of `min` to `max` characters from `set`, lengths spread over the whole range. */
function stringOf(set: string, min: number, max: number): fc.Arbitrary<string> {
    return int(min, max).chain((n) => fc.string({ unit: char(set), minLength: n, maxLength: n }));
}

/** Component names: well-formed ones up to 100 characters, or anything of 1 to 120 characters. */
export const componentName: Field<string> = field(
    fc.tuple(char(LETTERS), stringOf(`${LETTERS}${DIGITS}-`, 0, 98), char(`${LETTERS}${DIGITS}`)).map(([a, b, c]) => `${a}${b}${c}`),
    fc.oneof(stringOf(`${LETTERS}${DIGITS}-_. /'`, 1, 120), stringOf(`${LETTERS}`, 101, 120), fc.constantFrom("internal-web", "web-", "-web", "1web", "web_1", "a")),
);

const image = field(
    fc.constantFrom("mcr.microsoft.com/dotnet/samples:aspnetapp", "public.ecr.aws/nginx/nginx:1.27", `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/app:1.4`, `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/app@sha256:${"a".repeat(64)}`),
    fc.constantFrom("", " ", "nginx latest"),
);

const user = field(fc.constantFrom("1000", "1654", "app:app", "1000:1000"), fc.constantFrom("root", "0", "0:0", "root:root", "a b", ""));

const healthCommand = fc.constant<string[]>(["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"]);
const containerHealthCheck = field(
    fc.record({ command: healthCommand, intervalSeconds: int(5, 300), timeoutSeconds: int(2, 60), retries: int(1, 10), startPeriodSeconds: int(0, 300) }, { requiredKeys: ["command"] }),
    fc.record(
        { command: fc.oneof(healthCommand, fc.constantFrom<string[]>(["curl"], ["CMD"], [])), intervalSeconds: int(0, 400), timeoutSeconds: int(0, 70), retries: int(0, 11), startPeriodSeconds: int(-1, 310) },
        { requiredKeys: ["command"] },
    ),
);

const envName = fc.constantFrom("LOG_LEVEL", "FEATURE_X", "HOME", "_PRIVATE", "DB_HOST");
const environment = field(
    fc.dictionary(envName, fc.constantFrom("1", "info", "/tmp", ""), { maxKeys: 3 }),
    fc.dictionary(fc.oneof(envName, fc.constantFrom("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA", "1BAD", "BAD-NAME")), fc.constant("x"), { minKeys: 1, maxKeys: 3 }),
);

const secretRefs = fc.constantFrom("/app/db-password", `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/token`, `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`, `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf:password::`);
const secrets = field(
    fc.dictionary(fc.constantFrom("DB_PASSWORD", "API_TOKEN"), secretRefs, { maxKeys: 2 }),
    fc.dictionary(fc.constantFrom("DB_PASSWORD", "LOG_LEVEL", "2FA"), fc.oneof(secretRefs, fc.constantFrom("not a secret", "arn:aws:s3:::bucket")), { minKeys: 1, maxKeys: 2 }),
);

const sidecarValid = fc.record(
    {
        image: image.valid,
        cpu: int(0, 128),
        memory: int(6, 256),
        essential: fc.boolean(),
        ports: fc.constantFrom<number[]>([], [9901], [4317, 4318]),
        user: user.valid,
        readonlyRootFilesystem: fc.boolean(),
        stopTimeoutSeconds: int(2, 120),
    },
    { requiredKeys: ["image"] },
);

const sidecars = field(
    fc.array(sidecarValid, { maxLength: 3 }).map((list) => list.map((s, i) => ({ name: ["log-router", "proxy", "otel_collector"][i], ...s }))),
    fc.oneof(
        // Many sidecars.
        fc.array(sidecarValid, { minLength: 4, maxLength: 11 }).map((list) => list.map((s, i) => ({ name: `sidecar-${i}`, ...s, ports: [] }))),
        // Names of any length and form, sizes and ports out of range.
        fc.array(
            fc.record(
                {
                    name: fc.oneof(stringOf(`${LETTERS}${DIGITS}_-`, 1, 256), stringOf(`${LETTERS}${DIGITS}_-`, 245, 256), fc.constantFrom("app", "bad name", "")),
                    image: image.wild,
                    cpu: int(-1, 20000),
                    memory: int(0, 130000),
                    ports: fc.array(int(0, 70000), { maxLength: 2 }),
                    user: user.wild,
                    stopTimeoutSeconds: int(0, 130),
                },
                { requiredKeys: ["name", "image"] },
            ),
            { minLength: 1, maxLength: 2 },
        ),
    ),
);

/** Task size as given: both cpu and memory (a valid pair, or not), one of them, or neither. */
const size = field(
    fc.oneof(
        fc.constantFrom(...allTaskSizes()),
        fc.constantFrom(...FARGATE_CPU_VALUES).map((cpu) => ({ cpu })),
        fc.constantFrom(...new Set(allTaskSizes().map((s) => s.memory))).map((memory) => ({ memory })),
        fc.constant({}),
    ),
    fc.record({ cpu: fc.oneof(fc.constantFrom(...FARGATE_CPU_VALUES), int(0, 20000)), memory: fc.oneof(fc.constantFrom(512, 1024, 3072, 30720, 122880), int(0, 130000)) }, { requiredKeys: [] }),
);

const capacity = field<any>(
    fc.oneof({ weight: 3, arbitrary: fc.constant("on-demand") }, fc.constant("spot"), fc.record({ onDemandBase: int(0, 3), onDemandWeight: int(0, 3), spotWeight: int(1, 3) }, { requiredKeys: [] })),
    fc.constantFrom("reserved", { onDemandBase: -1 }, { onDemandWeight: 1001 }, { onDemandWeight: 0, spotWeight: 0 }),
);

const statements = field<any[]>(
    fc.constantFrom([], [{ Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/todo`] }], [{ Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }]),
    fc.constantFrom([{ Action: "*", Resource: "*" }], [{ Action: ["s3:*"], Resource: ["arn:aws:s3:::b/*"] }], [{ Action: ["s3:GetObject"], Resource: [] }], [{ Action: ["GetObject"], Resource: ["*"] }], [{ NotAction: "iam:*", Resource: "*" }]),
);

/** The arguments every task accepts (TaskDefinitionArgs), shared by both components. */
const taskFields = {
    image,
    entryPoint: field<string[]>(fc.constant(["/bin/sh", "-c"]), fc.constant(["/bin/sh", 1 as unknown as string])),
    command: field<string[]>(fc.constantFrom(["run"], ["serve", "--port", "8080"]), fc.constant("run" as unknown as string[])),
    environment,
    secrets,
    user,
    readonlyRootFilesystem: field(fc.boolean(), fc.constant("false" as unknown as boolean)),
    containerHealthCheck,
    stopTimeoutSeconds: field(int(2, 120), int(-1, 200)),
    size,
    architecture: field<any>(fc.constantFrom("x86_64", "x86_64", "arm64"), fc.constantFrom("amd64", "ARM64", "")),
    ephemeralStorageGiB: field(int(21, 200), fc.constantFrom(0, 20, 201, 20.5)),
    sidecars,
    logRetentionDays: field(fc.constantFrom(...LOG_RETENTION_DAYS), fc.constantFrom(0, 2, 10, 4000, -1)),
    secretKmsKeyArns: field<string[]>(fc.constant([`arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]), fc.constant(["alias/aws/ssm"])),
    taskPolicyStatements: statements,
    taskPolicyArns: field<string[]>(fc.constant(["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]), fc.constant(["not-an-arn"])),
    capacity,
};

const network = field(
    fc.oneof(
        fc.record({ vpcId: fc.constant(VPC), subnetIds: fc.constant(SUBNETS), assignPublicIp: fc.boolean(), egressPorts: fc.uniqueArray(int(1, 65535), { maxLength: 4 }) }, { requiredKeys: ["vpcId", "subnetIds"] }),
        fc.record({ vpcId: fc.constant(VPC), subnetIds: fc.constant(SUBNETS), allowAllEgress: fc.boolean() }),
    ),
    fc.oneof(
        fc.constantFrom({ vpcId: "vpc-nope", subnetIds: SUBNETS }, { vpcId: VPC, subnetIds: [] }, { vpcId: VPC, subnetIds: [SUBNETS[0], SUBNETS[0]] }, { vpcId: VPC, subnetIds: ["sn-1"] }),
        fc.constant({ vpcId: VPC, subnetIds: SUBNETS, assignPublicIp: "yes" as unknown as boolean }),
        fc.constantFrom<any>({ vpcId: VPC, subnetIds: SUBNETS, egressPorts: [0] }, { vpcId: VPC, subnetIds: SUBNETS, egressPorts: [22, 22] }, { vpcId: VPC, subnetIds: SUBNETS, egressPorts: [22], allowAllEgress: true }),
    ),
);

/** Fully qualified names of 3 to 253 characters in labels of up to 63: all that the component accepts, short and long. */
const domainName = fc
    .array(stringOf(`abcdefghijklmnopqrstuvwxyz${DIGITS}`, 1, 63), { minLength: 1, maxLength: 4 })
    .map((labels) => `${labels.join(".")}.example.com`)
    .filter((n) => n.length <= 253);

const loadBalancer = field(
    fc
        .record(
            {
                subnetIds: fc.constant(LB_SUBNETS),
                internal: fc.boolean(),
                allowedCidrs: fc.constantFrom<string[]>(["10.0.0.0/8"], ["203.0.113.0/24", "198.51.100.7/32"], ["0.0.0.0/0"]),
                https: fc.oneof(
                    fc.constant({}),
                    domainName.map((hostName) => ({ certificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`, hostName })),
                    domainName.map((name) => ({ domain: { name, zoneId: "Z0123456789EXAMPLE" } })),
                ),
                sslPolicy: fc.constantFrom(...ELB17_SSL_POLICIES),
                idleTimeoutSeconds: int(1, 4000),
                deletionProtection: fc.boolean(),
                accessLogs: fc.record({ bucket: fc.constant("logs-bucket"), prefix: fc.constantFrom("web", "todo/web") }, { requiredKeys: ["bucket"] }),
            },
            { requiredKeys: ["subnetIds", "https"] },
        )
        .map(({ https, ...rest }) => ({ ...rest, ...https })),
    fc.oneof(
        fc.constantFrom<any>(
            { subnetIds: [LB_SUBNETS[0]] },
            { subnetIds: LB_SUBNETS, allowedCidrs: [] },
            { subnetIds: LB_SUBNETS, allowedCidrs: ["10.0.0.0/33"] },
            { subnetIds: LB_SUBNETS, allowedCidrs: ["10.0.0.0/8", "10.0.0.0/8"] },
            { subnetIds: LB_SUBNETS, sslPolicy: "ELBSecurityPolicy-2016-08" },
            { subnetIds: LB_SUBNETS, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
            { subnetIds: LB_SUBNETS, certificateArn: "arn:aws:acm:us-east-1:1:certificate/x", domain: { name: "a.example.com", zoneId: "Z1" } },
            { subnetIds: LB_SUBNETS, certificateArn: "not-an-arn" },
            { subnetIds: LB_SUBNETS, allowedCidrs: ["0.0.0.0/0", "::/0"] },
            { subnetIds: LB_SUBNETS, certificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555` },
            { subnetIds: LB_SUBNETS, hostName: "todo.example.com" },
            { subnetIds: LB_SUBNETS, domain: { name: "Todo.Example.com", zoneId: "Z1" } },
            { subnetIds: LB_SUBNETS, domain: { name: "todo.example.com", zoneId: "" } },
            { subnetIds: LB_SUBNETS, accessLogs: { bucket: "logs", prefix: "/web" } },
            { subnetIds: LB_SUBNETS, accessLogs: { bucket: "logs", prefix: "AWSLogs/x" } },
            { subnetIds: LB_SUBNETS, internal: "no" },
        ),
        int(-1, 4100).map((idleTimeoutSeconds) => ({ subnetIds: LB_SUBNETS, idleTimeoutSeconds })),
    ),
);

/** Path patterns AWS accepts: a "/" then characters of its set, wildcards among them, up to 128 in all. */
const pathPattern = stringOf(`${LETTERS}${DIGITS}_-.$/~"'@:+&`, 0, 126).chain((body) =>
    fc.constantFrom(`/${body}`, `/${body}*`, `/${body.slice(0, 60)}*/${body.slice(60, 120)}?`),
);

/**
 * The listener rule of the one-service form: paths and a priority (hosts must be covered by the
 * certificate, so valid cases leave them to the default); wild ones break a rule AWS enforces.
 */
const routing = field(
    fc.record({ paths: fc.uniqueArray(pathPattern, { minLength: 1, maxLength: 5 }), priority: int(1, 50000) }, { requiredKeys: ["paths"] }).filter((r) => r.paths.join("").replace(/[^*?]/g, "").length <= 5),
    fc.oneof(
        fc.record({ paths: fc.uniqueArray(pathPattern, { minLength: 6, maxLength: 7 }) }),
        fc.record({ paths: fc.constantFrom([`/${"p".repeat(128)}`], ["/a b"], ["api/*"], [], ["/*/*/*/*/*/*"]) }),
        fc.record({ hosts: fc.constantFrom(["localhost"], ["10.0.0.1"], ["a.example.com:443"], [`${"h".repeat(120)}.example.com`], ["*.example.com"]) }),
        fc.record({ paths: fc.constant(["/*"]), priority: fc.constantFrom(0, 50001, 1.5) }),
        fc.constant({}),
    ),
);

const healthCheck = field(
    fc
        .record(
            {
                path: fc.constantFrom("/", "/health", "/api/v1/health?full=1"),
                interval: int(5, 300),
                timeoutShare: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
                healthyThreshold: int(2, 10),
                unhealthyThreshold: int(2, 10),
                matcher: fc.constantFrom("200", "200-399", "200,202", "200-499"),
            },
            { requiredKeys: ["interval", "timeoutShare"] },
        )
        .map(({ interval, timeoutShare, ...rest }) => ({ ...rest, intervalSeconds: interval, timeoutSeconds: Math.min(120, 2 + Math.floor(timeoutShare * (interval - 2))) })),
    fc.record(
        {
            path: fc.constantFrom("health", "", `/${"p".repeat(1024)}`, "/"),
            intervalSeconds: int(0, 320),
            timeoutSeconds: int(0, 130),
            healthyThreshold: int(0, 11),
            unhealthyThreshold: int(0, 11),
            matcher: fc.constantFrom("199", "500", "302-200", "ok", "200-399"),
        },
        { requiredKeys: [] },
    ),
);

/** True when a rolling deploy of `count` tasks can make progress (the ECS rounding of minimum and maximum percent). */
const progresses = (count: number, min: number, max: number) => count === 0 || Math.floor((count * max) / 100) > Math.ceil((count * min) / 100);

/**
 * Task count, autoscaling and deployment bounds together (they constrain each other): valid ones
 * are coherent (a starting count within the autoscaling bounds, bounds that let a deploy progress);
 * wild ones break a bound or the coherence.
 */
const scaling = field(
    fc
        .record(
            {
                desiredCount: int(0, 6),
                autoscaling: fc
                    .record(
                        { minCount: int(0, 4), extra: int(0, 8), cpuTargetPercent: int(1, 100), memoryTargetPercent: int(1, 100), requestsPerTarget: int(1, 5000), scaleOutCooldownSeconds: int(0, 600), scaleInCooldownSeconds: int(0, 600) },
                        { requiredKeys: ["minCount", "extra"] },
                    )
                    .map(({ minCount, extra, ...rest }) => ({ ...rest, minCount, maxCount: Math.max(1, minCount + extra) })),
                deployment: fc.record({ minHealthyPercent: int(0, 100), maxPercent: int(100, 200) }, { requiredKeys: [] }),
            },
            { requiredKeys: [] },
        )
        .map(({ desiredCount, autoscaling, deployment }) => ({
            ...(autoscaling ? { autoscaling } : {}),
            ...(desiredCount !== undefined ? { desiredCount: autoscaling ? Math.min(Math.max(desiredCount, autoscaling.minCount), autoscaling.maxCount) : desiredCount } : {}),
            ...(deployment ? { deployment } : {}),
        }))
        .filter(({ desiredCount, autoscaling, deployment }) => {
            const min = deployment?.minHealthyPercent ?? 100;
            const max = deployment?.maxPercent ?? 200;
            return [desiredCount ?? 2, ...(autoscaling ? [autoscaling.minCount] : [])].every((n) => progresses(n, min, max));
        }),
    fc.oneof(
        fc.constantFrom(-1, 5001, 2.5).map((desiredCount) => ({ desiredCount })),
        fc.record({ desiredCount: int(0, 6), autoscaling: fc.record({ minCount: int(0, 6), maxCount: int(0, 6) }) }),
        fc.record({ autoscaling: fc.record({ minCount: int(-1, 6), maxCount: int(0, 12), cpuTargetPercent: int(0, 110), requestsPerTarget: int(0, 5), scaleOutCooldownSeconds: int(-1, 90000) }, { requiredKeys: ["minCount", "maxCount"] }) }),
        fc.record({ desiredCount: int(1, 6), deployment: fc.record({ minHealthyPercent: int(-1, 110), maxPercent: int(90, 210) }, { requiredKeys: [] }) }),
    ),
);

const webFields = {
    port: field(int(1024, 65535), fc.oneof(int(-1, 1023), int(65536, 70000))),
    network,
    loadBalancer,
    routing,
    healthCheck,
    deregistrationDelaySeconds: field(int(0, 119), fc.oneof(int(120, 3600), fc.constantFrom(-1, 3601))),
    slowStartSeconds: field(fc.oneof(fc.constant(0), int(30, 900)), fc.constantFrom(1, 29, 901, -1)),
    stickinessSeconds: field(int(1, 604800), fc.constantFrom(0, 604801)),
    healthCheckGracePeriodSeconds: field(int(0, 600), fc.constantFrom(-1, 1.5)),
    scaling,
    waitForSteadyState: field(fc.boolean(), fc.constant("true" as unknown as boolean)),
    enableExecuteCommand: field(fc.boolean(), fc.constant(1 as unknown as boolean)),
};

const n2 = (lo: number, hi: number) => int(lo, hi).map((v) => String(v).padStart(2, "0"));

/** Schedule expressions in the three forms, valid and not. */
export const scheduleExpression: Field<string> = field(
    fc.oneof(
        fc.tuple(int(1, 120), fc.constantFrom("minute", "hour", "day")).map(([v, u]) => `rate(${v} ${u}${v === 1 ? "" : "s"})`),
        fc
            .tuple(
                fc.constantFrom("0", "15", "0/15", "*/10", "5,35", "0-30", "*"),
                fc.constantFrom("3", "*", "9-17", "0/6", "23", "0"),
                fc.constantFrom("*", "1", "15W", "L", "1-15", "31", "?"),
                fc.constantFrom("*", "1", "12", "JAN", "JAN-MAR", "6-8"),
                fc.constantFrom("MON-FRI", "2", "6#3", "5L", "SUN", "1,7", "*", "?"),
                fc.constantFrom("*", "2030", "2030-2035", "1970", "2199"),
            )
            .filter(([, , dom, , dow]) => (dom === "?") !== (dow === "?"))
            .map((fields) => `cron(${fields.join(" ")})`),
        fc.tuple(int(2026, 2100), int(1, 12), int(1, 28), n2(0, 23), n2(0, 59), n2(0, 59)).map(([y, mo, d, h, mi, s]) => `at(${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}T${h}:${mi}:${s})`),
    ),
    fc.oneof(
        fc.tuple(int(0, 3), fc.constantFrom("minute", "minutes", "hours", "day", "week", "days")).map(([v, u]) => `rate(${v} ${u})`),
        fc
            .tuple(
                fc.constantFrom("0", "60", "*/0"),
                fc.constantFrom("3", "24"),
                fc.constantFrom("*", "?", "32", "0", "L"),
                fc.constantFrom("*", "13", "0", "FOO"),
                fc.constantFrom("?", "*", "8", "0", "6#6"),
                fc.constantFrom("*", "1969", "2200"),
                fc.constantFrom(6, 5, 7),
            )
            .map(([mi, h, dom, mo, dow, y, count]) => `cron(${[mi, h, dom, mo, dow, y, "*"].slice(0, count).join(" ")})`),
        fc.tuple(int(1999, 2100), n2(0, 13), n2(0, 32), n2(0, 24), n2(0, 60), n2(0, 60)).map(([y, mo, d, h, mi, s]) => `at(${y}-${mo}-${d}T${h}:${mi}:${s})`),
        fc.constantFrom("daily", "cron(0 3 * * ?)", "rate(1 days)", "at(2030-01-01 03:00:00)", "cron( 0 3 * * ? * )"),
    ),
);

const schedule = field(
    fc.record(
        {
            expression: scheduleExpression.valid,
            timezone: fc.constantFrom("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Etc/GMT+5", "America/Argentina/Buenos_Aires"),
            flexibleWindowMinutes: int(1, 1440),
            enabled: fc.boolean(),
        },
        { requiredKeys: ["expression"] },
    ),
    fc.oneof(
        scheduleExpression.wild.map((expression) => ({ expression })),
        fc.constantFrom("utc", "+01:00", "Mars/Olympus", "europe/paris", "", "GMT+1").map((timezone) => ({ expression: "rate(1 day)", timezone })),
        fc.constantFrom(0, 1441, 2.5).map((flexibleWindowMinutes) => ({ expression: "rate(1 day)", flexibleWindowMinutes })),
    ),
);

const batchFields = {
    network,
    schedule,
    timeoutSeconds: field(int(1, 31536000), fc.constantFrom(0, 31536001, 1.5, -1)),
    retries: field(
        fc.record(
            {
                attempts: int(0, 10),
                intervalSeconds: int(1, 3600),
                backoffRate: fc.double({ min: 1, max: 5, noNaN: true }),
                capacity: fc.record({ attempts: int(0, 20), intervalSeconds: int(1, 60), maxDelaySeconds: int(60, 3600) }, { requiredKeys: [] }),
            },
            { requiredKeys: ["attempts"] },
        ),
        fc.oneof(
            fc.record({ attempts: int(-1, 11), intervalSeconds: int(0, 100000000), backoffRate: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) }, { requiredKeys: ["attempts"] }),
            fc.constantFrom({ attempts: 1, capacity: { attempts: 21 } }, { attempts: 1, capacity: { intervalSeconds: 100, maxDelaySeconds: 10 } }, { attempts: 1, backoffRate: 11 }),
        ),
    ),
    parallel: field(
        int(1, 10000).chain((shards) => fc.record({ shards: fc.constant(shards), maxConcurrent: int(1, shards), toleratedFailurePercent: int(0, 100) }, { requiredKeys: ["shards"] })),
        fc.oneof(
            fc.constantFrom(0, 10001, 2.5).map((shards) => ({ shards })),
            int(1, 100).map((shards) => ({ shards, maxConcurrent: shards + 1 })),
            fc.constantFrom(-1, 101).map((toleratedFailurePercent) => ({ shards: 10, toleratedFailurePercent })),
        ),
    ),
    alerts: field(
        fc.record({ email: fc.constant("oncall@example.com"), topicArn: fc.constant(`arn:aws:sns:us-east-1:${ACCOUNT}:oncall`), noSuccessWithinHours: int(1, 168) }, { requiredKeys: ["email"] }),
        fc.oneof(
            fc.constantFrom("oncall", "a@b").map((email) => ({ email })),
            fc.constantFrom("arn:aws:sns:us-east-1:1:x", `arn:aws:sns:us-east-1:${ACCOUNT}:oncall.fifo`).map((topicArn) => ({ topicArn })),
            fc.constantFrom(0, 169, 2.5).map((noSuccessWithinHours) => ({ email: "oncall@example.com", noSuccessWithinHours })),
        ),
    ),
};

/** All valid, or all valid but one argument wild (about half the cases each). */
function argsOf<F extends Record<string, Field<any>>>(fields: F, required: readonly string[]): fc.Arbitrary<Record<string, any>> {
    const names = Object.keys(fields);
    const model = (wild?: string) => Object.fromEntries(names.map((n) => [n, n === wild ? fields[n].wild : fields[n].valid]));
    const valid = fc.record(model(), { requiredKeys: [...required] as any });
    const oneWild = fc.constantFrom(...names).chain((wild) => fc.record(model(wild), { requiredKeys: [...new Set([...required, wild])] as any }));
    // `size` stands for cpu and memory together, `scaling` for desiredCount, autoscaling and deployment.
    return fc.oneof(valid, oneWild).map(({ size: s, scaling: c, ...rest }: Record<string, any>) => ({ ...rest, ...(s ?? {}), ...(c ?? {}) }));
}

function caseOf<A>(fields: Record<string, Field<any>>, required: string[]): fc.Arbitrary<{ name: string; args: A }> {
    return fc.oneof(
        { weight: 9, arbitrary: fc.record({ name: componentName.valid, args: argsOf(fields, required) }) },
        { weight: 1, arbitrary: fc.record({ name: componentName.wild, args: argsOf(fields, required) }) },
    ) as fc.Arbitrary<{ name: string; args: A }>;
}

/** ECS Exec needs writable root filesystems: valid cases that turn it on make them writable. */
function execReady({ name, args }: { name: string; args: WebServiceArgs }): { name: string; args: WebServiceArgs } {
    if (args.enableExecuteCommand !== true) {
        return { name, args };
    }
    const writable = (c: any) => (typeof c === "object" && c !== null && (c.readonlyRootFilesystem === undefined || c.readonlyRootFilesystem === true) ? { ...c, readonlyRootFilesystem: false } : c);
    return { name, args: { ...writable(args), sidecars: Array.isArray(args.sidecars) ? args.sidecars.map(writable) : args.sidecars } };
}

/** `WebService` arguments and its name. */
export const webServiceCase = caseOf<WebServiceArgs>({ ...taskFields, ...webFields }, ["image", "network", "loadBalancer"]).map(execReady);

/** `BatchTask` arguments and its name. */
export const batchTaskCase = caseOf<BatchTaskArgs>({ ...taskFields, ...batchFields }, ["image", "network"]);

const argumentNames = (fields: Record<string, unknown>) => [...Object.keys(fields).filter((k) => k !== "size" && k !== "scaling"), "cpu", "memory", "desiredCount", "autoscaling", "deployment", "cluster"];

/** Every argument name of each component (the roots an ArgumentError's path may start with). */
export const WEB_SERVICE_ARGUMENTS: readonly string[] = argumentNames({ ...taskFields, ...webFields });
export const BATCH_TASK_ARGUMENTS: readonly string[] = argumentNames({ ...taskFields, ...batchFields });
