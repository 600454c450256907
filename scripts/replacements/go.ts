// A reader for the subset of Go that terraform-provider-aws resource schemas are written in:
// tokens (with Go's automatic semicolons), bracket groups, top-level declarations, composite
// literals, calls and the statements of a function body. It does not type-check; what it cannot
// interpret it returns as `other`, and the generator reports that instead of guessing.

export interface Token {
    readonly kind: "ident" | "string" | "number" | "rune" | "op" | "semi";
    readonly text: string;
    readonly line: number;
    readonly start: number;
    readonly end: number;
}

export interface Group {
    readonly kind: "group";
    readonly open: Token;
    readonly close: Token;
    readonly children: readonly Node[];
}

export type Node = Token | Group;

export interface GoFile {
    /** Repository-relative path, used in `file:line` sources. */
    readonly path: string;
    readonly text: string;
    readonly nodes: readonly Node[];
    /** Import alias (or last path element) to import path. */
    readonly imports: ReadonlyMap<string, string>;
}

const OPERATORS = ["<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^"];
const SEMI_AFTER = new Set(["break", "continue", "fallthrough", "return", "++", "--", ")", "]", "}"]);

// With a bracket or text to match, a false answer says nothing about the node's kind, so only
// the one-argument forms narrow the type.
export function isGroup(n: Node | undefined): n is Group;
export function isGroup(n: Node | undefined, open: string): boolean;
export function isGroup(n: Node | undefined, open?: string): boolean {
    return n !== undefined && (n as Group).kind === "group" && (open === undefined || (n as Group).open.text === open);
}

export function isToken(n: Node | undefined): n is Token;
export function isToken(n: Node | undefined, text: string): boolean;
export function isToken(n: Node | undefined, text?: string): boolean {
    return n !== undefined && (n as Group).kind !== "group" && (text === undefined || (n as Token).text === text);
}

export function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    let line = 1;
    const push = (kind: Token["kind"], start: number, end: number, startLine: number): void => {
        tokens.push({ kind, text: text.slice(start, end), line: startLine, start, end });
    };
    const newline = (at: number): void => {
        const last = tokens[tokens.length - 1];
        if (last && last.kind !== "semi" && (last.kind !== "op" || SEMI_AFTER.has(last.text)) && (last.kind !== "ident" || !isKeywordWithoutSemi(last.text))) {
            tokens.push({ kind: "semi", text: "\n", line, start: at, end: at });
        }
        line++;
    };
    while (i < text.length) {
        const c = text[i];
        if (c === "\n") {
            newline(i);
            i++;
        } else if (c === " " || c === "\t" || c === "\r") {
            i++;
        } else if (text.startsWith("//", i)) {
            while (i < text.length && text[i] !== "\n") i++;
        } else if (text.startsWith("/*", i)) {
            const end = text.indexOf("*/", i + 2);
            const stop = end < 0 ? text.length : end + 2;
            for (let j = i; j < stop; j++) if (text[j] === "\n") newline(j);
            i = stop;
        } else if (c === '"' || c === "'") {
            const start = i;
            i++;
            while (i < text.length && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
            i++;
            push(c === '"' ? "string" : "rune", start, i, line);
        } else if (c === "`") {
            const start = i;
            const startLine = line;
            const end = text.indexOf("`", i + 1);
            i = end < 0 ? text.length : end + 1;
            for (let j = start; j < i; j++) if (text[j] === "\n") line++;
            push("string", start, i, startLine);
        } else if (/[A-Za-z_]/.test(c)) {
            const start = i;
            while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
            push("ident", start, i, line);
        } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
            const start = i;
            while (i < text.length && /[0-9A-Za-z_.]/.test(text[i])) i++;
            push("number", start, i, line);
        } else {
            const op = OPERATORS.find((o) => text.startsWith(o, i)) ?? c;
            push("op", i, i + op.length, line);
            i += op.length;
        }
    }
    return tokens;
}

function isKeywordWithoutSemi(word: string): boolean {
    return ["func", "if", "else", "for", "switch", "case", "default", "go", "defer", "select", "var", "const", "type", "import", "package", "map", "struct", "interface", "chan", "range", "goto"].includes(word) && !SEMI_AFTER.has(word);
}

const CLOSING: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Nests tokens into bracket groups. */
export function group(tokens: readonly Token[]): Node[] {
    const root: Node[] = [];
    const stack: { open: Token; children: Node[] }[] = [];
    for (const t of tokens) {
        const top = stack.length ? stack[stack.length - 1].children : root;
        if (t.kind === "op" && CLOSING[t.text]) {
            stack.push({ open: t, children: [] });
        } else if (t.kind === "op" && (t.text === ")" || t.text === "]" || t.text === "}")) {
            const frame = stack.pop();
            if (!frame || CLOSING[frame.open.text] !== t.text) {
                throw new Error(`unbalanced ${t.text} at line ${t.line}`);
            }
            const g: Group = { kind: "group", open: frame.open, close: t, children: frame.children };
            (stack.length ? stack[stack.length - 1].children : root).push(g);
        } else {
            top.push(t);
        }
    }
    if (stack.length) throw new Error(`unclosed ${stack[stack.length - 1].open.text} at line ${stack[stack.length - 1].open.line}`);
    return root;
}

export function parseFile(path: string, text: string): GoFile {
    const nodes = group(tokenize(text));
    return { path, text, nodes, imports: readImports(nodes) };
}

function readImports(nodes: readonly Node[]): Map<string, string> {
    const imports = new Map<string, string>();
    const add = (parts: readonly Node[]): void => {
        const str = parts.find((p) => isToken(p) && p.kind === "string") as Token | undefined;
        if (!str) return;
        const importPath = str.text.slice(1, -1);
        const alias = parts.length > 1 && isToken(parts[0]) && parts[0].kind === "ident" ? parts[0].text : importPath.split("/").pop()!;
        imports.set(alias, importPath);
    };
    for (let i = 0; i < nodes.length; i++) {
        if (!isToken(nodes[i], "import")) continue;
        const next = nodes[i + 1];
        if (isGroup(next, "(")) {
            splitBy((next as Group).children, ";").forEach(add);
        } else {
            add(nodes.slice(i + 1, nodes.findIndex((n, j) => j > i && isToken(n) && n.kind === "semi")));
        }
    }
    return imports;
}

/** Splits nodes at tokens with the given text (";" matches automatic semicolons too), dropping empty parts. */
export function splitBy(nodes: readonly Node[], separator: string): Node[][] {
    const parts: Node[][] = [[]];
    for (const n of nodes) {
        if (isToken(n) && (n.text === separator || (separator === ";" && n.kind === "semi"))) {
            parts.push([]);
        } else {
            parts[parts.length - 1].push(n);
        }
    }
    return parts.filter((p) => p.length > 0);
}

export interface FuncDecl {
    readonly file: GoFile;
    readonly name: string;
    /** Receiver type name without `*`, for methods. */
    readonly receiver?: string;
    readonly line: number;
    readonly body: Group;
}

export interface TypeDecl {
    readonly file: GoFile;
    readonly name: string;
    readonly body?: Group;
}

export interface VarDecl {
    readonly file: GoFile;
    readonly name: string;
    readonly value: readonly Node[];
}

export interface Declarations {
    readonly funcs: FuncDecl[];
    readonly types: TypeDecl[];
    readonly vars: VarDecl[];
}

export function declarations(file: GoFile): Declarations {
    const out: Declarations = { funcs: [], types: [], vars: [] };
    const nodes = file.nodes;
    for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i];
        if (isToken(n, "func")) {
            let j = i + 1;
            let receiver: string | undefined;
            if (isGroup(nodes[j], "(")) {
                const idents = (nodes[j] as Group).children.filter((c) => isToken(c) && c.kind === "ident") as Token[];
                receiver = idents[idents.length - 1]?.text;
                j++;
            }
            const name = nodes[j] as Token;
            while (j < nodes.length && !isGroup(nodes[j], "{")) j++;
            if (isGroup(nodes[j], "{")) out.funcs.push({ file, name: name.text, receiver, line: (n as Token).line, body: nodes[j] as Group });
            i = j;
        } else if (isToken(n, "type")) {
            const name = nodes[i + 1] as Token;
            const body = isToken(nodes[i + 2], "struct") && isGroup(nodes[i + 3], "{") ? (nodes[i + 3] as Group) : undefined;
            out.types.push({ file, name: name.text, body });
        } else if (isToken(n) && n.kind === "ident" && isToken(nodes[i + 1], "=") && (i === 0 || isToken(nodes[i - 1]) && (nodes[i - 1] as Token).kind === "semi")) {
            // A symbol index stores one spec of a `var (...)` or `const (...)` block without the keyword.
            out.vars.push({ file, name: n.text, value: nodes.slice(i + 2, nextSemi(nodes, i + 2)) });
        } else if (isToken(n, "var") || isToken(n, "const")) {
            const specs = isGroup(nodes[i + 1], "(") ? splitBy((nodes[i + 1] as Group).children, ";") : [nodes.slice(i + 1, nextSemi(nodes, i + 1))];
            for (const spec of specs) {
                const eq = spec.findIndex((s) => isToken(s, "="));
                if (eq > 0 && isToken(spec[0]) && spec[0].kind === "ident") out.vars.push({ file, name: spec[0].text, value: spec.slice(eq + 1) });
            }
        }
    }
    return out;
}

function nextSemi(nodes: readonly Node[], from: number): number {
    for (let k = from; k < nodes.length; k++) if (isToken(nodes[k]) && (nodes[k] as Token).kind === "semi") return k;
    return nodes.length;
}

/** The source text a run of nodes spans, whitespace collapsed. */
export function textOf(file: GoFile, nodes: readonly Node[]): string {
    if (!nodes.length) return "";
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    const start = isGroup(first) ? first.open.start : first.start;
    const end = isGroup(last) ? last.close.end : last.end;
    return file.text.slice(start, end).replace(/\/\/[^\n]*/g, "").replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim();
}

export function lineOf(n: Node): number {
    return isGroup(n) ? n.open.line : n.line;
}

export type Value =
    | { readonly kind: "composite"; readonly type: string; readonly body: Group; readonly line: number }
    | { readonly kind: "call"; readonly callee: string; readonly args: Node[][]; readonly line: number }
    | { readonly kind: "funclit"; readonly body: Group; readonly line: number }
    | { readonly kind: "string"; readonly value: string; readonly line: number }
    | { readonly kind: "ident"; readonly name: string; readonly line: number }
    | { readonly kind: "other"; readonly nodes: readonly Node[]; readonly line: number };

/** Interprets an expression: a composite literal, a call, a function literal, a string, a name. */
export function valueOf(file: GoFile, nodes: readonly Node[]): Value {
    const ns = isToken(nodes[0], "&") ? nodes.slice(1) : nodes;
    const line = ns.length ? lineOf(ns[0]) : 0;
    const last = ns[ns.length - 1];
    if (isToken(ns[0], "func") && isGroup(last, "{")) return { kind: "funclit", body: last as Group, line };
    if (isGroup(last, "{")) return { kind: "composite", type: textOf(file, ns.slice(0, -1)), body: last as Group, line };
    if (isGroup(last, "(") && isDotted(ns.slice(0, -1))) {
        return { kind: "call", callee: ns.slice(0, -1).map((t) => (t as Token).text).join(""), args: splitBy((last as Group).children, ","), line };
    }
    if (ns.length === 1 && isToken(ns[0]) && ns[0].kind === "string") return { kind: "string", value: unquote(ns[0].text), line };
    if (isDotted(ns)) return { kind: "ident", name: ns.map((t) => (t as Token).text).join(""), line };
    return { kind: "other", nodes: ns, line };
}

function isDotted(ns: readonly Node[]): boolean {
    return ns.length > 0 && ns.every((t, k) => isToken(t) && (k % 2 === 0 ? t.kind === "ident" : t.text === "."));
}

export function unquote(s: string): string {
    return s.startsWith("`") ? s.slice(1, -1) : (JSON.parse(s) as string);
}

export interface Element {
    readonly key?: readonly Node[];
    readonly value: readonly Node[];
}

/** The elements of a composite literal's braces: `key: value` or bare values. */
export function elements(body: Group): Element[] {
    return splitBy(body.children.filter((c) => !(isToken(c) && c.kind === "semi")), ",").map((part) => {
        const colon = part.findIndex((p) => isToken(p, ":"));
        return colon > 0 ? { key: part.slice(0, colon), value: part.slice(colon + 1) } : { value: part };
    });
}

export function field(body: Group, name: string): readonly Node[] | undefined {
    return elements(body).find((e) => e.key?.length === 1 && isToken(e.key[0], name))?.value;
}

/** The statements of a block, split at semicolons. */
export function statements(body: Group): Node[][] {
    const parts: Node[][] = [[]];
    for (const n of body.children) {
        const part = parts[parts.length - 1];
        // `if v := f(); !v {`: a semicolon in an if, for or switch header does not end the statement.
        const keyword = part.map((p) => isToken(p, "if") || isToken(p, "for") || isToken(p, "switch")).lastIndexOf(true);
        const inHeader = isToken(n, ";") && keyword >= 0 && !part.slice(keyword).some((p) => isGroup(p, "{"));
        if (isToken(n) && (n.kind === "semi" || n.text === ";") && !inHeader) {
            parts.push([]);
        } else {
            part.push(n);
        }
    }
    return parts.filter((p) => p.length > 0);
}
