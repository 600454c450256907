// Reads one resource's Go source for what makes Terraform replace it or refuse a change:
// SDKv2 `ForceNew: true` (nested blocks included), Plugin Framework `RequiresReplace*` plan
// modifiers, `CustomizeDiff` / `ModifyPlan` logic (quoted with its conditions), and the blocks whose
// `DiffSuppressFunc` is verify.SuppressMissingOptionalConfigurationBlock (removing such a block from
// the program shows no diff and leaves the old setting live). What it cannot follow it reports.
import { elements, field, FuncDecl, GoFile, Group, isGroup, isToken, lineOf, Node, statements, textOf, Token, valueOf } from "./go";
import { packageOf, ProviderSource } from "./source";
import { ResourceType } from "./types";

export type How = "ForceNew" | "RequiresReplace" | "CustomizeDiff";

export interface Found {
    /** Terraform attribute path, list indexes dropped. */
    readonly tf: readonly string[];
    readonly how: How;
    readonly source: string;
    readonly note?: string;
    readonly unlessTf?: readonly string[];
}

export interface Analysis {
    readonly framework: "sdkv2" | "plugin-framework";
    readonly replaceOn: Found[];
    readonly refused: Found[];
    readonly suppressed: { tf: readonly string[]; source: string }[];
    readonly unresolved: string[];
    /** How the top-level `name` attribute is declared, for the bridge's default auto-naming. */
    nameAttribute?: "required" | "optional";
}

const MAX_DEPTH = 12;
/** Schema helpers from outside the provider that declare nothing that forces a replacement. */
const INERT = /^(tftags\.Tags(Schema|SchemaComputed|SchemaTrulyComputed|Attribute|AttributeComputedOnly)|framework\.(IDAttribute|ARNAttributeComputedOnly|IDAttributeDeprecatedWithAlternate)|timeouts\.(Block|Attributes))$/;

interface At {
    readonly file: GoFile;
    readonly pkg: string;
}

export class Analyzer {
    constructor(private readonly src: ProviderSource) {}

    analyze(t: ResourceType): Analysis {
        const a: Analysis = { framework: t.framework ? "plugin-framework" : "sdkv2", replaceOn: [], refused: [], suppressed: [], unresolved: [] };
        if (t.sdkv2) {
            this.sdkResource(a, t);
        } else if (t.framework) {
            this.frameworkResource(a, t);
        }
        return a;
    }

    private where(file: GoFile, line: number): string {
        return `${file.path}:${line}`;
    }

    // ---- SDKv2 ----

    private sdkResource(a: Analysis, t: ResourceType): void {
        const fn = this.src.func(t.pkg, t.sdkv2!);
        if (!fn) {
            a.unresolved.push(`${t.pkg}: no func ${t.sdkv2}`);
            return;
        }
        const notes = this.src.annotations(fn);
        if (notes && !notes.some((n) => n.includes(`"${t.terraformType}"`))) {
            a.unresolved.push(`${fn.file.path}:${fn.line}: ${t.sdkv2} is not annotated as ${t.terraformType}`);
        }
        const resource = this.returnedComposite({ file: fn.file, pkg: t.pkg }, fn.body, /schema\.Resource$/);
        if (!resource) {
            a.unresolved.push(`${fn.file.path}:${fn.line}: ${t.sdkv2} does not return a &schema.Resource{...} literal`);
            return;
        }
        this.resourceBody(a, resource.at, resource.body, [], 0);
        const cd = field(resource.body, "CustomizeDiff");
        if (cd) this.customizeDiff(a, resource.at, cd, [], 0);
    }

    /** Walks a `schema.Resource{...}` literal's Schema / SchemaFunc. */
    private resourceBody(a: Analysis, at: At, body: Group, prefix: readonly string[], depth: number): void {
        const schemaNodes = field(body, "Schema") ?? field(body, "SchemaFunc");
        if (!schemaNodes) {
            a.unresolved.push(`${this.where(at.file, body.open.line)}: resource literal without Schema${prefix.length ? ` under ${prefix.join(".")}` : ""}`);
            return;
        }
        const map = this.resolveComposite(a, at, schemaNodes, /^map\[string\]\*schema\.Schema$/, depth);
        if (map) this.schemaMap(a, map.at, map.body, prefix, depth);
    }

    private schemaMap(a: Analysis, at: At, body: Group, prefix: readonly string[], depth: number): void {
        for (const e of elements(body)) {
            if (!e.key) continue;
            const key = this.key(at, e.key);
            if (key === undefined) {
                a.unresolved.push(`${this.where(at.file, lineOf(e.key[0]))}: schema key ${textOf(at.file, e.key)} not resolved`);
                continue;
            }
            this.schemaEntry(a, at, key, e.value, prefix, depth);
        }
    }

    private schemaEntry(a: Analysis, at: At, key: string, valueNodes: readonly Node[], prefix: readonly string[], depth: number): void {
        const path = [...prefix, key];
        const v = valueOf(at.file, valueNodes);
        if (v.kind === "call" && INERT.test(v.callee)) return;
        if (v.kind === "call" && !this.calleeOf(at, v.callee)) {
            if (/ForceNew/.test(v.callee)) a.replaceOn.push({ tf: path, how: "ForceNew", source: this.where(at.file, v.line), note: `schema from ${v.callee}()` });
            else a.unresolved.push(`${this.where(at.file, v.line)}: ${path.join(".")} is built by ${v.callee}(), which was not read`);
            return;
        }
        const schema = v.kind === "composite" && (v.type === "" || /schema\.Schema$/.test(v.type)) ? { at, body: v.body } : this.resolveComposite(a, at, valueNodes, /schema\.Schema$/, depth);
        if (!schema) return;
        const s = schema.body;
        const flag = (name: string): boolean => {
            const f = field(s, name);
            return f !== undefined && isToken(f[0], "true");
        };
        const input = flag("Optional") || flag("Required");
        if (prefix.length === 0 && key === "name" && input) a.nameAttribute = flag("Required") ? "required" : "optional";
        const forceNew = field(s, "ForceNew");
        if (forceNew && isToken(forceNew[0], "true") && input) {
            a.replaceOn.push({ tf: path, how: "ForceNew", source: this.where(schema.at.file, lineOf(forceNew[0])) });
        }
        const suppress = field(s, "DiffSuppressFunc");
        const type = field(s, "Type");
        // The function suppresses a diff from "1" to "0": on a block (list or set) that is its count going to zero.
        const block = type !== undefined && /schema\.Type(List|Set)$/.test(textOf(schema.at.file, type));
        if (suppress && block && /SuppressMissingOptionalConfigurationBlock$/.test(textOf(schema.at.file, suppress))) {
            a.suppressed.push({ tf: path, source: this.where(schema.at.file, lineOf(suppress[0])) });
        }
        const elem = field(s, "Elem");
        if (elem && depth < MAX_DEPTH) {
            const ev = valueOf(schema.at.file, elem);
            if (ev.kind === "composite" && /schema\.Schema$/.test(ev.type)) return;
            const resource = this.resolveComposite(a, schema.at, elem, /schema\.Resource$/, depth, true);
            if (resource) this.resourceBody(a, resource.at, resource.body, path, depth + 1);
        }
    }

    /** A schema map key: a string, a `names.Attr...` constant, or a string constant of the package. */
    private key(at: At, nodes: readonly Node[]): string | undefined {
        const v = valueOf(at.file, nodes);
        if (v.kind === "string") return v.value;
        if (v.kind !== "ident") return undefined;
        const [head, tail] = v.name.split(".");
        if (tail && at.file.imports.get(head)?.endsWith("/names")) return this.src.attrName(tail);
        if (!tail) {
            const decl = this.src.variable(at.pkg, head);
            const dv = decl && valueOf(decl.file, decl.value);
            return dv?.kind === "string" ? dv.value : undefined;
        }
        return undefined;
    }

    /** The package directory of a callee, if the provider defines it (same package or an internal import). */
    private calleeOf(at: At, callee: string): { pkg: string; name: string } | undefined {
        const parts = callee.split(".");
        if (parts.length === 1) return this.src.func(at.pkg, callee) || this.src.variable(at.pkg, callee) ? { pkg: at.pkg, name: callee } : undefined;
        const imported = at.file.imports.get(parts[0]);
        const pkg = imported ? packageOf(imported) : undefined;
        return pkg && parts.length === 2 && (this.src.func(pkg, parts[1]) || this.src.variable(pkg, parts[1])) ? { pkg, name: parts[1] } : undefined;
    }

    /**
     * Follows an expression to the composite literal it evaluates to: the literal itself, a
     * function literal or function that returns one, or a package variable holding one.
     */
    private resolveComposite(a: Analysis, at: At, nodes: readonly Node[], type: RegExp, depth: number, quiet = false): { at: At; body: Group } | undefined {
        if (depth > MAX_DEPTH) return undefined;
        const v = valueOf(at.file, nodes);
        const fail = (why: string): undefined => {
            if (!quiet || v.kind !== "composite") a.unresolved.push(`${this.where(at.file, v.line)}: ${why}`);
            return undefined;
        };
        switch (v.kind) {
            case "composite":
                return type.test(v.type) || v.type === "" ? { at, body: v.body } : fail(`expected ${type.source}, found ${v.type}{...}`);
            case "funclit": {
                const r = this.returnedComposite(at, v.body, type);
                return r ?? fail(`function literal does not return ${type.source}`);
            }
            case "call":
            case "ident": {
                // sync.OnceValue(func() T {...}) and maps.Clone(m) evaluate to what their argument does.
                if (v.kind === "call" && /^(sync\.OnceValue|maps\.Clone)$/.test(v.callee) && v.args.length === 1) {
                    return this.resolveComposite(a, at, v.args[0], type, depth + 1, quiet);
                }
                const name = v.kind === "call" ? v.callee : v.name;
                const target = this.calleeOf(at, name);
                if (!target) return fail(`${name} is not defined in the provider source that was read`);
                const fn = this.src.func(target.pkg, target.name);
                if (fn) return this.returnedComposite({ file: fn.file, pkg: target.pkg }, fn.body, type) ?? fail(`${name} does not return a ${type.source} literal`);
                const decl = this.src.variable(target.pkg, target.name)!;
                return this.resolveComposite(a, { file: decl.file, pkg: target.pkg }, decl.value, type, depth + 1, quiet);
            }
            default:
                return fail(`cannot follow ${textOf(at.file, nodes).slice(0, 80)}`);
        }
    }

    /** The composite literal of the function body's last `return` of that type. */
    private returnedComposite(at: At, body: Group, type: RegExp): { at: At; body: Group } | undefined {
        let found: { at: At; body: Group } | undefined;
        for (const stmt of statements(body)) {
            if (!isToken(stmt[0], "return")) continue;
            const v = valueOf(at.file, stmt.slice(1));
            if (v.kind === "composite" && type.test(v.type)) found = { at, body: v.body };
            // A function that returns a function building the schema (sync.OnceValue's argument).
            if (v.kind === "funclit") found = this.returnedComposite(at, v.body, type) ?? found;
        }
        return found;
    }

    // ---- CustomizeDiff ----

    private customizeDiff(a: Analysis, at: At, nodes: readonly Node[], conds: readonly string[], depth: number): void {
        if (depth > MAX_DEPTH) return;
        const v = valueOf(at.file, nodes);
        if (v.kind === "call") {
            const short = v.callee.split(".").pop()!;
            const external = v.callee.startsWith("customdiff.");
            if (external && (short === "Sequence" || short === "All")) {
                v.args.forEach((arg) => this.customizeDiff(a, at, arg, conds, depth + 1));
            } else if (external && (short === "ForceNewIf" || short === "ForceNewIfChange")) {
                const key = this.key(at, v.args[0]);
                const cond = `${v.callee}: ${textOf(at.file, v.args[1])}`;
                if (key) a.replaceOn.push({ tf: tfPath(key), how: "CustomizeDiff", source: this.where(at.file, v.line), note: [...conds, cond].join(" => ") });
                else a.unresolved.push(`${this.where(at.file, v.line)}: ${v.callee} on ${textOf(at.file, v.args[0])}`);
            } else if (external && short === "If") {
                this.customizeDiff(a, at, v.args[1], [...conds, `customdiff.If: ${textOf(at.file, v.args[0])}`], depth + 1);
            } else if (external && (short === "IfValueChange" || short === "IfValue")) {
                this.customizeDiff(a, at, v.args[2], [...conds, `${v.callee}(${textOf(at.file, v.args[0])}): ${textOf(at.file, v.args[1])}`], depth + 1);
            } else if (!/^(verify\.SetTagsDiff|customdiff\.ComputedIf\w*)$/.test(v.callee)) {
                const target = this.calleeOf(at, v.callee);
                const fn = target && this.src.func(target.pkg, target.name);
                if (fn) {
                    const r = statements(fn.body).find((s) => isToken(s[0], "return"));
                    if (r) this.customizeDiff(a, { file: fn.file, pkg: target.pkg }, r.slice(1), conds, depth + 1);
                } else {
                    a.unresolved.push(`${this.where(at.file, v.line)}: CustomizeDiff ${v.callee}(...) not read`);
                }
            }
        } else if (v.kind === "ident") {
            if (/^verify\.SetTagsDiff$/.test(v.name)) return;
            const target = this.calleeOf(at, v.name);
            const fn = target && this.src.func(target.pkg, target.name);
            if (fn) this.diffBody(a, { file: fn.file, pkg: target.pkg }, fn.body, conds, depth + 1, paramName(fn));
            else a.unresolved.push(`${this.where(at.file, v.line)}: CustomizeDiff ${v.name} not read`);
        } else if (v.kind === "funclit") {
            const param = /(\w+)\s+\*schema\.ResourceDiff/.exec(textOf(at.file, nodes.slice(0, -1)))?.[1] ?? "d";
            this.diffBody(a, at, v.body, conds, depth + 1, param);
        }
    }

    /** Walks a CustomizeDiff function body, keeping the conditions that lead to each statement. */
    private diffBody(a: Analysis, at: At, body: Group, conds: readonly string[], depth: number, diffVar: string): void {
        let label: string | undefined;
        let passed: string[] = [];
        for (const stmt of statements(body)) {
            let s: readonly Node[] = stmt;
            if (isToken(s[0], "case") || isToken(s[0], "default")) {
                const colon = s.findIndex((n) => isToken(n, ":"));
                label = textOf(at.file, s.slice(0, colon));
                passed = [];
                s = s.slice(colon + 1);
                if (!s.length) continue;
            }
            this.diffStatement(a, at, s, [...conds, ...(label ? [label] : []), ...passed], depth, diffVar);
            // Statements after `if cond { ...; return }` (no else) run only when cond is false.
            const bodyAt = isToken(s[0], "if") ? s.findIndex((n) => isGroup(n, "{")) : -1;
            if (bodyAt > 0 && bodyAt === s.length - 1) {
                const last = statements(s[bodyAt] as Group).pop();
                if (last && isToken(last[0], "return")) passed = [...passed, `!(${textOf(at.file, s.slice(1, bodyAt))})`];
            }
        }
    }

    private diffStatement(a: Analysis, at: At, stmt: readonly Node[], conds: readonly string[], depth: number, diffVar: string): void {
        const head = stmt[0];
        if (isToken(head, "if")) {
            let rest = stmt;
            let negated: string[] = [];
            while (isToken(rest[0], "if")) {
                const bodyAt = rest.findIndex((n) => isGroup(n, "{"));
                if (bodyAt < 0) {
                    a.unresolved.push(`${this.where(at.file, lineOf(rest[0]))}: could not read the statement ${textOf(at.file, rest).slice(0, 80)}`);
                    return;
                }
                const cond = textOf(at.file, rest.slice(1, bodyAt));
                // `if err := d.ForceNew("x"); err != nil {`: the header's call runs whenever the if is reached.
                this.forceNewCalls(a, at, rest.slice(1, bodyAt), [...conds, ...negated], diffVar);
                this.diffBody(a, at, rest[bodyAt] as Group, [...conds, ...negated, cond], depth, diffVar);
                negated = [...negated, `!(${cond})`];
                rest = isToken(rest[bodyAt + 1], "else") ? rest.slice(bodyAt + 2) : [];
            }
            if (isGroup(rest[0], "{")) this.diffBody(a, at, rest[0] as Group, [...conds, ...negated], depth, diffVar);
            return;
        }
        if (isToken(head, "for") || isToken(head, "switch") || isToken(head, "select")) {
            const bodyAt = stmt.findIndex((n) => isGroup(n, "{"));
            if (bodyAt < 0) {
                a.unresolved.push(`${this.where(at.file, lineOf(head))}: could not read the statement ${textOf(at.file, stmt).slice(0, 80)}`);
                return;
            }
            this.diffBody(a, at, stmt[bodyAt] as Group, [...conds, textOf(at.file, stmt.slice(0, bodyAt))], depth, diffVar);
            return;
        }
        this.forceNewCalls(a, at, stmt, conds, diffVar);
        if (isToken(head, "return")) {
            const text = textOf(at.file, stmt);
            const message = /(?:fmt\.Errorf|errors\.New)\(\s*("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
            if (!message && !/Error\(/.test(text)) return;
            // An error passed on from a failed call (`if err != nil { return err }`) refuses nothing.
            if (/\berr\s*!=\s*nil\b/.test(conds[conds.length - 1] ?? "")) return;
            const changed = changedKeys(conds.join(" "));
            if (!changed.length) return;
            const unless = unlessKey(conds);
            for (const key of changed) {
                const resolved = this.resolveKeyText(at, key);
                if (!resolved) continue;
                a.refused.push({
                    tf: tfPath(resolved),
                    how: "CustomizeDiff",
                    source: this.where(at.file, (head as Token).line),
                    note: `if ${conds.join(" => ")} { ${text.slice(0, 300)} }`,
                    unlessTf: unless ? tfPath(this.resolveKeyText(at, unless) ?? unless) : undefined,
                });
            }
        }
    }

    /** `d.ForceNew("key")` calls among the nodes. */
    private forceNewCalls(a: Analysis, at: At, nodes: readonly Node[], conds: readonly string[], diffVar: string): void {
        const flat = flatten(nodes);
        for (let i = 0; i + 3 < flat.length; i++) {
            if (isToken(flat[i], diffVar) && isToken(flat[i + 1], ".") && isToken(flat[i + 2], "ForceNew") && isToken(flat[i + 3], "(")) {
                const key = this.keyFromFlat(at, flat, i + 4);
                if (key) a.replaceOn.push({ tf: tfPath(key), how: "CustomizeDiff", source: this.where(at.file, (flat[i] as Token).line), note: conds.join(" => ") || undefined });
                else a.unresolved.push(`${this.where(at.file, (flat[i] as Token).line)}: ForceNew on a key not read`);
            }
        }
    }

    private keyFromFlat(at: At, flat: readonly Node[], i: number): string | undefined {
        const t = flat[i] as Token;
        if (t.kind === "string") return JSON.parse(t.text) as string;
        if (t.kind === "ident" && isToken(flat[i + 1], ".") && at.file.imports.get(t.text)?.endsWith("/names")) return this.src.attrName((flat[i + 2] as Token).text);
        return undefined;
    }

    private resolveKeyText(at: At, key: string): string | undefined {
        if (key.startsWith('"')) return JSON.parse(key) as string;
        const m = /^(\w+)\.(Attr\w+)$/.exec(key);
        return m && at.file.imports.get(m[1])?.endsWith("/names") ? this.src.attrName(m[2]) : undefined;
    }

    // ---- Plugin Framework ----

    private frameworkResource(a: Analysis, t: ResourceType): void {
        const schemaMethod = this.methodOf(t.pkg, t.framework!, "Schema");
        if (!schemaMethod) {
            a.unresolved.push(`${t.pkg}: no Schema method on ${t.framework} or the structs it embeds`);
            return;
        }
        const at = { file: schemaMethod.file, pkg: t.pkg };
        const assignment = statements(schemaMethod.body).find((s) => s.some((n, i) => isToken(n, "Schema") && isToken(s[i + 1], "=")));
        const eq = assignment ? assignment.findIndex((n) => isToken(n, "=")) : -1;
        const schema = assignment && valueOf(at.file, assignment.slice(eq + 1));
        if (!schema || schema.kind !== "composite") {
            a.unresolved.push(`${schemaMethod.file.path}:${schemaMethod.line}: no \`Schema = schema.Schema{...}\` in ${t.framework}.Schema`);
            return;
        }
        this.frameworkObject(a, at, schema.body, [], 0);
        const modifyPlan = this.methodOf(t.pkg, t.framework!, "ModifyPlan");
        if (modifyPlan) this.modifyPlan(a, { file: modifyPlan.file, pkg: t.pkg }, modifyPlan.body, []);
    }

    /** A method of a struct, or of a struct it embeds. */
    private methodOf(pkg: string, struct: string, name: string, depth = 0): FuncDecl | undefined {
        const own = this.src.method(pkg, struct, name);
        if (own || depth > 4) return own;
        const decl = this.src.type(pkg, struct);
        for (const line of decl?.body ? statements(decl.body) : []) {
            const idents = line.filter((n) => isToken(n) && n.kind === "ident") as Token[];
            if (idents.length === 1 && line.every((n) => isToken(n) && (n.kind === "ident" || n.text === "*"))) {
                const found = this.methodOf(pkg, idents[0].text, name, depth + 1);
                if (found) return found;
            }
        }
        return undefined;
    }

    /** An object of attributes and blocks: the schema itself or a nested block's NestedObject. */
    private frameworkObject(a: Analysis, at: At, body: Group, prefix: readonly string[], depth: number): void {
        for (const kind of ["Attributes", "Blocks"]) {
            const nodes = field(body, kind);
            if (!nodes) continue;
            const map = this.resolveComposite(a, at, nodes, /^map\[string\]schema\.(Attribute|Block)$/, depth);
            if (!map) continue;
            for (const e of elements(map.body)) {
                if (!e.key) continue;
                const key = this.key(map.at, e.key);
                if (key === undefined) {
                    a.unresolved.push(`${this.where(map.at.file, lineOf(e.key[0]))}: attribute key ${textOf(map.at.file, e.key)} not resolved`);
                    continue;
                }
                this.frameworkEntry(a, map.at, key, e.value, prefix, depth);
            }
        }
    }

    private frameworkEntry(a: Analysis, at: At, key: string, nodes: readonly Node[], prefix: readonly string[], depth: number): void {
        const path = [...prefix, key];
        const v = valueOf(at.file, nodes);
        if (v.kind === "call" && INERT.test(v.callee)) return;
        if (v.kind === "call" && !this.calleeOf(at, v.callee)) {
            a.unresolved.push(`${this.where(at.file, v.line)}: ${path.join(".")} is built by ${v.callee}(), which was not read`);
            return;
        }
        const lit = v.kind === "composite" ? { at, body: v.body } : this.resolveComposite(a, at, nodes, /^schema\.\w+$/, depth);
        if (!lit) return;
        const modifiers = field(lit.body, "PlanModifiers");
        const group = modifiers && valueOf(lit.at.file, modifiers);
        if (group && group.kind === "composite") {
            for (const m of elements(group.body)) {
                const mv = valueOf(lit.at.file, m.value);
                if (mv.kind === "call" && /RequiresReplace/.test(mv.callee)) {
                    const conditional = !/\.RequiresReplace$/.test(mv.callee);
                    a.replaceOn.push({ tf: path, how: "RequiresReplace", source: this.where(lit.at.file, mv.line), note: conditional ? textOf(lit.at.file, m.value).slice(0, 300) : undefined });
                }
            }
        }
        const nested = field(lit.body, "NestedObject");
        if (nested && depth < MAX_DEPTH) {
            const obj = this.resolveComposite(a, lit.at, nested, /^schema\.Nested\w*Object$/, depth + 1);
            if (obj) this.frameworkObject(a, obj.at, obj.body, path, depth + 1);
        }
    }

    /** `response.RequiresReplace = ...` in ModifyPlan, with the conditions that lead to it. */
    private modifyPlan(a: Analysis, at: At, body: Group, conds: readonly string[]): void {
        for (const stmt of statements(body)) {
            if (isToken(stmt[0], "if")) {
                let rest: readonly Node[] = stmt;
                while (isToken(rest[0], "if")) {
                    const bodyAt = rest.findIndex((n) => isGroup(n, "{"));
                    this.modifyPlan(a, at, rest[bodyAt] as Group, [...conds, textOf(at.file, rest.slice(1, bodyAt))]);
                    rest = isToken(rest[bodyAt + 1], "else") ? rest.slice(bodyAt + 2) : [];
                }
                if (isGroup(rest[0], "{")) this.modifyPlan(a, at, rest[0] as Group, conds);
                continue;
            }
            const i = stmt.findIndex((n, k) => isToken(n, "RequiresReplace") && (isToken(stmt[k + 1], "=") || isToken(stmt[k + 1], ".")));
            if (i < 0) continue;
            const text = textOf(at.file, stmt);
            const keys = new Set<string>();
            for (const m of text.matchAll(/path\.Root\(([^)]+)\)/g)) {
                const arg = m[1].trim();
                if (arg.startsWith('"')) keys.add(JSON.parse(arg) as string);
                else this.stringsReturnedFor(at, arg, conds).forEach((k) => keys.add(k));
            }
            if (!keys.size) a.unresolved.push(`${this.where(at.file, lineOf(stmt[0]))}: ModifyPlan replaces on paths not read: ${text}`);
            for (const key of [...keys].sort()) {
                a.replaceOn.push({ tf: [key], how: "RequiresReplace", source: this.where(at.file, lineOf(stmt[0])), note: `ModifyPlan: if ${conds.join(" => ")} { ${text} }` });
            }
        }
    }

    /**
     * The attribute names a path variable can hold, when the condition binds it from a method call
     * (`if new, old := new.sourceAttributeName(), ...`): the strings that method returns.
     */
    private stringsReturnedFor(at: At, variable: string, conds: readonly string[]): string[] {
        for (const cond of conds) {
            const m = /^([\w, ]+):=(.*?);/.exec(cond);
            if (!m) continue;
            const vars = m[1].split(",").map((s) => s.trim());
            const calls = m[2].split(",").map((s) => s.trim());
            const call = calls[vars.indexOf(variable)];
            const method = call && /\.(\w+)\(\)$/.exec(call)?.[1];
            if (!method) continue;
            return this.src.methodsNamed(at.pkg, method).flatMap((fn) =>
                collectReturns(fn.body)
                    .map((s) => valueOf(fn.file, s.slice(1)))
                    .flatMap((rv) => (rv.kind === "string" && rv.value ? [rv.value] : [])),
            );
        }
        return [];
    }
}

/** Every `return` statement of a body, nested blocks and case clauses included. */
function collectReturns(body: Group): Node[][] {
    const out: Node[][] = [];
    for (const stmt of statements(body)) {
        const colon = isToken(stmt[0], "case") || isToken(stmt[0], "default") ? stmt.findIndex((n) => isToken(n, ":")) : -1;
        const s = colon >= 0 ? stmt.slice(colon + 1) : stmt;
        if (isToken(s[0], "return")) out.push(s);
        for (const n of s) if (isGroup(n, "{")) out.push(...collectReturns(n as Group));
    }
    return out;
}

function flatten(nodes: readonly Node[]): Node[] {
    const out: Node[] = [];
    for (const n of nodes) {
        if (isGroup(n)) {
            out.push(n.open, ...flatten(n.children), n.close);
        } else {
            out.push(n);
        }
    }
    return out;
}

/** The name of a CustomizeDiff function's *schema.ResourceDiff parameter. */
function paramName(fn: FuncDecl): string {
    const lineStart = fn.file.text.split("\n").slice(0, fn.line - 1).join("\n").length;
    const sig = fn.file.text.slice(lineStart, fn.body.open.start);
    return /(\w+)\s+\*schema\.ResourceDiff/.exec(sig)?.[1] ?? "d";
}

/** `health_check.0.protocol` -> [health_check, protocol]. */
function tfPath(key: string): string[] {
    return key.split(".").filter((s) => !/^\d+$/.test(s) && s !== "#" && s !== "%");
}

/** Keys whose change the conditions test: `HasChange("x")`, `HasChanges("x", "y")`. */
function changedKeys(conds: string): string[] {
    const keys: string[] = [];
    for (const m of conds.matchAll(/\.HasChanges?\(([^)]*)\)/g)) keys.push(...m[1].split(",").map((s) => s.trim()).filter(Boolean));
    return [...new Set(keys)];
}

/** A key whose truthy value the innermost condition requires to pass: `if v := d.Get("x").(bool); !v`. */
function unlessKey(conds: readonly string[]): string | undefined {
    const inner = conds[conds.length - 1] ?? "";
    const bound = /(\w+)\s*:=\s*\w+\.Get\(([^)]+)\)\.\(bool\)\s*;\s*!\s*\1\b/.exec(inner);
    if (bound) return bound[2].trim();
    return /!\s*\w+\.Get\(([^)]+)\)\.\(bool\)/.exec(inner)?.[1].trim();
}
