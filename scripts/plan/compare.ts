/**
 * `fargate-workloads plan --compare <git ref or directory>`: the update `pulumi up` would make from
 * the base program (a git ref of the project's repository, or another checkout) to this one, for
 * one stack. Each program is evaluated in a process of its own (child.ts: a second copy of the
 * Pulumi SDK in one process breaks the mocks), and the update is planned between the two records
 * (components/updatePlan.ts): the steps in the engine's order and every step AWS would refuse.
 *
 * The offline early warning, not the authority: `pulumi preview` against the stack's real state
 * sees what this cannot (changes made outside the program, the live state, awsx components'
 * children). This process loads no Pulumi SDK.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planUpdate, PlannedStep, UpdatePlan, UpdateProblem } from "../../components/updatePlan";
import { evaluateInChild, stopEvaluations } from "./child";
import type { PlanOptions } from "./cli";
import { findProjectDir, stackFiles } from "./project";

/** The base program, ready to evaluate, and how to remove what was made for it. */
export interface Base {
    /** What the user named: the ref or directory. */
    readonly label: string;
    /** The base's project folder (its Pulumi.yaml). */
    readonly projectDir: string;
    /** Warnings about the comparison itself (a different lock file). */
    readonly notes: string[];
    cleanup(): void;
}

/** A base that cannot be compared: the message, for exit status 2. */
export class CompareInputError extends Error {}

const isDirectory = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

function git(cwd: string, args: string[]): string | undefined {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The lock file's text, or undefined. */
function lockOf(dir: string): string | undefined {
    const file = path.join(dir, "package-lock.json");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

/**
 * Gives the base program the current project's node_modules when it has none (a git ref's tree
 * never has them), and notes when the two lock files differ: a provider upgrade can change which
 * properties replace a resource, and the base is evaluated with this checkout's packages.
 */
function linkModules(baseDir: string, currentDir: string, notes: string[]): void {
    const resolves = (dir: string) => {
        try {
            return require.resolve("@pulumi/pulumi", { paths: [dir] });
        } catch {
            return undefined;
        }
    };
    const ours = resolves(currentDir);
    if (!resolves(baseDir) && ours) {
        // The node_modules folder that holds the current project's @pulumi/pulumi.
        const modules = ours.slice(0, ours.lastIndexOf(`${path.sep}node_modules${path.sep}`) + `${path.sep}node_modules`.length);
        fs.symlinkSync(modules, path.join(baseDir, "node_modules"), "dir");
    }
    const [before, now] = [lockOf(baseDir), lockOf(currentDir)];
    if (before !== undefined && now !== undefined && before !== now) {
        notes.push("package-lock.json differs between the base and this checkout: the base was evaluated with this checkout's packages, and a provider upgrade can change which properties replace a resource; read `pulumi preview` for the upgrade itself");
    }
}

/**
 * Resolves `--compare`: an existing directory (a checkout holding the program), else a git ref of
 * the repository the project is in, extracted into a temporary folder.
 */
export function resolveBase(arg: string, cwd: string, projectDir: string): Base {
    const notes: string[] = [];
    const asDir = path.resolve(cwd, arg);
    if (isDirectory(asDir)) {
        const dir = findProjectDir(asDir);
        if (!dir || !path.resolve(dir).startsWith(path.resolve(asDir))) {
            throw new CompareInputError(`--compare ${arg}: ${asDir} holds no Pulumi program (no Pulumi.yaml in it); give the folder of the base checkout's Pulumi.yaml, or a git ref`);
        }
        linkModules(dir, projectDir, notes);
        return { label: arg, projectDir: dir, notes, cleanup: () => undefined };
    }
    const top = git(projectDir, ["rev-parse", "--show-toplevel"]);
    if (!top) {
        throw new CompareInputError(`--compare ${arg}: not a directory, and ${projectDir} is in no git repository to read it as a ref from`);
    }
    const commit = git(top, ["rev-parse", "--verify", "--quiet", `${arg}^{commit}`]);
    if (!commit) {
        throw new CompareInputError(`--compare ${arg}: no such commit, branch or tag in ${top} (a shallow clone may lack it: git fetch origin ${arg.replace(/^origin\//, "")}), and no such directory`);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fargate-workloads-compare-"));
    try {
        const archive = execFileSync("git", ["archive", "--format=tar", commit], { cwd: top, maxBuffer: 1 << 30 });
        execFileSync("tar", ["-x", "-C", tmp], { input: archive });
    } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new CompareInputError(`--compare ${arg}: git archive of ${commit.slice(0, 12)} failed: ${(e as Error).message}`);
    }
    const dir = path.join(tmp, path.relative(fs.realpathSync(top), fs.realpathSync(projectDir)));
    if (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new CompareInputError(`--compare ${arg}: ${commit.slice(0, 12)} has no Pulumi.yaml at ${path.relative(top, projectDir) || "the repository's root"}; the program did not exist there yet`);
    }
    linkModules(dir, projectDir, notes);
    return { label: `${arg} (${commit.slice(0, 12)})`, projectDir: dir, notes, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** The update and what decides the exit status. */
export interface Comparison {
    readonly stack: string;
    readonly base: string;
    readonly plan: UpdatePlan;
    /** Errors not allowed by --allow-replace: any makes the exit status 1. */
    readonly blocking: UpdateProblem[];
    /** Stateful replacements or deletions that --allow-replace allowed. */
    readonly allowed: UpdateProblem[];
    readonly notes: string[];
}

/** The step's resource and every name --allow-replace may give for it. */
function namesOf(plan: UpdatePlan, urn: string): string[] {
    const r = [...plan.after.resources, ...plan.before.resources].find((x) => x.urn === urn);
    return r ? [r.name, r.urn] : [urn];
}

/** Which errors block: every error, but a stateful replacement or deletion of a resource `allow` names. */
export function judge(plan: UpdatePlan, allow: readonly string[]): { blocking: UpdateProblem[]; allowed: UpdateProblem[] } {
    const allowed = plan.problems.filter((p) => p.severity === "error" && p.rule === "stateful-kept" && p.urns.some((u) => namesOf(plan, u).some((n) => allow.includes(n))));
    return { blocking: plan.problems.filter((p) => p.severity === "error" && !allowed.includes(p)), allowed };
}

const SYMBOL: Readonly<Record<string, string>> = { create: "+", update: "~", replace: "+-", "delete-replaced": "-", delete: "-", unknown: "?" };

/** One line of a step: what happens and why. */
function describe(s: PlannedStep): string {
    switch (s.op) {
        case "replace":
            return `replace${s.deleteBeforeReplace ? " (delete first)" : ""}: ${s.replaceReasons.map((r) => (r.path ? `${r.path} forces it (${r.how}, ${r.source})` : `${r.how} (${r.source})`)).join("; ")}`;
        case "update":
            return `update: ${s.changed.join(", ")}${s.ignored.length > 0 ? ` (ignored: ${s.ignored.join(", ")})` : ""}`;
        case "delete-replaced":
            return "delete the replaced copy";
        case "unknown":
            return `replacement unknown: ${s.reason}`;
        default:
            return s.op;
    }
}

const changing = (plan: UpdatePlan) => plan.steps.filter((s) => s.op !== "same");

function counts(plan: UpdatePlan): string {
    const n = (op: string) => plan.steps.filter((s) => s.op === op).length;
    return `${n("create")} to create, ${n("update")} to update, ${n("replace")} to replace, ${n("delete")} to delete, ${n("unknown")} unknown`;
}

const WHAT_IT_IS =
    "The offline early warning, not the authority: both programs ran under Pulumi's mocks, and `pulumi preview` against the stack's state sees what this cannot (changes made outside the program, the live state, the children of awsx components).";

export function renderComparisonText(c: Comparison): string {
    const lines = [`Update of stack ${c.stack}, from ${c.base} to this checkout (in the order pulumi up takes the steps): ${counts(c.plan)}`];
    for (const s of changing(c.plan)) {
        lines.push(`  ${SYMBOL[s.op]} ${s.name} (${s.type}): ${describe(s)}`);
    }
    if (changing(c.plan).length === 0) {
        lines.push("  no changes");
    }
    if (c.plan.problems.length > 0) {
        lines.push("", "Problems:");
        for (const p of c.plan.problems) {
            lines.push(`  ${c.allowed.includes(p) ? "ALLOWED" : p.severity.toUpperCase()} [${p.rule}] ${p.message}`);
        }
    }
    lines.push("", ...c.notes.map((n) => `Note: ${n}`), WHAT_IT_IS, c.blocking.length > 0 ? `Blocked: ${c.blocking.length} error(s).` : "No step would fail.");
    return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderComparisonMarkdown(c: Comparison): string {
    const out = [`### Update of \`${c.stack}\` from \`${c.base}\``, "", `${counts(c.plan)}. ${c.blocking.length > 0 ? `**Blocked: ${c.blocking.length} error(s).**` : "No step would fail."}`, ""];
    const steps = changing(c.plan);
    if (steps.length > 0) {
        const why = (s: PlannedStep) => (s.op === "create" || s.op === "delete" ? "" : cell(describe(s).replace(/^[a-z-]+( \(delete first\))?: ?/, "$1 ").trim()));
        out.push("| step | resource | type | why |", "|---|---|---|---|", ...steps.map((s) => `| ${s.op} | \`${s.name}\` | \`${s.type}\` | ${why(s)} |`), "");
    }
    if (c.plan.problems.length > 0) {
        out.push("**Problems**", "", ...c.plan.problems.map((p) => `- ${c.allowed.includes(p) ? "allowed" : p.severity} \`${p.rule}\`: ${p.message}`), "");
    }
    out.push(...c.notes.map((n) => `> ${n}`), `> ${WHAT_IT_IS}`, "");
    return `${out.join("\n")}\n`;
}

export function renderComparisonJson(c: Comparison): string {
    return `${JSON.stringify(
        {
            stack: c.stack,
            base: c.base,
            steps: changing(c.plan).map((s) => ({ op: s.op, name: s.name, type: s.type, urn: s.urn, ...(s.oldUrn ? { oldUrn: s.oldUrn } : {}), changed: s.changed, replaceReasons: s.replaceReasons, deleteBeforeReplace: s.deleteBeforeReplace, ...(s.reason ? { reason: s.reason } : {}) })),
            problems: c.plan.problems.map((p) => ({ ...p, allowed: c.allowed.includes(p) })),
            blocked: c.blocking.length > 0,
            notes: c.notes,
        },
        null,
        2,
    )}\n`;
}

/**
 * Where the base's stack file is: a `--config-dir` inside the project is versioned with it, so the
 * base reads the same folder of its own checkout; one outside (or the project folder itself when
 * none was given) is read as given.
 */
export function configDirOfBase(options: Pick<PlanOptions, "projectDir" | "configDir">, baseProjectDir: string): string {
    const relative = path.relative(path.resolve(options.projectDir), path.resolve(options.configDir));
    if (relative === "") {
        return baseProjectDir;
    }
    return relative.startsWith("..") || path.isAbsolute(relative) ? options.configDir : path.join(baseProjectDir, relative);
}

/** Evaluates both programs for the stack (in parallel, each in its own process) and plans the update. */
export async function compare(options: PlanOptions & { readonly compare: string; readonly allowReplace: readonly string[] }, cwd: string): Promise<Comparison | { problems: string[]; exit: 1 | 2 }> {
    const base = resolveBase(options.compare, cwd, options.projectDir);
    // An interrupted compare stops both evaluations and removes the base's temporary copy (which
    // one of them reads), then ends as the signal would.
    const onSignal = (signal: NodeJS.Signals) => {
        stopEvaluations(signal);
        base.cleanup();
        process.kill(process.pid, signal);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        const baseConfigDir = configDirOfBase(options, base.projectDir);
        if (!stackFiles(baseConfigDir).includes(options.stack)) {
            return { exit: 2, problems: [`--compare ${options.compare}: the base has no stack file Pulumi.${options.stack}.yaml in ${baseConfigDir}, so the stack is new there: plan it alone (no --compare)`] };
        }
        const common = { stack: options.stack, config: options.config, stackOutputs: options.stackOutputs, invokes: options.invokes, record: true } as const;
        const [before, after] = await Promise.all([
            evaluateInChild({ ...common, projectDir: base.projectDir, configDir: baseConfigDir }),
            evaluateInChild({ ...common, projectDir: options.projectDir, configDir: options.configDir }),
        ]);
        if (!before.ok) {
            return { exit: 2, problems: [`The base (${base.label}) refused stack ${options.stack}, so there is no update to compare from:`, ...before.problems] };
        }
        if (!after.ok) {
            return { exit: 1, problems: [`Stack ${options.stack} is refused, as pulumi preview would refuse it:`, ...after.problems, ...after.notes.map((n) => `note: ${n}`)] };
        }
        const plan = planUpdate(before.record!, after.record!);
        return { stack: options.stack, base: base.label, plan, ...judge(plan, options.allowReplace), notes: [...base.notes, ...after.record!.notes] };
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        base.cleanup();
    }
}
