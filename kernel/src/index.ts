/**
 * Notebook-facing API of the neurolab kernel: `import { display } from "neurolab-kernel"`.
 */
export { MIMEBUNDLE, toMimeBundle, type MimeBundle, type RichDisplayable } from "./output.js";
export { clearOutput, display, type DisplayHandle, type DisplayOptions } from "./display.js";
export { interruptSignal, KeyboardInterrupt } from "./interrupt.js";
export {
  progress,
  progressBar,
  type ProgressBar,
  type ProgressBarOptions,
  type ProgressOptions,
  type RunProgressReport,
  type SimulationProgress,
} from "./progress.js";
export { typeCheck, type TypeCheckMode } from "./settings.js";
