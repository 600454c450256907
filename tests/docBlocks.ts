/**
 * The TypeScript blocks of the README and docs/: found, type-checked as a consumer's files
 * (`fargate-workloads`, `fargate-workloads/testing`) in one compiler run, and evaluated one by one
 * under the run's mocks. A block preceded by a line `**Not run:** <reason>` (visible on the rendered
 * page, so a reader knows) is type-checked but not
 * evaluated. Blocks may use the names in {@link GIVENS} without declaring them: the values a
 * reader's own program has (a VPC, its subnets, a Route 53 zone), as the docs say. A block runs as
 * a file of a consumer's `test/` folder: its relative requires (`../index`, the program a test
 * example loads) resolve in `tests/fixtures/docProject/test/`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import * as ts from "typescript";
import * as vm from "vm";

export const ROOT = path.join(__dirname, "..");

/** The names a block may use without declaring them, their type and the value it runs with. */
export const GIVENS: Readonly<Record<string, { readonly type: string; readonly value: unknown }>> = {
    vpcId: { type: "string", value: "vpc-0123456789abcdef0" },
    publicSubnetIds: { type: "string[]", value: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"] },
    privateSubnetIds: { type: "string[]", value: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"] },
    zoneId: { type: "string", value: "Z0123456789ABCDEFGHIJ" },
};

/** Where a consumer's imports of the package resolve in this checkout. */
const PACKAGE_ENTRY_POINTS: Readonly<Record<string, string>> = {
    "fargate-workloads": path.join(ROOT, "components", "index.ts"),
    "fargate-workloads/testing": path.join(ROOT, "components", "testing.ts"),
};

/** The marker that keeps a block from being evaluated, with its reason. */
const NOT_RUN = /^\*\*Not run:\*\*\s+(\S.*?)\s*$/;

export interface DocBlock {
    /** The markdown file, relative to the repository. */
    readonly file: string;
    /** Line of the block's first line of code (1-based). */
    readonly line: number;
    /** `<file> › <heading>`, with ` (n)` for the n-th block under one heading. */
    readonly id: string;
    readonly code: string;
    /** The reason given by a `**Not run:** ...` line before the block. */
    readonly notRun?: string;
}

/** README.md and every page of docs/, relative to the repository. */
export function markdownFiles(): string[] {
    const docs = fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => path.join("docs", f));
    return ["README.md", ...docs];
}

/**
 * The `ts`/`typescript` blocks of a markdown text, and the problems of its markers: a marker not
 * directly before a TypeScript block, or one without a reason.
 */
export function blocksOf(file: string, text: string): { blocks: DocBlock[]; problems: string[] } {
    const lines = text.split("\n");
    const blocks: DocBlock[] = [];
    const problems: string[] = [];
    const perHeading = new Map<string, number>();
    let heading = "(top)";
    for (let i = 0; i < lines.length; i++) {
        const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
        if (!fence) {
            const h = /^#{1,6}\s+(.*)$/.exec(lines[i]);
            if (h) {
                heading = h[1].trim();
            }
            // Anything that looks like a marker but is not one (an HTML comment would not show on the page).
            if (/^(<!--)?[\s*_]*not[ -]run/i.test(lines[i].trim()) && !NOT_RUN.test(lines[i].trim())) {
                problems.push(`${file}:${i + 1}: a not-run marker must read "**Not run:** <reason>"`);
            }
            continue;
        }
        const close = new RegExp(`^\\s*${fence[2][0] === "`" ? "`" : "~"}{${fence[2].length},}\\s*$`);
        let end = i + 1;
        while (end < lines.length && !close.test(lines[end])) {
            end++;
        }
        const previous = lines.slice(0, i).reverse().find((l) => l.trim() !== "")?.trim() ?? "";
        const marker = NOT_RUN.exec(previous);
        if (fence[3] === "ts" || fence[3] === "typescript") {
            const count = (perHeading.get(heading) ?? 0) + 1;
            perHeading.set(heading, count);
            const indent = fence[1].length;
            const code = lines
                .slice(i + 1, end)
                .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
                .join("\n");
            blocks.push({ file, line: i + 2, id: `${file} › ${heading}${count > 1 ? ` (${count})` : ""}`, code, ...(marker ? { notRun: marker[1] } : {}) });
        } else if (marker) {
            problems.push(`${file}:${i}: a not-run marker stands before a ${fence[3] || "plain"} block, not a TypeScript one`);
        }
        i = end;
    }
    return { blocks, problems };
}

/** Every TypeScript block of the README and docs/. */
export function docBlocks(): { blocks: DocBlock[]; problems: string[] } {
    const all = markdownFiles().map((f) => blocksOf(f, fs.readFileSync(path.join(ROOT, f), "utf8")));
    return { blocks: all.flatMap((a) => a.blocks), problems: all.flatMap((a) => a.problems) };
}

/** A compiler error in a block, at its place in the markdown file. */
export interface BlockDiagnostic {
    readonly block: string;
    readonly at: string;
    readonly message: string;
}

/**
 * Type-checks every block in one run of the native compiler (`tsgo`, as `npm run typecheck`), as
 * files of a consumer's project: strict, CommonJS, with the package's entry points at the
 * components' sources. Each block is a module of its own; the givens are declared globally.
 */
export function typeCheck(blocks: readonly DocBlock[]): BlockDiagnostic[] {
    // Inside the checkout's node_modules, so the blocks' other imports (@pulumi/aws) resolve as a consumer's would.
    const dir = path.join(ROOT, "node_modules", ".cache", "fargate-workloads", `doc-blocks-${process.pid}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    try {
        const files = blocks.map((b, i) => {
            const name = `block${i}.ts`;
            // `export {}` makes a block without imports a module too, so blocks never share names.
            fs.writeFileSync(path.join(dir, name), `${b.code}\nexport {};\n`);
            return name;
        });
        fs.writeFileSync(path.join(dir, "givens.d.ts"), Object.entries(GIVENS).map(([name, g]) => `declare const ${name}: ${g.type};\n`).join(""));
        const tsconfig = {
            compilerOptions: {
                strict: true,
                target: "es2022",
                module: "node16",
                moduleResolution: "node16",
                esModuleInterop: true,
                skipLibCheck: true,
                noEmit: true,
                types: ["node", "mocha"],
                typeRoots: [path.join(ROOT, "node_modules", "@types")],
                paths: Object.fromEntries(Object.entries(PACKAGE_ENTRY_POINTS).map(([name, file]) => [name, [file]])),
            },
            files: ["givens.d.ts", ...files],
        };
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
        // The package exports no bin path; its bin file sits beside its package.json.
        const tsgo = path.join(path.dirname(createRequire(__filename).resolve("@typescript/native-preview/package.json")), "bin", "tsgo");
        const run = spawnSync(process.execPath, [tsgo, "-p", path.join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8", cwd: dir });
        if (run.error) {
            throw run.error;
        }
        const output = `${run.stdout}${run.stderr}`;
        const diagnostics: BlockDiagnostic[] = [];
        for (const line of output.split("\n")) {
            const m = /^(?:.*[\\/])?block(\d+)\.ts\((\d+),(\d+)\): (error .*)$/.exec(line.trim());
            if (m) {
                const b = blocks[Number(m[1])];
                diagnostics.push({ block: b.id, at: `${b.file}:${b.line + Number(m[2]) - 1}:${m[3]}`, message: m[4] });
            } else if (line.trim() !== "") {
                diagnostics.push({ block: "(compiler)", at: "", message: line.trim() });
            }
        }
        if (run.status !== 0 && diagnostics.length === 0) {
            diagnostics.push({ block: "(compiler)", at: "", message: `tsgo exited ${run.status}` });
        }
        return diagnostics;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** What evaluating a block left behind: its exports, and the titles of the tests it defined and passed. */
export interface Evaluation {
    readonly exports: Record<string, unknown>;
    readonly tests: string[];
}

const requireFromRoot = createRequire(path.join(ROOT, "index.ts"));
const requireFromTestFolder = createRequire(path.join(ROOT, "tests", "fixtures", "docProject", "test", "block.ts"));

/** A block's `require`: the package's entry points in this checkout, relative paths in the fixture project, anything else as the repository resolves it. */
function blockRequire(): NodeJS.Require {
    const resolve = (id: string): string => {
        if (id in PACKAGE_ENTRY_POINTS) {
            return PACKAGE_ENTRY_POINTS[id];
        }
        return id.startsWith(".") ? requireFromTestFolder.resolve(id) : requireFromRoot.resolve(id);
    };
    const req = ((id: string) => requireFromRoot(resolve(id))) as NodeJS.Require;
    req.resolve = resolve as NodeJS.RequireResolve;
    return req;
}

/**
 * Runs a block as a CommonJS module in this process (the run's one mocks object records what it
 * registers), then the mocha tests it defines, each after its `beforeEach` hooks. Rejects with
 * the block's own error.
 */
export async function evaluate(block: DocBlock): Promise<Evaluation> {
    const js = ts.transpileModule(block.code, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: `${block.file}.ts`,
    }).outputText;
    const tests: { title: string; fn: () => unknown }[] = [];
    const hooks: (() => unknown)[] = [];
    const mochaShims = {
        it: (title: string, fn: () => unknown) => tests.push({ title, fn }),
        describe: (_title: string, fn: () => void) => fn(),
        beforeEach: (fn: () => unknown) => hooks.push(fn),
    };
    const module = { exports: {} as Record<string, unknown> };
    const names = ["exports", "require", "module", "__filename", "__dirname", ...Object.keys(GIVENS), ...Object.keys(mochaShims)];
    const values = [module.exports, blockRequire(), module, path.join(ROOT, block.file), ROOT, ...Object.values(GIVENS).map((g) => structuredClone(g.value)), ...Object.values(mochaShims)];
    const run = vm.runInThisContext(`(function (${names.join(", ")}) {\n${js}\n})`, { filename: path.join(ROOT, block.file), lineOffset: block.line - 2 }) as (...args: unknown[]) => void;
    run(...values);
    const passed: string[] = [];
    for (const t of tests) {
        for (const hook of hooks) {
            await hook();
        }
        await t.fn();
        passed.push(t.title);
    }
    return { exports: module.exports, tests: passed };
}
