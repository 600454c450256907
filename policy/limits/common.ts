/**
 * Shared by the limits of every service: the `Add` and `Rule` types their rules are written in, and
 * the small checks they share (whole numbers in a range, string lengths, JSON parsing).
 */

export type Add = (message: string) => void;
export type Rule = (p: Record<string, any>, add: Add, logicalName?: string) => void;

export function isInt(v: unknown): v is number {
    return typeof v === "number" && Number.isInteger(v);
}

/** Adds a violation unless `value` (at `path`) is undefined or an integer in min..max. */
export function intIn(add: Add, path: string, value: unknown, min: number, max: number, unit = ""): void {
    if (value === undefined || value === null) {
        return;
    }
    if (!isInt(value) || value < min || value > max) {
        add(`${path} (${JSON.stringify(value)}) must be a whole number from ${min} to ${max}${unit ? ` ${unit}` : ""}`);
    }
}

export function lengthAtMost(add: Add, path: string, value: unknown, max: number): void {
    if (typeof value === "string" && value.length > max) {
        add(`${path} is ${value.length} characters long; AWS accepts at most ${max}`);
    }
}

export function parseJson(add: Add, path: string, value: unknown): any {
    if (typeof value !== "string") {
        return typeof value === "object" ? value : undefined;
    }
    try {
        return JSON.parse(value);
    } catch (e) {
        add(`${path} is not valid JSON (${(e as Error).message})`);
        return undefined;
    }
}
