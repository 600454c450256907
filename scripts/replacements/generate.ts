// Generates components/replacements.ts: per resource type the components create, which input
// properties force a replacement, which changes the provider refuses, and which optional blocks it
// suppresses when they are removed, read from the Go source of terraform-provider-aws.
//
//   npm run replacements -- --provider <dir> [--pulumi-aws <dir>] [--source-repo owner/name --source-commit <sha>]
//
// --provider is a terraform-provider-aws checkout (pulumi-aws's upstream/ with its patches applied
// is the exact source of a release) or a checkout of lonegunmanb/terraform-provider-aws-index.
// --pulumi-aws, a pulumi-aws checkout: its patches/ are listed in the header, and those that touch
// the packages read are checked for replacement-relevant lines.
import * as fs from "fs";
import * as path from "path";
import { Analysis, Analyzer, Found } from "./analyze";
import { camel, PulumiInputs } from "./pulumiNames";
import { openSource, ProviderSource } from "./source";
import { RESOURCE_TYPES, ResourceType } from "./types";

const ROOT = path.join(__dirname, "..", "..");
const OUTPUT = path.join(ROOT, "components", "replacements.ts");
const USAGE = `usage: npm run replacements -- --provider <terraform-provider-aws checkout, or terraform-provider-aws-index checkout>
                                [--pulumi-aws <pulumi-aws checkout>] [--source-repo <owner/name>] [--source-commit <sha>]
                                [--provider-version <vX.Y.Z>] [--note <text>]... [--out <file>] [--check]
Writes ${path.relative(ROOT, OUTPUT)}; --check only compares and exits 1 when it would change.`;

interface Options {
    readonly provider: string;
    readonly pulumiAws?: string;
    readonly sourceRepo?: string;
    readonly sourceCommit?: string;
    readonly providerVersion?: string;
    readonly out: string;
    readonly check: boolean;
    /** Facts established by hand (provenance, patches reviewed), carried into the header. */
    readonly notes: readonly string[];
}

function parseOptions(argv: readonly string[]): Options | undefined {
    const values = new Map<string, string>();
    const notes: string[] = [];
    let check = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--check") {
            check = true;
        } else if (argv[i] === "--note" && argv[i + 1] !== undefined) {
            notes.push(argv[++i]);
        } else if (argv[i].startsWith("--") && argv[i + 1] !== undefined) {
            values.set(argv[i].slice(2), argv[++i]);
        } else {
            return undefined;
        }
    }
    const provider = values.get("provider");
    if (!provider) return undefined;
    return {
        provider,
        pulumiAws: values.get("pulumi-aws"),
        sourceRepo: values.get("source-repo"),
        sourceCommit: values.get("source-commit"),
        providerVersion: values.get("provider-version"),
        out: values.get("out") ?? OUTPUT,
        check,
        notes,
    };
}

export interface Rule {
    readonly path: string;
    readonly how: Found["how"];
    readonly source: string;
    readonly unless?: string;
    readonly note?: string;
}

export interface TypeEntry {
    readonly terraformType: string;
    readonly framework: Analysis["framework"];
    readonly autoNamed?: string;
    readonly replaceOn: Rule[];
    readonly suppressedWhenRemoved: { path: string; source: string }[];
    readonly refusedChanges: Rule[];
    readonly unresolved: string[];
}

/** Analyses every listed type and maps Terraform paths to Pulumi input paths. */
export function buildTable(src: ProviderSource, inputs: PulumiInputs, types: readonly ResourceType[] = RESOURCE_TYPES): Map<string, TypeEntry> {
    const analyzer = new Analyzer(src);
    const table = new Map<string, TypeEntry>();
    for (const t of [...types].sort((x, y) => x.token.localeCompare(y.token))) {
        if (!inputs.hasResource(t.token)) throw new Error(`${t.token}: not a resource of the installed @pulumi/aws (scripts/replacements/types.ts)`);
        const a = analyzer.analyze(t);
        const unresolved = [...a.unresolved];
        const toPulumi = (tf: readonly string[]): string | undefined => {
            const m = inputs.map(t.token, tf, t.renames);
            if ("path" in m) return m.path;
            unresolved.push(`${tf.join(".")}: ${m.error}`);
            return undefined;
        };
        const rules = (found: readonly Found[]): Rule[] => {
            const out = new Map<string, Rule>();
            for (const f of found) {
                const p = toPulumi(f.tf);
                if (p === undefined) continue;
                const unless = f.unlessTf ? toPulumi(f.unlessTf) : undefined;
                const rule: Rule = { path: p, how: f.how, source: f.source, ...(unless ? { unless } : {}), ...(f.note ? { note: f.note } : {}) };
                out.set(`${rule.path}\u0000${rule.how}\u0000${rule.source}\u0000${rule.note ?? ""}`, rule);
            }
            return [...out.values()].sort(byPath);
        };
        const suppressed = a.suppressed.flatMap((s) => {
            const p = toPulumi(s.tf);
            return p === undefined ? [] : [{ path: p, source: s.source }];
        });
        table.set(t.token, {
            terraformType: t.terraformType,
            framework: a.framework,
            autoNamed: autoNamed(t, a, inputs),
            replaceOn: rules(a.replaceOn),
            suppressedWhenRemoved: suppressed.sort(byPath),
            refusedChanges: rules(a.refused),
            unresolved: [...new Set(unresolved)].sort(),
        });
    }
    return table;
}

/**
 * The property the bridge auto-names: pulumi-aws's own setting where types.ts records one, else the
 * bridge's default (SetAutonaming): a top-level `name` the Terraform schema takes as input, made
 * optional in the Pulumi inputs.
 */
function autoNamed(t: ResourceType, a: Analysis, inputs: PulumiInputs): string | undefined {
    if (t.autoName) return t.autoName.property;
    if (!a.nameAttribute) return undefined;
    return inputs.optional(t.token, camel("name")) ? "name" : undefined;
}

function byPath<T extends { path: string; how?: string; source: string }>(x: T, y: T): number {
    return x.path.localeCompare(y.path) || (x.how ?? "").localeCompare(y.how ?? "") || x.source.localeCompare(y.source, undefined, { numeric: true });
}

interface PatchReport {
    readonly name: string;
    /** Files of the packages read that the patch changes. */
    readonly files: string[];
    /** Whether a changed line mentions ForceNew, RequiresReplace, CustomizeDiff, ModifyPlan or a DiffSuppressFunc. */
    readonly relevant: boolean;
}

/** Lists pulumi-aws's patches that touch the provider packages the table reads. */
export function readPatches(pulumiAws: string, types: readonly ResourceType[] = RESOURCE_TYPES): PatchReport[] {
    const dir = path.join(pulumiAws, "patches");
    const pkgs = new Set(types.map((t) => t.pkg));
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".patch"))
        .sort()
        .flatMap((name) => {
            const text = fs.readFileSync(path.join(dir, name), "utf8");
            const files = [...text.matchAll(/^diff --git a\/(\S+)/gm)].map((m) => m[1]).filter((f) => pkgs.has(path.dirname(f)));
            if (!files.length) return [];
            const changed = text.split("\n").filter((l) => /^[+-](?![+-])/.test(l));
            const relevant = changed.some((l) => /ForceNew|RequiresReplace|CustomizeDiff|ModifyPlan|DiffSuppressFunc/.test(l));
            return [{ name, files, relevant }];
        });
}

function str(s: string): string {
    return JSON.stringify(s);
}

function ruleLiteral(r: Rule): string {
    const parts = [`path: ${str(r.path)}`, `how: ${str(r.how)}`, `source: ${str(r.source)}`];
    if (r.unless) parts.push(`unless: ${str(r.unless)}`);
    if (r.note) parts.push(`note: ${str(r.note)}`);
    return `{ ${parts.join(", ")} }`;
}

export interface Header {
    readonly pulumiAws: string;
    readonly terraformProviderAws: string;
    readonly commit: string;
    readonly sourceTree: string;
    readonly patches: readonly string[];
    readonly caveats: readonly string[];
    readonly generatedBy: string;
}

export function render(header: Header, table: ReadonlyMap<string, TypeEntry>): string {
    const out: string[] = [];
    out.push("// GENERATED by scripts/replacements/generate.ts; do not edit. Regenerate with:");
    out.push(`//   ${header.generatedBy}`);
    out.push(`// Read from ${header.sourceTree} (terraform-provider-aws ${header.terraformProviderAws}) for @pulumi/aws ${header.pulumiAws}.`);
    for (const c of header.caveats) out.push(`// ${c}`);
    out.push("");
    out.push("/** Where the table was read from; see docs/aws-behaviour.md, \"Which changes replace a resource\". */");
    out.push("export const REPLACEMENT_SOURCE = {");
    out.push(`    pulumiAws: ${str(header.pulumiAws)},`);
    out.push(`    terraformProviderAws: ${str(header.terraformProviderAws)},`);
    out.push(`    commit: ${str(header.commit)},`);
    out.push(`    sourceTree: ${str(header.sourceTree)},`);
    out.push(`    patches: [${header.patches.map(str).join(", ")}],`);
    out.push(`    caveats: [${header.caveats.map((c) => `\n        ${str(c)}`).join(",")}${header.caveats.length ? ",\n    " : ""}],`);
    out.push(`    generatedBy: ${str(header.generatedBy)},`);
    out.push("} as const;");
    out.push("");
    out.push(`/** One input whose change replaces the resource (replaceOn) or is refused by the provider (refusedChanges). */
export interface ReplacementRule {
    /** Pulumi input path: camelCase as in @pulumi/aws's inputs, dot-separated, list indexes omitted. */
    readonly path: string;
    /** ForceNew: SDKv2 schema; RequiresReplace: Plugin Framework plan modifier or ModifyPlan; CustomizeDiff: SDKv2 CustomizeDiff. */
    readonly how: "ForceNew" | "RequiresReplace" | "CustomizeDiff";
    /** Repository-relative file:line of the source tree in REPLACEMENT_SOURCE. */
    readonly source: string;
    /** Pulumi input path that, when truthy, lets the change through (CustomizeDiff only). */
    readonly unless?: string;
    /** The condition, quoted from the source, under which the rule applies. */
    readonly note?: string;
}

export interface TypeReplacements {
    readonly terraformType: string;
    readonly framework: "sdkv2" | "plugin-framework";
    /** Pulumi property the bridge auto-names (an explicit value makes a replacement delete first). */
    readonly autoNamed?: string;
    readonly replaceOn: readonly ReplacementRule[];
    /**
     * Blocks whose DiffSuppressFunc is verify.SuppressMissingOptionalConfigurationBlock (\`old == "1" && new == "0"\`):
     * the SDK drops the block's count going from 1 to 0, so removing the block does not remove it.
     * Its nested attributes' diffs pass through the same function and stay unless they too go "1" -> "0"
     * (terraform-plugin-sdk schemaMap.diff): see docs/aws-behaviour.md, "Which changes replace a resource".
     */
    readonly suppressedWhenRemoved: readonly { readonly path: string; readonly source: string }[];
    readonly refusedChanges?: readonly ReplacementRule[];
    /** What the generator could not follow: the rules above may be incomplete for these. */
    readonly unresolved?: string;
}
`);
    out.push("export const REPLACEMENTS: Readonly<Record<string, TypeReplacements>> = {");
    for (const [token, e] of table) {
        out.push(`    ${str(token)}: {`);
        out.push(`        terraformType: ${str(e.terraformType)},`);
        out.push(`        framework: ${str(e.framework)},`);
        if (e.autoNamed) out.push(`        autoNamed: ${str(e.autoNamed)},`);
        out.push(`        replaceOn: [${e.replaceOn.map((r) => `\n            ${ruleLiteral(r)},`).join("")}${e.replaceOn.length ? "\n        " : ""}],`);
        out.push(`        suppressedWhenRemoved: [${e.suppressedWhenRemoved.map((s) => `\n            { path: ${str(s.path)}, source: ${str(s.source)} },`).join("")}${e.suppressedWhenRemoved.length ? "\n        " : ""}],`);
        if (e.refusedChanges.length) out.push(`        refusedChanges: [${e.refusedChanges.map((r) => `\n            ${ruleLiteral(r)},`).join("")}\n        ],`);
        if (e.unresolved.length) out.push(`        unresolved: ${str(e.unresolved.join("; "))},`);
        out.push("    },");
    }
    out.push("};");
    return out.join("\n") + "\n";
}

function main(argv: readonly string[]): number {
    const opts = parseOptions(argv);
    if (!opts) {
        console.error(USAGE);
        return 2;
    }
    const src = openSource(opts.provider);
    const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
    const pulumiAws = (JSON.parse(fs.readFileSync(path.join(awsDir, "package.json"), "utf8")) as { version: string }).version;
    const version = opts.providerVersion ?? src.version;
    if (!version) throw new Error("--provider-version is needed for a checkout (the symbol index states its own)");
    const table = buildTable(src, new PulumiInputs(awsDir));
    const patches = opts.pulumiAws ? readPatches(opts.pulumiAws) : undefined;
    const caveats: string[] = [...opts.notes];
    if (src.kind === "symbol-index") {
        caveats.push("Sources are one file per Go symbol (index/<package>/func.<name>.goindex), each the symbol's source verbatim at that tag; lines are lines of those files.");
    }
    if (!patches) {
        caveats.push("pulumi-aws patches/ were not read by the generator (no --pulumi-aws checkout).");
    } else {
        for (const p of patches.filter((x) => x.relevant)) caveats.push(`Patch ${p.name} changes replacement-relevant lines in ${p.files.join(", ")}: check the table against it.`);
    }
    // The command that writes this file: --check and --out change where the text goes, not the text.
    const kept = argv.filter((a, i) => a !== "--check" && a !== "--out" && argv[i - 1] !== "--out");
    const args = kept.map((a) => (/[^\w./:@=-]/.test(a) ? `'${a.replace(/'/g, "'\\''")}'` : a)).join(" ");
    const header: Header = {
        pulumiAws,
        terraformProviderAws: version,
        commit: opts.sourceCommit ?? "unknown",
        sourceTree: opts.sourceRepo ? `${opts.sourceRepo}@${version}` : `terraform-provider-aws ${version}`,
        patches: patches?.map((p) => p.name) ?? [],
        caveats,
        generatedBy: `npm run replacements -- ${args.replace(/--provider \S+/, "--provider <dir>").replace(/--pulumi-aws \S+/, "--pulumi-aws <dir>")}`,
    };
    const text = render(header, table);
    if (opts.check) {
        const same = fs.existsSync(opts.out) && fs.readFileSync(opts.out, "utf8") === text;
        console.log(same ? `${opts.out} is up to date` : `${opts.out} would change`);
        return same ? 0 : 1;
    }
    fs.writeFileSync(opts.out, text);
    const rules = [...table.values()].reduce((n, e) => n + e.replaceOn.length, 0);
    const refused = [...table.values()].reduce((n, e) => n + e.refusedChanges.length, 0);
    const unresolved = [...table.entries()].filter(([, e]) => e.unresolved.length).map(([t]) => t);
    console.log(`wrote ${path.relative(ROOT, opts.out)}: ${table.size} types, ${rules} replacement rules, ${refused} refused changes; unresolved: ${unresolved.join(", ") || "none"}`);
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
