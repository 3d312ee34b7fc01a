/**
 * Astrocytes: the Li-Rinzel calcium model as NEST's `astrocyte_lr_1994`, its spike input and its
 * slow inward current to neurons (`sic_connection`), as equations; see src/astrocytes/README.md.
 */
export {
  astrocyteLr1994,
  astrocyteLr1994Parameters,
  astrocyteInput,
  sicConnection,
  connectAstrocytes,
  ASTROCYTE_LR_1994_DEFAULTS,
  ASTROCYTE_LR_1994_INITIAL,
  ASTROCYTE_LR_1994_EQUATIONS,
  type AstrocyteLr1994Parameters,
  type AstrocyteLr1994State,
  type AstrocyteLr1994Options,
  type AstrocyteInputOptions,
  type SicConnectionOptions,
  type ConnectAstrocytesOptions,
} from "./lr1994.js";
