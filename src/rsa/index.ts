/**
 * Representational geometry (exported as the `rsa` namespace): datasets and RDM sets, RDMs from
 * data (`calcRdm`), RDM comparisons (`compareRdm`), tRSA transforms (rank, geo-topological,
 * geodesic, RGTM regions), layer identification (the tRSA paper's central analysis), following rsatoolbox's vocabulary in camelCase. See src/rsa/README.md.
 */
export * from "./descriptors.js";
export * from "./dataset.js";
export * from "./rdms.js";
export * from "./ranks.js";
export * from "./calc.js";
export * from "./compare.js";
export * from "./transform.js";
export * from "./geodesic.js";
export * from "./rgtm.js";
export * from "./identify.js";
export * from "./similarity.js";
export * from "./mds.js";
export * from "./inference.js";
export { crossRows, gramRows } from "./linalg.js";
export * from "./figure.js";
