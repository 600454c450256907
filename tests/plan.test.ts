import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { listStacks } from "../app/stackFile";
import { RecordedResource, requireFresh } from "../components/testing";
import { conditionText, inlineRuleText, statementText, vpcRuleText } from "../scripts/plan/access";
import { parseCommandLine, USAGE } from "../scripts/plan/cli";
import { WebService } from "../components/webService";
import { estimateCost, runsPerMonth, toStandardCron } from "../scripts/plan/cost";
import { planResources, retryWaitsText } from "../scripts/plan/model";
import { buildPlan, listenerRouting, Plan } from "../scripts/plan/plan";
import { renderJson, renderMarkdown, renderText } from "../scripts/plan/render";
import { ROOT } from "./program";
import { mocks } from "./setup";

const H = 730;
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 0.006, `${actual} should be ${expected.toFixed(4)}`);

function line(plan: Plan, start: string) {
    const found = plan.cost.lines.find((l) => l.item.startsWith(start));
    assert.ok(found, `a cost line starting with "${start}" (have: ${plan.cost.lines.map((l) => l.item).join("; ")})`);
    return found;
}

/** The plan of a stack file of this repository, with what its program registered: evaluated once, read by every test that only reads it. */
const evaluated = new Map<string, Promise<{ plan: Plan; resources: readonly RecordedResource[] }>>();
function evaluatedOnce(stack: "dev" | "prod"): Promise<{ plan: Plan; resources: readonly RecordedResource[] }> {
    if (!evaluated.has(stack)) {
        evaluated.set(
            stack,
            buildPlan(mocks, stack).then((plan) => ({ plan, resources: [...mocks.resources] })),
        );
    }
    return evaluated.get(stack)!;
}
const planOf = async (stack: "dev" | "prod") => (await evaluatedOnce(stack)).plan;

describe("npm run plan", () => {
    after(() => mocks.useStack("test"));

    describe("cost", () => {
        it("models dev's fixed hourly items: under $35 a month of infrastructure, plus its alarms and dashboard", async () => {
            const plan = await planOf("dev");
            const alb = 0.0225 * H; // 16.425
            const ipv4 = 3 * 0.005 * H; // two load balancer addresses and one task address: 10.95
            const task = (0.25 * 0.03238 + 0.5 * 0.00356) * H; // one ARM64 task of 0.25 vCPU / 0.5 GB: 7.20875
            close(line(plan, "Load balancer todo-alb: hours").monthly, alb);
            close(line(plan, "Load balancer todo-alb: 2 public IPv4").monthly, 2 * 0.005 * H);
            close(line(plan, "Service web-service: 1 task").monthly, task);
            close(line(plan, "Service web-service: a public IPv4").monthly, 0.005 * H);
            assert.strictEqual(plan.cost.lines.filter((l) => l.item.startsWith("NAT")).length, 0, "no NAT gateway in dev");
            // Ten alarms reading 13 metrics: the load balancer's 5xx rate (2) and no-target (1), the service's six (8), the job's long run and dead letters (2).
            close(line(plan, "CloudWatch alarms: 10, reading 13 metrics").monthly, 13 * 0.1);
            close(line(plan, "CloudWatch dashboard fargate-workloads-dev").monthly, 3);
            const infrastructure = alb + ipv4 + task; // 34.58375
            assert.ok(infrastructure < 35);
            close(plan.cost.fixedMonthly, infrastructure + 1.3 + 3); // 38.88375
            assert.strictEqual(plan.cost.fixedMonthly, 38.88);
            assert.strictEqual(plan.cost.currency, "USD");
            assert.strictEqual(plan.cost.region, "us-east-1");
        });

        it("models prod's NAT gateways, their addresses and tasks at the desired and the maximum count", async () => {
            const plan = await planOf("prod");
            const perTask = (0.5 * 0.03238 + 1 * 0.00356) * H; // arm64, 0.5 vCPU / 1 GB: 14.4175
            close(line(plan, "NAT gateways of vpc: 2 (OnePerAz)").monthly, 2 * 0.045 * H); // 65.70
            close(line(plan, "NAT gateways of vpc: 2 Elastic IPs").monthly, 2 * 0.005 * H); // 7.30
            const tasks = line(plan, "Service web-service: 2 tasks (up to 10)");
            close(tasks.monthly, 2 * perTask); // 28.84
            close(tasks.monthlyAtMax, 10 * perTask); // 144.18
            const monitoring = 14 * 0.1 + 3; // eleven alarms (the no-success alarm too) reading 14 metrics, and the dashboard
            const waf = 5 + 3 * 1; // the web ACL and its three rules
            close(line(plan, "KMS key fargate-workloads-prod-key").monthly, 1);
            close(line(plan, "WAF web ACL todo-waf: the ACL and 3 rules").monthly, waf);
            close(line(plan, "WAF web ACL todo-waf: requests").monthly, 0.6);
            // Its request logs: 1 million requests at 2000 bytes are 2 GB a month, ingested as vended logs and kept 365 days.
            close(line(plan, "WAF web ACL todo-waf: request logs, ingestion").monthly, 2 * 0.5);
            close(line(plan, "WAF web ACL todo-waf: request logs, storage").monthly, 2 * (365 / 30) * 0.03);
            assert.ok(plan.cost.assumptions.includes("todo-waf: every inspected request logged at 2000 bytes (2 GB a month), kept 365 days"));
            assert.ok(line(plan, "CloudWatch Logs: 3 log groups"), "of four: the web ACL's is priced by its requests, not as a task's logs");
            const fixed = 0.0225 * H + 2 * 0.005 * H + 2 * 0.045 * H + 2 * 0.005 * H + 2 * perTask + monitoring + waf + 1;
            close(plan.cost.fixedMonthly, fixed); // 138.96
            assert.strictEqual(plan.cost.lines.filter((l) => l.item.includes("public IPv4 address per task")).length, 0, "private tasks have no public IP");
        });

        it("counts what each further service on the shared load balancer adds: its tasks and their addresses", async () => {
            const dev = await planOf("dev");
            // One ARM64 task and its public IPv4 (10.85875), and the service's six alarms reading 8 metrics (0.80).
            const task = (0.25 * 0.03238 + 0.5 * 0.00356) * H + 0.005 * H + 8 * 0.1;
            assert.deepStrictEqual(dev.cost.perService, [{ service: "web-service", loadBalancer: "todo-alb", monthly: 11.66 }]);
            close(dev.cost.perService[0].monthly, task);
            assert.match(renderText(dev), /\n {2}Each further service like web-service on todo-alb adds \$11\.66 a month \(its tasks, their addresses and its alarms; the load balancer is shared\)\n/);
            const prod = await planOf("prod");
            assert.deepStrictEqual(prod.cost.perService, [{ service: "web-service", loadBalancer: "todo-alb", monthly: 29.64 }], "two private tasks, no addresses, its alarms");
        });

        it("costs the dev stack with a second web service on its load balancer exactly one service's tasks and addresses more", async () => {
            // Evaluated here: the second service joins the resources this evaluation leaves in the mocks.
            const one = await buildPlan(mocks, "dev");
            // The second service joins the stack's listener as a service of another program would.
            const recorded = [...mocks.resources];
            const find = (name: string) => recorded.find((r) => r.name === name)!;
            const web = find("web-service").inputs;
            new WebService("api", {
                image: "mcr.microsoft.com/dotnet/samples:aspnetapp",
                user: "1654",
                architecture: "arm64",
                desiredCount: 1,
                cluster: web.cluster,
                network: { vpcId: find("web-tg").inputs.vpcId, subnetIds: web.networkConfiguration.subnets, assignPublicIp: true },
                loadBalancer: { arn: find("todo-alb").state.arn, listenerArn: find("todo-http").state.arn, protocol: "HTTP", securityGroupId: find("todo-alb-sg").state.arn.split("/").pop() },
                routing: { paths: ["/api/*"], priority: 100 },
            });
            await mocks.settle();
            const two = estimateCost(mocks.resources, "us-east-1");
            assert.deepStrictEqual(listenerRouting(mocks.resources).map((l) => l.rules), [["100: path /api/* -> forward to api-tg", "49657: path /* -> forward to web-tg", 'default: answer 404 "Not found"']]);
            assert.deepStrictEqual([one.cost.fixedMonthly, two.fixedMonthly], [38.88, 50.54]);
            close(two.fixedMonthly - one.cost.fixedMonthly, one.cost.perService[0].monthly);
            assert.deepStrictEqual(two.perService.map((p) => [p.service, p.loadBalancer, p.monthly]), [["web-service", "todo-alb", 11.66], ["api-service", "todo-alb", 11.66]]);
            assert.strictEqual(two.lines.filter((l) => l.item.startsWith("Load balancer")).length, 3, "still one load balancer: hours, addresses, capacity units");
        });

        it("lists every alarm with what it reads, its threshold and whom it notifies, and the dashboard's widgets", async () => {
            const prod = await planOf("prod");
            assert.deepStrictEqual(
                prod.alarms.map((a) => a.name),
                ["export-alarm-long-run", "export-no-success-alarm", "export-schedule-dlq-alarm", "todo-alarm-lb-5xx-rate", "todo-alarm-lb-no-target", "web-alarm-5xx-rate", "web-alarm-cpu-high", "web-alarm-memory-high", "web-alarm-p99-latency", "web-alarm-tasks-below-desired", "web-alarm-unhealthy-targets"],
            );
            const text = (name: string) => prod.alarms.find((a) => a.name === name)!.text;
            assert.strictEqual(text("web-alarm-5xx-rate"), "100 * FILL(errors, 0) / requests where errors = HTTPCode_Target_5XX_Count Sum, requests = RequestCount Sum > 5 in 3 of 5 x 60 s -> alerts (ALARM, OK)");
            assert.strictEqual(text("export-alarm-long-run"), "ExecutionTime Maximum > 5760000 in 1 of 1 x 300 s -> alerts (ALARM, OK)");
            assert.deepStrictEqual(prod.dashboards, [
                {
                    name: "fargate-workloads-prod",
                    widgets: [
                        "Load balancer todo",
                        "  todo: all requests, and the load balancer's own 5xx",
                        "Web service web",
                        "  web: requests and errors",
                        "  web: response time (s)",
                        "  web: targets",
                        "  web: CPU and memory (%)",
                        "Batch task export",
                        "  export: runs",
                        "  export: run duration (ms)",
                    ],
                },
            ]);
            assert.match(renderText(prod), /\nAlarms\n {2}export-alarm-long-run: ExecutionTime Maximum > 5760000/);
        });

        it("lists the firewall's rules and where it logs, without which headers (prod; dev has no firewall)", async () => {
            const prod = await planOf("prod");
            assert.deepStrictEqual(prod.firewalls.map((f) => f.name), ["todo-waf"]);
            assert.match(prod.firewalls[0].rules[prod.firewalls[0].rules.length - 1], /^logs every inspected request to aws-waf-logs-todo-[0-9a-f]+, kept 365 days, without authorization, cookie$/);
            assert.match(renderText(prod), /\n {4}logs every inspected request to aws-waf-logs-todo-/);
        });

        it("lists each listener's rules in evaluation order, with its default answer", async () => {
            const prod = await planOf("prod");
            assert.deepStrictEqual(prod.routing, [
                { loadBalancer: "todo-alb", listener: "HTTP :80", rules: ["default: redirect to HTTPS :443 (HTTP_301)"] },
                { loadBalancer: "todo-alb", listener: "HTTPS :443", rules: ["23220: host todo.example.com -> forward to web-tg", 'default: answer 404 "Not found"'] },
            ]);
            assert.match(renderText(prod), /\nRouting \(rules in evaluation order, lowest priority first\)\n {2}todo-alb HTTP :80\n {4}default: redirect to HTTPS :443 \(HTTP_301\)\n {2}todo-alb HTTPS :443\n {4}23220: host todo\.example\.com -> forward to web-tg\n/);
            assert.ok(renderMarkdown(prod).includes("### Routing\n\n- `todo-alb` HTTP :80: `default: redirect to HTTPS :443 (HTTP_301)`\n"));
        });

        it("states its usage assumptions and what it leaves out", async () => {
            const plan = await planOf("dev");
            close(line(plan, "Load balancer todo-alb: capacity units").monthly, 1 * 0.008 * H);
            const batch = line(plan, "Batch export-runner:");
            // 730 / 24 runs of 15 minutes on spot: 7.604 task-hours x (0.25 x 0.04048 + 0.5 x 0.004445) x 0.3
            close(batch.monthly, (730 / 24) * 0.25 * (0.25 * 0.04048 + 0.5 * 0.004445) * 0.3);
            assert.ok(plan.cost.assumptions.some((a) => a.includes("15 minutes")));
            assert.ok(plan.cost.assumptions.some((a) => a.includes("70% off")));
            close(line(plan, "CloudWatch Logs: 3 log groups, ingestion").monthly, 3 * 0.5 * 0.5);
            assert.ok(plan.cost.assumptions.some((a) => a.startsWith("0.5 GB of logs a month in each log group")));
            for (const item of ["Container Insights", "data transfer", "SQS", "SNS", "S3", "KMS"]) {
                assert.ok(plan.cost.excluded.some((e) => e.includes(item)), `${item} is listed as left out`);
            }
            // The access logs' storage has its line, so it is not also left out; without access logs it is.
            close(line(plan, "Access logs todo-access-logs: storage").monthly, 0.5 * (90 / 30) * 0.023);
            assert.deepStrictEqual(plan.cost.excluded.filter((e) => e.startsWith("S3")), ["S3 requests, and storage other than the access logs' (exports)"]);
            const { resources } = await evaluatedOnce("dev");
            const withoutAccessLogs = estimateCost(resources.filter((r) => r.name !== "todo-access-logs-lifecycle"), "us-east-1");
            assert.ok(!withoutAccessLogs.lines.some((l) => l.item.startsWith("Access logs")));
            assert.deepStrictEqual(withoutAccessLogs.excluded.filter((e) => e.startsWith("S3")), ["S3 storage and requests (exports, access logs)"]);
            close(plan.cost.monthlyTotal, plan.cost.fixedMonthly + plan.cost.usageMonthly);
        });

        it("takes 70% off a service's spot tasks and caps a batch run's minutes at its timeout", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
            const stack = [
                "config:",
                "  aws:region: us-east-1",
                "  fargate-workloads:network:",
                "    natGateways: None",
                "  fargate-workloads:web:",
                "    architecture: x86_64",
                "    capacity: spot",
                "    desiredCount: 2",
                "  fargate-workloads:batch:",
                "    capacity: spot",
                "    timeoutSeconds: 300",
            ].join("\n");
            fs.writeFileSync(path.join(dir, "Pulumi.spot.yaml"), stack + "\n");
            const plan = await buildPlan(mocks, "spot", dir);
            fs.rmSync(dir, { recursive: true, force: true });
            const perTask = (0.25 * 0.04048 + 0.5 * 0.004445) * H;
            close(line(plan, "Service web-service: 2 tasks").monthly, 2 * perTask * 0.3);
            const batch = line(plan, "Batch export-runner:");
            assert.match(batch.item, /runs of 5 min$/, "a run lasts at most its timeout");
            close(batch.monthly, (730 / 24) * (5 / 60) * (0.25 * 0.04048 + 0.5 * 0.004445) * 0.3);
        });

        it("costs a sharded job's run as its shards' task time at the modeled minutes plus its state transitions, and shows its peak vCPU and fan-out", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
            const batch = ["    command: ['echo shard $SHARD_INDEX of $SHARD_COUNT']", "    parallel:", "      shards: 100", "      maxConcurrent: 20"];
            fs.writeFileSync(path.join(dir, "Pulumi.sharded.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace("    capacity: spot\n", `    capacity: spot\n${batch.join("\n")}\n`));
            const plan = await buildPlan(mocks, "sharded", dir);
            fs.rmSync(dir, { recursive: true, force: true });
            const runs = 730 / 24;
            const tasks = line(plan, "Batch export-runner: ");
            assert.strictEqual(tasks.item, "Batch export-runner: 30.42 runs of 100 shards x 15 min, 20 at once: peak 5 vCPU a run on Fargate Spot or on-demand Fargate");
            close(tasks.monthly, runs * 100 * (15 / 60) * (0.25 * 0.04048 + 0.5 * 0.004445) * 0.3);
            // The run's own 9 states, then each shard's StartShard, StaggerStart, RunTask and ShardSucceeded.
            close(line(plan, "Batch export-runner: Step Functions transitions").monthly, (runs * (9 + 100 * 4) * 0.025) / 1000);
            assert.ok(plan.cost.assumptions.includes("export-runner: each run has 100 shards, each lasting 15 minutes (at most its timeout) and succeeding on its first attempt; 9 state transitions a run and 4 a shard (409 a run)"));
            assert.match(plan.diagram.mermaid, /export_runner -->\|"Distributed Map: 100 shards, 20 at once, runTask.sync each"\| export_runner_task/);
            assert.match(plan.diagram.mermaid, /Batch task export: .*, x 100 shards/);
            const runner = plan.resources.find((r) => r.name === "export-runner")!;
            assert.strictEqual(runner.keyInputs.shards, "100 a run (at most), 20 at once, a run failing when over 0% of them fail");
            assert.ok(!plan.cost.lines.some((l) => l.item.includes("shard results")), "without a tolerance, nothing is written to S3");
        });

        it("costs a sharded job with a tolerance its shards' results in S3: a few PUT requests a run, and the records kept 14 days", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
            const batch = ["    command: ['echo shard $SHARD_INDEX of $SHARD_COUNT']", "    parallel:", "      shards: 200", "      toleratedFailurePercent: 1"];
            fs.writeFileSync(path.join(dir, "Pulumi.tolerant.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace("    capacity: spot\n", `    capacity: spot\n${batch.join("\n")}\n`));
            const plan = await buildPlan(mocks, "tolerant", dir);
            fs.rmSync(dir, { recursive: true, force: true });
            const runs = 730 / 24;
            const puts = line(plan, "Batch export-runner: shard results written to S3");
            assert.strictEqual(puts.arithmetic, "365 PUT requests / 1000 x 0.005");
            close(puts.monthly, (runs * 4 * 3 * 0.005) / 1000);
            close(line(plan, "Batch export-runner: shard results stored 14 days").monthly, ((runs * 200 * 1000 * (14 / 30.42)) / 1e9) * 0.023);
            assert.ok(plan.cost.assumptions.includes("export-runner: each run writes its shards' records (1000 bytes a shard with a short input, plus twice its length) in at most 4 objects of 3 requests each, kept 14 days"));
        });

        it("with a worker: shows its queue, scaling policies and Service Connect names, and costs its requests and its tasks at minCount", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
            const worker = ["  fargate-workloads:worker:", "    image: public.ecr.aws/docker/library/python:3.13-slim", "    minCount: 1", "    maxCount: 4", "    capacity: spot"];
            fs.writeFileSync(path.join(dir, "Pulumi.worker.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").trimEnd() + "\n" + worker.join("\n") + "\n");
            const plan = await buildPlan(mocks, "worker", dir);
            fs.rmSync(dir, { recursive: true, force: true });
            const queue = plan.workloads.queues.find((q) => q.name === "worker-queue");
            assert.strictEqual(queue?.text, "visibility 300 s, kept 345600 s, long polling 20 s, after 5 receives to worker-dlq, SQS-managed encryption");
            assert.deepStrictEqual(plan.workloads.scaling, [
                {
                    name: "worker-scale-backlog",
                    text: "keep (visible / running) at 10 (1..4 tasks), where visible = AWS/SQS ApproximateNumberOfMessagesVisible Sum, running = ECS/ContainerInsights RunningTaskCount Average",
                },
            ]);
            assert.deepStrictEqual(plan.workloads.serviceConnect, [
                { service: "web-service", text: "namespace fargate-workloads-worker, serves http://web:8080" },
                { service: "worker-service", text: "namespace fargate-workloads-worker, calls http://web:8080 (web-service) on 8080" },
            ]);
            // One spot task of 512/1024 (the proxy's share) at 30%, long polling 3 times a minute.
            const perTask = (0.5 * 0.04048 + 1 * 0.004445) * H;
            close(line(plan, "Service worker-service: 1 task (up to 4)").monthly, perTask * 0.3);
            close(line(plan, "Service worker-service: 1 task (up to 4)").monthlyAtMax, 4 * perTask * 0.3);
            close(line(plan, "SQS worker-queue: requests").monthly, ((200_000 * 3 + 3 * 60 * 730) / 1e6) * 0.4);
            assert.match(renderText(plan), /\nQueues\n {2}export-schedule-dlq: .*\n {2}worker-dlq: .*\n {2}worker-queue: visibility 300 s/);
            const { mermaid } = plan.diagram;
            assert.ok(mermaid.includes('worker_queue -->|"messages"| worker_service'), mermaid);
            assert.ok(mermaid.includes('worker_queue -.->|"after 5 receives"| worker_dlq'));
            assert.ok(mermaid.includes('worker_service -->|"Service Connect http://web:8080"| web_service'));
        });

        it("falls back to us-east-1 prices with a note in another region", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
            fs.writeFileSync(path.join(dir, "Pulumi.eu.yaml"), fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace("aws:region: us-east-1", "aws:region: eu-west-1"));
            const plan = await buildPlan(mocks, "eu", dir);
            assert.strictEqual(plan.region, "eu-west-1");
            assert.strictEqual(plan.cost.region, "us-east-1");
            assert.ok(plan.notes.some((n) => n.startsWith("No price table for eu-west-1: us-east-1 prices are used")));
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("counts a month of runs for each Scheduler expression form", () => {
            close(runsPerMonth("cron(0 3 * * ? *)")!, 730 / 24);
            close(runsPerMonth("rate(1 hour)")!, 730);
            close(runsPerMonth("rate(5 minutes)")!, 730 * 12);
            close(runsPerMonth("rate(2 days)")!, 730 / 48);
            assert.strictEqual(runsPerMonth("at(2030-01-01T00:00:00)"), 1);
            const weekdays = (261 / 365) * (730 / 24); // 2026 has 261 weekdays
            close(runsPerMonth("cron(0 8 ? * MON-FRI *)")!, weekdays);
            close(runsPerMonth("cron(0 8 ? * 2-6 *)")!, weekdays); // AWS numbers days 1 (Sunday) to 7
            close(runsPerMonth("cron(0 3 L * ? *)")!, (12 / 365) * (730 / 24));
            assert.strictEqual(runsPerMonth("nonsense"), undefined);
        });

        it("turns AWS cron fields into standard ones", () => {
            assert.strictEqual(toStandardCron("0 3 * * ? *"), "0 3 * * *");
            assert.strictEqual(toStandardCron("0 8 ? * 2-6 *"), "0 8 * * 1-5");
            assert.strictEqual(toStandardCron("0 8 ? * 2#1 *"), "0 8 * * 1#1");
            assert.strictEqual(toStandardCron("0/15 * ? * MON *"), "0/15 * * * MON");
        });
    });

    describe("resources and diagram", () => {
        it("lists every resource under its parent component, with counts per type", async () => {
            const { plan, resources } = await evaluatedOnce("dev");
            assert.strictEqual(plan.resources.length, resources.length);
            const service = plan.resources.find((r) => r.name === "web-service")!;
            assert.strictEqual(service.parent, "web");
            assert.deepStrictEqual(service.keyInputs.desiredCount, 1);
            assert.strictEqual(plan.counts["aws:iam/role:Role"], 6);
            assert.strictEqual(Object.values(plan.counts).reduce((a, b) => a + b, 0), plan.resources.length);
            const vpc = plan.resources.find((r) => r.type === "awsx:ec2:Vpc")!;
            assert.deepStrictEqual(vpc.willCreate, ["1 VPC (10.0.0.0/16) with an internet gateway", "2 public subnets (one per AZ) with route tables", "no NAT gateway"]);
            const listener = plan.resources.find((r) => r.name === "todo-http")!;
            assert.deepStrictEqual(listener.keyInputs.actions, ['answer 404 "Not found"']);
            assert.deepStrictEqual(listener.keyInputs.rules, ["49657: path /* -> forward to web-tg", 'default: answer 404 "Not found"']);
            const rule = plan.resources.find((r) => r.type === "aws:lb/listenerRule:ListenerRule")!;
            assert.deepStrictEqual([rule.name, rule.parent, rule.keyInputs], ["web-http-rule", "web", { listener: "todo-http", priority: 49657, conditions: "path /*", actions: ["forward to web-tg"] }]);
            const text = renderText(plan);
            assert.match(text, /^Plan for stack dev \(project fargate-workloads, region us-east-1\): \d+ resources\nEstimated \$45\.58 a month \(\$38\.88 fixed \+ \$6\.70 usage\), itemised under "Monthly cost estimate"\n/);
            assert.match(text, /\n {2}fargate-workloads:ecs:WebService {2}web\n {4}aws:cloudwatch\/logGroup:LogGroup {2}web-logs\n/);
            assert.match(text, /awsx:ec2:Vpc {2}vpc {2}\(awsx component: children not visible under mocks\)/);
        });

        it("shows IAM actions per role and the schedule", async () => {
            const plan = await planOf("prod");
            const policy = plan.resources.find((r) => r.name === "export-schedule-policy")!;
            assert.deepStrictEqual(policy.keyInputs, {
                role: "export-schedule-role",
                statements: ["Allow states:StartExecution on export-runner", "Allow sqs:SendMessage on export-schedule-dlq", "Allow kms:Decrypt, kms:GenerateDataKey on fargate-workloads-prod-key"],
            });
            const schedule = plan.resources.find((r) => r.type === "aws:scheduler/schedule:Schedule")!;
            assert.deepStrictEqual(schedule.keyInputs, { expression: "cron(0 3 * * ? *)", timezone: "UTC", state: "ENABLED", target: "export-runner", deadLetterQueue: "export-schedule-dlq" });
            const vpc = plan.resources.find((r) => r.type === "awsx:ec2:Vpc")!;
            assert.ok(vpc.willCreate!.includes("2 NAT gateways (OnePerAz), each with an Elastic IP"));
            const runner = plan.resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
            assert.strictEqual(runner.keyInputs.retries, "2 after a failed attempt, waiting 300 s, then 600 s", "prod waits five minutes, then ten");
        });

        it("says in words how long the runner waits before each retry", () => {
            assert.strictEqual(retryWaitsText([60, 120]), "waiting 60 s, then 120 s");
            assert.strictEqual(retryWaitsText([10]), "waiting 10 s before it");
            assert.strictEqual(retryWaitsText([30, 30, 30]), "waiting 30 s before each");
            assert.strictEqual(retryWaitsText([5, 7, 11, 17]), "waiting 5 s, 7 s, 11 s, then 17 s");
            assert.strictEqual(retryWaitsText([60, 120, 240, 480, 960]), "waiting 60 s, then 120 s, growing to 960 s before the last");
            assert.strictEqual(retryWaitsText(undefined), "waiting as its definition says");
        });


        it("shows the conditions of IAM statements, in role, trust and resource policies", async () => {
            const plan = await planOf("prod");
            const keyInputs = (name: string) => plan.resources.find((r) => r.name === name)!.keyInputs;
            assert.ok(
                (keyInputs("web-task-policy").statements as string[]).includes("Allow kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key/* when kms:ViaService = ssm.us-east-1.amazonaws.com"),
                "the KMS statement shows it decrypts only through SSM",
            );
            const runner = keyInputs("export-runner-policy").statements as string[];
            assert.ok(runner.includes("Allow ecs:RunTask on arn:aws:ecs:us-east-1:123456789012:task-definition/fargate-workloads-prod-export:* when ecs:cluster = todo-cluster"), runner.join("\n"));
            assert.ok(runner.includes("Allow iam:PassRole on export-task, export-execution when iam:PassedToService = ecs-tasks.amazonaws.com"), runner.join("\n"));
            assert.deepStrictEqual(keyInputs("web-task"), {
                trust: ["Allow ecs-tasks.amazonaws.com to sts:AssumeRole when aws:SourceAccount = 123456789012 and aws:SourceArn like arn:aws:ecs:us-east-1:123456789012:*"],
            });
            const bucketPolicy = keyInputs("export-bucket-tls-only");
            assert.strictEqual(bucketPolicy.bucket, "export-bucket");
            assert.match((bucketPolicy.statements as string[]).join("\n"), /^Deny anyone to s3:\* on export-bucket, arn:aws:s3:::export-bucket-[0-9a-f]{7}\/\* when aws:SecureTransport = false$/);
            assert.ok(renderText(plan).includes("\n        · statements: Allow kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key/* when kms:ViaService = ssm.us-east-1.amazonaws.com\n"));
        });

        it("shows every security group's rules by direction, protocol, ports and peer, and each rule resource's own", async () => {
            const plan = await planOf("prod");
            const keyInputs = (name: string) => plan.resources.find((r) => r.name === name)!.keyInputs;
            assert.deepStrictEqual(keyInputs("todo-alb-sg"), {
                inbound: ["tcp 80 from 0.0.0.0/0", "tcp 443 from 0.0.0.0/0"],
                outbound: ["tcp 8080 to web-service-sg"],
            });
            assert.deepStrictEqual(keyInputs("web-service-sg"), { inbound: ["tcp 8080 from todo-alb-sg"], outbound: ["tcp 443 to 0.0.0.0/0", "tcp 443 to ::/0"] });
            assert.deepStrictEqual(keyInputs("export-sg"), { inbound: "none", outbound: ["tcp 443 to 0.0.0.0/0, ::/0"] });
            assert.deepStrictEqual(keyInputs("web-service-in-alb-8080"), { securityGroup: "web-service-sg", inbound: "tcp 8080 from todo-alb-sg" });
            assert.deepStrictEqual(keyInputs("web-alb-out-tasks-8080"), { securityGroup: "todo-alb-sg", outbound: "tcp 8080 to web-service-sg" });
            const text = renderText(plan);
            assert.ok(text.includes("aws:ec2/securityGroup:SecurityGroup  export-sg\n        · inbound: none\n        · outbound: tcp 443 to 0.0.0.0/0, ::/0\n"), "the tree shows the rules under the group");
        });

        it("writes IAM conditions and security group rules as a reviewer reads them", () => {
            const label = (ref: unknown) => (ref === "sg-0123" ? "web-alb-sg" : ref);
            assert.strictEqual(conditionText({ StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": ["arn:a", "arn:b"] } }), "aws:SourceAccount = 123456789012 and aws:SourceArn like arn:a or arn:b");
            assert.strictEqual(conditionText({ "ForAnyValue:StringNotLike": { "aws:TagKeys": "team*" } }), "any of aws:TagKeys not like team*");
            assert.strictEqual(conditionText({ NumericLessThanEqualsIfExists: { "s3:max-keys": "10" } }), "s3:max-keys <= 10 (if present)");
            assert.strictEqual(conditionText({ Null: { "aws:TokenIssueTime": "true" }, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }), "aws:TokenIssueTime is absent and aws:SourceIp in 203.0.113.0/24");
            assert.strictEqual(conditionText({ StringEqualsIgnoreCase: { "aws:PrincipalTag/team": "Web" } }), "aws:PrincipalTag/team StringEqualsIgnoreCase Web");
            assert.strictEqual(statementText({ Effect: "Deny", NotAction: ["iam:*"], NotResource: "arn:x" }), "Deny every action except iam:* on every resource except arn:x");
            assert.strictEqual(statementText({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:y" }), "Allow anyone to s3:GetObject on arn:y");
            assert.strictEqual(vpcRuleText("inbound", { ipProtocol: "tcp", fromPort: 1024, toPort: 65535, referencedSecurityGroupId: "sg-0123" }, label), "tcp 1024-65535 from web-alb-sg");
            assert.strictEqual(vpcRuleText("outbound", { ipProtocol: "-1", prefixListId: "pl-0abc" }), "all traffic to pl-0abc");
            assert.strictEqual(inlineRuleText("inbound", { protocol: "udp", fromPort: 53, toPort: 53, self: true, securityGroups: ["sg-0123"] }, label), "udp 53 from web-alb-sg, itself");
            assert.strictEqual(inlineRuleText("inbound", { protocol: "icmp", fromPort: 8, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }), "icmp 8-0 from 10.0.0.0/8");
        });

        it("draws dev: internet, HTTP listener, target group, service and job in public subnets, table and bucket", async () => {
            const { mermaid, dot } = (await planOf("dev")).diagram;
            for (const expected of [
                "flowchart LR",
                'internet(("Internet"))',
                'subgraph public["Public subnets"]',
                "internet --> todo_alb",
                "todo_alb --> todo_http",
                'todo_http("HTTP :80, else 404")',
                'todo_http -->|"49657: path /*"| web_tg',
                'web_tg -->|":8080"| web_service',
                "web_service --> todo_table",
                'export_schedule -->|"starts"| export_runner',
                'export_runner -->|"runTask.sync"| export_runner_task',
                "export_runner_task --> todo_table",
                "export_runner_task --> export_bucket",
            ]) {
                assert.ok(mermaid.includes(expected), `Mermaid has ${expected}`);
            }
            assert.ok(!mermaid.includes("private"), "dev has no private subnets");
            assert.ok(mermaid.includes('export_runner -.->|"failed runs"| alerts'), "dev alerts too, to the stack's topic, without a subscriber");
            assert.ok(mermaid.includes('alerts("SNS topic alerts")'), "the topic once, by its kind and name");
            assert.ok(!/nat|waf/i.test(mermaid), "dev has neither NAT gateways nor a firewall");
            assert.match(dot, /^digraph "fargate-workloads dev" \{/);
            assert.ok(dot.includes("subgraph cluster_public {"));
            assert.ok(dot.includes('todo_http -> web_tg [label="49657: path /*"];'));
        });

        it("draws prod: HTTPS with the redirect, tasks in private subnets going out through the NAT gateways, the firewall and its logs, the alarms and the alert topic", async () => {
            const prod = await planOf("prod");
            const { mermaid, dot } = prod.diagram;
            for (const expected of [
                'subgraph private["Private subnets"]',
                'todo_http -.->|"301 redirect"| todo_https',
                'todo_https("HTTPS :443, else 404")',
                'todo_https -->|"23220: host todo.example.com"| web_tg',
                'export_runner -.->|"failed runs"| alerts',
                'alerts("SNS topic alerts, 1 email subscription")',
                'vpc_nat["2 NAT gateways of vpc (OnePerAz), an Elastic IP each"]',
                'vpc_nat -->|"outbound"| internet',
                "web_service --> vpc_nat",
                "export_runner_task --> vpc_nat",
                'todo_waf["WAF web ACL todo-waf: 3 rules"]',
                'todo_waf -.->|"filters requests"| todo_alb',
                'todo_waf_logs[("Log group aws-waf-logs-todo-…, kept 365 days")]',
                'todo_waf -->|"request logs"| todo_waf_logs',
                'todo_alb -.->|"access logs"| todo_access_logs',
                'web_alarms("6 alarms of web: 5xx-rate, cpu-high, memory-high, p99-latency, tasks-below-desired, unhealthy-targets")',
                'web_service -.->|"metrics"| web_alarms',
                'web_alarms -.->|"notify"| alerts',
                'todo_alarms("2 alarms of todo: lb-5xx-rate, lb-no-target")',
                'export_alarms("3 alarms of export: long-run, no-success, schedule-dlq")',
            ]) {
                assert.ok(mermaid.includes(expected), `Mermaid has ${expected}`);
            }
            const privateBlock = mermaid.slice(mermaid.indexOf('subgraph private["Private subnets"]'));
            assert.ok(privateBlock.slice(0, privateBlock.indexOf("end")).includes("web_service["), "the service sits in the private subnets");
            const publicBlock = mermaid.slice(mermaid.indexOf('subgraph public["Public subnets"]'));
            assert.ok(publicBlock.slice(0, publicBlock.indexOf("end")).includes("vpc_nat["), "the NAT gateways sit in the public subnets");
            const drawnAlarms = [...mermaid.matchAll(/^ {4}\w+_alarms\("(\d+) alarms? of /gm)].reduce((n, m) => n + Number(m[1]), 0);
            assert.strictEqual(drawnAlarms, prod.alarms.length, "every alarm in one of the nodes");
            assert.ok(!/\b(\w+) \1\b/.test(mermaid.replace(/\|"[^"]*"\|/g, "")), "no label says a word twice in a row");
            assert.ok(dot.includes("subgraph cluster_private {"));
            assert.ok(dot.includes("export_runner -> alerts [label=\"failed runs\", style=dashed];"));
        });

        it("never prints a secret value", async () => {
            mocks.useStack("prod", {
                config: { "aws:region": "us-east-1", "fargate-workloads:batch": { alertEmail: "oncall-private@example.com" }, "fargate-workloads:web": { environment: { API_TOKEN: "s3cr3t-token" } } },
                secretKeys: ["fargate-workloads:batch", "fargate-workloads:web"],
            });
            requireFresh(path.join(ROOT, "index.ts"));
            await mocks.settle();
            const resources = planResources(mocks.resources);
            const out = JSON.stringify(resources);
            assert.ok(!out.includes("oncall-private@example.com"));
            assert.ok(!out.includes("s3cr3t-token"));
            const subscription = resources.find((r) => r.type === "aws:sns/topicSubscription:TopicSubscription")!;
            assert.strictEqual(subscription.keyInputs.endpoint, "[secret]");
        });

        it("shows in the README and docs/ what npm run plan prints: each excerpt of the text as it is, each diagram whole", async () => {
            const docs = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f))];
            const plans = { dev: await planOf("dev"), prod: await planOf("prod") };
            let excerpts = 0;
            let diagrams = 0;
            for (const file of docs) {
                const text = fs.readFileSync(path.join(ROOT, file), "utf8");
                // A sample of the text output starts with its first line; "[…]" stands for lines left out.
                for (const [, block] of text.matchAll(/```text\n(Plan for stack [\s\S]*?)```/g)) {
                    const stack = /^Plan for stack (\w+) /.exec(block)![1] as keyof typeof plans;
                    const output = renderText(plans[stack]);
                    for (const part of block.split("[…]\n")) {
                        assert.ok(output.includes(part), `${file}: this part of the ${stack} sample is not in npm run plan's output:\n${part}`);
                        excerpts++;
                    }
                }
                // A diagram of the plan names the stack's load balancer as the plan labels it (a drawing by hand need not).
                for (const [, block] of [...text.matchAll(/```mermaid\n(flowchart LR\n[\s\S]*?)```/g)].filter(([, b]) => b.includes('todo_alb["Load balancer todo-alb"]'))) {
                    assert.ok(Object.values(plans).some((p) => p.diagram.mermaid === block), `${file}: a diagram that is neither stack's:\n${block}`);
                    diagrams++;
                }
            }
            assert.ok(excerpts >= 3 && diagrams >= 1, `found ${excerpts} excerpts and ${diagrams} diagrams`);
        });

        it("renders Markdown with the Mermaid diagram and JSON with stack, resources and cost", async () => {
            const plan = await planOf("dev");
            const md = renderMarkdown(plan);
            assert.match(md, /^## Plan: stack `dev`\n/);
            assert.ok(md.includes("```mermaid\nflowchart LR\n"));
            assert.ok(md.includes("| **total** |"));
            const json = JSON.parse(renderJson(plan));
            assert.strictEqual(json.stack, "dev");
            assert.ok(json.resources.every((r: any) => typeof r.type === "string" && typeof r.name === "string" && "parent" in r && typeof r.keyInputs === "object"));
            assert.deepStrictEqual(Object.keys(json.cost).sort(), ["assumptions", "currency", "excluded", "fixedMonthly", "lines", "monthlyTotal", "monthlyTotalAtMax", "notes", "perService", "pricesTakenOn", "region", "unpriced", "usageMonthly"]);
        });
    });

    describe("the command line", () => {
        const usageError = (problem: string) => ({ exit: 2, stderr: `plan: ${problem}\n\n${USAGE}` });
        const defaults = { projectDir: ROOT, stack: "dev", format: "text", configDir: ROOT, config: {}, stackOutputs: {}, invokes: {}, allowReplace: [] };

        it("prints the usage for --help or -h, exit 0", () => {
            assert.deepStrictEqual(parseCommandLine(["--help"], ROOT), { exit: 0, stdout: USAGE });
            assert.deepStrictEqual(parseCommandLine(["--stack", "prod", "-h"], ROOT), { exit: 0, stdout: USAGE });
            assert.ok(USAGE.startsWith("Usage: fargate-workloads plan [--stack NAME] [--format text|markdown|json] [--out DIR] [--cwd DIR]\n"));
            assert.ok(USAGE.includes("\n  npx fargate-workloads plan --stack prod --format json > plan.json\n"), "the usage shows how to pipe the JSON");
        });

        it("names every bad flag or value, with the usage, exit 2", () => {
            const missing = path.join(os.tmpdir(), "no-such-plan-dir");
            const noProject = fs.mkdtempSync(path.join(os.tmpdir(), "plan-no-project-"));
            const notJson = path.join(noProject, "outputs.txt");
            fs.writeFileSync(notJson, "vpcId: vpc-1");
            const cases: [string[], string][] = [
                [["--bogus"], "unknown option --bogus"],
                [["-x"], "unknown option -x"],
                [["--format", "yaml"], '--format must be text, markdown or json (got "yaml")'],
                [["--format="], '--format must be text, markdown or json (got "")'],
                [["--stack"], "--stack needs a value"],
                [["prod"], 'unexpected argument "prod"; every value follows its option, as in --stack prod'],
                [["--stack", "staging"], `no stack file Pulumi.staging.yaml in ${ROOT} (stacks there: dev, prod)`],
                [["--config-dir", missing], `--config-dir ${missing} is not a directory`],
                [["--cwd", missing], `--cwd ${missing} is not a directory`],
                [["--cwd", noProject], `no Pulumi.yaml in ${noProject} or above; run the plan in your Pulumi project, or give its folder with --cwd DIR`],
                [["--config-dir", noProject], `no Pulumi.<stack>.yaml in ${noProject}; name the stack with --stack NAME and add its stack file`],
                [["--config", "region"], '--config takes KEY=VALUE (got "region")'],
                [["--config", "web={cpu"], "--config web: the value starts like JSON but is not ({cpu)"],
                [["--stack-outputs", `acme/network/prod=${notJson}`], `--stack-outputs acme/network/prod=${notJson}: ${notJson} must hold a JSON object`],
                [["--invokes", missing], `--invokes ${missing}: ${missing} cannot be read (ENOENT)`],
                [["--out="], "--out needs a directory"],
                [["--help=yes"], "--help does not take a value"],
                [["--compare="], "--compare needs a git ref or a directory"],
                [["--allow-replace", "todo-table"], "--allow-replace applies to --compare only"],
                [["--compare", "origin/main", "--out", "plan-out"], "--out writes a plan's files; with --compare, redirect standard output instead"],
            ];
            for (const [argv, problem] of cases) {
                assert.deepStrictEqual(parseCommandLine(argv, ROOT), usageError(problem), argv.join(" "));
            }
            fs.rmSync(noProject, { recursive: true, force: true });
        });

        it("plans dev as text from the project it is run in, found upwards as the Pulumi CLI finds it", () => {
            assert.deepStrictEqual(parseCommandLine([], ROOT), { run: defaults });
            assert.deepStrictEqual(parseCommandLine([], path.join(ROOT, "app")), { run: defaults }, "from a folder below Pulumi.yaml");
            assert.deepStrictEqual(parseCommandLine(["--compare", "origin/main", "--allow-replace", "todo-table", "--allow-replace", "web-logs"], ROOT), {
                run: { ...defaults, compare: "origin/main", allowReplace: ["todo-table", "web-logs"] },
            });
            assert.deepStrictEqual(parseCommandLine(["--stack=prod", "--format", "json", "--out", "plan-out", "--config-dir", ".", "--config", "web={\"cpu\":512}", "--config", "aws:region=eu-west-1"], ROOT), {
                run: { ...defaults, stack: "prod", format: "json", configDir: ROOT, out: path.join(ROOT, "plan-out"), config: { web: { cpu: 512 }, "aws:region": "eu-west-1" } },
            });
        });

        it("plans the only stack of a project without a dev stack; with several it asks which", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-stacks-"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
            fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "config: {}\n");
            assert.strictEqual((parseCommandLine([], dir) as { run: { stack: string } }).run.stack, "staging");
            fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config: {}\n");
            assert.deepStrictEqual(parseCommandLine([], dir), usageError(`name the stack to plan with --stack (stack files in ${dir}: prod, staging)`));
            fs.rmSync(dir, { recursive: true, force: true });
        });
    });

    describe("GitHub workflows", () => {
        const workflow = (name: string) => parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", name), "utf8"));
        const stepIndex = (steps: any[], test: (s: any) => boolean, what: string) => {
            const i = steps.findIndex(test);
            assert.ok(i >= 0, `a step that ${what}`);
            return i;
        };

        /** The job runs checkout, `npm ci` and `npm test` in this order on every supported Node.js (22 and 24). */
        const assertTestsOnSupportedNodes = (job: any, commands: string[]) => {
            assert.deepStrictEqual(job.strategy.matrix.node, [22, 24], "tests run on Node.js 22 and 24");
            const setup = job.steps.find((s: any) => String(s.uses).startsWith("actions/setup-node"));
            assert.strictEqual(setup.with["node-version"], "${{ matrix.node }}");
            const order = [stepIndex(job.steps, (s) => String(s.uses).startsWith("actions/checkout"), "checks out"), ...commands.map((c) => stepIndex(job.steps, (s) => s.run === c, `runs ${c}`))];
            assert.deepStrictEqual(order, [...order].sort((a, b) => a - b), "steps run in this order");
        };
        const nodeVersions = (wf: any) => Object.values(wf.jobs).flatMap((job: any) => job.steps.filter((s: any) => String(s.uses).startsWith("actions/setup-node")).map((s: any) => s.with["node-version"]));

        it("tests and tests the package on Node.js 22 and 24, then plans every stack and its update from the base branch into the summary and a sticky comment, then previews where credentials exist", () => {
            const wf = workflow("pull-request.yml");
            assert.ok("pull_request" in wf.on);
            assertTestsOnSupportedNodes(wf.jobs.test, ["npm ci", "npm test", "npm run test:commands", "npm run test:package"]);
            const plan = wf.jobs.plan;
            assert.strictEqual(plan.needs, "test", "plans only what passed the tests");
            const steps = plan.steps;
            // The merge commit's first parent is the base the merge was made on; a moving
            // origin/<base> would show other pull requests' changes as this one's.
            const checkout = steps.find((s: any) => String(s.uses).startsWith("actions/checkout"));
            assert.strictEqual(checkout.with?.["fetch-depth"], 2, "the checkout holds the merge's first parent");
            const order = [
                stepIndex(steps, (s) => String(s.uses).startsWith("actions/checkout"), "checks out"),
                stepIndex(steps, (s) => s.run === "npm ci", "installs from the lock file"),
                stepIndex(steps, (s) => /^bash scripts\/plan-pull-request\.sh [\w ]+$/.test(String(s.run)), "plans, and compares with the merge's base"),
                stepIndex(steps, (s) => String(s.run).includes("GITHUB_STEP_SUMMARY"), "writes the summary"),
                stepIndex(steps, (s) => String(s.uses).startsWith("marocchino/sticky-pull-request-comment"), "comments"),
                stepIndex(steps, (s) => String(s.run).startsWith("test \"$(cat plan-out/blocked)\""), "then fails when the update would fail or lose data"),
            ];
            assert.deepStrictEqual(order, [...order].sort((a, b) => a - b), "steps run in this order");
            const planned = String(steps.find((s: any) => String(s.run).startsWith("bash scripts/plan-pull-request.sh"))!.run).split(/\s+/).slice(2);
            assert.deepStrictEqual(planned, listStacks(ROOT), "every stack file is planned");
            const comment = steps.find((s: any) => String(s.uses).startsWith("marocchino/"));
            assert.strictEqual(comment.if, "github.event.pull_request.head.repo.full_name == github.repository");
            const preview = wf.jobs.preview;
            assert.strictEqual(preview.needs, "plan");
            assert.strictEqual(preview.if, "github.event.pull_request.head.repo.full_name == github.repository", "no preview on forks");
            assert.deepStrictEqual(preview.strategy.matrix.stack, listStacks(ROOT));
            const pulumi = preview.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions"));
            assert.deepStrictEqual([pulumi.with.command, pulumi.with["comment-on-pr"], pulumi.with["stack-name"]], ["preview", true, "${{ matrix.stack }}"]);
            assert.deepStrictEqual([...new Set(nodeVersions(wf))].sort(), [22, "${{ matrix.node }}"].sort(), "no job runs on an unsupported Node.js");
        });

        it("plans each stack and compares it with the merge's base commit: a stack the pull request adds is not compared, any failed comparison blocks, no base commit fails", () => {
            // A merge commit as GitHub makes it: HEAD^1 is the base (dev only), the head adds prod.
            const repo = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-"));
            const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" });
            git("init", "-q", "-b", "main");
            fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), "config: {}\n");
            git("add", ".");
            git("commit", "-q", "-m", "base");
            git("checkout", "-q", "-b", "head");
            fs.writeFileSync(path.join(repo, "Pulumi.prod.yaml"), "config: {}\n");
            git("add", ".");
            git("commit", "-q", "-m", "head adds prod");
            git("checkout", "-q", "main");
            git("merge", "-q", "--no-ff", "head", "-m", "merge");
            // npm stands in for the plan: it logs its arguments and exits as FAKE_COMPARE_EXIT says for a compare.
            const bin = path.join(repo, ".bin");
            fs.mkdirSync(bin);
            fs.writeFileSync(path.join(bin, "npm"), '#!/bin/sh\necho "$*" >> "$PLAN_OUT/npm.log"\ncase "$*" in *--compare*) echo "update section"; echo "why it failed" >&2; exit "${FAKE_COMPARE_EXIT:-0}";; *) echo "plan section";; esac\n', { mode: 0o755 });
            const run = (compareExit: number, cwd = repo) => {
                const out = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-out-"));
                const r = spawnSync("bash", [path.join(ROOT, "scripts", "plan-pull-request.sh"), "dev", "prod"], { cwd, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PLAN_OUT: out, FAKE_COMPARE_EXIT: String(compareExit) } });
                const read = (f: string) => (fs.existsSync(path.join(out, f)) ? fs.readFileSync(path.join(out, f), "utf8") : undefined);
                return { status: r.status, stderr: r.stderr, log: read("npm.log") ?? "", blocked: read("blocked"), dev: read("dev-update.md"), prod: read("prod-update.md"), comment: read("comment.md") };
            };
            try {
                const ok = run(0);
                assert.strictEqual(ok.status, 0, ok.stderr);
                assert.deepStrictEqual(ok.log.trim().split("\n"), [
                    "run --silent plan -- --stack dev --format markdown --out " + ok.log.split("--out ")[1].split("\n")[0],
                    "run --silent plan -- --stack dev --compare HEAD^1 --format markdown",
                    "run --silent plan -- --stack prod --format markdown --out " + ok.log.split("--out ")[2].split("\n")[0],
                ], "dev is compared with HEAD^1; prod, new in the pull request, is only planned");
                assert.strictEqual(ok.blocked, "0\n");
                assert.strictEqual(ok.dev, "update section\n");
                assert.match(ok.prod!, /New in this change/);
                assert.strictEqual(ok.comment, `update section\n${ok.prod}plan section\nplan section\n`, "the updates first, then the plans");
                for (const exit of [1, 2]) {
                    const failed = run(exit);
                    assert.strictEqual(failed.status, 0, "the section is posted; a later step fails the job");
                    assert.strictEqual(failed.blocked, "1\n", `exit ${exit} blocks`);
                    assert.match(failed.dev!, new RegExp(`Exit status ${exit}:\\n\\n\`\`\`\\nwhy it failed\\n\`\`\``));
                }
                // A checkout without the base commit: nothing is called new, the step fails.
                const shallow = path.join(repo, "shallow");
                execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo}`, shallow]);
                const none = run(0, shallow);
                assert.strictEqual(none.status, 1);
                assert.match(none.stderr, /The merge's base commit \(HEAD\^1\) is not in the checkout/);
                assert.strictEqual(none.log, "", "no stack planned or called new");
            } finally {
                fs.rmSync(repo, { recursive: true, force: true });
            }
        });

        it("deploys dev on push to main after the tests pass on Node.js 22 and 24, then prod behind the protected environment", () => {
            const wf = workflow("deploy.yml");
            assert.deepStrictEqual(wf.on.push.branches, ["main"]);
            assertTestsOnSupportedNodes(wf.jobs.test, ["npm ci", "npm test"]);
            const up = (job: any) => job.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions")).with;
            assert.deepStrictEqual(up(wf.jobs.dev), { command: "up", "stack-name": "dev" });
            assert.deepStrictEqual(up(wf.jobs.prod), { command: "up", "stack-name": "prod" });
            assert.strictEqual(wf.jobs.dev.needs, "test");
            assert.strictEqual(wf.jobs.prod.needs, "dev");
            assert.strictEqual(wf.jobs.prod.environment, "prod");
            assert.deepStrictEqual([...new Set(nodeVersions(wf))].sort(), [22, "${{ matrix.node }}"].sort(), "no job runs on an unsupported Node.js");
        });

        it("publishes a pushed v* tag with provenance, after checking the tag and passing the tests and the package test on Node.js 22", () => {
            const wf = workflow("release.yml");
            assert.deepStrictEqual(wf.on, { push: { tags: ["v*"] } });
            assert.deepStrictEqual(wf.permissions, { contents: "read", "id-token": "write" });
            const steps = wf.jobs.publish.steps;
            const setup = steps.find((s: any) => String(s.uses).startsWith("actions/setup-node"));
            assert.deepStrictEqual([setup.with["node-version"], setup.with["registry-url"]], [22, "https://registry.npmjs.org"]);
            const order = [
                stepIndex(steps, (s) => String(s.uses).startsWith("actions/checkout"), "checks out"),
                stepIndex(steps, (s) => String(s.run).includes("GITHUB_REF_NAME"), "checks the tag"),
                stepIndex(steps, (s) => String(s.run).includes("GITHUB_REPOSITORY"), "checks the repository"),
                stepIndex(steps, (s) => s.run === "npm ci", "installs from the lock file"),
                stepIndex(steps, (s) => s.run === "npm test", "tests"),
                stepIndex(steps, (s) => s.run === "npm run test:package", "tests the package"),
                stepIndex(steps, (s) => s.run === "npm publish --provenance --access public", "publishes"),
            ];
            assert.deepStrictEqual(order, [...order].sort((a, b) => a - b), "steps run in this order");
            assert.deepStrictEqual(steps[order[6]].env, { NODE_AUTH_TOKEN: "${{ secrets.NPM_TOKEN }}" });
        });

        it("releases only a tag that is package.json's version with a CHANGELOG section, from a package.json that names the repository", () => {
            const steps = workflow("release.yml").jobs.publish.steps;
            const script = (text: string) => steps.find((s: any) => String(s.run).includes(text)).run as string;
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-"));
            const runIn = (run: string, env: Record<string, string>, pkg: object, changelog = "## [1.2.0] - 2027-01-15\n") => {
                fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
                fs.writeFileSync(path.join(dir, "CHANGELOG.md"), changelog);
                const result = spawnSync("bash", ["-e", "-c", run], { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" });
                return [result.status, result.stdout.trim()];
            };
            const tag = script("GITHUB_REF_NAME");
            assert.deepStrictEqual(runIn(tag, { GITHUB_REF_NAME: "v1.2.0" }, { version: "1.2.0" }), [0, ""]);
            assert.deepStrictEqual(runIn(tag, { GITHUB_REF_NAME: "v1.2.1" }, { version: "1.2.0" }), [1, "::error::The tag v1.2.1 does not match package.json's version 1.2.0; tag v1.2.0, or set the version with npm version."]);
            assert.deepStrictEqual(runIn(tag, { GITHUB_REF_NAME: "v1.2.0" }, { version: "1.2.0" }, "## [Unreleased]\n"), [1, "::error::CHANGELOG.md has no section for 1.2.0; move the Unreleased entries under '## [1.2.0] - <date>'."]);
            const repository = script("GITHUB_REPOSITORY");
            const env = { GITHUB_REPOSITORY: "acme/fargate-workloads" };
            assert.deepStrictEqual(runIn(repository, env, { repository: { type: "git", url: "git+https://github.com/acme/fargate-workloads.git" } }), [0, ""]);
            assert.deepStrictEqual(runIn(repository, env, { repository: "https://github.com/acme/fargate-workloads" }), [0, ""]);
            assert.deepStrictEqual(runIn(repository, env, {}), [
                1,
                "::error::package.json's repository is '', not this repository; run: npm pkg set repository.type=git repository.url=git+https://github.com/acme/fargate-workloads.git",
            ]);
            fs.rmSync(dir, { recursive: true, force: true });
            const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
            assert.match(fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8"), new RegExp(`^## \\[${version.replace(/\./g, "\\.")}\\] - `, "m"), "CHANGELOG.md has a section for package.json's version");
        });

        it("matches package.json's engines and the Node.js that .ci/run uses", () => {
            const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
            assert.strictEqual(pkg.engines.node, ">=22");
            const pinned = /^NODE_VERSION=(\d+)\.\d+\.\d+$/m.exec(fs.readFileSync(path.join(ROOT, ".ci", "use-node.sh"), "utf8"));
            assert.strictEqual(pinned?.[1], "22", ".ci/run tests on the oldest supported Node.js");
        });
    });
});
