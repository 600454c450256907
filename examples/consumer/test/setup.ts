// One mocks object for the whole run, from the package's testing entry point.
import { installMocks } from "fargate-workloads/testing";

export const mocks = installMocks({ project: "consumer-example", stack: "test" });

export const mochaHooks = {
    beforeEach(): void {
        mocks.reset();
    },
};
