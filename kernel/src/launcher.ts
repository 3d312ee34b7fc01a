#!/usr/bin/env node
/**
 * Kernel entry point, referenced by the kernelspec:
 * `node [--max-old-space-size=MB] kernel/dist/launcher.js [--memory-limit-mb MB] --config-path <connection_file>`.
 */
import Module from "node:module";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { "config-path": { type: "string" }, "memory-limit-mb": { type: "string" } },
});
const configPath = values["config-path"];
if (!configPath) {
  process.stderr.write(
    "usage: launcher.js [--memory-limit-mb MB] --config-path <connection_file>\n",
  );
  process.exit(2);
}
// Node >= 22.1 can cache compiled code (TypeScript's compiler is large): faster restarts.
(Module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// Loaded after enabling the cache (a static import would load them before it).
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- deliberate late require, see above */
const { startKernel } = require("./kernel.js") as typeof import("./kernel.js");
const { resolveMemoryLimitMb } = require("./memory.js") as typeof import("./memory.js");
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
Promise.resolve()
  .then(() =>
    startKernel(configPath, { memoryLimitMb: resolveMemoryLimitMb(values["memory-limit-mb"]) }),
  )
  .catch((e: unknown) => {
    process.stderr.write(`neurolab-kernel failed to start: ${e instanceof Error ? e.stack : e}\n`);
    process.exit(1);
  });
