/**
 * The update planner of the mock harness (`fargate-workloads/testing`): given what a program
 * registered before and after a change (two {@link ProgramSnapshot}s, each taken under the mocks),
 * the step `pulumi up` would take for every resource, in the engine's order, and the AWS rules
 * those steps break (updateRules.ts).
 *
 * What it models, and where each comes from:
 * - Matching: a resource keeps its identity when its URN, or one of its aliases (its own, or one
 *   inherited from an aliased parent), names a resource of the previous run.
 * - Diff: inputs against the previous inputs, after `ignoreChanges` put the previous values back.
 *   An input that comes from a resource being created or replaced is unknown, and counts as
 *   changed: the mocks answer both runs with the same ARNs, a real update would not.
 * - Replacement: a changed property the provider marks `ForceNew` / `RequiresReplace`, or its
 *   `CustomizeDiff` forces (components/replacements.ts, generated from the provider's source),
 *   `replaceOnChanges`, or a replaced resource named in `replaceWith`. Create-before-delete,
 *   unless `deleteBeforeReplace` is set, or the bridge requires delete-first because an
 *   auto-named property was given explicitly (pulumi-terraform-bridge `nameRequiresDeleteBeforeReplace`).
 * - Order: creates, updates and replacement-creates in dependency order (the engine runs
 *   independent ones in parallel), then deletes of replaced and removed resources in reverse
 *   dependency order (pulumi `pkg/resource/deploy/step_generator.go`).
 */
import { RecordedResource, unsecret } from "./mockRecord";
import { COMPONENT_IN_PLACE, REPLACED_WHEN } from "./replacementConditions";
import { REPLACEMENTS, ReplacementRule, TypeReplacements } from "./replacements";
import { identityValues, isUnknown, Node, urnIn, parsePath, pathCovers, PlanContext, PlannedStep, ProgramSnapshot, ReplaceReason, StepOp, tablePath, Unknown, UpdatePlan, UpdateRule, valueAt } from "./updateModel";
import { UPDATE_RULES } from "./updateRules";

export type { PlannedStep, ProgramSnapshot, ReplaceReason, StepOp, UpdatePlan, UpdateProblem, UpdateRule } from "./updateModel";

/** A snapshot of `resources` (a deep copy: later registrations do not change it). */
export function snapshotOf(resources: readonly RecordedResource[], stack?: string, project?: string): ProgramSnapshot {
    const first = resources[0]?.urn.split("::") ?? [];
    return {
        stack: stack ?? first[0]?.replace(/^urn:pulumi:/, "") ?? "",
        project: project ?? first[1] ?? "",
        resources: JSON.parse(JSON.stringify(resources)) as RecordedResource[],
    };
}

/** A recorded value as the provider compares it: no secret wrappers, no undefined members. */
function plain(value: unknown): any {
    return JSON.parse(JSON.stringify(unsecret(value) ?? null));
}

function join(base: string, key: string | number): string {
    if (typeof key === "number") {
        return `${base}[${key}]`;
    }
    return base === "" ? key : /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}["${key}"]`;
}

/** Every leaf path under `value` (a leaf is a non-object value, an empty object or list, or an unknown). */
function leaves(value: unknown, base: string, out: string[]): void {
    if (isUnknown(value) || typeof value !== "object" || value === null || (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) {
        out.push(base);
        return;
    }
    if (Array.isArray(value)) {
        value.forEach((v, i) => leaves(v, join(base, i), out));
    } else {
        for (const [k, v] of Object.entries(value)) {
            leaves(v, join(base, k), out);
        }
    }
}

/** Leaf paths whose values differ between `a` (old) and `b` (new); an unknown always differs. */
export function changedPaths(a: unknown, b: unknown, base = ""): string[] {
    const out: string[] = [];
    const walk = (x: unknown, y: unknown, at: string): void => {
        if (isUnknown(y)) {
            out.push(at);
            return;
        }
        const xObj = typeof x === "object" && x !== null && !isUnknown(x);
        const yObj = typeof y === "object" && y !== null;
        if (xObj && yObj && Array.isArray(x) === Array.isArray(y)) {
            if (Array.isArray(x)) {
                const ya = y as unknown[];
                for (let i = 0; i < Math.max(x.length, ya.length); i++) {
                    if (i >= x.length) {
                        leaves(ya[i], join(at, i), out);
                    } else if (i >= ya.length) {
                        leaves(x[i], join(at, i), out);
                    } else {
                        walk(x[i], ya[i], join(at, i));
                    }
                }
            } else {
                const xr = x as Record<string, unknown>;
                const yr = y as Record<string, unknown>;
                for (const k of [...new Set([...Object.keys(xr), ...Object.keys(yr)])].sort()) {
                    if (!(k in yr)) {
                        leaves(xr[k], join(at, k), out);
                    } else if (!(k in xr)) {
                        leaves(yr[k], join(at, k), out);
                    } else {
                        walk(xr[k], yr[k], join(at, k));
                    }
                }
            }
            return;
        }
        if (JSON.stringify(x) !== JSON.stringify(y)) {
            if (xObj) {
                leaves(x, at, out);
            }
            if (yObj || !xObj) {
                leaves(y, at, out);
            }
        }
    };
    walk(a, b, base);
    return [...new Set(out)];
}

/**
 * `dest` with the values at `path` taken from `source` (absent there: removed), as the engine
 * applies `ignoreChanges` (pulumi `resource.PropertyPath.Reset`). Returns the concrete paths it reset.
 */
function resetPath(source: any, dest: any, segments: (string | number)[], at: string, out: string[]): void {
    if (dest === null || typeof dest !== "object" || isUnknown(dest)) {
        return;
    }
    const [head, ...rest] = segments;
    const keys = head === "*" ? (Array.isArray(dest) ? dest.map((_, i) => i) : Object.keys(dest)) : [head];
    for (const key of keys) {
        const src = source === null || typeof source !== "object" ? undefined : (source as any)[key];
        const here = join(at, key);
        if (rest.length === 0) {
            if (src === undefined) {
                if (dest[key] !== undefined) {
                    out.push(here);
                }
                if (Array.isArray(dest)) {
                    // A list keeps its length: the element is reset to nothing.
                    dest[key as number] = undefined;
                } else {
                    delete dest[key];
                }
            } else {
                if (JSON.stringify(dest[key]) !== JSON.stringify(src)) {
                    out.push(here);
                }
                dest[key] = JSON.parse(JSON.stringify(src));
            }
        } else if (dest[key] !== undefined) {
            resetPath(src, dest[key], rest, here, out);
        }
    }
}

function clone<T>(value: T): T {
    return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** `value` with every string that contains one of `identities` replaced by an unknown from `from`. */
function markUnknowns(value: unknown, identities: readonly string[], from: string): { value: unknown; found: boolean } {
    let found = false;
    const walk = (v: unknown): unknown => {
        if (isUnknown(v)) {
            return v;
        }
        if (typeof v === "string") {
            // A value containing an identity (an ARN in a policy), or a long enough part of one (an ARN suffix).
            if (identities.some((id) => v.includes(id) || (v.length >= 12 && /[/:]/.test(v) && id.includes(v)))) {
                found = true;
                return { __unknown: true, from: [from] } satisfies Unknown;
            }
            return v;
        }
        if (Array.isArray(v)) {
            return v.map(walk);
        }
        if (typeof v === "object" && v !== null) {
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
        }
        return v;
    };
    const result = walk(value);
    return { value: result, found };
}

function nodesOf(snapshot: ProgramSnapshot): Map<string, Node> {
    const byUrn = new Map(snapshot.resources.map((r) => [r.urn, r]));
    const nodes = new Map<string, Node>();
    snapshot.resources.forEach((r, index) => {
        const deps = new Set<string>([...r.options.dependencies, ...Object.values(r.options.propertyDependencies).flat()]);
        if (r.parent && byUrn.get(r.parent)?.custom) {
            deps.add(r.parent);
        }
        deps.delete(r.urn);
        nodes.set(r.urn, { resource: r, index, dependsOn: [...deps].filter((d) => byUrn.has(d)) });
    });
    return nodes;
}

/** Resources in dependency order (dependencies first), ties by registration order. */
function topological(nodes: ReadonlyMap<string, Node>): Node[] {
    const done = new Set<string>();
    const order: Node[] = [];
    const visit = (n: Node, path: Set<string>): void => {
        if (done.has(n.resource.urn) || path.has(n.resource.urn)) {
            return;
        }
        path.add(n.resource.urn);
        for (const d of [...n.dependsOn].sort((a, b) => nodes.get(a)!.index - nodes.get(b)!.index)) {
            visit(nodes.get(d)!, path);
        }
        path.delete(n.resource.urn);
        done.add(n.resource.urn);
        order.push(n);
    };
    [...nodes.values()].sort((a, b) => a.index - b.index).forEach((n) => visit(n, new Set()));
    return order;
}

/**
 * URNs of the previous run a new resource may continue, as the engine derives them (pulumi
 * `generateAliases`, `inheritedChildAlias`): its own aliases, and when its parent continues a
 * resource under another URN, each of its names (its own and its aliases') under that parent, a
 * name that starts with the parent's name following the parent's old name.
 */
function candidateUrns(snapshot: ProgramSnapshot, byUrn: ReadonlyMap<string, RecordedResource>, r: RecordedResource, parentMatch: ReadonlyMap<string, string>): string[] {
    const resolve = (a: RecordedResource["options"]["aliases"][number], parent: string | undefined) =>
        a.urn ?? urnIn(a.stack ?? snapshot.stack, a.project ?? snapshot.project, a.noParent ? undefined : (a.parentUrn !== undefined ? (parentMatch.get(a.parentUrn) ?? a.parentUrn) : parent), a.type ?? r.type, a.name ?? r.name);
    const own = r.options.aliases.map((a) => resolve(a, r.parent));
    const inherited: string[] = [];
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const parentOld = r.parent ? parentMatch.get(r.parent) : undefined;
    if (parent && parentOld && parentOld !== r.parent) {
        const oldParentName = parentOld.split("::").pop()!;
        const [stack, project] = parentOld.replace(/^urn:pulumi:/, "").split("::");
        const names = [...new Set([{ name: r.name, type: r.type }, ...r.options.aliases.filter((a) => !a.urn && !a.noParent && (a.parentUrn === undefined || a.parentUrn === r.parent)).map((a) => ({ name: a.name ?? r.name, type: a.type ?? r.type }))].map((n) => JSON.stringify(n)))].map((n) => JSON.parse(n) as { name: string; type: string });
        for (const { name, type } of names) {
            inherited.push(urnIn(stack, project, parentOld, type, name));
            if (name.startsWith(parent.name)) {
                inherited.push(urnIn(stack, project, parentOld, type, oldParentName + name.slice(parent.name.length)));
            }
        }
    }
    return [r.urn, ...new Set([...own, ...inherited].filter((u) => u !== r.urn))];
}

/** Options of {@link planUpdate}. */
export interface PlanOptions {
    /** The replacement table. @default the one generated for the pinned @pulumi/aws (components/replacements.ts) */
    readonly replacements?: Readonly<Record<string, TypeReplacements>>;
    /** The rules between steps. @default every rule of updateRules.ts */
    readonly rules?: readonly UpdateRule[];
}

/** A rule of the table matches a changed path when it names the path or one of its parents. */
function ruleMatches(rule: ReplacementRule, path: string): boolean {
    const p = tablePath(path);
    return p === rule.path || p.startsWith(`${rule.path}.`);
}

/**
 * The steps `pulumi up` would take to go from `before` to `after`, in the engine's order, and
 * the AWS rules they break. Both snapshots come from the mocks ({@link snapshotOf}), of the same
 * stack and project.
 */
export function planUpdate(before: ProgramSnapshot, after: ProgramSnapshot, options: PlanOptions = {}): UpdatePlan {
    const table = options.replacements ?? REPLACEMENTS;
    const oldNodes = nodesOf(before);
    const newNodes = nodesOf(after);
    const newByUrn = new Map(after.resources.map((r) => [r.urn, r]));

    // Matching: by URN, else by alias; an old resource continues in one new resource at most.
    // Parents register before their children, so a child sees how its parent matched.
    const matchOf = new Map<string, string>();
    const successorOf = new Map<string, string>();
    for (const r of after.resources) {
        const candidates = candidateUrns(after, newByUrn, r, matchOf);
        const old = candidates.find((u) => oldNodes.has(u) && !successorOf.has(u));
        if (old) {
            matchOf.set(r.urn, old);
            successorOf.set(old, r.urn);
        }
    }

    const stepOf = new Map<string, PlannedStep>();
    const effectiveInputs = new Map<string, Record<string, any>>();
    const order = topological(newNodes);
    for (const node of order) {
        const r = node.resource;
        const oldUrn = matchOf.get(r.urn);
        const old = oldUrn ? oldNodes.get(oldUrn)!.resource : undefined;
        // Inputs from resources being created or replaced are unknown to the engine.
        let inputs: Record<string, any> = plain(r.inputs);
        for (const [prop, deps] of Object.entries(r.options.propertyDependencies)) {
            for (const dep of deps) {
                const depStep = stepOf.get(dep);
                if (!depStep || !["create", "replace", "unknown"].includes(depStep.op) || !(prop in inputs)) {
                    continue;
                }
                // The SDK lists every custom resource under a component the value came from, so only
                // the values that carry one of the resource's identities (its id, ARN, generated name,
                // or a part of one) are unknown.
                const marked = markUnknowns(inputs[prop], identityValues(newByUrn.get(dep)!), dep);
                if (marked.found) {
                    inputs = { ...inputs, [prop]: marked.value };
                }
            }
        }
        const unknown: string[] = [];
        const collectUnknown = (v: unknown, at: string): void => {
            if (isUnknown(v)) {
                unknown.push(at);
            } else if (Array.isArray(v)) {
                v.forEach((x, i) => collectUnknown(x, join(at, i)));
            } else if (typeof v === "object" && v !== null) {
                Object.entries(v).forEach(([k, x]) => collectUnknown(x, join(at, k)));
            }
        };
        collectUnknown(inputs, "");

        if (!old) {
            effectiveInputs.set(r.urn, inputs);
            stepOf.set(r.urn, step("create", r, { unknown }));
            continue;
        }
        const oldInputs = plain(old.inputs);
        // ignoreChanges: the previous inputs stand in for the new ones at those paths.
        const effective = clone(inputs);
        const ignored: string[] = [];
        for (const pattern of r.options.ignoreChanges) {
            const reset: string[] = [];
            resetPath(oldInputs, effective, parsePath(pattern), "", reset);
            ignored.push(...reset);
        }
        effectiveInputs.set(r.urn, effective);
        const changed = changedPaths(oldInputs, effective);
        const base = { oldUrn: oldUrn !== r.urn ? oldUrn : undefined, changed, unknown: unknown.filter((u) => !ignored.some((i) => pathCovers(i, u))), ignored };

        if (!r.custom) {
            // Components have no provider: only a remote one (awsx) hides children that may change.
            const inPlace = COMPONENT_IN_PLACE[r.type] ?? [];
            const opaque = r.type.startsWith("awsx:") ? changed.filter((p) => !inPlace.some((i) => pathCovers(i, p))) : [];
            const reason = `${r.type} is a component whose children the mocks cannot see; its inputs ${opaque.join(", ")} change, which may replace any of them (a new cidrBlock replaces the VPC, a new zone count its subnets)`;
            stepOf.set(r.urn, step(opaque.length > 0 ? "unknown" : changed.length > 0 ? "update" : "same", r, { ...base, ...(opaque.length > 0 ? { reason } : {}) }));
            continue;
        }
        const linked = [...r.options.replaceWith, ...(r.options.deletedWith ? [r.options.deletedWith] : [])];
        if (changed.length === 0 && !linked.some((u) => ["replace", "unknown"].includes(stepOf.get(u)?.op ?? ""))) {
            stepOf.set(r.urn, step("same", r, base));
            continue;
        }
        const entry = table[r.type];
        const reasons: ReplaceReason[] = [];
        const maybe: string[] = [];
        const conditional: string[] = [];
        for (const path of changed) {
            for (const pattern of r.options.replaceOnChanges) {
                if (pathCovers(pattern, path) || pattern === "*") {
                    reasons.push({ path, how: "replaceOnChanges", source: `replaceOnChanges: ${pattern}` });
                }
            }
            for (const rule of entry?.replaceOn ?? []) {
                if (!ruleMatches(rule, path)) {
                    continue;
                }
                if (rule.unless !== undefined && valueAt(effective, rule.unless)) {
                    continue;
                }
                if (rule.how === "CustomizeDiff") {
                    // A conditional rule: applied when its condition is known to hold, else the replacement is unknown.
                    const applies = REPLACED_WHEN[`${r.type} ${rule.path}`]?.(valueAt(oldInputs, rule.path), valueAt(effective, rule.path), effective);
                    if (applies === false) {
                        continue;
                    }
                    if (applies === undefined) {
                        conditional.push(`the provider replaces it on a change of ${path} (${rule.source}) when ${rule.note ?? "its condition holds"}, which the planner cannot check`);
                        continue;
                    }
                }
                reasons.push({ path, how: rule.how, source: rule.source });
            }
        }
        // replaceWith, and deletedWith ("If the named resource is being replaced, this resource will be replaced as well").
        for (const [u, how] of [...r.options.replaceWith.map((u) => [u, "replaceWith"] as const), ...(r.options.deletedWith ? [[r.options.deletedWith, "deletedWith"] as const] : [])]) {
            if (stepOf.get(u)?.op === "replace") {
                reasons.push({ path: "", how, source: `${how}: ${u}` });
            } else if (stepOf.get(u)?.op === "unknown") {
                conditional.push(`it is replaced with ${newByUrn.get(u)?.name ?? u} (${how}), whose replacement is unknown`);
            }
        }
        // A forced replacement that rests only on values unknown because a dependency's own step is unknown is itself unknown.
        const certain = reasons.filter((reason) => !isOnlyUncertain(effective, reason.path, stepOf));
        if (!entry && reasons.length === 0) {
            stepOf.set(r.urn, step("unknown", r, { ...base, reason: `no replacement table for ${r.type}: changes to ${changed.join(", ")} may replace it` }));
            continue;
        }
        if (certain.length === 0 && reasons.length > 0) {
            maybe.push(...reasons.map((x) => x.path));
            stepOf.set(r.urn, step("unknown", r, { ...base, reason: `${maybe.join(", ")} would force a replacement if ${[...new Set(maybe.flatMap((p) => unknownSources(effective, p)))].join(", ")} is replaced` }));
            continue;
        }
        if (certain.length === 0 && conditional.length > 0) {
            stepOf.set(r.urn, step("unknown", r, { ...base, reason: conditional.join("; ") }));
            continue;
        }
        if (certain.length === 0) {
            stepOf.set(r.urn, step("update", r, base));
            continue;
        }
        const dbr = deleteFirst(r, entry);
        // A replacement is created from the program's inputs: ignoreChanges does not apply to it.
        effectiveInputs.set(r.urn, inputs);
        stepOf.set(r.urn, step("replace", r, { ...base, replaceReasons: dedupeReasons(certain), deleteBeforeReplace: dbr.value, ...(dbr.why ? { reason: dbr.why } : {}) }));
    }

    // Engine order: creates/updates/replacements in dependency order (delete-first deletes just
    // before their replacement), then every other delete, dependents first.
    const steps: PlannedStep[] = [];
    for (const node of order) {
        const s = stepOf.get(node.resource.urn)!;
        if (s.op === "replace" && s.deleteBeforeReplace) {
            steps.push(deleteStep("delete-replaced", oldNodes.get(matchOf.get(node.resource.urn)!)!.resource, true));
        }
        steps.push(s);
    }
    const oldOrder = topological(oldNodes).reverse();
    for (const node of oldOrder) {
        const urn = node.resource.urn;
        const successor = successorOf.get(urn);
        if (!successor) {
            const s = deleteStep("delete", node.resource, false);
            stepOf.set(urn, s);
            steps.push(s);
        } else {
            const s = stepOf.get(successor)!;
            if (s.op === "replace" && !s.deleteBeforeReplace) {
                steps.push(deleteStep("delete-replaced", node.resource, false));
            }
        }
    }

    const reach = new Map<string, Set<string>>();
    const waitsFor = (a: string, b: string): boolean => {
        let set = reach.get(a);
        if (!set) {
            set = new Set();
            const stack = [...(newNodes.get(a)?.dependsOn ?? [])];
            while (stack.length > 0) {
                const u = stack.pop()!;
                if (!set.has(u)) {
                    set.add(u);
                    stack.push(...(newNodes.get(u)?.dependsOn ?? []));
                }
            }
            reach.set(a, set);
        }
        return set.has(b);
    };
    const ctx: PlanContext = { before, after, oldNodes, newNodes, matchOf, successorOf, stepOf, effectiveInputs, waitsFor, replacementsOf: (type) => table[type] };
    const problems = (options.rules ?? UPDATE_RULES).flatMap((rule) => rule(ctx));
    return { steps, problems, before, after };

    function isOnlyUncertain(effective: Record<string, any>, path: string, steps: ReadonlyMap<string, PlannedStep>): boolean {
        const sources = unknownSources(effective, path);
        return sources.length > 0 && sources.every((u) => steps.get(u)?.op === "unknown");
    }
}

/** URNs an unknown value at `path` (or under it) comes from. */
function unknownSources(inputs: Record<string, any>, path: string): string[] {
    const v = valueAt(inputs, path);
    const out: string[] = [];
    const walk = (x: unknown): void => {
        if (isUnknown(x)) {
            out.push(...x.from);
        } else if (Array.isArray(x)) {
            x.forEach(walk);
        } else if (typeof x === "object" && x !== null) {
            Object.values(x).forEach(walk);
        }
    };
    walk(v);
    return [...new Set(out)];
}

function dedupeReasons(reasons: ReplaceReason[]): ReplaceReason[] {
    const seen = new Set<string>();
    return reasons.filter((r) => {
        const key = `${r.path}|${r.how}|${r.source}`;
        return !seen.has(key) && (seen.add(key), true);
    });
}

/** Whether a replacement deletes first, and why. */
function deleteFirst(r: RecordedResource, entry: TypeReplacements | undefined): { value: boolean; why?: string } {
    if (r.options.deleteBeforeReplace !== undefined) {
        return { value: r.options.deleteBeforeReplace, ...(r.options.deleteBeforeReplace ? { why: "deleteBeforeReplace is set" } : {}) };
    }
    const named = entry?.autoNamed;
    if (named !== undefined && r.inputs[named] !== undefined) {
        return { value: true, why: `its ${named} is set explicitly, so the bridge deletes it before creating the replacement (pulumi-terraform-bridge nameRequiresDeleteBeforeReplace)` };
    }
    return { value: false };
}

function step(op: StepOp, r: RecordedResource, rest: Partial<PlannedStep> = {}): PlannedStep {
    return { op, urn: r.urn, type: r.type, name: r.name, changed: [], unknown: [], ignored: [], replaceReasons: [], deleteBeforeReplace: false, ...stripUndefined(rest) };
}

function deleteStep(op: "delete" | "delete-replaced", r: RecordedResource, deleteBeforeReplace: boolean): PlannedStep {
    return step(op, r, { deleteBeforeReplace });
}

function stripUndefined<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The plan in words, one line a step (`same` left out), then the problems: for messages and reviews. */
export function describeUpdate(plan: UpdatePlan): string {
    const lines = plan.steps
        .filter((s) => s.op !== "same")
        .map((s) => {
            const what = `${s.op} ${s.name} (${s.type})`;
            if (s.op === "replace") {
                return `${what}${s.deleteBeforeReplace ? " delete-first" : ""}: ${s.replaceReasons.map((r) => `${r.path || "(all)"} [${r.how}]`).join(", ")}`;
            }
            if (s.op === "update") {
                return `${what}: ${s.changed.join(", ")}`;
            }
            if (s.op === "unknown") {
                return `${what}: ${s.reason}`;
            }
            return what;
        });
    const problems = plan.problems.map((p) => `${p.severity.toUpperCase()} [${p.rule}] ${p.message}`);
    return [...lines, ...problems].join("\n");
}
