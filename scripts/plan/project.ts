/**
 * A Pulumi project as the plan reads it without the Pulumi CLI: `Pulumi.yaml` (name, `main`,
 * runtime options, project-level `config:`) and a stack's `Pulumi.<stack>.yaml` (`config:`,
 * `environment:`), merged the way the CLI hands configuration to the program. What cannot be
 * known offline is named with the way to give a value instead: a `secure:` value becomes
 * {@link SECRET_PLACEHOLDER}, an ESC environment's values are missing.
 *
 * Loads no Pulumi SDK: the command line reads the project before it starts the evaluation.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** What a `secure:` value becomes: it cannot be decrypted without the CLI (app/config.ts accepts it). */
export const SECRET_PLACEHOLDER = "[secret]";

export interface PulumiProject {
    /** The folder of `Pulumi.yaml`. */
    readonly dir: string;
    readonly name: string;
    /** `main` of `Pulumi.yaml`, when given (relative to {@link dir}). */
    readonly main?: string;
    /** `runtime.options.typescript` (Pulumi's default: true). */
    readonly typescript: boolean;
    /** `runtime.options.tsconfig`, when given. */
    readonly tsconfig?: string;
    /** Project-level configuration (`config:` of `Pulumi.yaml`), namespaced keys to values. */
    readonly config: Record<string, unknown>;
}

/** A stack's configuration as the program receives it, and what the plan could not know. */
export interface StackConfig {
    readonly stack: string;
    /** The stack file read, or undefined when the stack has none. */
    readonly file?: string;
    /** Namespaced keys to values (objects as parsed from YAML); `secure:` values are the placeholder. */
    readonly config: Record<string, unknown>;
    /** Keys that held a `secure:` value anywhere inside. */
    readonly secretKeys: string[];
    /** The ESC environments the stack file imports (`environment:`). */
    readonly environments: string[];
}

export class ProjectError extends Error {}

/** The folder of the nearest `Pulumi.yaml` at or above `start`, as the Pulumi CLI finds it. */
export function findProjectDir(start: string): string | undefined {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            return undefined;
        }
    }
}

function readYaml(file: string): any {
    try {
        return parse(fs.readFileSync(file, "utf8")) ?? {};
    } catch (e) {
        throw new ProjectError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
}

/** Keys of a project-level config declaration (`key: { type, default, ... }`) rather than a value. */
const DECLARATION_KEYS = ["type", "description", "default", "value", "secret", "items"];

function isDeclaration(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => DECLARATION_KEYS.includes(k));
}

/** A key as the program reads it: keys of `Pulumi.yaml` without a namespace belong to the project. */
function namespaced(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** Reads `Pulumi.yaml` in `dir`. */
export function readProject(dir: string): PulumiProject {
    const file = path.join(dir, "Pulumi.yaml");
    const doc = readYaml(file);
    if (typeof doc.name !== "string" || doc.name === "") {
        throw new ProjectError(`${file} has no name; add one, as in: name: my-project`);
    }
    const runtime = typeof doc.runtime === "object" && doc.runtime !== null ? doc.runtime : { name: doc.runtime };
    if (runtime.name !== "nodejs") {
        throw new ProjectError(`${file} says runtime ${JSON.stringify(runtime.name)}; the plan runs Node.js programs (runtime: nodejs) only`);
    }
    const options = runtime.options ?? {};
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((doc.config ?? {}) as Record<string, unknown>)) {
        const resolved = isDeclaration(value) ? (value.value ?? value.default) : value;
        if (resolved !== undefined) {
            config[namespaced(key, doc.name)] = resolved;
        }
    }
    return {
        dir,
        name: doc.name,
        ...(typeof doc.main === "string" ? { main: doc.main } : {}),
        typescript: options.typescript !== false,
        ...(typeof options.tsconfig === "string" ? { tsconfig: options.tsconfig } : {}),
        config,
    };
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
export function maskSecureValues(raw: Record<string, unknown>): { config: Record<string, unknown>; secretKeys: string[] } {
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

/** The stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function stackFiles(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * The configuration `stack` of `project` gives the program: the project's `config:`, overridden
 * by `config:` of `Pulumi.<stack>.yaml` in `configDir`, then by `overrides` (the command line's
 * stand-in values, which clear a key's secret mark).
 */
export function readStackConfig(project: PulumiProject, stack: string, configDir: string = project.dir, overrides: Record<string, unknown> = {}): StackConfig {
    const file = path.join(configDir, `Pulumi.${stack}.yaml`);
    const doc = fs.existsSync(file) ? readYaml(file) : undefined;
    const environment = doc?.environment;
    const environments: string[] = Array.isArray(environment) ? environment.map(String) : typeof environment === "string" ? [environment] : (environment?.imports ?? []).map(String);
    const { config: stackConfig, secretKeys } = maskSecureValues((doc?.config ?? {}) as Record<string, unknown>);
    const config: Record<string, unknown> = { ...project.config, ...stackConfig };
    const secrets = new Set(secretKeys);
    for (const [key, value] of Object.entries(overrides)) {
        const full = namespaced(key, project.name);
        config[full] = value;
        secrets.delete(full);
    }
    return { stack, ...(doc ? { file } : {}), config, secretKeys: [...secrets].sort(), environments };
}

/** The Region the stack deploys to: `aws:region`, else us-east-1 (the mocks' default). */
export function regionOf(config: Record<string, unknown>): string {
    return typeof config["aws:region"] === "string" ? (config["aws:region"] as string) : "us-east-1";
}

/**
 * What the plan cannot know offline about this stack's configuration, each with the way to give
 * a value, for the plan's notes.
 */
export function offlineNotes(stack: StackConfig): string[] {
    const notes: string[] = [];
    if (stack.secretKeys.length > 0) {
        const keys = stack.secretKeys.join(", ");
        notes.push(`${keys} ${stack.secretKeys.length === 1 ? "is a secure: value" : "are secure: values"}, which only the Pulumi CLI can decrypt: planned with the stand-in "${SECRET_PLACEHOLDER}"; give another with --config KEY=VALUE.`);
    }
    if (stack.environments.length > 0) {
        notes.push(`The stack imports the ESC environment${stack.environments.length === 1 ? "" : "s"} ${stack.environments.join(", ")}, which cannot be read offline: none of ${stack.environments.length === 1 ? "its" : "their"} values are set; give each key the program needs with --config KEY=VALUE.`);
    }
    return notes;
}
