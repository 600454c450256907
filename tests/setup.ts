// Loaded once by .mocharc before any test file: installs the run's one mocks object and
// clears its record before every test (a mocha root hook).
import { installMocks, useFastStackTraces } from "../components/testing";

// SOURCE_MAPS=1 keeps TypeScript line numbers in stack traces, at three times the run time.
if (!process.env.SOURCE_MAPS) {
    useFastStackTraces();
}

export const mocks = installMocks();

export const mochaHooks = {
    beforeEach(): void {
        mocks.reset();
    },
};
