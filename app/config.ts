/**
 * The stack configuration of the fargate-workloads program (`Pulumi.<stack>.yaml`, namespace
 * `fargate-workloads:`), its schema and its defaults. Every problem in a stack file is reported in
 * one run, each naming the full key, the value and the fix. Argument checks that belong to a
 * component (Fargate sizes, health check ranges, schedules) stay in the component. Of the other
 * namespaces, only those something reads are allowed, and `aws:region` must be one the provider knows.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { TAG_LIMITS, TAG_TEXT } from "../components/tags";
import { SECRET_PLACEHOLDER } from "../scripts/plan/project";

/** The project's config namespace. */
export const NAMESPACE = "fargate-workloads";

/**
 * Stand-in for a `secure:` value where no Pulumi CLI can decrypt it (tests, `npm run plan`, which
 * reads stack files with the same functions). Format checks are skipped on it, and it is shown as
 * is, never decrypted.
 */
export { SECRET_PLACEHOLDER };

const secretOr = <T extends z.ZodType>(schema: T) => z.union([z.literal(SECRET_PLACEHOLDER), schema]);

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(1[6-9]|2[0-8])$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const PARAMETER_PATH = /^(\/[A-Za-z0-9_.-]+)+\/$/;

/** Run cross-key checks even when other keys have problems, so one run reports everything. */
const ALWAYS = { when: () => true };

const capacity = z.union([
    z.enum(["on-demand", "spot"]),
    z.strictObject({ onDemandBase: z.number().optional(), onDemandWeight: z.number().optional(), spotWeight: z.number().optional() }),
]);
const architecture = z.enum(["x86_64", "arm64"]);
const subnetIds = z.array(z.string().regex(SUBNET_ID, "is not a subnet id; write it like subnet-0123456789abcdef0"));

const networkSchema = z
    .strictObject({
        vpcId: z.string().regex(VPC_ID, "is not a VPC id; write it like vpc-0123456789abcdef0").optional(),
        publicSubnetIds: subnetIds.optional(),
        privateSubnetIds: subnetIds.optional(),
        cidrBlock: z.string().regex(CIDR, "is not an IPv4 CIDR block from /16 to /28; write it like 10.0.0.0/16").optional(),
        availabilityZones: z.number().int().min(2).max(6).optional(),
        natGateways: z.enum(["None", "Single", "OnePerAz"]).optional(),
    })
    .superRefine((n, ctx) => {
        if (n.vpcId !== undefined) {
            for (const key of ["cidrBlock", "availabilityZones", "natGateways"] as const) {
                if (n[key] !== undefined) {
                    ctx.addIssue({ code: "custom", path: [key], input: n[key], message: "describes a new VPC, but vpcId uses an existing one; remove one of them" });
                }
            }
            if (!n.publicSubnetIds || n.publicSubnetIds.length < 2) {
                ctx.addIssue({ code: "custom", path: ["publicSubnetIds"], input: n.publicSubnetIds, message: "must list at least two public subnets of vpcId (the load balancer needs two Availability Zones); add them" });
            }
        } else {
            for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
                if (n[key] !== undefined) {
                    ctx.addIssue({ code: "custom", path: [key], input: n[key], message: "needs vpcId (subnets of an existing VPC); add vpcId or remove the subnets to build a new VPC" });
                }
            }
        }
    }, ALWAYS);

const webSchema = z
    .strictObject({
        image: z.string().min(1).optional(),
        build: z.strictObject({ context: z.string().min(1), dockerfile: z.string().min(1).optional() }).optional(),
        port: z.number().optional(),
        cpu: z.number().optional(),
        memory: z.number().optional(),
        architecture: architecture.optional(),
        desiredCount: z.number().optional(),
        healthCheckPath: z.string().optional(),
        autoscaling: z
            .strictObject({
                minCount: z.number(),
                maxCount: z.number(),
                cpuTargetPercent: z.number().optional(),
                memoryTargetPercent: z.number().optional(),
                requestsPerTarget: z.number().optional(),
            })
            .optional(),
        domain: z.strictObject({ name: z.string(), zoneId: z.string().min(1) }).optional(),
        certificateArn: secretOr(z.string().startsWith("arn:", "is not an ACM certificate ARN; write it like arn:aws:acm:REGION:ACCOUNT:certificate/ID")).optional(),
        hostName: z.string().optional(),
        environment: z.record(z.string(), z.string()).optional(),
        secrets: z.record(z.string(), z.string()).optional(),
        user: z.string().optional(),
        capacity: capacity.optional(),
        waf: z.boolean().optional(),
        parameterPath: z.string().regex(PARAMETER_PATH, "must start and end with / (like /fargate-workloads/dev/); fix the slashes").optional(),
    })
    .superRefine((w, ctx) => {
        if (w.image !== undefined && w.build !== undefined) {
            ctx.addIssue({ code: "custom", path: ["build"], input: w.build, message: "conflicts with web.image (the image is either given or built); remove one of them" });
        }
        if (w.domain !== undefined && w.certificateArn !== undefined) {
            ctx.addIssue({ code: "custom", path: ["certificateArn"], input: w.certificateArn, message: "conflicts with web.domain (a domain gets its own certificate); remove one of them" });
        }
        if (w.certificateArn !== undefined && w.hostName === undefined && w.domain === undefined) {
            // Reported at the missing key; set aside the key that asks for it, so the rest is still checked.
            ctx.addIssue({ code: "custom", path: ["hostName"], input: w.hostName, params: { setAside: "certificateArn" }, message: "must be given with web.certificateArn: the host name the certificate covers, which clients use" });
        }
        if (w.hostName !== undefined && w.certificateArn === undefined) {
            ctx.addIssue({ code: "custom", path: ["hostName"], input: w.hostName, message: "is only used with web.certificateArn; remove it, or use web.domain to have a certificate and DNS record made" });
        }
    }, ALWAYS);

const batchSchema = z
    .strictObject({
        image: z.string().min(1).optional(),
        command: z.array(z.string()).optional(),
        cpu: z.number().optional(),
        memory: z.number().optional(),
        architecture: architecture.optional(),
        schedule: z.string().optional(),
        timezone: z.string().optional(),
        timeoutSeconds: z.number().optional(),
        retries: z.strictObject({ attempts: z.number(), intervalSeconds: z.number().optional(), backoffRate: z.number().optional() }).optional(),
        alertEmail: secretOr(z.email("is not an email address; write it like ops@example.com")).optional(),
        noSuccessWithinHours: z.number().optional(),
        capacity: capacity.optional(),
        exportRetentionDays: z.number().int().min(1).max(3650).optional(),
        tracing: z.boolean().optional(),
        /** Each run as shards (BatchTask `parallel`); the export script is one export, so a `command` of the user's runs them. */
        parallel: z
            .strictObject({
                shards: z.number(),
                maxConcurrent: z.number().optional(),
                toleratedFailurePercent: z.number().optional(),
                vcpuQuota: z.strictObject({ onDemand: z.number().optional(), spot: z.number().optional() }).optional(),
            })
            .optional(),
    })
    .superRefine((b, ctx) => {
        if (b.parallel !== undefined && b.command === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["parallel"],
                input: b.parallel,
                message: "needs batch.command: the export script is one DynamoDB export (ExportTableToPointInTime), which shards cannot split, so each shard would export the whole table again; give a command that reads SHARD_INDEX and SHARD_COUNT, or remove batch.parallel",
            });
        }
    }, ALWAYS);

/**
 * An optional queue worker of the stack: its image consumes the queue the program creates and may
 * call the web service by name (Service Connect, `WEB_URL`).
 */
const workerSchema = z.strictObject({
    image: z.string().min(1),
    command: z.array(z.string()).optional(),
    user: z.string().optional(),
    cpu: z.number().optional(),
    memory: z.number().optional(),
    architecture: architecture.optional(),
    capacity: capacity.optional(),
    minCount: z.number().optional(),
    maxCount: z.number().optional(),
    backlogPerTask: z.number().optional(),
    visibilityTimeoutSeconds: z.number().optional(),
    maxReceiveCount: z.number().optional(),
    stopTimeoutSeconds: z.number().optional(),
    environment: z.record(z.string(), z.string()).optional(),
    /** The Cloud Map namespace the stack's services join, when one exists already (else the program makes one). */
    namespaceArn: z.string().startsWith("arn:", "is not a Cloud Map namespace ARN; write it like arn:aws:servicediscovery:REGION:ACCOUNT:namespace/ns-ID").optional(),
});

/** The whole stack configuration, as validated. */
export const stackConfigSchema = z.strictObject({
    network: networkSchema.optional(),
    web: webSchema.optional(),
    batch: batchSchema.optional(),
    worker: workerSchema.optional(),
    protect: z.boolean().optional(),
    /** A customer-managed KMS key for the stack's data, logs, topics and queues: true makes one, or give an existing key's ARN. */
    encryption: z.union([z.boolean(), z.strictObject({ kmsKeyArn: z.string().startsWith("arn:", "is not a KMS key ARN; write it like arn:aws:kms:REGION:ACCOUNT:key/ID") })]).optional(),
    /** Who answers for the stack: tagged on every resource, with the project and stack names. */
    owner: z
        .string()
        .min(1)
        .max(TAG_LIMITS.valueLength)
        .regex(TAG_TEXT, `is not a tag value AWS accepts (1 to ${TAG_LIMITS.valueLength} letters, digits, spaces and _.:/=+-@); change it`)
        .optional(),
    logRetentionDays: z.number().optional(),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type NetworkConfig = z.infer<typeof networkSchema>;
export type WebConfig = z.infer<typeof webSchema>;
export type BatchConfig = z.infer<typeof batchSchema>;
export type WorkerConfig = z.infer<typeof workerSchema>;

/** Defaults of the stack configuration; the README's configuration reference repeats them. */
export const STACK_DEFAULTS = {
    network: { cidrBlock: "10.0.0.0/16", availabilityZones: 2, natGateways: "Single" as const },
    web: {
        /**
         * Microsoft's ASP.NET Core sample, pinned to its .NET 10 tag (multi-architecture, arm64
         * included): non-root (uid 1654), listens on 8080; Microsoft's registry has no anonymous
         * pull limits. A service deploys a new image only with a new task definition, so images are
         * named by version (or digest), never by a moving tag such as `aspnetapp`.
         */
        image: "mcr.microsoft.com/dotnet/samples:aspnetapp-10.0",
        user: "1654",
        port: 8080,
        healthCheckPath: "/",
        aspnetcoreEnvironment: "Production",
    },
    batch: {
        /** AWS's CLI image on public ECR (no anonymous pull limits). */
        image: "public.ecr.aws/aws-cli/aws-cli:2.22.35",
        /** Any non-root uid works: the script keeps its state in /tmp. */
        user: "1000",
        /** Nightly at 03:00. */
        schedule: "cron(0 3 * * ? *)",
        timezone: "UTC",
        /** An export of a small table takes minutes; an hour bounds a stuck one. */
        timeoutSeconds: 3600,
        /** Retries of a failed export: the defaults of BatchTask, stated so the 8-hour check reads them. */
        retries: { attempts: 2, intervalSeconds: 60, backoffRate: 2 },
        exportRetentionDays: 30,
    },
    worker: {
        /** With a worker, the web service joins the stack's namespace under this name; the worker finds it in WEB_URL. */
        webServiceConnectName: "web",
    },
    protect: false,
    logRetentionDays: 30,
} as const;

/** Raised when the stack file has problems; lists every one. */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly problems: readonly string[]) {
        super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

function keyOf(path: readonly PropertyKey[]): string {
    let key = NAMESPACE + ":";
    path.forEach((part, i) => {
        key += typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`;
    });
    return key;
}

function show(value: unknown): string {
    if (value === undefined) {
        return "missing";
    }
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per problem: the full key, the value, what is wrong and the fix. */
export function describeIssue(issue: z.core.$ZodIssue): string[] {
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((k) => {
                const near = nearest(k, knownKeysAt(issue.path));
                const suggestion = near !== undefined ? `did you mean \`${near}\`? ` : "";
                return `${keyOf([...issue.path, k])} is not a known key; ${suggestion}remove it or fix its spelling (see the README's configuration reference)`;
            });
        case "invalid_type":
            return [`${keyOf(issue.path)} (${show(input)}) must be ${issue.expected === "object" ? "a YAML mapping" : issue.expected === "array" ? "a YAML list" : `a ${issue.expected}`}; write it as one`];
        case "invalid_value":
            return [`${keyOf(issue.path)} (${show(input)}) must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}; use one of them`];
        case "invalid_union":
            return [`${keyOf(issue.path)} (${show(input)}) has the wrong form; see the README's configuration reference`];
        case "too_small":
            return [`${keyOf(issue.path)} (${show(input)}) must be at least ${issue.minimum}; raise it`];
        case "too_big":
            return [`${keyOf(issue.path)} (${show(input)}) must be at most ${issue.maximum}; lower it`];
        default:
            return [`${keyOf(issue.path)} (${show(input)}) ${issue.message}`];
    }
}

/** The known word closest to `word` when it is close enough to be a misspelling of it (for "did you mean"). */
function nearest(word: string, known: readonly string[]): string | undefined {
    const near = known.length > 0 ? closest(word, [...known]) : undefined;
    return near !== undefined && distance(word, near) <= Math.max(2, Math.floor(near.length / 3)) ? near : undefined;
}

/** The keys an object of the schema at `path` knows (for "did you mean"). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
    let schema: any = stackConfigSchema;
    for (const part of path) {
        while (schema?.def?.innerType) {
            schema = schema.def.innerType;
        }
        schema = schema?.shape?.[part as string];
    }
    while (schema?.def?.innerType) {
        schema = schema.def.innerType;
    }
    return Object.keys(schema?.shape ?? {});
}

function withoutPath(value: unknown, path: readonly PropertyKey[]): unknown {
    if (path.length === 0 || typeof value !== "object" || value === null) {
        return undefined;
    }
    const copy: any = Array.isArray(value) ? [...value] : { ...value };
    const [head, ...rest] = path;
    copy[head as any] = withoutPath(copy[head as any], rest);
    if (copy[head as any] === undefined && !Array.isArray(copy)) {
        delete copy[head as any];
    }
    return copy;
}

/**
 * Validates raw configuration (keys without the namespace, values already parsed) and returns
 * every problem with the configuration made of the keys that passed, so the components can check
 * those in the same run.
 */
export function checkStackConfig(raw: Record<string, unknown>): { config: StackConfig; problems: string[] } {
    const problems: string[] = [];
    let current: unknown = raw;
    for (let round = 0; round < 20; round++) {
        const result = stackConfigSchema.safeParse(current, { reportInput: true });
        if (result.success) {
            return { config: result.data, problems };
        }
        if (round === 0) {
            problems.push(...result.error.issues.flatMap(describeIssue));
        }
        for (const issue of result.error.issues) {
            // A problem of a missing key goes away only without the key that asked for it (`setAside`), or else its parent.
            const setAside = issue.code === "custom" ? (issue.params as { setAside?: string } | undefined)?.setAside : undefined;
            const paths =
                issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : setAside !== undefined ? [[...issue.path.slice(0, -1), setAside]] : [issue.path];
            for (const path of paths) {
                const before = JSON.stringify(current);
                current = path.length === 0 ? {} : withoutPath(current, path);
                if (JSON.stringify(current) === before && path.length > 0) {
                    current = withoutPath(current, path.slice(0, -1));
                }
            }
        }
    }
    return { config: {}, problems };
}

/** Validates raw configuration (keys without the namespace, values already parsed); throws every problem at once. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const { config, problems } = checkStackConfig(raw);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return config;
}

/**
 * Where each component argument comes from in the stack file, so a component's problem is named
 * by the key the user wrote (`fargate-workloads:web.cpu`, not `web: cpu`). The longest matching
 * argument path wins; the rest of the path follows the key.
 */
export const ARGUMENT_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    web: {
        image: "web.image",
        port: "web.port",
        cpu: "web.cpu",
        memory: "web.memory",
        architecture: "web.architecture",
        capacity: "web.capacity",
        desiredCount: "web.desiredCount",
        autoscaling: "web.autoscaling",
        "healthCheck.path": "web.healthCheckPath",
        environment: "web.environment",
        secrets: "web.secrets",
        user: "web.user",
        "routing.hosts": "web.hostName",
        // With a worker, the web service joins the namespace the worker's key names.
        "serviceConnect.namespace.arn": "worker.namespaceArn",
        kmsKeyArn: "encryption.kmsKeyArn",
        logRetentionDays: "logRetentionDays",
    },
    todo: {
        "domains[0]": "web.domain",
        "certificates[0].arn": "web.certificateArn",
        "certificates[0].hosts": "web.hostName",
        kmsKeyArn: "encryption.kmsKeyArn",
        logRetentionDays: "logRetentionDays",
    },
    export: {
        image: "batch.image",
        command: "batch.command",
        cpu: "batch.cpu",
        memory: "batch.memory",
        architecture: "batch.architecture",
        capacity: "batch.capacity",
        "schedule.expression": "batch.schedule",
        "schedule.timezone": "batch.timezone",
        timeoutSeconds: "batch.timeoutSeconds",
        retries: "batch.retries",
        "alerts.email": "batch.alertEmail",
        "alerts.noSuccessWithinHours": "batch.noSuccessWithinHours",
        kmsKeyArn: "encryption.kmsKeyArn",
        tracing: "batch.tracing",
        parallel: "batch.parallel",
        logRetentionDays: "logRetentionDays",
    },
    worker: {
        image: "worker.image",
        command: "worker.command",
        user: "worker.user",
        cpu: "worker.cpu",
        memory: "worker.memory",
        architecture: "worker.architecture",
        capacity: "worker.capacity",
        "scaling.minCount": "worker.minCount",
        "scaling.maxCount": "worker.maxCount",
        "scaling.backlogPerTask": "worker.backlogPerTask",
        "queue.create.visibilityTimeoutSeconds": "worker.visibilityTimeoutSeconds",
        "queue.create.maxReceiveCount": "worker.maxReceiveCount",
        stopTimeoutSeconds: "worker.stopTimeoutSeconds",
        environment: "worker.environment",
        "serviceConnect.namespace.arn": "worker.namespaceArn",
        kmsKeyArn: "encryption.kmsKeyArn",
        logRetentionDays: "logRetentionDays",
    },
};

/** A component's problem, named by the stack key it came from when there is one. */
export function problemAsStackKey(problem: { component: string; path: string; message: string }): string {
    const keys = ARGUMENT_KEYS[problem.component] ?? {};
    const parts = problem.path.split(".");
    for (let n = parts.length; n > 0; n--) {
        // A list the program builds from one key (`routing.hosts[0]` from web.hostName) maps without its index.
        const prefix = parts.slice(0, n).join(".");
        const key = keys[prefix] ?? (n === parts.length ? keys[prefix.replace(/\[\d+\]$/, "")] : undefined);
        if (key !== undefined) {
            const rest = parts.slice(n).join(".");
            const prefix = `${problem.component}: ${problem.path}`;
            const tail = problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : ` ${problem.message}`;
            return `${NAMESPACE}:${key}${rest ? `.${rest}` : ""}${tail}`.replace(/\.$/, "");
        }
    }
    return problem.message.replace(/\.$/, "");
}

/** A config value as the CLI stores it (a string), parsed back to what the YAML said. */
function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

// The SDK knows which keys hold `secure:` values but exports the check only internally; without
// it every value counts as plain, which is what older SDKs did.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };

/** Pulumi's own namespace (`pulumi:tags`, `pulumi:disable-default-providers`, ...). */
const PULUMI_NAMESPACE = "pulumi";

/** The `package.json` of package `name` as Node would find it from `dir` (up the `node_modules` folders). */
function findPackageJson(name: string, dir: string): string | undefined {
    for (let at = dir; ; at = path.dirname(at)) {
        const file = path.join(at, "node_modules", name, "package.json");
        if (fs.existsSync(file)) {
            return file;
        }
        if (path.dirname(at) === at) {
            return undefined;
        }
    }
}

/**
 * The namespaces of the providers a stack key may configure: the Pulumi resource packages (a
 * `package.json` with `"pulumi": { "resource": true }`, which is how Pulumi finds the plugins a
 * Node.js program needs) that this program's `package.json` depends on, and those they depend on
 * (awsx builds images with docker-build), each by its plugin name: `pulumi.name`, else the
 * package name without `@pulumi/`. Sorted.
 */
export function providerNamespaces(root = path.join(__dirname, "..")): string[] {
    const found = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string, isRoot: boolean): void => {
        if (seen.has(file)) {
            return;
        }
        seen.add(file);
        const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { name: string; pulumi?: { resource?: boolean; name?: string } } & Record<string, Record<string, string> | undefined>;
        const isProvider = manifest.pulumi?.resource === true;
        if (isProvider) {
            found.add(manifest.pulumi?.name ?? manifest.name.replace(/^@pulumi\//, ""));
        }
        if (!isRoot && !isProvider) {
            return;
        }
        const deps = ["dependencies", "peerDependencies", ...(isRoot ? ["devDependencies", "optionalDependencies"] : [])].flatMap((k) => Object.keys(manifest[k] ?? {}));
        for (const dep of deps) {
            const depFile = findPackageJson(dep, path.dirname(file));
            if (depFile) {
                visit(depFile, false);
            }
        }
    };
    visit(path.join(root, "package.json"), true);
    return [...found].sort();
}

/**
 * Keys of the stack file under a namespace nothing reads: not this project's, not Pulumi's own,
 * not a provider's (see {@link providerNamespaces}). Such a key is a typo (`fargate-workload:protect`)
 * that would otherwise be ignored without a word.
 */
export function unknownNamespaceProblems(keys: readonly string[], providers: readonly string[] = providerNamespaces()): string[] {
    const known = [NAMESPACE, PULUMI_NAMESPACE, ...providers];
    const allowed = `${NAMESPACE} (this project), ${PULUMI_NAMESPACE} (Pulumi itself), ${providers.join(", ")} (the providers)`;
    return keys.flatMap((key) => {
        const at = key.indexOf(":");
        const namespace = at < 0 ? "" : key.slice(0, at);
        if (known.includes(namespace)) {
            return [];
        }
        const near = nearest(namespace, known);
        const suggestion = near !== undefined ? `did you mean \`${near}:${key.slice(at + 1)}\`? ` : "";
        return [`${key} is under namespace "${namespace}", which nothing in this program reads; ${suggestion}fix the namespace or remove the key (namespaces read: ${allowed})`];
    });
}

/** The Regions the AWS provider knows: `aws.Region` of @pulumi/aws, and that package's version. */
export function awsRegions(): { readonly regions: readonly string[]; readonly source: string } {
    const file = findPackageJson("@pulumi/aws", path.join(__dirname, ".."));
    const version = file ? (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version : "(version unknown)";
    return { regions: Object.values(aws.Region), source: `@pulumi/aws ${version}` };
}

/**
 * `aws:region` when the AWS provider would not know it: a misspelt Region (`us-east-7`) would
 * otherwise be planned, priced as us-east-1, and refused only by the provider. The provider's
 * own escape, `aws:skipRegionValidation: true`, skips the check as it skips the provider's.
 */
export function regionProblems(config: Readonly<Record<string, unknown>>, known = awsRegions()): string[] {
    const region = config["aws:region"];
    if (region === undefined || config["aws:skipRegionValidation"] === true || config["aws:skipRegionValidation"] === "true") {
        return [];
    }
    if (typeof region === "string" && known.regions.includes(region)) {
        return [];
    }
    const near = typeof region === "string" ? nearest(region, known.regions) : undefined;
    const suggestion = near !== undefined ? `did you mean "${near}"? ` : "";
    return [
        `aws:region (${show(region)}) is not one of the ${known.regions.length} Regions of ${known.source} (aws.Region); ${suggestion}use a listed Region, or set aws:skipRegionValidation: true for one the provider does not list yet`,
    ];
}

/** The configuration made of the keys that passed, their problems, and the top-level keys (without namespace) whose values are secret. */
export interface LoadedStackConfig {
    readonly config: StackConfig;
    readonly secretKeys: ReadonlySet<string>;
    /** Every problem of the stack file, one line each. */
    readonly problems: readonly string[];
}

/** Reads and validates this stack's `fargate-workloads:` configuration. */
export function readStackConfig(): LoadedStackConfig {
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    const all = pulumi.runtime.allConfig();
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith(`${NAMESPACE}:`)) {
            const name = key.slice(NAMESPACE.length + 1);
            raw[name] = parseValue(value);
            if (sdkConfig.isConfigSecret?.(key)) {
                secretKeys.add(name);
            }
        }
    }
    const { config, problems } = checkStackConfig(raw);
    const values = Object.fromEntries(Object.entries(all).map(([key, value]) => [key, parseValue(value)]));
    return { config, secretKeys, problems: [...unknownNamespaceProblems(Object.keys(all)), ...regionProblems(values), ...problems] };
}

/** A value from config key `key`, kept secret (and so out of plain-text state and checks) when the key is. */
export function fromConfig(secretKeys: ReadonlySet<string>, key: string, value: string): pulumi.Input<string> {
    return secretKeys.has(key) ? pulumi.secret(value) : value;
}
