/**
 * Test harness for stacks and components built with fargate-workloads: Pulumi runtime mocks that
 * record every resource the program registers (type, logical name, inputs, URN and parent URN),
 * answer the AWS invokes such programs use, and throw on any other invoke so a missing mock fails
 * loudly. Use it without AWS credentials or the Pulumi CLI:
 *
 * ```ts
 * import { installMocks, outputValue } from "fargate-workloads/testing";
 * const mocks = installMocks();              // once per test run (mocha: a file in `require`)
 * beforeEach(() => mocks.reset());
 * it("creates a target group of type ip", async () => {
 *     const web = new WebService("web", args);
 *     await mocks.settle();
 *     assert.equal(mocks.one("aws:lb/targetGroup:TargetGroup").inputs.targetType, "ip");
 * });
 * ```
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
// Internal SDK modules: the harness needs the monitor (to see each resource's parent) and the RPC
// queue (to wait for registrations); both are stable across Pulumi 3.x.
import * as sdkSettings from "@pulumi/pulumi/runtime/settings";

const settings = sdkSettings as unknown as { waitForRPCs(): Promise<void>; getMonitor(): unknown };

/** One resource the program registered, with the inputs it gave. */
export interface RecordedResource {
    /** Type token, such as `aws:ecs/service:Service`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** Inputs as the provider would receive them (Outputs resolved). */
    readonly inputs: Record<string, any>;
    /** State returned by the mock (inputs plus computed ids, ARNs, names). */
    readonly state: Record<string, any>;
    /** The resource's URN. */
    readonly urn: string;
    /** URN of the parent, undefined for resources without one. */
    readonly parent?: string;
    /** True for provider-managed (custom) resources, false for components. */
    readonly custom: boolean;
    /** Id given to a read (`.get`) or import, if any. */
    readonly readId?: string;
}

/** What the default invokes answer. */
export interface MockAccount {
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    readonly availabilityZones: readonly string[];
}

/** Defaults of the mock account: us-east-1 in a documentation account. */
export const MOCK_ACCOUNT: MockAccount = {
    region: "us-east-1",
    accountId: "123456789012",
    partition: "aws",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
};

/** An invoke answer: a function of the invoke's inputs. */
export type InvokeHandler = (inputs: Record<string, any>) => Record<string, any>;

function hex(text: string, length: number): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Options of {@link MockRecorder.useStack}. */
export interface StackOptions {
    /** Pulumi project name. @default "fargate-workloads" */
    readonly project?: string;
    /** Run as `pulumi preview` (computed outputs unknown). @default false */
    readonly preview?: boolean;
    /** Config keys (`project:key`) to values; objects are stored as JSON like the CLI does. */
    readonly config?: Readonly<Record<string, unknown>>;
    /** Config keys whose values are secrets. */
    readonly secretKeys?: readonly string[];
    /** Region the invokes report (and ARNs use), with AZs `<region>a..c`. @default the config's `aws:region`, else the current one */
    readonly region?: string;
}

/**
 * The mocks object: install it once for the whole test run with {@link installMocks}; a second
 * `setMocks` with another object silently replaces the first.
 */
export class MockRecorder implements pulumi.runtime.Mocks {
    /** Every resource registered since the last {@link reset}, in registration order. */
    public readonly resources: RecordedResource[] = [];
    /** Every invoke called since the last {@link reset}: token and inputs. */
    public readonly invokes: { token: string; inputs: Record<string, any> }[] = [];
    private readonly handlers = new Map<string, InvokeHandler>();
    private pendingParent: string | undefined;

    /** The account and region the invokes describe; {@link useStack} can change the region. */
    public account: MockAccount;

    private readonly defaultAccount: MockAccount;

    constructor(account: MockAccount = MOCK_ACCOUNT) {
        this.account = account;
        this.defaultAccount = account;
        this.onInvoke("aws:index/getRegion:getRegion", () => ({ id: this.account.region, name: this.account.region, region: this.account.region, endpoint: `ec2.${this.account.region}.amazonaws.com`, description: this.account.region }));
        this.onInvoke("aws:index/getCallerIdentity:getCallerIdentity", () => ({
            id: this.account.accountId,
            accountId: this.account.accountId,
            arn: `arn:${this.account.partition}:iam::${this.account.accountId}:user/test`,
            userId: "AIDATESTUSER",
        }));
        this.onInvoke("aws:index/getPartition:getPartition", () => ({ id: this.account.partition, partition: this.account.partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }));
        this.onInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", () => ({
            id: this.account.region,
            names: [...this.account.availabilityZones],
            zoneIds: this.account.availabilityZones.map((_, i) => `az${i + 1}`),
            groupNames: [this.account.region],
        }));
    }

    /** Answers invokes of `token` with `handler` (replacing any earlier answer). */
    onInvoke(token: string, handler: InvokeHandler): this {
        this.handlers.set(token, handler);
        return this;
    }

    /** Forgets the recorded resources and invokes (call in `beforeEach`). */
    reset(): void {
        this.resources.length = 0;
        this.invokes.length = 0;
    }

    /** Pulumi mocks hook: records the resource and returns an id and plausible computed state. */
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        const parent = this.pendingParent;
        this.pendingParent = undefined;
        const state = { ...args.inputs, ...this.computedState(args.type, args.name, args.inputs) };
        const id = args.id || state.__id || `${args.name}-id`;
        delete state.__id;
        const urn = newUrn(parent, args.type, args.name);
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, urn, parent, custom: args.custom ?? true, readId: args.id });
        return { id, state };
    }

    /** Pulumi mocks hook: answers known invokes, throws on any other so missing mocks fail loudly. */
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.invokes.push({ token: args.token, inputs: args.inputs });
        const handler = this.handlers.get(args.token);
        if (!handler) {
            const message = `fargate-workloads/testing: no mock for invoke ${args.token}; add one with mocks.onInvoke(${JSON.stringify(args.token)}, inputs => ({ ... }))`;
            // The SDK rethrows a failed invoke with the error's gRPC `details` only.
            throw Object.assign(new Error(message), { details: message });
        }
        return handler(args.inputs);
    }

    /**
     * Switches the run to `stack` with `config` (and the same mocks object), as `pulumi preview`
     * of that stack would see it. Clear the program's module cache yourself (see {@link requireFresh}).
     */
    useStack(stack: string, options: StackOptions = {}): void {
        const project = options.project ?? "fargate-workloads";
        pulumi.runtime.setMocks(this, project, stack, options.preview ?? false);
        this.watchParents();
        const config: Record<string, string> = {};
        for (const [key, value] of Object.entries(options.config ?? {})) {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
        pulumi.runtime.setAllConfig(config, [...(options.secretKeys ?? [])]);
        const region = options.region ?? (typeof options.config?.["aws:region"] === "string" ? (options.config["aws:region"] as string) : undefined);
        const base = this.defaultAccount;
        this.account = region && region !== base.region ? { ...base, region, availabilityZones: ["a", "b", "c"].map((z) => `${region}${z}`) } : base;
        this.reset();
    }

    /** Waits until every registration started so far has reached the mocks. */
    async settle(): Promise<void> {
        await settings.waitForRPCs();
    }

    /** Resources of a type token (all of them when omitted). */
    all(type?: string): RecordedResource[] {
        return type === undefined ? [...this.resources] : this.resources.filter((r) => r.type === type);
    }

    /** The one resource of `type` (and `name`, when given); throws when there are none or several. */
    one(type: string, name?: string): RecordedResource {
        const found = this.all(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            const names = this.all(type).map((r) => r.name);
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length} (${names.join(", ") || "none of that type"})`);
        }
        return found[0];
    }

    /** Direct children of the resource with this URN (or recorded resource). */
    children(parent: string | RecordedResource, type?: string): RecordedResource[] {
        const urn = typeof parent === "string" ? parent : parent.urn;
        return this.resources.filter((r) => r.parent === urn && (type === undefined || r.type === type));
    }

    /** Resources registered with an AWS provider type (`aws:`), the ones that cost money or fail a deploy. */
    awsResources(): RecordedResource[] {
        return this.resources.filter((r) => r.type.startsWith("aws:"));
    }

    // The mock monitor does not pass the parent to newResource; it calls newResource
    // synchronously inside registerResource, so the parent is noted just before.
    private watchParents(): void {
        const monitor: any = settings.getMonitor();
        if (!monitor || monitor.__fargateWorkloadsWatched) {
            return;
        }
        for (const method of ["registerResource", "readResource"]) {
            const original = monitor[method].bind(monitor);
            monitor[method] = (req: any, callback: any) => {
                const parent = req.getParent();
                this.pendingParent = parent ? parent : undefined;
                return original(req, callback);
            };
        }
        monitor.__fargateWorkloadsWatched = true;
    }

    // awsx components are remote: under mocks their children are invisible and their outputs
    // come from here, shaped like what awsx would build from the same inputs.
    private awsxState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
        switch (type) {
            case "awsx:ec2:Vpc": {
                const azs = inputs.numberOfAvailabilityZones ?? Math.min(3, this.account.availabilityZones.length);
                const specs: { type: string }[] = inputs.subnetSpecs ?? [{ type: "Public" }, { type: "Private" }];
                const ids = (kind: string) => (specs.some((s) => s.type === kind) ? Array.from({ length: azs }, (_, i) => subnetId(name, kind, i)) : []);
                return { vpcId: `vpc-${hex(name, 17)}`, publicSubnetIds: ids("Public"), privateSubnetIds: ids("Private"), isolatedSubnetIds: ids("Isolated") };
            }
            case "awsx:ecr:Image":
                return { imageUri: `${inputs.repositoryUrl}@sha256:${hex(`${name}-image`, 64)}` };
            default:
                return {};
        }
    }

    private computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
        const a = this.account;
        const autoName = inputs.name ?? `${name}-${hex(name, 7)}`;
        const arn = (service: string, resource: string, region = a.region) => `arn:${a.partition}:${service}:${region}:${a.accountId}:${resource}`;
        const [pkg, mod] = type.split(":");
        if (pkg === "awsx") {
            return this.awsxState(type, name, inputs);
        }
        if (pkg !== "aws") {
            return {};
        }
        const module = mod.split("/")[0];
        switch (type) {
            case "aws:iam/role:Role":
                return { name: autoName, arn: `arn:${a.partition}:iam::${a.accountId}:role/${autoName}`, uniqueId: `AROA${hex(name, 16).toUpperCase()}`, __id: autoName };
            case "aws:iam/policy:Policy":
                return { name: autoName, arn: `arn:${a.partition}:iam::${a.accountId}:policy/${autoName}` };
            case "aws:cloudwatch/logGroup:LogGroup":
                return { name: autoName, arn: arn("logs", `log-group:${autoName}`), __id: autoName };
            case "aws:ecs/cluster:Cluster":
                return { name: autoName, arn: arn("ecs", `cluster/${autoName}`), __id: arn("ecs", `cluster/${autoName}`) };
            case "aws:ecs/taskDefinition:TaskDefinition":
                return { arn: arn("ecs", `task-definition/${inputs.family}:1`), arnWithoutRevision: arn("ecs", `task-definition/${inputs.family}`), revision: 1, __id: inputs.family };
            case "aws:ecs/service:Service":
                return { name: autoName, arn: arn("ecs", `service/${autoName}`) };
            case "aws:lb/loadBalancer:LoadBalancer": {
                const suffix = `app/${autoName}/${hex(name, 16)}`;
                const dnsName = `${inputs.internal ? "internal-" : ""}${autoName}-${parseInt(hex(name, 8), 16)}.${a.region}.elb.amazonaws.com`;
                return { name: autoName, arn: arn("elasticloadbalancing", `loadbalancer/${suffix}`), arnSuffix: suffix, dnsName, zoneId: "Z35SXDOTRQ7X7K" };
            }
            case "aws:lb/targetGroup:TargetGroup": {
                const suffix = `targetgroup/${autoName}/${hex(name, 16)}`;
                return { name: autoName, arn: arn("elasticloadbalancing", suffix), arnSuffix: suffix };
            }
            case "aws:lb/listener:Listener":
                return { arn: arn("elasticloadbalancing", `listener/app/${name}/${hex(name, 16)}`) };
            case "aws:ec2/securityGroup:SecurityGroup":
                return { name: autoName, arn: arn("ec2", `security-group/sg-${hex(name, 17)}`), __id: `sg-${hex(name, 17)}` };
            case "aws:acm/certificate:Certificate":
                return {
                    arn: arn("acm", `certificate/${hex(name, 8)}-0000-0000-0000-${hex(name, 12)}`),
                    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((d: string) => ({
                        domainName: d,
                        resourceRecordName: `_${hex(d, 32)}.${d}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${hex(d + "v", 32)}.acm-validations.aws.`,
                    })),
                };
            case "aws:sfn/stateMachine:StateMachine":
                return { name: autoName, arn: arn("states", `stateMachine:${autoName}`), __id: arn("states", `stateMachine:${autoName}`) };
            case "aws:sns/topic:Topic":
                return { name: autoName, arn: arn("sns", autoName), __id: arn("sns", autoName) };
            case "aws:sqs/queue:Queue":
                return { name: autoName, arn: arn("sqs", autoName), url: `https://sqs.${a.region}.amazonaws.com/${a.accountId}/${autoName}`, __id: `https://sqs.${a.region}.amazonaws.com/${a.accountId}/${autoName}` };
            case "aws:scheduler/schedule:Schedule":
                return { name: autoName, arn: arn("scheduler", `schedule/${inputs.groupName ?? "default"}/${autoName}`) };
            case "aws:cloudwatch/eventRule:EventRule":
                return { name: autoName, arn: arn("events", `rule/${autoName}`) };
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                return { name: autoName, arn: arn("cloudwatch", `alarm:${autoName}`) };
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2": {
                const bucket = inputs.bucket ?? `${name}-${hex(name, 7)}`.toLowerCase();
                return { bucket, arn: `arn:${a.partition}:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, __id: bucket };
            }
            case "aws:dynamodb/table:Table":
                return { name: autoName, arn: arn("dynamodb", `table/${autoName}`), __id: autoName };
            case "aws:appautoscaling/target:Target":
                return { __id: `${inputs.serviceNamespace}/${inputs.resourceId}` };
            case "aws:ecr/repository:Repository":
                return { name: autoName, arn: arn("ecr", `repository/${autoName}`), repositoryUrl: `${a.accountId}.dkr.ecr.${a.region}.amazonaws.com/${autoName}` };
            default:
                return { arn: inputs.arn ?? arn(module.toLowerCase(), `${name}`) };
        }
    }
}

function subnetId(vpc: string, kind: string, i: number): string {
    return `subnet-${hex(`${vpc}-${kind}-${i}`, 17)}`;
}

function newUrn(parent: string | undefined, type: string, name: string): string {
    let qualified = type;
    if (parent) {
        const parentType = parent.split("::")[2].split("$").pop();
        qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

let installed: MockRecorder | undefined;

/**
 * Installs the one mocks object of the test run (idempotent: later calls return the same object)
 * for stack `test` of project `fargate-workloads`, not in preview.
 */
export function installMocks(options: StackOptions & { stack?: string; account?: MockAccount } = {}): MockRecorder {
    if (!installed) {
        installed = new MockRecorder(options.account);
        installed.useStack(options.stack ?? "test", options);
    }
    return installed;
}

/**
 * The value of an Output once it resolves. Rejects (rather than hanging) when an `apply` inside it
 * threw, and when the value is still unknown (a computed value under `preview`), unless
 * `allowUnknown` is set, in which case it resolves to undefined.
 */
export async function outputValue<T>(output: pulumi.Input<T>, options: { allowUnknown?: boolean } = {}): Promise<T> {
    if (!pulumi.Output.isInstance(output)) {
        return (await output) as T;
    }
    const internal = output as unknown as { promise(withUnknowns?: boolean): Promise<T>; isKnown: Promise<boolean> };
    const [value, known] = await Promise.all([internal.promise(false), internal.isKnown]);
    if (!known) {
        if (options.allowUnknown) {
            return undefined as unknown as T;
        }
        throw new Error("the output is unknown (computed during preview)");
    }
    return value;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when a recorded input value is a Pulumi secret (kept encrypted in state). */
export function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** A recorded input with every secret wrapper removed, for asserting on the values inside. */
export function unsecret<T = any>(value: unknown): T {
    if (isSecretValue(value)) {
        return unsecret((value as { value: unknown }).value);
    }
    if (Array.isArray(value)) {
        return value.map((v) => unsecret(v)) as T;
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsecret(v)])) as T;
    }
    return value as T;
}

/**
 * Makes stack traces plain again after ts-node installed source-map support. Pulumi captures a
 * stack trace for every resource and promise it tracks, and mapping each one back to TypeScript
 * triples the time a mocked program takes (measured: 180 ms against 55 ms per WebService).
 * Failures then show line numbers of the transpiled JavaScript, which stay close to the source.
 */
export function useFastStackTraces(): void {
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
}

/** `require` of a module after clearing it (and, with `alsoUnder`, every module in that folder) from the cache, so a program runs again for another stack. */
export function requireFresh<T = unknown>(modulePath: string, alsoUnder?: string): T {
    const resolved = require.resolve(modulePath);
    for (const key of Object.keys(require.cache)) {
        if (key === resolved || (alsoUnder !== undefined && key.startsWith(alsoUnder) && !key.includes("node_modules"))) {
            delete require.cache[key];
        }
    }
    // A fresh evaluation needs the synchronous, cache-aware CommonJS loader.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(resolved) as T;
}
