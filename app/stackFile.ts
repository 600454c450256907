/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to the program, for tools that run
 * without the CLI (the tests, `npm run plan`). `secure:` values cannot be decrypted without the
 * CLI: they become the placeholder `[secret]` and their keys are reported as secret. The plan
 * reads a user's stack files with the same functions (scripts/plan/project.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { maskSecureValues, stackFiles } from "../scripts/plan/project";

/** A stack file's configuration: namespaced keys to values (objects as parsed from YAML). */
export interface StackFile {
    readonly stack: string;
    readonly file: string;
    readonly config: Record<string, unknown>;
    /** Keys that held a `secure:` value anywhere inside. */
    readonly secretKeys: string[];
}

/** Replaces every `secure:` value with the placeholder; returns the keys that held one (as the plan reads a stack file). */
export const maskSecrets = maskSecureValues;

/** Reads `Pulumi.<stack>.yaml` in `dir`. */
export function readStackFile(dir: string, stack: string): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return { stack, file, ...maskSecrets(doc.config ?? {}) };
}

/** The stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export const listStacks = stackFiles;
