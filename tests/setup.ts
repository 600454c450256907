// Loaded once by .mocharc before any test file: installs the run's one mocks object and
// clears its record before every test (a mocha root hook).
import { installMocks } from "../components/testing";

export const mocks = installMocks();

export const mochaHooks = {
    beforeEach(): void {
        mocks.reset();
    },
};
