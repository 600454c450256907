import * as assert from "assert";
import { capacityProviderStrategy, spotTaskCount } from "../components/capacity";
import { Validator } from "../components/errors";

const v = new Validator("batch");

describe("capacity", () => {
    it("runs on demand by default, through a strategy rather than a launch type", () => {
        assert.deepStrictEqual(capacityProviderStrategy(v, undefined, "arm64"), [{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
        assert.deepStrictEqual(capacityProviderStrategy(v, "on-demand", "x86_64"), [{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
    });

    it("runs on FARGATE_SPOT when asked", () => {
        assert.deepStrictEqual(capacityProviderStrategy(v, "spot", "x86_64"), [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]);
    });

    it("mixes on-demand base and weights", () => {
        assert.deepStrictEqual(capacityProviderStrategy(v, { onDemandBase: 2, onDemandWeight: 1, spotWeight: 3 }, "x86_64"), [
            { capacityProvider: "FARGATE", weight: 1, base: 2 },
            { capacityProvider: "FARGATE_SPOT", weight: 3, base: 0 },
        ]);
        assert.deepStrictEqual(capacityProviderStrategy(v, {}, "x86_64"), [
            { capacityProvider: "FARGATE", weight: 1, base: 0 },
            { capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 },
        ]);
    });

    it("drops FARGATE_SPOT from a mix whose spot weight is 0, so arm64 may use it", () => {
        assert.deepStrictEqual(capacityProviderStrategy(v, { onDemandBase: 1, spotWeight: 0 }, "arm64"), [{ capacityProvider: "FARGATE", weight: 1, base: 1 }]);
    });

    it("refuses spot with arm64", () => {
        assert.throws(() => capacityProviderStrategy(v, "spot", "arm64"), {
            message: 'batch: capacity ("spot") uses Fargate Spot, which runs only x86_64 tasks, but architecture is "arm64"; set architecture to "x86_64" or capacity to "on-demand".',
        });
        assert.throws(() => capacityProviderStrategy(v, { spotWeight: 2 }, "arm64"), /uses Fargate Spot, which runs only x86_64 tasks/);
    });

    it("refuses weights that place nothing and values out of range", () => {
        assert.throws(() => capacityProviderStrategy(v, { onDemandWeight: 0, spotWeight: 0 }, "x86_64"), {
            message: 'batch: capacity ({"onDemandWeight":0,"spotWeight":0}) gives both onDemandWeight and spotWeight 0, so no task could be placed; give at least one weight above 0, or use "on-demand" or "spot".',
        });
        assert.throws(() => capacityProviderStrategy(v, { spotWeight: 1001 }, "x86_64"), { message: "batch: capacity.spotWeight (1001) must be a whole number from 0 to 1000; set it within 0..1000." });
        assert.throws(() => capacityProviderStrategy(v, { onDemandBase: -1 }, "x86_64"), { message: "batch: capacity.onDemandBase (-1) must be a whole number from 0 to 100000 tasks; set it within 0..100000." });
        assert.throws(() => capacityProviderStrategy(v, "cheap" as never, "x86_64"), {
            message: 'batch: capacity ("cheap") must be "on-demand", "spot" or { onDemandBase?, onDemandWeight?, spotWeight? }; use one of these forms.',
        });
    });

    it("estimates how many tasks of a count land on spot", () => {
        const mix = capacityProviderStrategy(v, { onDemandBase: 1, onDemandWeight: 1, spotWeight: 3 }, "x86_64");
        assert.strictEqual(spotTaskCount(mix, 5), 3);
        assert.strictEqual(spotTaskCount(mix, 1), 0);
        assert.strictEqual(spotTaskCount(capacityProviderStrategy(v, "spot", "x86_64"), 4), 4);
        assert.strictEqual(spotTaskCount(capacityProviderStrategy(v, "on-demand", "x86_64"), 4), 0);
    });
});
