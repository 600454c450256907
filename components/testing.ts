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
import * as pulumi from "@pulumi/pulumi";
import { accountInRegion, accountInvokes, InvokeHandler, MOCK_ACCOUNT, MockAccount } from "./mockAccount";
import { NO_OPTIONS, RegistrationInfo, urnOf, waitForRegistrations, watchRegistrations } from "./mockMonitor";
import { isSecretValue, RecordedResource, ResourceRecord, unsecret } from "./mockRecord";
import type { RecordedAlias, RecordedOptions } from "./mockMonitor";
import { mockState } from "./mockState";
import { ProgramSnapshot, snapshotOf } from "./updatePlan";

export { describeUpdate, planUpdate, snapshotOf } from "./updatePlan";
export type { PlannedStep, PlanOptions, ProgramSnapshot, ReplaceReason, StepOp, UpdatePlan, UpdateProblem } from "./updatePlan";

export { isSecretValue, MOCK_ACCOUNT, NO_OPTIONS, unsecret };
export type { InvokeHandler, MockAccount, RecordedAlias, RecordedOptions, RecordedResource };

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
 * `setMocks` with another object silently replaces the first. It records what the program
 * registers and invokes (the queries come from {@link ResourceRecord}), answers each registration
 * with plausible computed state (mockState.ts) and the account's invokes (mockAccount.ts).
 */
export class MockRecorder extends ResourceRecord implements pulumi.runtime.Mocks {
    /** The account and region the invokes describe; {@link useStack} can change the region. */
    public account: MockAccount;

    private readonly defaultAccount: MockAccount;
    private readonly handlers = new Map<string, InvokeHandler>();
    /** Parent and options of the registration the monitor is about to hand over (see mockMonitor.ts). */
    private pending: RegistrationInfo | undefined;

    constructor(account: MockAccount = MOCK_ACCOUNT) {
        super();
        this.account = account;
        this.defaultAccount = account;
        for (const [token, handler] of Object.entries(accountInvokes(() => this.account))) {
            this.onInvoke(token, handler);
        }
    }

    /** Answers invokes of `token` with `handler` (replacing any earlier answer). */
    onInvoke(token: string, handler: InvokeHandler): this {
        this.handlers.set(token, handler);
        return this;
    }

    /** Pulumi mocks hook: records the resource and returns an id and plausible computed state. */
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        const parent = this.pending?.parent;
        const options = this.pending?.options ?? NO_OPTIONS;
        this.pending = undefined;
        const computed = mockState(this.account, args.type, args.name, args.inputs);
        const state = { ...args.inputs, ...computed.state };
        const id = args.id || computed.id || `${args.name}-id`;
        const urn = urnOf(parent, args.type, args.name);
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, urn, parent, custom: args.custom ?? true, readId: args.id, id, options });
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
        watchRegistrations((info) => {
            this.pending = info;
        });
        const config: Record<string, string> = {};
        for (const [key, value] of Object.entries(options.config ?? {})) {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
        pulumi.runtime.setAllConfig(config, [...(options.secretKeys ?? [])]);
        const configRegion = options.config?.["aws:region"];
        this.account = accountInRegion(this.defaultAccount, options.region ?? (typeof configRegion === "string" ? configRegion : undefined));
        this.reset();
    }

    /** Waits until every registration started so far has reached the mocks. */
    async settle(): Promise<void> {
        await waitForRegistrations();
    }

    /**
     * What the program registered so far, frozen: one side of an update for {@link planUpdate}.
     * Waits for registrations in flight first.
     */
    async snapshot(): Promise<ProgramSnapshot> {
        await this.settle();
        return snapshotOf(this.resources, pulumi.getStack(), pulumi.getProject());
    }
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

/**
 * Makes stack traces plain again after ts-node installed source-map support. Pulumi captures a
 * stack trace for every resource and promise it tracks, and mapping each one back to TypeScript
 * triples the time a mocked program takes (measured: 180 ms against 55 ms per WebService).
 * Failures then show line numbers of the transpiled JavaScript, which stay close to the source.
 * The promises' traces are not captured at all (see {@link skipPromiseStackTraces}).
 */
export function useFastStackTraces(): void {
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    skipPromiseStackTraces();
}

/** Pulumi's promise tracker: its modules call it through this module object, so a replacement reaches them all. */
interface PromiseTracker {
    debuggablePromise?: ((p: Promise<unknown>, ctx: unknown) => Promise<unknown>) & { withoutStackTraces?: true };
}

/**
 * Pulumi wraps each promise it makes (several per resource input) in `debuggablePromise`, which
 * records a stack trace only to print it beside the promise's context should the promise still be
 * pending when the program exits. Capturing and formatting those traces took a third of the time
 * of a WebService under the mocks; captured with no frames, they cost nothing and the report of a
 * pending promise still names its context ("resource web-tg ..."). Nothing else changes: the
 * promise is tracked as before, and every other stack trace keeps its frames.
 */
function skipPromiseStackTraces(): void {
    let tracker: PromiseTracker;
    try {
        // An internal module of @pulumi/pulumi (no types): left as it is when it is not there.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        tracker = require("@pulumi/pulumi/runtime/debuggable") as PromiseTracker;
    } catch {
        return;
    }
    const track = tracker.debuggablePromise;
    if (typeof track !== "function" || track.withoutStackTraces) {
        return;
    }
    tracker.debuggablePromise = Object.assign(
        (p: Promise<unknown>, ctx: unknown) => {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 0;
            try {
                return track(p, ctx);
            } finally {
                Error.stackTraceLimit = limit;
            }
        },
        { withoutStackTraces: true as const },
    );
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
