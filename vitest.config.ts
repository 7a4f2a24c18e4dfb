import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 30_000,
    globalSetup: ["server/src/testing/global-setup.ts"],
  },
});
