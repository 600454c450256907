// Where the provider's Go source is read from: a terraform-provider-aws checkout, or a checkout of
// lonegunmanb/terraform-provider-aws-index (one file per Go symbol of a provider tag, with the
// symbol's source verbatim), which is what could be read where a checkout could not be fetched.
import * as fs from "fs";
import * as path from "path";
import { declarations, FuncDecl, GoFile, parseFile, TypeDecl, VarDecl } from "./go";

const MODULE = "github.com/hashicorp/terraform-provider-aws/";

export interface ProviderSource {
    readonly kind: "checkout" | "symbol-index";
    /** The provider version the source is of, when the tree says (the symbol index does). */
    readonly version?: string;
    func(pkg: string, name: string): FuncDecl | undefined;
    method(pkg: string, receiver: string, name: string): FuncDecl | undefined;
    type(pkg: string, name: string): TypeDecl | undefined;
    variable(pkg: string, name: string): VarDecl | undefined;
    /** Every method of that name in the package, whatever its receiver. */
    methodsNamed(pkg: string, name: string): FuncDecl[];
    /** The value of a `names.Attr...` constant. */
    attrName(constant: string): string | undefined;
    /** The `// @SDKResource("...")`-style annotations above a function, where the source keeps comments. */
    annotations(decl: FuncDecl): string[] | undefined;
}

/** Maps an import path of the provider module to its package directory (`internal/service/ecs`). */
export function packageOf(importPath: string): string | undefined {
    return importPath.startsWith(MODULE) ? importPath.slice(MODULE.length) : undefined;
}

export function openSource(dir: string): ProviderSource {
    if (fs.existsSync(path.join(dir, "index", "terraform-provider-aws-index.json"))) return new SymbolIndex(dir);
    if (fs.existsSync(path.join(dir, "internal", "service"))) return new Checkout(dir);
    throw new Error(`--provider ${dir}: neither a terraform-provider-aws checkout (no internal/service/) nor a terraform-provider-aws-index checkout (no index/terraform-provider-aws-index.json)`);
}

interface Package {
    readonly funcs: Map<string, FuncDecl>;
    readonly methods: Map<string, FuncDecl>;
    readonly types: Map<string, TypeDecl>;
    readonly vars: Map<string, VarDecl>;
}

class Checkout implements ProviderSource {
    readonly kind = "checkout";
    private readonly packages = new Map<string, Package>();
    private attrs?: Map<string, string>;

    constructor(private readonly dir: string) {}

    private pkg(pkg: string): Package {
        let p = this.packages.get(pkg);
        if (!p) {
            p = { funcs: new Map(), methods: new Map(), types: new Map(), vars: new Map() };
            const abs = path.join(this.dir, pkg);
            const files = fs.existsSync(abs) ? fs.readdirSync(abs).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go")).sort() : [];
            for (const f of files) {
                const d = declarations(parseFile(`${pkg}/${f}`, fs.readFileSync(path.join(abs, f), "utf8")));
                d.funcs.forEach((fn) => (fn.receiver ? p!.methods.set(`${fn.receiver}.${fn.name}`, fn) : p!.funcs.set(fn.name, fn)));
                d.types.forEach((t) => p!.types.set(t.name, t));
                d.vars.forEach((v) => p!.vars.set(v.name, v));
            }
            this.packages.set(pkg, p);
        }
        return p;
    }

    func(pkg: string, name: string): FuncDecl | undefined {
        return this.pkg(pkg).funcs.get(name);
    }
    method(pkg: string, receiver: string, name: string): FuncDecl | undefined {
        return this.pkg(pkg).methods.get(`${receiver}.${name}`);
    }
    type(pkg: string, name: string): TypeDecl | undefined {
        return this.pkg(pkg).types.get(name);
    }
    variable(pkg: string, name: string): VarDecl | undefined {
        return this.pkg(pkg).vars.get(name);
    }
    methodsNamed(pkg: string, name: string): FuncDecl[] {
        return [...this.pkg(pkg).methods.values()].filter((m) => m.name === name);
    }
    attrName(constant: string): string | undefined {
        if (!this.attrs) {
            this.attrs = new Map();
            const file = path.join(this.dir, "names", "attr_consts_gen.go");
            if (fs.existsSync(file)) {
                for (const m of fs.readFileSync(file, "utf8").matchAll(/^\s*(Attr\w+)\s*=\s*"([^"]+)"/gm)) this.attrs.set(m[1], m[2]);
            }
        }
        return this.attrs.get(constant);
    }
    annotations(decl: FuncDecl): string[] {
        const lines = decl.file.text.split("\n");
        const out: string[] = [];
        for (let i = decl.line - 2; i >= 0 && lines[i].startsWith("//"); i--) out.unshift(lines[i]);
        return out;
    }
}

class SymbolIndex implements ProviderSource {
    readonly kind = "symbol-index";
    readonly version: string;
    private readonly cache = new Map<string, ReturnType<typeof declarations> | undefined>();

    constructor(private readonly dir: string) {
        this.version = (JSON.parse(fs.readFileSync(path.join(dir, "index", "terraform-provider-aws-index.json"), "utf8")) as { version: string }).version;
    }

    private read(pkg: string, file: string): ReturnType<typeof declarations> | undefined {
        const rel = `index/${pkg}/${file}.goindex`;
        if (!this.cache.has(rel)) {
            const abs = path.join(this.dir, rel);
            this.cache.set(rel, fs.existsSync(abs) ? declarations(parseFile(rel, fs.readFileSync(abs, "utf8"))) : undefined);
        }
        return this.cache.get(rel);
    }

    func(pkg: string, name: string): FuncDecl | undefined {
        return this.read(pkg, `func.${name}`)?.funcs.find((f) => f.name === name && !f.receiver);
    }
    method(pkg: string, receiver: string, name: string): FuncDecl | undefined {
        return this.read(pkg, `method.${receiver}.${name}`)?.funcs.find((f) => f.name === name && f.receiver === receiver);
    }
    type(pkg: string, name: string): TypeDecl | undefined {
        return this.read(pkg, `type.${name}`)?.types.find((t) => t.name === name);
    }
    variable(pkg: string, name: string): VarDecl | undefined {
        return this.read(pkg, `var.${name}`)?.vars.find((v) => v.name === name);
    }
    methodsNamed(pkg: string, name: string): FuncDecl[] {
        const dir = path.join(this.dir, "index", pkg);
        const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith("method.") && f.endsWith(`.${name}.goindex`)).sort() : [];
        return files.map((f) => f.split(".")[1]).flatMap((receiver) => this.method(pkg, receiver, name) ?? []);
    }
    /** The index has no `names` package: the constant's value is derived from its name, as names/attr_consts_gen.go is generated. */
    attrName(constant: string): string | undefined {
        return constant.startsWith("Attr") ? attrConstantValue(constant.slice(4)) : undefined;
    }
    annotations(): undefined {
        return undefined;
    }
}

/** `KMSKeyID` -> `kms_key_id`, `IPv6CIDRBlock` -> `ipv6_cidr_block`, `ARNs` -> `arns`. */
export function attrConstantValue(name: string): string {
    const words: string[] = [];
    const re = /([A-Z]+)s(?=[A-Z]|$)|Ipv[46]|[A-Z]+(?=[A-Z][a-z]|[0-9]|$)|[A-Z]?[a-z]+[0-9]*|[0-9]+|[A-Z]+/g;
    for (const m of name.replace(/IPv([46])/g, "Ipv$1").matchAll(re)) {
        if (m[1] !== undefined) {
            words.push(...splitAcronyms(m[1]).slice(0, -1), splitAcronyms(m[1]).pop()! + "s");
        } else {
            words.push(...(/^[A-Z]+$/.test(m[0]) ? splitAcronyms(m[0]) : [m[0]]));
        }
    }
    return words.map((w) => w.toLowerCase()).join("_");
}

const ACRONYMS = ["HTTPS", "IOPS", "CIDR", "HTTP", "JSON", "OIDC", "SAML", "ARN", "AMI", "API", "AWS", "DNS", "ECS", "EKS", "IAM", "KMS", "MFA", "SNS", "SQS", "SSE", "SSH", "SSL", "TLS", "TTL", "URI", "URL", "VPC", "AZ", "DB", "ID", "IP", "S3"];

/** `VPCID` -> [VPC, ID]; a run that is not made of known acronyms stays whole. */
function splitAcronyms(run: string): string[] {
    const out: string[] = [];
    let rest = run;
    while (rest) {
        const a = ACRONYMS.find((x) => rest.startsWith(x));
        if (!a) return [run];
        out.push(a);
        rest = rest.slice(a.length);
    }
    return out;
}

export type { FuncDecl, GoFile };
