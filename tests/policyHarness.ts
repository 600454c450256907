/**
 * Runs the policy pack's policies on the resources the mocks record, the way the policy server
 * would: resource policies get each resource's inputs, stack policies every resource's outputs;
 * both behind the SDK's unknown-checking proxy, with secrets unwrapped and values unknown at
 * preview replaced by the engine's sentinel. A violation is reported at the policy's enforcement
 * level; an unknown-value error escaping a policy becomes an advisory "can't run" diagnostic.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sdkSettings from "@pulumi/pulumi/runtime/settings";
import { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { readStackFile } from "../app/stackFile";
import { isSecretValue, RecordedResource, requireFresh } from "../components/testing";
import { policies } from "../policy/policies";
import { CANNOT_CHECK_AT_PREVIEW, isUnknownError, UNKNOWN_STRING, unknownCheckingProxy } from "../policy/preview";
import { ROOT } from "./program";
import { mocks } from "./setup";

/**
 * Switches the shared mocks to `stack` (options as `mocks.useStack`) and records resource options
 * from then on. With `preview`, the run is a new stack's first `pulumi preview`: resources still
 * get recorded with their inputs, but the engine knows none of their computed outputs (ARNs, ids,
 * generated names), so everything built from those is unknown, as the policy pack would see it.
 */
export function useStackWithOptions(stack: string, stackOptions: Parameters<typeof mocks.useStack>[1] = {}): void {
    mocks.useStack(stack, stackOptions);
    if (stackOptions.preview) {
        const monitor: any = (sdkSettings as unknown as { getMonitor(): unknown }).getMonitor();
        const recorder = monitor.mocks as typeof mocks;
        monitor.mocks = {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                recorder.newResource(args);
                return { id: undefined, state: { ...args.inputs } };
            },
            call: (args: pulumi.runtime.MockCallArgs) => recorder.call(args),
        };
    }
}

/**
 * Evaluates index.ts for `stack` with its `Pulumi.<stack>.yaml`, like tests/program.ts's
 * `evaluateStack`, recording resource options too; with `preview`, as a new stack's first
 * `pulumi preview` (see {@link useStackWithOptions}).
 */
export async function evaluateStackForPolicies(stack: string, preview = false, extraConfig: Record<string, unknown> = {}): Promise<RecordedResource[]> {
    const file = readStackFile(ROOT, stack);
    useStackWithOptions(stack, { config: { ...file.config, ...extraConfig }, secretKeys: file.secretKeys, preview });
    requireFresh(`${ROOT}/index.ts`);
    await mocks.settle();
    return mocks.all();
}

/**
 * A resource's outputs as a stack policy sees them: after an update, the mocks' state; at a new
 * stack's preview, its inputs, with every output the provider computes (ARN, id, name...) unknown.
 */
export function outputsOf(r: RecordedResource, preview: boolean): Record<string, unknown> {
    if (!preview) {
        return r.state;
    }
    const computed = Object.keys(r.state).filter((k) => !(k in r.inputs));
    return { ...r.inputs, ...Object.fromEntries(computed.map((k) => [k, pulumi.unknown])), id: pulumi.unknown };
}

/** A recorded value as the engine hands it to a policy: secrets unwrapped, unknowns as the engine's sentinel. */
export function asEngineValue(value: unknown): any {
    if (value === pulumi.unknown) {
        return UNKNOWN_STRING;
    }
    if (isSecretValue(value)) {
        return asEngineValue((value as { value: unknown }).value);
    }
    if (Array.isArray(value)) {
        return value.map(asEngineValue);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, asEngineValue(v)]),
        );
    }
    return value;
}

function isTypeFn(type: string) {
    return (cls: { __pulumiType?: string }) => cls.__pulumiType === type;
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

/** The arguments the policy server passes `validateResource` for a recorded resource (its inputs). */
export function resourceArgs(r: RecordedResource, propsOverride?: Record<string, any>): ResourceValidationArgs {
    const props = unknownCheckingProxy(propsOverride ?? asEngineValue(r.inputs));
    const opts = r.options;
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: { protect: opts.protect, ignoreChanges: [...opts.ignoreChanges], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, ...(r.parent ? { parent: r.parent } : {}) },
        stackTags: new Map(),
        isType: isTypeFn(r.type) as any,
        asType: ((cls: any) => (isTypeFn(r.type)(cls) ? props : undefined)) as any,
        getConfig: (() => ({})) as any,
        notApplicable,
    } as ResourceValidationArgs;
}

/** A stack resource for `validateStack`: its outputs (see {@link outputsOf}). */
export function stackResource(r: RecordedResource, propsOverride?: Record<string, any>, preview = false): PolicyResource {
    const props = unknownCheckingProxy(propsOverride ?? asEngineValue(outputsOf(r, preview)));
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: { protect: r.options.protect, ignoreChanges: [...r.options.ignoreChanges], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        dependencies: [],
        propertyDependencies: {},
        isType: isTypeFn(r.type) as any,
        asType: ((cls: any) => (isTypeFn(r.type)(cls) ? props : undefined)) as any,
    } as PolicyResource;
}

/** The arguments of `validateStack` for these resources. */
export function stackArgs(resources: readonly PolicyResource[]): StackValidationArgs {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
        const parent = (r.opts as { parent?: string }).parent;
        if (parent && byUrn.has(parent)) {
            (r as { parent?: PolicyResource }).parent = byUrn.get(parent);
        }
    }
    return { resources: [...resources], stackTags: new Map(), getConfig: (() => ({})) as any, notApplicable };
}

/** One diagnostic, as `pulumi preview` would print it. */
export interface Diagnostic {
    readonly policy: string;
    readonly level: string;
    readonly message: string;
    readonly urn?: string;
    /** True for "cannot check at preview" (an unknown value), false for a violation. */
    readonly cannotCheck: boolean;
}

function isStackPolicy(p: unknown): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** Calls one validation like the server does and gathers its diagnostics. */
async function collect(policyName: string, level: string, urn: string | undefined, run: (report: (message: string, urn?: string) => void) => Promise<void> | void): Promise<Diagnostic[]> {
    const found: Diagnostic[] = [];
    try {
        await run((message, violationUrn) => found.push({ policy: policyName, level, message, urn: violationUrn ?? urn, cannotCheck: false }));
    } catch (e) {
        if (isUnknownError(e)) {
            found.push({ policy: policyName, level: "advisory", message: e.message, urn, cannotCheck: true });
        } else if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
    return found;
}

/** Runs a resource policy on one resource. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<Diagnostic[]> {
    const validations = [policy.validateResource ?? []].flat();
    const found: Diagnostic[] = [];
    for (const validate of validations) {
        found.push(...(await collect(policy.name, policy.enforcementLevel ?? "advisory", args.urn, (report) => validate(args, report))));
    }
    return found;
}

/** Runs a stack policy on the stack. */
export async function runStackPolicy(policy: StackValidationPolicy, args: StackValidationArgs): Promise<Diagnostic[]> {
    return collect(policy.name, policy.enforcementLevel ?? "advisory", undefined, (report) => policy.validateStack(args, report));
}

/** Every policy of the pack on recorded resources: resource policies on each resource's inputs, stack policies on the outputs. */
export async function runPack(resources: readonly RecordedResource[], preview = false): Promise<Diagnostic[]> {
    const found: Diagnostic[] = [];
    const stack = stackArgs(resources.map((r) => stackResource(r, undefined, preview)));
    for (const policy of policies) {
        if (isStackPolicy(policy)) {
            found.push(...(await runStackPolicy(policy, stack)));
        } else {
            for (const r of resources) {
                found.push(...(await runResourcePolicy(policy as ResourceValidationPolicy, resourceArgs(r))));
            }
        }
    }
    return found;
}

export { CANNOT_CHECK_AT_PREVIEW };
