import * as assert from "assert";
import { Validator } from "../components/errors";
import { allTaskSizes, FARGATE_CPU_VALUES, isValidTaskSize, LOG_RETENTION_DAYS, resolveTaskSize, validateLogRetention } from "../components/sizing";

const v = new Validator("web");

describe("Fargate sizing", () => {
    it("knows exactly the 74 cpu/memory pairs of the Fargate table", () => {
        // 256: 3 listed; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB (1 GiB steps);
        // 8192: 16-60 GiB (4 GiB steps); 16384: 32-120 GiB (8 GiB steps).
        assert.strictEqual(allTaskSizes().length, 3 + 4 + 7 + 13 + 23 + 12 + 12);
        assert.deepStrictEqual(FARGATE_CPU_VALUES, [256, 512, 1024, 2048, 4096, 8192, 16384]);
    });

    it("accepts listed pairs and refuses the ones between the steps", () => {
        for (const [cpu, memory] of [[256, 512], [256, 2048], [512, 4096], [1024, 8192], [4096, 30720], [8192, 20480], [16384, 122880]]) {
            assert.ok(isValidTaskSize(cpu, memory), `${cpu}/${memory} should be valid`);
        }
        for (const [cpu, memory] of [[256, 1536], [256, 4096], [512, 512], [1024, 1024], [4096, 31744], [8192, 18432], [16384, 36864], [300, 1024]]) {
            assert.ok(!isValidTaskSize(cpu, memory), `${cpu}/${memory} should be invalid`);
        }
    });

    it("picks the smallest size when none is given", () => {
        assert.deepStrictEqual(resolveTaskSize(v, undefined, undefined, { cpu: 256, memory: 512 }), { cpu: 256, memory: 512 });
    });

    it("completes a cpu with its smallest memory and a memory with its smallest cpu", () => {
        assert.deepStrictEqual(resolveTaskSize(v, 1024, undefined, { cpu: 256, memory: 512 }), { cpu: 1024, memory: 2048 });
        assert.deepStrictEqual(resolveTaskSize(v, undefined, 4096, { cpu: 256, memory: 512 }), { cpu: 512, memory: 4096 });
        assert.deepStrictEqual(resolveTaskSize(v, undefined, 20480, { cpu: 256, memory: 512 }), { cpu: 4096, memory: 20480 });
    });

    it("grows the size to hold what the containers reserve", () => {
        assert.deepStrictEqual(resolveTaskSize(v, undefined, undefined, { cpu: 640, memory: 1280 }), { cpu: 1024, memory: 2048 });
        assert.deepStrictEqual(resolveTaskSize(v, 256, undefined, { cpu: 200, memory: 1500 }), { cpu: 256, memory: 2048 });
    });

    it("rejects a cpu that is not a Fargate size", () => {
        assert.throws(() => resolveTaskSize(v, 300, undefined, { cpu: 256, memory: 512 }), {
            message: "web: cpu (300) is not a Fargate task size; it must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units; pick one of the listed values (1024 units = 1 vCPU).",
        });
    });

    it("rejects an invalid pair and lists what the cpu allows", () => {
        assert.throws(() => resolveTaskSize(v, 256, 4096, { cpu: 256, memory: 512 }), {
            message: "web: memory (4096) is not allowed with cpu 256; with 256 CPU units Fargate accepts 512, 1024, 2048 MiB; change memory or cpu to a valid Fargate pair.",
        });
        assert.throws(() => resolveTaskSize(v, 1024, 1024, { cpu: 256, memory: 512 }), {
            message: "web: memory (1024) is not allowed with cpu 1024; with 1024 CPU units Fargate accepts 2048 to 8192 in steps of 1024 MiB; change memory or cpu to a valid Fargate pair.",
        });
    });

    it("rejects a memory that no Fargate size has", () => {
        assert.throws(() => resolveTaskSize(v, undefined, 1000, { cpu: 256, memory: 512 }), {
            message: "web: memory (1000) is not a Fargate memory size in MiB; use 512, 1024, 2048 or another listed multiple of 1024 MiB.",
        });
    });

    it("rejects containers that do not fit the given size", () => {
        assert.throws(() => resolveTaskSize(v, 256, 512, { cpu: 512, memory: 512 }), {
            message: "web: sidecars reserve 512 CPU units and 512 MiB in total, more than cpu 256 / memory 512 holds; lower the containers' cpu/memory or raise the task's cpu and memory.",
        });
    });

    it("accepts only CloudWatch retention values", () => {
        for (const days of LOG_RETENTION_DAYS) {
            assert.strictEqual(validateLogRetention(v, "logRetentionDays", days), days);
        }
        assert.throws(() => validateLogRetention(v, "logRetentionDays", 10), {
            name: "ArgumentError",
            message: `web: logRetentionDays (10) is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.join(", ")} days; pick the nearest listed value (never-expiring logs are refused: set a retention).`,
        });
        assert.throws(() => validateLogRetention(v, "logRetentionDays", 0), /pick the nearest listed value \(never-expiring logs are refused: set a retention\)\.$/);
    });
});
