/** Text, Markdown and JSON renderings of a plan. */
import { Plan } from "./plan";
import { PlanResource } from "./model";

const money = (n: number) => `$${n.toFixed(2)}`;

function inputLines(r: PlanResource): string[] {
    const lines: string[] = [];
    for (const [key, value] of Object.entries(r.keyInputs)) {
        if (value === undefined) {
            continue;
        }
        if (Array.isArray(value)) {
            value.forEach((v) => lines.push(`${key}: ${typeof v === "string" ? v : JSON.stringify(v)}`));
        } else {
            lines.push(`${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
        }
    }
    for (const line of r.willCreate ?? []) {
        lines.push(`will create: ${line}`);
    }
    return lines;
}

/** The resources as a tree under their parent components, like `pulumi preview`. */
export function resourceTree(plan: Plan): string[] {
    const children = new Map<string | undefined, PlanResource[]>();
    const urns = new Set(plan.resources.map((r) => r.urn));
    for (const r of plan.resources) {
        const key = r.parentUrn && urns.has(r.parentUrn) ? r.parentUrn : undefined;
        children.set(key, [...(children.get(key) ?? []), r]);
    }
    const out: string[] = [];
    const walk = (parent: string | undefined, indent: string) => {
        const list = [...(children.get(parent) ?? [])].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
        for (const r of list) {
            const remote = r.type.startsWith("awsx:") ? "  (awsx component: children not visible under mocks)" : "";
            out.push(`${indent}${r.type}  ${r.name}${remote}`);
            for (const line of inputLines(r)) {
                out.push(`${indent}    · ${line}`);
            }
            walk(r.urn, `${indent}  `);
        }
    };
    walk(undefined, "");
    return out;
}

function costRows(plan: Plan): string[][] {
    return plan.cost.lines.map((l) => [l.item, l.kind, l.arithmetic, money(l.monthly), l.monthlyAtMax !== l.monthly ? money(l.monthlyAtMax) : ""]);
}

/** The total a reader looks for first, as the text and the Markdown open with it. */
function totalText(c: Plan["cost"]): string {
    return `${money(c.monthlyTotal)} a month (${money(c.fixedMonthly)} fixed + ${money(c.usageMonthly)} usage)${c.monthlyTotalAtMax !== c.monthlyTotal ? `, ${money(c.monthlyTotalAtMax)} at the maximum scale` : ""}`;
}

export function renderText(plan: Plan): string {
    const c = plan.cost;
    const out = [
        `Plan for stack ${plan.stack} (project ${plan.project}, region ${plan.region}): ${plan.resources.length} resources`,
        `Estimated ${totalText(c)}, itemised under "Monthly cost estimate"`,
        ...plan.notes.map((n) => `  note: ${n}`),
        "",
        "Resources",
        ...resourceTree(plan).map((l) => `  ${l}`),
        "",
        "Count by type",
        ...Object.entries(plan.counts).map(([t, n]) => `  ${String(n).padStart(3)}  ${t}`),
        "",
        `Monthly cost estimate (${c.currency}, ${c.region} prices, ${c.pricesTakenOn})`,
        ...costRows(plan).map(([item, kind, arithmetic, monthly, atMax]) => `  ${monthly.padStart(9)}${atMax ? ` (max ${atMax})` : ""}  ${kind.padEnd(5)}  ${item}  = ${arithmetic}`),
        `  ${money(c.fixedMonthly).padStart(9)}  fixed hourly items`,
        `  ${money(c.usageMonthly).padStart(9)}  usage items (assumed)`,
        `  ${money(c.monthlyTotal).padStart(9)}  total at the desired count${c.monthlyTotalAtMax !== c.monthlyTotal ? `; ${money(c.monthlyTotalAtMax)} at the maximum` : ""}`,
        ...c.perService.map((p) => `  Each further service like ${p.service} on ${p.loadBalancer} adds ${money(p.monthly)} a month (its tasks, their addresses and its alarms; the load balancer is shared)`),
        "Assumptions",
        ...c.assumptions.map((a) => `  - ${a}`),
        "",
        "Routing (rules in evaluation order, lowest priority first)",
        ...plan.routing.flatMap((r) => [`  ${r.loadBalancer} ${r.listener}`, ...r.rules.map((rule) => `    ${rule}`)]),
        "",
        ...workloadsText(plan).flatMap(([title, lines]) => [title, ...lines.map((l) => `  ${l}`)]),
        "Alarms",
        ...plan.alarms.map((a) => `  ${a.name}: ${a.text}`),
        "Dashboards",
        ...plan.dashboards.flatMap((d) => [`  ${d.name}`, ...d.widgets.map((w) => `    ${w}`)]),
        ...(plan.firewalls.length > 0 ? ["Web application firewalls", ...plan.firewalls.flatMap((f) => [`  ${f.name}`, ...f.rules.map((r) => `    ${r}`)])] : []),
        "",
        "Rolling deploy, modeled (docs/aws-behaviour.md)",
        ...plan.deployTimes.map((d) => `  ${d.service}: ${d.text}`),
        "Not included",
        ...c.excluded.map((e) => `  - ${e}`),
        ...(c.unpriced.length > 0 ? ["Unpriced resource types (billed by use, or not in the price table: no line above)", ...c.unpriced.map((u) => `  - ${u}`)] : []),
        "",
        "Architecture: see architecture.mmd / architecture.dot with --out DIR, or --format markdown.",
    ];
    return out.join("\n") + "\n";
}

/** The queues, scaling policies and Service Connect names, as titled lists (none when the stack has none). */
function workloadsText(plan: Plan): [string, string[]][] {
    const w = plan.workloads;
    return [
        ["Queues", w.queues.map((q) => `${q.name}: ${q.text}`)],
        ["Scaling", w.scaling.map((s) => `${s.name}: ${s.text}`)],
        ["Service Connect", w.serviceConnect.map((s) => `${s.service}: ${s.text}`)],
    ].filter(([, lines]) => lines.length > 0) as [string, string[]][];
}

export function renderMarkdown(plan: Plan): string {
    const c = plan.cost;
    const out = [
        `## Plan: stack \`${plan.stack}\``,
        "",
        `${plan.resources.length} resources in ${plan.region} (project \`${plan.project}\`). Estimated **${money(c.monthlyTotal)} a month** (${money(c.fixedMonthly)} fixed + ${money(c.usageMonthly)} usage)${c.monthlyTotalAtMax !== c.monthlyTotal ? `, ${money(c.monthlyTotalAtMax)} at the maximum scale` : ""}.`,
        "",
        ...plan.notes.map((n) => `> ${n}`),
        "",
        "### Architecture",
        "",
        "```mermaid",
        plan.diagram.mermaid.trimEnd(),
        "```",
        "",
        `### Monthly cost (${c.currency}, ${c.region} prices, ${c.pricesTakenOn})`,
        "",
        "| item | kind | arithmetic | monthly | at max |",
        "|---|---|---|---:|---:|",
        ...costRows(plan).map((r) => `| ${r.map((x) => x.replace(/\|/g, "\\|")).join(" | ")} |`),
        `| **total** | | fixed ${money(c.fixedMonthly)} + usage ${money(c.usageMonthly)} | **${money(c.monthlyTotal)}** | ${money(c.monthlyTotalAtMax)} |`,
        "",
        ...c.perService.map((p) => `Each further service like \`${p.service}\` on \`${p.loadBalancer}\` adds **${money(p.monthly)} a month** (its tasks, their addresses and its alarms; the load balancer is shared).`),
        "",
        `Assumptions: ${c.assumptions.join("; ")}.`,
        "",
        "### Routing",
        "",
        ...plan.routing.flatMap((r) => [`- \`${r.loadBalancer}\` ${r.listener}: ${r.rules.map((rule) => `\`${rule}\``).join("; ")}`]),
        "",
        ...workloadsText(plan).flatMap(([title, lines]) => [`### ${title}`, "", ...lines.map((l) => `- ${l.replace(/^(\S+):/, "`$1`:")}`), ""]),
        "### Alarms",
        "",
        ...plan.alarms.map((a) => `- \`${a.name}\`: ${a.text}`),
        "",
        ...plan.dashboards.map((d) => `Dashboard \`${d.name}\`: ${d.widgets.filter((w) => w.startsWith("  ")).map((w) => w.trim()).join("; ")}.`),
        "",
        ...plan.firewalls.map((f) => `Web application firewall \`${f.name}\`: ${f.rules.join("; ")}.`),
        "",
        `Not included: ${c.excluded.join(", ")}.`,
        ...(c.unpriced.length > 0 ? ["", `Unpriced resource types (billed by use, or not in the price table): ${c.unpriced.map((u) => `\`${u}\``).join(", ")}.`] : []),
        "",
        "### Rolling deploy, modeled ([docs/aws-behaviour.md](docs/aws-behaviour.md))",
        "",
        ...plan.deployTimes.map((d) => `- \`${d.service}\`: ${d.text}`),
        "",
        "### Resources",
        "",
        "| count | type |",
        "|---:|---|",
        ...Object.entries(plan.counts).map(([t, n]) => `| ${n} | \`${t}\` |`),
        "",
        "<details><summary>Resource tree with key inputs</summary>",
        "",
        "```text",
        ...resourceTree(plan),
        "```",
        "",
        "</details>",
    ];
    return out.join("\n") + "\n";
}

export function renderJson(plan: Plan): string {
    return (
        JSON.stringify(
            {
                stack: plan.stack,
                project: plan.project,
                region: plan.region,
                resources: plan.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ?? null, keyInputs: r.keyInputs, ...(r.willCreate ? { willCreate: r.willCreate } : {}) })),
                counts: plan.counts,
                cost: plan.cost,
                workloads: plan.workloads,
                deployTimes: plan.deployTimes.map((d) => ({ service: d.service, minTotalSeconds: d.estimate.minTotalSeconds, totalSeconds: d.estimate.totalSeconds, terms: d.estimate.terms })),
                diagram: plan.diagram,
                notes: plan.notes,
            },
            null,
            2,
        ) + "\n"
    );
}
