/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to the program, for tools that run
 * without the CLI (the tests, `npm run plan`). `secure:` values cannot be decrypted without the
 * CLI: they become {@link SECRET_PLACEHOLDER} and their keys are reported as secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { SECRET_PLACEHOLDER } from "./config";

/** A stack file's configuration: namespaced keys to values (objects as parsed from YAML). */
export interface StackFile {
    readonly stack: string;
    readonly file: string;
    readonly config: Record<string, unknown>;
    /** Keys that held a `secure:` value anywhere inside. */
    readonly secretKeys: string[];
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

function mask(value: unknown, found: { secret: boolean }): unknown {
    if (isSecure(value)) {
        found.secret = true;
        return SECRET_PLACEHOLDER;
    }
    if (Array.isArray(value)) {
        return value.map((v) => mask(v, found));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, found)]));
    }
    return value;
}

/** Replaces every `secure:` value with the placeholder; returns the keys that held one. */
export function maskSecrets(raw: Record<string, unknown>): { config: Record<string, unknown>; secretKeys: string[] } {
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(raw)) {
        const found = { secret: false };
        config[key] = mask(value, found);
        if (found.secret) {
            secretKeys.push(key);
        }
    }
    return { config, secretKeys };
}

/** Reads `Pulumi.<stack>.yaml` in `dir`. */
export function readStackFile(dir: string, stack: string): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return { stack, file, ...maskSecrets(doc.config ?? {}) };
}

/** The stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}
