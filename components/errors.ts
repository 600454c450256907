import * as pulumi from "@pulumi/pulumi";

/**
 * The one error shape of this library: what is wrong and the value, what is allowed, how to fix
 * it, prefixed with the component's name and the argument path. Raised while a component
 * validates its plain inputs, before it registers any AWS resource, so `pulumi preview` fails
 * instead of `pulumi up` halfway through.
 *
 * Example: `web: healthCheck.intervalSeconds (5) must be greater than healthCheck.timeoutSeconds (5); raise the interval or lower the timeout.`
 */
export class ArgumentError extends pulumi.ResourceError {
    /** Name of the component whose arguments were rejected. */
    public readonly component: string;
    /** Argument path, such as `healthCheck.intervalSeconds` (the first problem's, when there are several). */
    public readonly path: string;
    /** Every problem found, each an ArgumentError of its own; one entry when there was one problem. */
    public readonly problems: readonly ArgumentError[];

    constructor(component: string, path: string, message: string, problems?: readonly ArgumentError[]) {
        super(message, undefined, true);
        this.name = "ArgumentError";
        this.component = component;
        this.path = path;
        this.problems = problems ?? [this];
    }

    /** One error for several problems: the single problem itself, or all of them, one per line. */
    static of(component: string, problems: readonly ArgumentError[]): ArgumentError {
        if (problems.length === 1) {
            return problems[0];
        }
        const lines = problems.map((p) => `  - ${p.message}`).join("\n");
        return new ArgumentError(component, problems[0].path, `${component}: ${problems.length} problems:\n${lines}`, problems);
    }
}

/** Renders a value for a message: strings quoted, everything else as JSON. */
export function formatValue(value: unknown): string {
    if (value === undefined) {
        return "undefined";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
        return String(value);
    }
    try {
        const text = JSON.stringify(value);
        return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
        return String(value);
    }
}

/**
 * Validation context of one component: builds every error message in the shared shape.
 * `problem` says what is wrong or what is allowed ("must be one of 256, 512"); `fix` says what
 * to do ("pick a listed size").
 */
export class Validator {
    private readonly found: ArgumentError[] = [];

    constructor(public readonly component: string) {}

    /**
     * Runs one independent check and records its problem instead of stopping, so one run reports
     * every problem: returns the check's result, or undefined when it failed.
     */
    check<T>(run: () => T): T | undefined {
        try {
            return run();
        } catch (e) {
            if (e instanceof ArgumentError) {
                this.found.push(...e.problems);
                return undefined;
            }
            throw e;
        }
    }

    /**
     * Records `error` and goes on, as a `check` whose run threw it would: for a problem found in
     * the middle of a function whose later checks do not depend on it.
     */
    record(error: ArgumentError): undefined {
        this.found.push(...error.problems);
        return undefined;
    }

    /**
     * Throws, as one error, the problems recorded since `before` (a {@link problemCount} taken
     * earlier), if there is any: a group of checks that records each problem, so all of them are
     * found, and still fails as a whole. A `check` around the group records them again, once.
     */
    throwSince(before: number): void {
        if (this.found.length > before) {
            const problems = this.found.splice(before);
            throw ArgumentError.of(this.component, problems);
        }
    }

    /** True when a check has failed. */
    get failed(): boolean {
        return this.found.length > 0;
    }

    /** How many problems are recorded so far: compare before and after a group of checks to know whether it passed. */
    get problemCount(): number {
        return this.found.length;
    }

    /**
     * Throws every recorded problem as one {@link ArgumentError}, if there is any, and forgets them
     * (a `check` around this call records them again, once).
     */
    done(): void {
        if (this.found.length > 0) {
            const problems = this.found.splice(0);
            throw ArgumentError.of(this.component, problems);
        }
    }

    /** An error for `path` whose value `value` breaks `problem`; `fix` tells the user what to do. */
    error(path: string, value: unknown, problem: string, fix: string): ArgumentError {
        return new ArgumentError(this.component, path, `${this.component}: ${path} (${formatValue(value)}) ${problem}; ${fix}.`);
    }

    /** An error about how two or more arguments combine, without a single value to quote. */
    conflict(path: string, problem: string, fix: string): ArgumentError {
        return new ArgumentError(this.component, path, `${this.component}: ${path} ${problem}; ${fix}.`);
    }

    /** Throws unless `value` is an integer in `min..max` (inclusive). Returns the value. */
    integer(path: string, value: number, min: number, max: number, unit = ""): number {
        const suffix = unit ? ` ${unit}` : "";
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            throw this.error(path, value, `must be a whole number from ${min} to ${max}${suffix}`, `set it within ${min}..${max}`);
        }
        return value;
    }

    /** Throws unless `value` is a finite number in `min..max`. Returns the value. */
    number(path: string, value: number, min: number, max: number): number {
        if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
            throw this.error(path, value, `must be a number from ${min} to ${max}`, `set it within ${min}..${max}`);
        }
        return value;
    }

    /** Throws unless `value` is one of `allowed`. Returns the value, typed. */
    oneOf<T>(path: string, value: unknown, allowed: readonly T[], fix?: string): T {
        if (!allowed.includes(value as T)) {
            const list = allowed.map((a) => (typeof a === "string" ? JSON.stringify(a) : String(a))).join(", ");
            throw this.error(path, value, `must be one of ${list}`, fix ?? "use one of the listed values");
        }
        return value as T;
    }

    /** Throws unless `value` is a boolean (a YAML string "true" is a common slip). */
    boolean(path: string, value: unknown): boolean {
        if (typeof value !== "boolean") {
            throw this.error(path, value, "must be true or false", "write it without quotes");
        }
        return value;
    }
}
