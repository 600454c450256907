/**
 * Values that are still unknown at `pulumi preview`, and how a check reports them.
 *
 * The engine hands a policy pack every value it cannot know yet (an output of a resource not
 * created yet, or anything computed from one, such as a JSON string holding an ARN) as one of seven
 * sentinel strings, one per type. `@pulumi/policy` wraps `props` in a proxy that throws its
 * `UnknownValueError` when a check reads such a value, and its server turns that error, when it
 * escapes a validation, into an advisory diagnostic ("can't run policy ... during preview: ...").
 * So a check must let that error escape: catching every error around a read, testing with `in`, or
 * skipping values that are not of the expected type would pass an unknown value silently.
 *
 * The checks here read values through {@link known} as well, so they behave the same on plain
 * objects (the tests, the property tests) as behind the SDK's proxy, and every "unknown" becomes a
 * {@link CannotCheckAtPreview}: an `UnknownValueError` (so the SDK still reports it at advisory
 * level) whose message says what could not be checked.
 */
import * as policySdk from "@pulumi/policy";
// The sentinels are internal to @pulumi/policy (proxy.ts); reading them from the module the pack
// runs with keeps them in step with the SDK version.
import * as sdkProxy from "@pulumi/policy/proxy";

interface UnknownValueErrorClass {
    new (unknownTypeSentinel: string, props: string[]): Error & { props: string[] };
}

/** The SDK's error for a read of an unknown value (typed here: its declaration file omits it). */
export const UnknownValueError = (policySdk as unknown as { UnknownValueError: UnknownValueErrorClass }).UnknownValueError;

/** The SDK's proxy that throws {@link UnknownValueError} on a read of an unknown value (what the policy server wraps `props` in). */
export const unknownCheckingProxy = (policySdk as unknown as { unknownCheckingProxy<T>(value: T): T }).unknownCheckingProxy;

const SENTINEL_NAMES = ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"] as const;

function readSentinels(): ReadonlyMap<string, string> {
    const module = sdkProxy as unknown as Record<string, unknown>;
    const found = new Map<string, string>();
    for (const name of SENTINEL_NAMES) {
        const value = module[name];
        if (typeof value !== "string") {
            throw new Error(`fargate-workloads-policy: @pulumi/policy no longer exports ${name}; update policy/preview.ts for this SDK version`);
        }
        found.set(name, value);
    }
    return found;
}

/** Sentinel name (`unknownStringValue`, ...) to the value the engine sends for an unknown of that type. */
export const UNKNOWN_SENTINELS: ReadonlyMap<string, string> = readSentinels();
const SENTINEL_VALUES = new Set(UNKNOWN_SENTINELS.values());

/** The sentinel the engine sends for an unknown string (and for most unknowns the Node.js SDK registers). */
export const UNKNOWN_STRING = UNKNOWN_SENTINELS.get("unknownStringValue")!;

/** True when `value` is the engine's placeholder for a value unknown at preview. */
export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && SENTINEL_VALUES.has(value);
}

/** Prefix of the message of every check that could not run at preview. */
export const CANNOT_CHECK_AT_PREVIEW = "cannot check at preview";

/**
 * Thrown when a check needs a value that is unknown at preview. It is the SDK's own
 * `UnknownValueError`, so the policy server reports it at advisory level, whatever the policy's
 * enforcement level; the check runs again with the real values during `pulumi up`.
 */
export class CannotCheckAtPreview extends UnknownValueError {
    constructor(public readonly paths: readonly string[]) {
        super(UNKNOWN_STRING, [...paths[0].split(".")]);
        this.name = "CannotCheckAtPreview";
        this.message = `${CANNOT_CHECK_AT_PREVIEW}: ${paths.join(", ")} ${paths.length === 1 ? "is" : "are"} not known until the resources ${paths.length === 1 ? "it depends" : "they depend"} on exist; the policy runs again with the real values during pulumi up`;
    }
}

/** True for any error that means "unknown at preview" (the SDK's, from its proxy, or ours). */
export function isUnknownError(e: unknown): e is Error & { props: string[] } {
    return e instanceof UnknownValueError;
}

/** The dotted path of an unknown-value error. */
export function unknownPaths(e: Error & { props: string[] }): string[] {
    return e instanceof CannotCheckAtPreview ? [...e.paths] : [e.props.join(".")];
}

/** Returns `value`, or throws {@link CannotCheckAtPreview} for `path` when it is unknown. */
export function known<T>(value: T, path: string): T {
    if (isUnknown(value)) {
        throw new CannotCheckAtPreview([path]);
    }
    return value;
}

/**
 * The value at a dotted path (`healthCheck.interval`, `subnets.0`) of `props`, undefined when a
 * step is missing; throws {@link CannotCheckAtPreview} when the value or a step on the way is unknown.
 */
export function at(props: unknown, path: string): any {
    let value: any = props;
    const steps = path.split(".");
    for (let i = 0; i < steps.length; i++) {
        if (value === undefined || value === null) {
            return undefined;
        }
        value = known(value[steps[i]], steps.slice(0, i + 1).join("."));
    }
    return value;
}

/**
 * Runs `check` for each item and gathers the items' results in order and the paths it could not
 * read (prefixed with `label(item)`), so a stack policy reports every definite violation before it
 * says what it could not check.
 */
export function eachKnown<T, R>(items: readonly T[], check: (item: T) => R[], label?: (item: T) => string): { results: R[]; unknown: string[] } {
    const results: R[] = [];
    const unknown: string[] = [];
    for (const item of items) {
        try {
            results.push(...check(item));
        } catch (e) {
            if (!isUnknownError(e)) {
                throw e;
            }
            const prefix = label ? `${label(item)}.` : "";
            unknown.push(...unknownPaths(e).map((p) => (p.startsWith(prefix) ? p : prefix + p)));
        }
    }
    return { results, unknown };
}
