/**
 * The update planner's model (updatePlan.ts plans, updateRules.ts judges): two runs of a program,
 * the step `pulumi up` takes for each resource, and what breaks.
 */
import type { RecordedResource } from "./mockRecord";
import type { TypeReplacements } from "./replacements";

/** What a program registered, in a form that survives JSON (so another process can take it). */
export interface ProgramSnapshot {
    readonly stack: string;
    readonly project: string;
    readonly resources: readonly RecordedResource[];
}

/** What `pulumi up` does to one resource. */
export type StepOp =
    /** Nothing changes. */
    | "same"
    | "create"
    | "update"
    /** A new resource replaces the old one (its create; the old one's delete is a `delete-replaced` step). */
    | "replace"
    /** The old copy of a replaced resource is deleted: at the end, or before the new one with delete-first. */
    | "delete-replaced"
    | "delete"
    /** Something changes, and whether it is replaced cannot be known offline (see `reason`). */
    | "unknown";

/** Why a resource is replaced: the property and the rule that forces it. */
export interface ReplaceReason {
    readonly path: string;
    /** `ForceNew`, `RequiresReplace` or `CustomizeDiff` (the provider), `replaceOnChanges` or `replaceWith` (the program). */
    readonly how: string;
    /** Where the rule is written (file:line of the provider's source, or the resource option). */
    readonly source: string;
}

/** One step of the plan. */
export interface PlannedStep {
    readonly op: StepOp;
    /** The resource's URN in the run it belongs to (the new run, or the old one for deletes). */
    readonly urn: string;
    /** The previous URN when an alias matched it. */
    readonly oldUrn?: string;
    readonly type: string;
    readonly name: string;
    /** Input paths whose value changes (or becomes unknown), after `ignoreChanges`. */
    readonly changed: readonly string[];
    /** Input paths that are unknown until a resource they come from is created or replaced. */
    readonly unknown: readonly string[];
    /** Changes `ignoreChanges` keeps from reaching the provider: the live resource keeps the old value. */
    readonly ignored: readonly string[];
    /** For `replace`: what forces it. */
    readonly replaceReasons: readonly ReplaceReason[];
    /** For `replace` and `delete-replaced`: the old copy is deleted before the new one is created. */
    readonly deleteBeforeReplace: boolean;
    /** For `unknown`, and for steps of note: why. */
    readonly reason?: string;
}

/** The steps of an update, and what breaks (see updateRules.ts). */
export interface UpdatePlan {
    /** Every step in the engine's order, `same` included. */
    readonly steps: readonly PlannedStep[];
    readonly problems: readonly UpdateProblem[];
    readonly before: ProgramSnapshot;
    readonly after: ProgramSnapshot;
}

/** A step that fails, or an outcome nobody asked for. */
export interface UpdateProblem {
    /** The rule's name, as docs/aws-behaviour.md lists it. */
    readonly rule: string;
    /** `error`: the update fails or loses something; `warning`: it may, or the planner cannot tell. */
    readonly severity: "error" | "warning";
    /** The resources concerned (new URNs, old ones for deletes). */
    readonly urns: readonly string[];
    readonly message: string;
}

/** The planner's view of one resource of either run. */
export interface Node {
    readonly resource: RecordedResource;
    /** Registration order in its run. */
    readonly index: number;
    /** URNs (of the same run) it depends on: `dependsOn`, its inputs' resources, a custom parent. */
    readonly dependsOn: readonly string[];
}

/** Both runs, their matching and every step: what the rules (updateRules.ts) read. */
export interface PlanContext {
    readonly before: ProgramSnapshot;
    readonly after: ProgramSnapshot;
    readonly oldNodes: ReadonlyMap<string, Node>;
    readonly newNodes: ReadonlyMap<string, Node>;
    /** New URN to the old URN it updates, for matched resources. */
    readonly matchOf: ReadonlyMap<string, string>;
    /** Old URN to the new URN that continues it. */
    readonly successorOf: ReadonlyMap<string, string>;
    /** Step per new URN (create, update, replace, same, unknown) and per removed old URN (delete). */
    readonly stepOf: ReadonlyMap<string, PlannedStep>;
    /** The new inputs as the provider receives them: unknowns marked, `ignoreChanges` applied. */
    readonly effectiveInputs: ReadonlyMap<string, Record<string, any>>;
    /** True when `a` (new URN) waits for `b` (new URN) before its step runs. */
    waitsFor(a: string, b: string): boolean;
    /** The replacement table entry of a type, if any. */
    replacementsOf(type: string): TypeReplacements | undefined;
}

/** A value the engine does not know until a resource it comes from is created or replaced. */
export interface Unknown {
    readonly __unknown: true;
    /** URNs (new run) of the resources it comes from. */
    readonly from: readonly string[];
}

export function isUnknown(value: unknown): value is Unknown {
    return typeof value === "object" && value !== null && (value as Unknown).__unknown === true;
}

/** A rule between steps: reads the plan's context, returns what breaks. */
export type UpdateRule = (ctx: PlanContext) => UpdateProblem[];

/** `a.b[2].c` -> `a.b.c`: the form the replacement table uses. */
export function tablePath(path: string): string {
    return path.replace(/\[\d+\]/g, "").replace(/\["([^"]+)"\]/g, ".$1");
}

/** A property path of `ignoreChanges` / `replaceOnChanges` (`a.b[0].c`, `a[*].b`, `tags["x"]`) as segments. */
export function parsePath(path: string): (string | number)[] {
    const out: (string | number)[] = [];
    const re = /([^.[\]]+)|\[(\d+|\*|"[^"]*")\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(path)) !== null) {
        if (m[1] !== undefined) {
            out.push(m[1]);
        } else if (/^\d+$/.test(m[2])) {
            out.push(Number(m[2]));
        } else if (m[2] === "*") {
            out.push("*");
        } else {
            out.push(m[2].slice(1, -1));
        }
    }
    return out;
}

/** True when `pattern` (with `*` wildcards) names `path` or one of its parents. */
export function pathCovers(pattern: string, path: string): boolean {
    const p = parsePath(pattern);
    const q = parsePath(path);
    return p.length <= q.length && p.every((seg, i) => seg === "*" || seg === q[i]);
}

/** The strings that identify a resource and change when it is replaced: its id and the outputs it computes. */
export function identityValues(r: RecordedResource): string[] {
    const computed = Object.entries(r.state)
        .filter(([k]) => !(k in r.inputs))
        .map(([, v]) => v);
    return [r.id, ...computed].filter((v): v is string => typeof v === "string" && v.length >= 6);
}

/** The value at `path` of `value` (`*` takes the first element). */
export function valueAt(value: any, path: string): unknown {
    let v = value;
    for (const seg of parsePath(path)) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = Array.isArray(v) && seg === "*" ? v[0] : v[seg as any];
    }
    return v;
}

/** The URN of a resource of `type` named `name` under `parentUrn` in `stack` of `project`. */
export function urnIn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    let qualified = type;
    if (parentUrn) {
        // As the mock monitor does: the parent's own type only (the engine would keep its whole chain).
        const parentType = parentUrn.split("::")[2].split("$").pop();
        qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}
