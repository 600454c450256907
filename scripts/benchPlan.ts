// npm run bench:plan [-- --runs 5] [--cdk DIR]: the two figures issue 27 asks of the plan, timed
// as whole processes (wall clock, after one warm-up run that fills the transpile and compile
// caches), median of --runs:
//   1. `npm run -s plan` of the dev stack, and of a project of 1, 10 and 50 web services on one
//      load balancer (tests/fixtures/benchProject), to show the growth is linear;
//   2. with --cdk DIR, `npx cdk synth -q --no-notices` of the CDK app in DIR, run in turn with the dev plan
//      (plan, synth, plan, synth...), and the median of the pairwise ratios plan / synth.
// The CDK app is CDK's default TypeScript template (cdk init app --language typescript) with an
// ecs_patterns.ApplicationLoadBalancedFargateService; keep it outside this repository, whose
// package.json must not depend on aws-cdk-lib (docs/plan.md says how it was set up).
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseArgs } from "util";

const ROOT = path.join(__dirname, "..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, cdk: { type: "string" } } });
const runs = Number(values.runs);
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];

/** Runs `command` in `cwd` and returns its wall time in seconds; throws when it fails. */
function seconds(command: string[], cwd: string): number {
    const start = performance.now();
    const result = spawnSync(command[0], command.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`${command.join(" ")} exited ${result.status}:\n${result.stderr}`);
    }
    return (performance.now() - start) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (label: string, xs: number[]) => `${label.padEnd(44)} median ${median(xs).toFixed(2)} s  (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}, ${xs.length} runs)`;

function measure(label: string, command: string[], cwd: string): number[] {
    seconds(command, cwd);
    const times = Array.from({ length: runs }, () => seconds(command, cwd));
    console.log(row(label, times));
    return times;
}

console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
const plan = [...npm, "run", "-s", "plan", "--"];
measure("npm run -s plan (dev)", plan, ROOT);
for (const services of [1, 10, 50]) {
    measure(`npm run -s plan, ${services} web service${services === 1 ? "" : "s"}`, [...plan, "--cwd", "tests/fixtures/benchProject", "--config", `services=${services}`], ROOT);
}
if (values.cdk) {
    // Without notices and telemetry: both reach for the network, which would only slow cdk down here.
    const synth = ["npx", "cdk", "synth", "-q", "--no-notices"];
    process.env.CDK_DISABLE_CLI_TELEMETRY = "true";
    seconds(plan, ROOT);
    seconds(synth, values.cdk);
    const pairs = Array.from({ length: runs }, () => [seconds(plan, ROOT), seconds(synth, values.cdk!)]);
    console.log(row("npm run -s plan (dev), in turn with cdk synth", pairs.map(([a]) => a)));
    console.log(row(`npx cdk synth -q (${values.cdk})`, pairs.map(([, b]) => b)));
    console.log(`plan / cdk synth: median of ${runs} pairwise ratios ${median(pairs.map(([a, b]) => a / b)).toFixed(2)}`);
}
console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
