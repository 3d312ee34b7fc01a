/**
 * `neurolab/train`: spiking networks trained with surrogate gradients (BPTT) on the project's
 * WebAssembly SIMD kernels. See src/train/README.md.
 */
export * from "./surrogate.js";
export * from "./layers.js";
export * from "./model.js";
export * from "./losses.js";
export * from "./optim.js";
export * from "./fit.js";
export * from "./io.js";
export * from "./delays.js";
export * from "./elm.js";
export { referenceKernels, trainWasmModule, type KernelSet } from "./kernels.js";
export { Workspace } from "./workspace.js";
export * from "./rules/index.js";
export * from "./tasks.js";
