// Terraform attribute names to the Pulumi input names of the installed @pulumi/aws, read from its
// declaration files: the bridge camel-cases names and pluralises list and set blocks (`action` ->
// `actions`), flattens MaxItems-1 blocks to objects and renames a few; the `.d.ts` inputs are what a
// program writes, so each name is checked against them rather than predicted.
import * as fs from "fs";
import * as path from "path";

interface Property {
    readonly name: string;
    readonly optional: boolean;
    /** `inputs.<namespace>.<Interface>` the property's type refers to, if any. */
    readonly ref?: string;
}

type Interface = ReadonlyMap<string, Property>;

export class PulumiInputs {
    private readonly inputTypes = new Map<string, Interface>();
    private readonly args = new Map<string, Interface | undefined>();

    constructor(private readonly awsDir: string) {
        parseInputTypes(fs.readFileSync(path.join(awsDir, "types", "input.d.ts"), "utf8"), this.inputTypes);
    }

    /** The `<Resource>Args` interface of a type token such as `aws:lb/targetGroup:TargetGroup`. */
    private resourceArgs(token: string): Interface | undefined {
        if (!this.args.has(token)) {
            const m = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(token);
            const file = m && path.join(this.awsDir, m[1], `${m[2]}.d.ts`);
            this.args.set(token, file && fs.existsSync(file) ? parseArgs(fs.readFileSync(file, "utf8"), `${m[3]}Args`) : undefined);
        }
        return this.args.get(token);
    }

    hasResource(token: string): boolean {
        return this.resourceArgs(token) !== undefined;
    }

    /** Whether the resource's top-level input is optional (undefined: no such input). */
    optional(token: string, name: string): boolean | undefined {
        return this.resourceArgs(token)?.get(name)?.optional;
    }

    /**
     * The Pulumi input path of a Terraform attribute path (`health_check.protocol` ->
     * `healthCheck.protocol`), or an error naming the segment with no matching input.
     */
    map(token: string, tfPath: readonly string[], renames: Readonly<Record<string, string>> = {}): { path: string } | { error: string } {
        let iface = this.resourceArgs(token);
        const out: string[] = [];
        for (const segment of tfPath) {
            if (!iface) return { error: `${out.join(".") || token} has no input type to look ${segment} up in` };
            const names = out.length === 0 && renames[segment] ? [renames[segment]] : candidates(segment);
            const prop = names.map((c) => iface!.get(c)).find((p) => p !== undefined);
            if (!prop) return { error: `no input named like ${segment} (${candidates(segment).join(", ")}) under ${out.join(".") || token}` };
            out.push(prop.name);
            iface = prop.ref ? this.inputTypes.get(prop.ref) : undefined;
        }
        return { path: out.join(".") };
    }
}

export function camel(tf: string): string {
    return tf.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The bridge's names for a Terraform attribute: as is, then pluralised as its inflection does. */
function candidates(tf: string): string[] {
    const c = camel(tf);
    const plural = /[^aeiou]y$/.test(c) ? [c.slice(0, -1) + "ies"] : /(s|x|z|ch|sh)$/.test(c) ? [c + "es"] : [c + "s"];
    return [c, ...plural];
}

/** `name?: type;`, or the first line of a type that spans lines (`tags?: pulumi.Input<{`). */
const PROPERTY = /^\s+(?:readonly )?(\w+)(\??): (.*?);?$/;

function propertyOf(line: string): Property | undefined {
    const m = PROPERTY.exec(line);
    if (!m) return undefined;
    const ref = /inputs\.([A-Za-z0-9]+)\.([A-Za-z0-9]+)/.exec(m[3]);
    return { name: m[1], optional: m[2] === "?", ref: ref ? `${ref[1]}.${ref[2]}` : undefined };
}

function parseInputTypes(text: string, out: Map<string, Interface>): void {
    let namespace: string | undefined;
    let current: Map<string, Property> | undefined;
    for (const line of text.split("\n")) {
        const ns = /^export declare namespace (\w+) \{/.exec(line);
        if (ns) {
            namespace = ns[1];
            continue;
        }
        const iface = /^    interface (\w+) \{/.exec(line);
        if (iface && namespace) {
            current = new Map();
            out.set(`${namespace}.${iface[1]}`, current);
            continue;
        }
        if (/^    \}/.test(line)) {
            current = undefined;
            continue;
        }
        if (current && /^ {8}\w/.test(line)) {
            const p = propertyOf(line);
            if (p) current.set(p.name, p);
        }
    }
}

function parseArgs(text: string, name: string): Interface | undefined {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.startsWith(`export interface ${name} {`));
    if (start < 0) return undefined;
    const out = new Map<string, Property>();
    for (let i = start + 1; i < lines.length && !lines[i].startsWith("}"); i++) {
        if (/^ {4}\w/.test(lines[i])) {
            const p = propertyOf(lines[i]);
            if (p) out.set(p.name, p);
        }
    }
    return out;
}
