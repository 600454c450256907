// @ts-check
/**
 * Runs a project's CommonJS TypeScript with the project's own ts-node and typescript, as `pulumi
 * preview` does (same compiler defaults, its tsconfig.json), but transpile-only and with the
 * output cached on disk by the file's content: a file unchanged since the last run is not
 * transpiled again, and a run where nothing changed loads neither typescript nor ts-node (the two
 * took 60% of a plan's time; see docs/plan.md). The plan does not type-check; `tsc` does.
 *
 * Plain JavaScript because it is what loads TypeScript: `node -r ./scripts/plan/register.js`
 * runs this repository's own scripts through it, and the plan's evaluation (evaluate.ts) installs
 * it for the project it plans.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const os = require("os");
const path = require("path");

/** Bump when what this file asks of ts-node changes, so old cache entries are not used. */
const CACHE_FORMAT = "1";

/**
 * @typedef {{ dir: string, tsNode: string, typescript: string, tsconfig: string, keyBase: string, cacheDir: string, service?: { compile(code: string, fileName: string): string } }} Root
 */

/** @type {Root[]} the projects installed, longest folder first (a file belongs to the deepest). */
const roots = [];
const EXTENSIONS = [".ts", ".cts"];
/** @type {Record<string, (module: NodeModule, filename: string) => void>} */
const previous = {};
const counters = { hits: 0, misses: 0 };
/** @type {Record<string, (module: NodeModule, filename: string) => void>} Node's require hooks by extension (require.extensions). */
const extensions = /** @type {any} */ (Module)._extensions;

/** @param {string} text */
const sha256 = (text) => crypto.createHash("sha256").update(text).digest("hex");

/** @param {string} name @param {string} dir @returns {string | undefined} */
function resolveFrom(name, dir) {
    try {
        return require.resolve(name, { paths: [dir] });
    } catch {
        return undefined;
    }
}

/** @param {string} entry the resolved main file of a package @param {string} name */
function versionOf(entry, name) {
    for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
            if (pkg.name === name) {
                return String(pkg.version);
            }
        }
    }
    return "unknown";
}

/** @param {string} dir */
function cacheDirFor(dir) {
    const modules = path.join(dir, "node_modules");
    return fs.existsSync(modules) ? path.join(modules, ".cache", "fargate-workloads", "typescript") : path.join(os.tmpdir(), `fargate-workloads-typescript-${sha256(dir).slice(0, 12)}`);
}

/** The TypeScript a project needs and does not have: why, and how to fix it. */
class MissingTypeScriptError extends Error {
    /** @param {string} dir @param {string[]} missing */
    constructor(dir, missing) {
        super(
            `${dir} has no ${missing.join(" and no ")} of its own. Pulumi would fall back to its bundled ts-node 7 and TypeScript 3.8, which do not know syntax newer than 2020, ` +
                `so the plan does not: install them in the project (npm install --save-dev ts-node@10.9.2 typescript@5.9.3), or compile the program to JavaScript and set main in Pulumi.yaml to it.`,
        );
        this.name = "MissingTypeScriptError";
    }
}

/**
 * Makes `require` of a `.ts` or `.cts` file under `dir` transpile it with the ts-node and
 * typescript installed in `dir` (resolved as Node would from there), with the compiler options
 * `pulumi preview` uses: target ES2020, module nodenext (commonjs before TypeScript 4.7) and
 * source maps, under the compiler options of `tsconfig` (default tsconfig.json; none is fine).
 * Installing the same folder again does nothing.
 * @param {string} dir
 * @param {{ tsconfig?: string }} [options]
 * @returns {{ tsNode: string, typescript: string }}
 */
function installTypeScript(dir, options = {}) {
    dir = path.resolve(dir);
    const existing = roots.find((r) => r.dir === dir);
    if (existing) {
        return { tsNode: existing.tsNode, typescript: existing.typescript };
    }
    const tsNode = resolveFrom("ts-node", dir);
    const typescript = resolveFrom("typescript", dir);
    if (!tsNode || !typescript) {
        throw new MissingTypeScriptError(dir, [...(tsNode ? [] : ["ts-node"]), ...(typescript ? [] : ["typescript"])]);
    }
    const tsconfig = path.resolve(dir, options.tsconfig ?? "tsconfig.json");
    const tsconfigText = fs.existsSync(tsconfig) ? fs.readFileSync(tsconfig, "utf8") : "";
    const keyBase = sha256(JSON.stringify([CACHE_FORMAT, versionOf(tsNode, "ts-node"), versionOf(typescript, "typescript"), tsconfig, tsconfigText]));
    roots.push({ dir, tsNode, typescript, tsconfig, keyBase, cacheDir: cacheDirFor(dir) });
    roots.sort((a, b) => b.dir.length - a.dir.length);
    for (const ext of EXTENSIONS) {
        if (!(ext in previous)) {
            previous[ext] = extensions[ext] ?? extensions[".js"];
            extensions[ext] = loadTypeScript;
        }
    }
    return { tsNode, typescript };
}

/** @param {Root} root @param {string} source @param {string} filename */
function transpile(root, source, filename) {
    if (!root.service) {
        const ts = require(root.typescript);
        const { create } = require(root.tsNode);
        const compilerOptions = fs.existsSync(root.tsconfig) ? (ts.parseConfigFileTextToJson(root.tsconfig, fs.readFileSync(root.tsconfig, "utf8")).config?.compilerOptions ?? {}) : {};
        const [major, minor] = String(ts.version).split(".").map(Number);
        const nodeNext = major > 4 || (major === 4 && minor >= 7);
        root.service = create({
            compiler: root.typescript,
            transpileOnly: true,
            project: root.tsconfig,
            skipProject: !fs.existsSync(root.tsconfig),
            compilerOptions: { target: "ES2020", module: nodeNext ? "nodenext" : "commonjs", moduleResolution: nodeNext ? "nodenext" : "node", sourceMap: true, ...compilerOptions },
        });
    }
    return /** @type {NonNullable<Root["service"]>} */ (root.service).compile(source, filename);
}

/** @param {string} file @param {string} text */
function writeQuietly(file, text) {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, text);
        fs.renameSync(temporary, file);
    } catch {
        // A cache that cannot be written only costs the next run its speed.
    }
}

/**
 * The `require` hook: a cached transpile, else ts-node's (then cached). Files under node_modules,
 * as ts-node leaves them, and files of no installed project are left to the previous hook.
 * @param {NodeModule} module
 * @param {string} filename
 */
function loadTypeScript(module, filename) {
    const ext = path.extname(filename);
    const root = roots.find((r) => filename.startsWith(r.dir + path.sep));
    if (!root || filename.includes(`${path.sep}node_modules${path.sep}`)) {
        return previous[ext](module, filename);
    }
    const source = fs.readFileSync(filename, "utf8");
    const cached = path.join(root.cacheDir, `${sha256(`${root.keyBase}\0${filename}\0${source}`)}.js`);
    let output;
    try {
        output = fs.readFileSync(cached, "utf8");
        counters.hits++;
    } catch {
        output = transpile(root, source, filename);
        counters.misses++;
        writeQuietly(cached, output);
    }
    /** @type {any} */ (module)._compile(output, filename);
}

/** True for the require hook this file installs. @param {unknown} hook */
const isOurs = (hook) => hook === loadTypeScript;

module.exports = { installTypeScript, MissingTypeScriptError, counters, isOurs };
