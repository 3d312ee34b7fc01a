/**
 * Synapses written as equations (Brian2's `Synapses(pre, post, model, on_pre, on_post, delay)`):
 * per-synapse variables (`w : siemens`), event-driven variables (`dapre/dt = -apre/taupre : 1
 * (event-driven)`, brought up to the current time only when a spike reaches the synapse, so the
 * cost grows with spikes, not with synapses x steps), clock-driven variables (`ds/dt = -s/tau +
 * alpha*x*(1 - s) : 1`, Brian2's default for a synaptic ODE, or `(clock-driven)`: integrated every
 * step over all synapses, see clockDriven.ts), summed variables (`I_post = g*(v_pre -
 * v_post) : amp (summed)`, recomputed every step), and the statements run when a presynaptic
 * spike arrives (`on_pre`, after the delay) or a postsynaptic neuron spikes (`on_post`).
 *
 * Names follow Brian2: `x_pre` / `x_post` are the pre- and postsynaptic neuron's variables, an
 * unsuffixed name that is not a synaptic variable is the postsynaptic neuron's; `i`, `j` are the
 * pre and post indices; `t` is the time; `lastupdate` the time of the synapse's last event.
 * Delays follow Brian2 too: a spike of step n reaches `on_pre` in the "synapses" slot of step
 * n + delay/dt (delay 0, the default, acts in the same step, before resets), so a `ge += w`
 * changes the next state update.
 */
import { checkInteger, checkNumber } from "../core/checks.js";
import { checkPrecision } from "../core/validate.js";
import { jsExpr, JS_FUNCTIONS, type StateArray } from "../equations/codegen.js";
import {
  eventProgram,
  jsEventBody,
  SYNAPSE_FUNCTIONS,
  wasmEventKernel,
  type EventKernel,
  type EventLayout,
  type EventLocation,
  type EventLoop,
  type EventProgram,
} from "../equations/synapsegen.js";
import { arenaBytes, type Arena } from "../wasm/arena.js";
import { F64, forCount, I32, op, type Code } from "../wasm/assembler.js";
import {
  callCounter,
  ifNonZero,
  spikeCountCellOf,
  type CountCellOf,
  type DriverContext,
  type DriverOperation,
} from "../wasm/driver.js";
import { derivative, dimensionOf, fold, substitute, type Dim } from "../equations/expr.js";
import {
  evalUnit,
  expandStatement,
  makeScope,
  METHODS,
  requireDim,
  resolveDynamics,
  type Method,
  type NamespaceValue,
  type ResolvedModel,
} from "../equations/model.js";
import {
  formatExpr,
  ModelSyntaxError,
  namesIn,
  parseEquations,
  parseExpression,
  parseStatements,
  type Equation,
  type Expr,
} from "../equations/parse.js";
import { dimMul, lookupUnit, type Unit } from "../equations/units.js";
import type { EquationGroup } from "../network/equationGroup.js";
import type { Population } from "../network/populations.js";
import type { Rng } from "../random/rng.js";
import { applyRule, synapseCount, type ConnectivityRule, type Csr } from "./connectivity.js";
import { describeValue } from "../core/describe.js";
import type { Slot } from "../network/network.js";
import { ClockDrivenUpdate, clockDrivenBytes, type Gather } from "./clockDriven.js";

/** A per-synapse value: a number (base units), a function of (rng, i, j), or an expression such as `"rand()*w_max"` or `"i == j"`. */
export type SynapticValue = number | ((rng: Rng, pre: number, post: number) => number) | string;

/** Options of {@link Network.connect} for synapses written as equations. */
export interface SynapsesOptions {
  /** Connectivity rule, e.g. `fixedProbability(0.02)`. */
  rule: ConnectivityRule;
  /** Synaptic variables, one per line: `w : siemens`, `dapre/dt = -apre/taupre : 1 (event-driven)`, `I_post = ... : amp (summed)`. */
  model?: string;
  /** Statements run per synapse when a presynaptic spike arrives, e.g. `"ge_post += w"`. */
  on_pre?: string;
  /** Statements run per synapse when the postsynaptic neuron spikes. */
  on_post?: string;
  /** Delay of `on_pre`, ms (a multiple of dt, >= 0; default 0 as in Brian2): one for all, or per synapse. */
  delay_ms?: number | ((rng: Rng, pre: number, post: number) => number) | string;
  /**
   * Delay of `on_post`, ms (a multiple of dt, >= 0; default 0 as in Brian2): a postsynaptic spike
   * of step n runs `on_post` in the "synapses" slot of step n + delay_post/dt, after that step's
   * `on_pre`. Brian2's `S.post.delay`; with `delay_ms` it expresses dendritic delays (NEST's
   * convention, see `plasticity.stdpPair`). One for all, or per synapse.
   */
  delay_post_ms?: number | ((rng: Rng, pre: number, post: number) => number) | string;
  /**
   * A population whose every spike runs `on_modulator` on all synapses (a neuromodulator such as
   * dopamine, as NEST's volume transmitter or Brian2's synapses onto synapses); it must belong to
   * the same network. Its spikes act in the "synapses" slot of their step, after on_pre and on_post.
   */
  modulator?: Population;
  /** Statements run per synapse for each spike of `modulator` (or each `syn.modulate(t_ms)` call), e.g. `"n += 1/tau_n"`. */
  on_modulator?: string;
  /** Delay of the modulator's spikes, ms (one for all synapses; a multiple of dt, >= 0; default 0). */
  delay_modulator_ms?: number;
  /** Constants the statements use (plain numbers in base units, or strings with units). */
  namespace?: Record<string, NamespaceValue>;
  /** Initial values of synaptic variables (unset ones start at 0). */
  init?: Record<string, SynapticValue>;
  /**
   * Per-synapse parameters that are state rather than learned values (e.g. an eligibility trace
   * kept by hand): `net.reset()` restarts them from `init` (or 0), as it does event-driven variables;
   * other parameters (weights) are kept.
   */
  state?: string[];
  /**
   * Integration method of the clock-driven equations (`ds/dt = ... : 1`, Brian2's default, or
   * with `(clock-driven)`): "euler", "exponential_euler", "rk2", "rk4" or "exact"; default
   * "exact" where the equations allow it, else "euler" (Brian2's order).
   */
  method?: Method;
  /**
   * Storage of the per-synapse variables and arithmetic of the clock-driven update: "float64",
   * or "float32" (every per-synapse variable — weights, event-driven traces, clock-driven
   * variables — is a Float32Array, 4 bytes per synapse, as Brian2 with float32 as its default
   * dtype; the clock-driven update runs in f32x4; event code computes in float64 and rounds what
   * it stores; `lastupdate` stays float64). Default: "float32" when both groups are float32
   * groups, else "float64".
   */
  precision?: "float64" | "float32";
  /** Slot of the clock-driven update (default "groups", after the neuron groups, as Brian2). */
  when?: Slot;
  /** Order of the clock-driven update within its slot (default 0; lower runs first). */
  order?: number;
}

/** The slots of a step (network.ts's SLOTS, which this module cannot import at run time). */
const SLOT_NAMES: readonly Slot[] = ["start", "groups", "thresholds", "synapses", "resets", "end"];

/** Which neuron a name refers to, and how. */
type Place = "syn" | "pre" | "post";

interface Resolved {
  /** Per-synapse stored variables (parameters and event-driven variables). */
  vars: string[];
  units: Map<string, Unit>;
  eventDriven: { name: string; A: Expr; B: Expr }[];
  summed: { target: string; expr: Expr }[];
  onPre: { place: Place; name: string; expr: Expr }[];
  onPost: { place: Place; name: string; expr: Expr }[];
  onModulator: { place: Place; name: string; expr: Expr }[];
  /**
   * The clock-driven equations as a model integrated over the synapses (stored: its variables,
   * then every per-synapse name it reads, see `reads`), or null.
   */
  clockDriven: {
    model: ResolvedModel;
    /** Where each parameter of `model` comes from: a synaptic variable, a pre/post neuron variable (gathered), or the index `i`/`j`. */
    reads: { kind: "syn" | "pre" | "post" | "i" | "j"; name: string }[];
  } | null;
  constants: Map<string, number>;
  /** Resolves a name in a statement or expression to where it lives. */
  locate: (
    name: string,
  ) => { place: Place; name: string } | { place: "builtin"; name: string } | undefined;
}

const SECOND_INV: readonly [number, number, number, number, number, number, number] = [
  0, 0, -1, 0, 0, 0, 0,
];

function groupVariables(p: Population): { names: string[]; units: Map<string, Unit> } {
  const g = p as Partial<EquationGroup>;
  if (g.kind === "equations" && g.model)
    return { names: g.variables!, units: g.model.units as Map<string, Unit> };
  return { names: [], units: new Map() };
}

/** Resolves and unit-checks a synapse model against its pre and post populations. */
function resolveSynapses(
  opts: SynapsesOptions,
  pre: Population,
  post: Population,
  owner: string,
): Resolved {
  const eqs: Equation[] = opts.model === undefined ? [] : parseEquations(opts.model);
  const preVars = groupVariables(pre);
  const postVars = groupVariables(post);
  const units = new Map<string, Unit>();
  const dims = new Map<string, Dim>([
    ["t", [0, 0, 1, 0, 0, 0, 0]],
    ["dt", [0, 0, 1, 0, 0, 0, 0]],
    ["lastupdate", [0, 0, 1, 0, 0, 0, 0]],
    ["i", [0, 0, 0, 0, 0, 0, 0]],
    ["j", [0, 0, 0, 0, 0, 0, 0]],
  ]);
  const synNames = new Set<string>();
  const isEventDriven = (e: Equation) => e.kind === "diff" && e.flags.includes("event-driven");
  const eventNames = new Set(eqs.filter(isEventDriven).map((e) => e.name));
  const clockNames = new Set(
    eqs.filter((e) => e.kind === "diff" && !isEventDriven(e)).map((e) => e.name),
  );
  for (const e of eqs) {
    const where = `equation "${e.text}"`;
    if (e.flags.includes("event-driven") && e.flags.includes("clock-driven"))
      throw new ModelSyntaxError(
        `${where}: a differential equation is either "(event-driven)" or "(clock-driven)", not both`,
      );
    if (e.expr && namesIn(e.expr).has("xi"))
      throw new ModelSyntaxError(
        `${where}: white noise (xi) is not supported in synapse equations yet; a clock-driven equation may use randn() (a new number per synapse and step)`,
      );
    if (e.kind !== "diff" && (e.flags.includes("event-driven") || e.flags.includes("clock-driven")))
      throw new ModelSyntaxError(
        `${where}: "(event-driven)" and "(clock-driven)" apply to differential equations only`,
      );
    if (e.kind === "sub" && !e.flags.includes("summed"))
      throw new ModelSyntaxError(
        `${where}: only summed subexpressions ("x_post = ... : unit (summed)") are supported in synapse models`,
      );
    const u = evalUnit(e.unit, where);
    if (e.kind !== "sub") {
      if (
        ["t", "dt", "i", "j", "lastupdate"].includes(e.name) ||
        e.name.endsWith("_pre") ||
        e.name.endsWith("_post")
      )
        throw new ModelSyntaxError(`${where}: "${e.name}" is a reserved name`);
      units.set(e.name, u);
      dims.set(e.name, u.dim);
      synNames.add(e.name);
    }
  }
  for (const v of preVars.names) dims.set(`${v}_pre`, preVars.units.get(v)?.dim ?? "any");
  for (const v of postVars.names) {
    dims.set(`${v}_post`, postVars.units.get(v)?.dim ?? "any");
    if (!synNames.has(v) && !dims.has(v)) dims.set(v, postVars.units.get(v)?.dim ?? "any");
  }
  const { scope, constants } = makeScope(dims, opts.namespace, owner);
  const locate: Resolved["locate"] = (name) => {
    if (synNames.has(name)) return { place: "syn", name };
    if (["t", "dt", "i", "j", "lastupdate"].includes(name)) return { place: "builtin", name };
    if (name.endsWith("_pre") && preVars.names.includes(name.slice(0, -4)))
      return { place: "pre", name: name.slice(0, -4) };
    if (name.endsWith("_post") && postVars.names.includes(name.slice(0, -5)))
      return { place: "post", name: name.slice(0, -5) };
    if (postVars.names.includes(name)) return { place: "post", name };
    return undefined;
  };
  const constOf = (n: string) => (locate(n) ? undefined : scope.constant(n));
  const lookup = (where: string) => (n: string) => scope.dim(n, where);
  const eventDriven: Resolved["eventDriven"] = [];
  const clock: { eq: Equation; expr: Expr }[] = [];
  const vars: string[] = [];
  for (const e of eqs) {
    const where = `equation "${e.text}"`;
    if (e.kind === "param") vars.push(e.name);
    if (e.kind === "diff") {
      vars.push(e.name);
      const d = dimensionOf(e.expr!, lookup(where), where);
      requireDim(d, dimMul(units.get(e.name)!.dim, SECOND_INV), where, "the right-hand side");
      const f = fold(e.expr!, constOf);
      if (clockNames.has(e.name)) {
        const read = [...namesIn(f)];
        const ev = read.find((n) => eventNames.has(n));
        if (ev !== undefined)
          throw new ModelSyntaxError(
            `${where}: the clock-driven variable "${e.name}" should not depend on the event-driven variable "${ev}" (as Brian2 refuses: an event-driven value is only brought up to date at events); make "${ev}" clock-driven too`,
          );
        if (read.includes("lastupdate"))
          throw new ModelSyntaxError(
            `${where}: a clock-driven equation cannot read "lastupdate" (the time of the synapse's last event)`,
          );
        clock.push({ eq: e, expr: f });
        continue;
      }
      const cd = [...namesIn(f)].find((n) => clockNames.has(n));
      if (cd !== undefined)
        throw new ModelSyntaxError(
          `${where}: the event-driven variable "${e.name}" should not depend on the clock-driven variable "${cd}" (as Brian2 refuses); make "${e.name}" clock-driven too`,
        );
      const B = derivative(f, e.name);
      const others = [...namesIn(f)].filter((n) => n !== e.name && locate(n));
      if (namesIn(B).has(e.name) || others.length) {
        throw new ModelSyntaxError(
          `${where}: event-driven equations must be linear in their own variable with constant coefficients${others.length ? ` (it reads ${others.join(", ")})` : ""}`,
        );
      }
      const A = fold(
        substitute(f, (n) => (n === e.name ? { k: "num", v: 0 } : undefined)),
        constOf,
      );
      eventDriven.push({ name: e.name, A, B });
    }
  }
  const summed: Resolved["summed"] = [];
  for (const e of eqs.filter((x) => x.kind === "sub")) {
    const where = `equation "${e.text}"`;
    const target = locate(e.name);
    if (!target || target.place !== "post")
      throw new ModelSyntaxError(
        `${where}: a summed variable must name a variable of the postsynaptic group ("x_post")`,
      );
    const d = dimensionOf(e.expr!, lookup(where), where);
    requireDim(d, postVars.units.get(target.name)!.dim, where, "the summed expression");
    requireDim(
      units.get(e.name)?.dim ?? evalUnit(e.unit, where).dim,
      postVars.units.get(target.name)!.dim,
      where,
      "the declared unit",
    );
    summed.push({ target: target.name, expr: fold(e.expr!, constOf) });
  }
  const statements = (src: string | undefined, what: string) =>
    src === undefined
      ? []
      : parseStatements(src, what).map((s) => {
          const where = `${what}: "${s.text}"`;
          const target = locate(s.target);
          if (!target || target.place === "builtin")
            throw new ModelSyntaxError(
              `${where}: "${s.target}" is not a synaptic, presynaptic (_pre) or postsynaptic (_post) variable`,
            );
          const d = dimensionOf(s.expr, lookup(where), where);
          const targetDim = scope.dim(s.target, where);
          if (s.op === "*=" || s.op === "/=")
            requireDim(d, [0, 0, 0, 0, 0, 0, 0], where, `"${formatExpr(s.expr)}"`);
          else if (targetDim !== "any")
            requireDim(d, targetDim, where, `"${formatExpr(s.expr)}" (assigned to ${s.target})`);
          return {
            place: target.place,
            name: target.name,
            expr: fold(expandStatement(s), constOf),
          };
        });
  return {
    vars,
    units,
    eventDriven,
    clockDriven: clock.length
      ? clockDrivenModel(
          clock,
          opts.method,
          locate,
          units,
          constants,
          constOf,
          preVars.units,
          postVars.units,
        )
      : null,
    summed,
    onPre: statements(opts.on_pre, "on_pre"),
    onPost: statements(opts.on_post, "on_post"),
    onModulator: statements(opts.on_modulator, "on_modulator"),
    constants,
    locate,
  };
}

/**
 * The clock-driven equations as a model over the synapses: names are made per synapse (`i`,
 * `j` -> `_syn_i`, `_syn_j`; a neuron's `v` -> `v_pre` / `v_post`), and every name the
 * equations read besides their own variables, `t` and `dt` becomes a parameter (one array per
 * name, filled from the synapses' store, gathered from the neurons, or the indices).
 */
function clockDrivenModel(
  clock: { eq: Equation; expr: Expr }[],
  method: Method | undefined,
  locate: Resolved["locate"],
  units: Map<string, Unit>,
  constants: Map<string, number>,
  constOf: (n: string) => number | undefined,
  preUnits: Map<string, Unit>,
  postUnits: Map<string, Unit>,
): NonNullable<Resolved["clockDriven"]> {
  const own = new Set(clock.map((c) => c.eq.name));
  const reads = new Map<string, NonNullable<Resolved["clockDriven"]>["reads"][number]>();
  const modelUnits = new Map<string, Unit>();
  const rename = (n: string): string | undefined => {
    if (own.has(n) || n === "t" || n === "dt") return undefined;
    let as: string;
    if (n === "i" || n === "j") {
      as = `_syn_${n}`;
      reads.set(as, { kind: n, name: n });
      modelUnits.set(as, { dim: [0, 0, 0, 0, 0, 0, 0], scale: 1 });
      return as;
    }
    const loc = locate(n);
    if (!loc || loc.place === "builtin")
      throw new ModelSyntaxError(`clock-driven synapse equations: "${n}" cannot be read here`);
    if (loc.place === "syn") {
      reads.set(n, { kind: "syn", name: n });
      modelUnits.set(n, units.get(n)!);
      return undefined;
    }
    as = `${loc.name}_${loc.place}`;
    reads.set(as, { kind: loc.place, name: loc.name });
    const u = (loc.place === "pre" ? preUnits : postUnits).get(loc.name);
    if (u) modelUnits.set(as, u);
    return as === n ? undefined : as;
  };
  const derivatives = new Map<string, Expr>();
  for (const c of clock) {
    derivatives.set(
      c.eq.name,
      substitute(c.expr, (n) => {
        const as = rename(n);
        return as === undefined ? undefined : { k: "name", name: as };
      }),
    );
    modelUnits.set(c.eq.name, units.get(c.eq.name)!);
  }
  const params = [...reads.keys()];
  const model = resolveDynamics({
    equations: clock.map((c) => c.eq),
    derivatives,
    params,
    units: modelUnits,
    method,
    constants,
    constOf,
  });
  return { model, reads: params.map((p) => reads.get(p)!) };
}

/** The arrays a generated synapse function reads. */
interface Arrays {
  syn: StateArray[];
  pre: StateArray[];
  post: StateArray[];
  lastupdate: Float64Array;
}

type EventFunction = (
  list: Int32Array,
  count: number,
  t: number,
  a: Arrays,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  preIdx: Int32Array,
  byPost: Int32Array,
  postPtr: Int32Array,
) => void;

/**
 * The projection of synapses written as equations: connectivity (CSR, with pre index `i` and
 * post index `j` per synapse), per-synapse variables as live arrays, and the generated code of
 * its events. What `net.connect(pre, post, { model, on_pre, ... })` returns.
 *
 * @example
 * ```ts
 * import { Network, fixedProbability } from "neurolab";
 * const net = new Network({ seed: 1 });
 * const a = net.addNeurons("a", { size: 50, model: "dv/dt = (20*mV - v)/(10*ms) : volt", threshold: "v > 15*mV", reset: "v = 0*mV" });
 * const syn = net.connect(a, a, { rule: fixedProbability(0.1), model: "w : volt", on_pre: "v_post += w", init: { w: "0.5*mV" }, delay_ms: 1 });
 * net.build(); // connectivity exists once the network is built (or has run)
 * syn.vars.w["i == j"] = 0; // Brian2's indexing by condition
 * syn.get("w", "j < 5"); syn.i; syn.j; syn.delay_ms;
 * net.run(100);
 * ```
 */
export class Synapses<A extends StateArray = Float64Array> {
  readonly kind = "synapses";
  private readonly resolved: Resolved;
  private csr: Csr | null = null;
  private preIdx: Int32Array = new Int32Array(0);
  private postPtr: Int32Array = new Int32Array(0);
  private byPost: Int32Array = new Int32Array(0);
  private store = new Map<string, StateArray>();
  /** Arithmetic of the clock-driven update (see {@link SynapsesOptions.precision}). */
  readonly precision: "float64" | "float32";
  /** Per-synapse variables stored as float32 (all of them with `precision: "float32"`). */
  private readonly float32Vars: ReadonlySet<string>;
  private clock: ClockDrivenUpdate | null = null;
  private lastupdate: Float64Array = new Float64Array(0);
  private delaySteps: number | Int32Array = 0;
  private delayPostSteps: number | Int32Array = 0;
  private queue: DueLists | null = null;
  private postQueue: DueLists | null = null;
  private onPreKernel: EventKernel | null = null;
  private onPostKernel: EventKernel | null = null;
  private onModulatorKernel: EventKernel | null = null;
  private summedKernel: EventKernel | null = null;
  /** Every presynaptic neuron, 0 .. nPre - 1, in the arena: the list over which the summed and on_modulator kernels walk all synapses (row by row, in synapse order). */
  private allPre: Int32Array = new Int32Array(0);
  /** Whether on_pre / on_post read the spike lists of the groups directly (no delay). */
  private preDirect = false;
  private postDirect = false;
  /** Whether this build's connectivity is new (else kept from the last build). */
  private fresh = true;
  private prepared: { rng: Rng; keep: boolean } | null = null;
  /** @internal how each event kind runs in this build ("WebAssembly", or "JavaScript (why)"; null: none). */
  eventTargets: {
    on_pre: string | null;
    on_post: string | null;
    on_modulator: string | null;
    summed: string | null;
  } = { on_pre: null, on_post: null, on_modulator: null, summed: null };
  /** @internal calls of event code since the build, by target (tests check that no kernel silently fell back). */
  readonly kernelCalls = { wasm: 0, js: 0 };
  /** Modulator spikes due per future step (a ring of counts). */
  private modulatorDue: Int32Array = new Int32Array(1);
  private onPreFn: EventFunction | null = null;
  private onPostFn: EventFunction | null = null;
  private onModulatorFn:
    | ((
        times: number,
        t: number,
        a: Arrays,
        preIdx: Int32Array,
        colIdx: Int32Array,
        n: number,
      ) => void)
    | null = null;
  private summedFn:
    ((a: Arrays, colIdx: Int32Array, preIdx: Int32Array, n: number, t: number) => void) | null =
    null;
  /** The postsynaptic arrays summed variables write (zeroed before each sum). */
  private summedTargets: StateArray[] = [];
  private arrays: Arrays | null = null;
  private dt_ms = 0;

  constructor(
    readonly pre: Population,
    readonly post: Population,
    readonly opts: SynapsesOptions,
    readonly name: string,
  ) {
    if (typeof opts.rule !== "function")
      throw new TypeError(`${name}: rule must be a connectivity rule, e.g. fixedProbability(0.1)`);
    for (const k of Object.keys(opts)) {
      if (!SYNAPSE_OPTIONS.includes(k))
        throw new RangeError(
          `${name}: unknown option "${k}" (allowed: ${SYNAPSE_OPTIONS.join(", ")})`,
        );
    }
    if (opts.method !== undefined && !(METHODS as readonly string[]).includes(opts.method))
      throw new RangeError(
        `${name}: method must be one of ${METHODS.join(", ")}, got ${describeValue(opts.method)}`,
      );
    this.resolved = resolveSynapses(opts, pre, post, name);
    const precision = checkPrecision(opts.precision, `${name}: precision`);
    if (opts.when !== undefined && !SLOT_NAMES.includes(opts.when))
      throw new RangeError(
        `${name}: when must be one of ${SLOT_NAMES.join(", ")}, got ${describeValue(opts.when)}`,
      );
    if (opts.order !== undefined) checkNumber(opts.order, `${name}: order`);
    const float32Group = (p: Population) => (p as Partial<EquationGroup>).precision === "float32";
    this.precision = precision ?? (float32Group(pre) && float32Group(post) ? "float32" : "float64");
    this.float32Vars = new Set(this.precision === "float32" ? this.resolved.vars : []);
    const m = opts.modulator as Partial<Population> | undefined;
    if (m !== undefined && !(m && m.spiked instanceof Int32Array && typeof m.name === "string"))
      throw new TypeError(
        `${name}: modulator must be a population of the network (e.g. a spike generator or a neuron group)`,
      );
    if (opts.delay_modulator_ms !== undefined && typeof opts.delay_modulator_ms !== "number")
      throw new TypeError(
        `${name}: delay_modulator_ms must be a number (ms, one for all synapses)`,
      );
    if (m !== undefined && opts.on_modulator === undefined)
      throw new RangeError(
        `${name}: modulator needs on_modulator statements (what each of its spikes does to every synapse)`,
      );
    // on_post may follow any spiking population (a spike generator, too); statements naming a postsynaptic variable need a group defined by equations (checked by resolveSynapses).
    if (
      opts.state !== undefined &&
      !(Array.isArray(opts.state) && opts.state.every((v) => this.resolved.vars.includes(v)))
    ) {
      throw new RangeError(
        `${name}: state must list synaptic variables (${this.resolved.vars.join(", ") || "none"}), got ${describeValue(opts.state)}`,
      );
    }
    for (const v of Object.keys(opts.init ?? {})) {
      if (!this.resolved.vars.includes(v))
        throw new RangeError(
          `${name}: init: variable must be one of ${this.resolved.vars.join(", ") || "(none)"}, got ${describeValue(v)}`,
        );
    }
  }

  /** Names of the per-synapse variables. */
  get variables(): string[] {
    return [...this.resolved.vars];
  }

  /** Number of synapses (once built). */
  get size(): number {
    return this.csr ? synapseCount(this.csr) : 0;
  }

  /** Presynaptic index of every synapse (live; once built). */
  get i(): Int32Array {
    this.requireBuilt();
    return this.preIdx;
  }

  /** Postsynaptic index of every synapse (live; once built). */
  get j(): Int32Array {
    this.requireBuilt();
    return this.csr!.colIdx;
  }

  /** Delay of every synapse, ms (a copy). */
  get delay_ms(): Float64Array {
    this.requireBuilt();
    const d = this.delaySteps;
    return typeof d === "number"
      ? new Float64Array(this.size).fill(d * this.dt_ms)
      : Float64Array.from(d, (x) => x * this.dt_ms);
  }

  /** Delay of `on_post` of every synapse, ms (a copy). */
  get delay_post_ms(): Float64Array {
    this.requireBuilt();
    const d = this.delayPostSteps;
    return typeof d === "number"
      ? new Float64Array(this.size).fill(d * this.dt_ms)
      : Float64Array.from(d, (x) => x * this.dt_ms);
  }

  /** Synapses onto postsynaptic neuron `post` (indices into the per-synapse arrays). */
  incoming(post: number): Int32Array {
    this.requireBuilt();
    checkInteger(post, "post", 0, this.post.size - 1);
    return this.byPost.subarray(this.postPtr[post], this.postPtr[post + 1]);
  }

  /** Synapses from presynaptic neuron `pre`, as a range [start, end) of synapse indices. */
  outgoing(pre: number): [number, number] {
    this.requireBuilt();
    checkInteger(pre, "pre", 0, this.pre.size - 1);
    return [this.csr!.rowPtr[pre], this.csr!.rowPtr[pre + 1]];
  }

  /**
   * A per-synapse variable's live values (base units; once built): a Float64Array, or a
   * Float32Array with `precision: "float32"` (the type parameter `A`; `net.connect` infers it).
   */
  variable(name: string): A {
    this.requireBuilt();
    const a = this.store.get(name);
    if (!a)
      throw new RangeError(
        `variable must be one of ${this.resolved.vars.join(", ") || "(none)"}, got ${describeValue(name)}`,
      );
    return a as A;
  }

  /**
   * Per-synapse variables indexed as in Brian2: `syn.vars.w[3]` (one synapse),
   * `syn.vars.w["i == j"]` (the values where a condition holds, a new array) and
   * `syn.vars.w["j < 10"] = 0` (sets them; a number, a function of (rng, i, j) or an expression).
   */
  get vars(): Record<string, Record<string | number, unknown>> {
    const out: Record<string, Record<string | number, unknown>> = {};
    for (const name of this.resolved.vars) {
      const live = this.variable(name);
      out[name] = new Proxy(live as unknown as Record<string | number, unknown>, {
        get: (target, key) => {
          if (typeof key === "string" && !/^\d+$/.test(key) && !(key in target))
            return this.get(name, key);
          const v = Reflect.get(target, key);
          return typeof v === "function" ? v.bind(target) : v;
        },
        set: (target, key, value) => {
          if (typeof key === "string" && !/^\d+$/.test(key)) {
            this.set(name, value as SynapticValue, key);
            return true;
          }
          if (typeof value !== "number" || !Number.isFinite(value))
            throw new RangeError(
              `${this.name}.${name}[${String(key)}] must be a finite number, got ${describeValue(value)}`,
            );
          return Reflect.set(target, key, value);
        },
      });
    }
    return out;
  }

  /**
   * Values of a variable where `condition` holds (Brian2's `S.w['i == j']`): a new array, in
   * synapse order. The condition may use `i`, `j`, synaptic variables and constants.
   */
  get(name: string, condition = "True"): Float64Array {
    const a = this.variable(name);
    const mask = this.where(condition);
    const out: number[] = [];
    for (let k = 0; k < a.length; k++) if (mask[k]) out.push(a[k]);
    return Float64Array.from(out);
  }

  /**
   * Sets a variable where `condition` holds (all synapses by default) to a number, a function
   * of (rng, i, j) or an expression (`"rand()*w_max"`, `"j*nS"`).
   */
  set(name: string, value: SynapticValue, condition = "True", rng?: Rng): void {
    const a = this.variable(name);
    const mask = this.where(condition);
    const values = this.evaluate(value, `${this.name}.${name}`, rng);
    for (let k = 0; k < a.length; k++) if (mask[k]) a[k] = values[k];
  }

  /** A plain copy of the connectivity and every variable. */
  describe(): {
    pre: string;
    post: string;
    i: Int32Array;
    j: Int32Array;
    delay_ms: Float64Array;
    delay_post_ms: Float64Array;
    variables: Record<string, Float64Array>;
  } {
    // (float32 variables are widened exactly)
    this.requireBuilt();
    return {
      pre: this.pre.name,
      post: this.post.name,
      i: this.preIdx.slice(),
      j: this.csr!.colIdx.slice(),
      delay_ms: this.delay_ms,
      delay_post_ms: this.delay_post_ms,
      variables: Object.fromEntries([...this.store].map(([k, v]) => [k, Float64Array.from(v)])),
    };
  }

  /**
   * @internal first half of a build, before the network's arena exists: the connectivity (from
   * the rule, unless `keep` reuses that of an earlier build, as `Network.reset` does). Returns
   * the bytes the second half ({@link build}) takes in the arena.
   */
  prepare(dt_ms: number, rng: Rng, keep: boolean): number {
    this.dt_ms = dt_ms;
    if (!(keep && this.csr)) {
      this.csr = applyRule(
        this.opts.rule,
        this.pre.size,
        this.post.size,
        rng,
        `rule of ${this.name}`,
      );
      this.fresh = true;
    } else this.fresh = false;
    this.prepared = { rng, keep };
    const csr = this.csr;
    const n = synapseCount(csr);
    const r = this.resolved;
    const queueBytes = (
      given: SynapsesOptions["delay_ms"],
      kept: number | Int32Array,
      size: number,
    ): number => {
      const d = this.fresh
        ? typeof given === "number" || given === undefined
          ? Math.round((given ?? 0) / dt_ms)
          : null
        : typeof kept === "number"
          ? kept
          : null;
      // (an invalid delay is refused by the build itself, with its own message)
      const slots = Math.min(65535, Math.max(0, d ?? 0) || 0) + 1;
      return d === null ? arenaBytes(n, 4) : slots * arenaBytes(size, 4) + arenaBytes(slots, 4);
    };
    const modulatorSlots =
      Math.min(65535, Math.max(0, Math.round((this.opts.delay_modulator_ms ?? 0) / dt_ms)) || 0) +
      1;
    return (
      arenaBytes(csr.rowPtr.length, 4) +
      3 * arenaBytes(n, 4) +
      arenaBytes(csr.nPost + 1, 4) +
      r.vars.reduce((sum, v) => sum + arenaBytes(n, this.float32Vars.has(v) ? 4 : 8), 0) +
      (this.needsLastupdate ? arenaBytes(n, 8) : 0) +
      (r.clockDriven
        ? r.clockDriven.reads.filter((x) => x.kind !== "syn").length * arenaBytes(n, 8) +
          clockDrivenBytes(r.clockDriven.model, n, this.precision === "float32")
        : 0) +
      (this.walksAllSynapses ? arenaBytes(csr.nPre, 4) : 0) +
      arenaBytes(modulatorSlots, 4) +
      queueBytes(this.opts.delay_ms, this.delaySteps, spikesPerStep(this.pre)) +
      (r.onPost.length
        ? queueBytes(this.opts.delay_post_ms, this.delayPostSteps, spikesPerStep(this.post))
        : 0)
    );
  }

  /** Whether summed variables or on_modulator walk every synapse (they need the list of all presynaptic neurons). */
  private get walksAllSynapses(): boolean {
    return this.resolved.summed.length > 0 || this.resolved.onModulator.length > 0;
  }

  /** Whether the events read or write `lastupdate` (event-driven variables, or the name itself). */
  private get needsLastupdate(): boolean {
    const r = this.resolved;
    return (
      r.eventDriven.length > 0 ||
      [...r.onPre, ...r.onPost, ...r.onModulator].some((s) => namesIn(s.expr).has("lastupdate"))
    );
  }

  /**
   * @internal second half of a build: connectivity, variables and spike queues in the arena
   * (or on the heap without one), initial values, delays, and the generated event code
   * (WebAssembly where `ctx.wasm` and the generator allow, else JavaScript).
   */
  build(dt_ms: number, rng: Rng, keep: boolean, ctx?: { arena: Arena; wasm: boolean }): void {
    if (!this.prepared) this.prepare(dt_ms, rng, keep);
    rng = this.prepared!.rng;
    this.prepared = null;
    const mem: Pick<Arena, "f64" | "f32" | "i32"> = ctx?.arena ?? {
      f64: (n) => new Float64Array(n),
      f32: (n) => new Float32Array(n),
      i32: (n) => new Int32Array(n),
    };
    const alloc = (v: string, length: number): StateArray =>
      this.float32Vars.has(v) ? mem.f32(length) : mem.f64(length);
    const r = this.resolved;
    const csr = this.csr!;
    const n = synapseCount(csr);
    const copy = <A extends Int32Array | StateArray>(
      make: (n: number) => A,
      from: ArrayLike<number>,
    ): A => {
      const a = make(from.length);
      a.set(from);
      return a;
    };
    const i32 = (x: ArrayLike<number>) => copy((k) => mem.i32(k), x);
    // Connectivity and per-synapse variables move into this build's memory (kept values too).
    this.csr = { ...csr, rowPtr: i32(csr.rowPtr), colIdx: i32(csr.colIdx) };
    if (this.fresh) {
      this.preIdx = mem.i32(n);
      for (let i = 0; i < csr.nPre; i++) this.preIdx.fill(i, csr.rowPtr[i], csr.rowPtr[i + 1]);
      // Post -> synapse index (CSC order).
      this.postPtr = mem.i32(csr.nPost + 1);
      for (let k = 0; k < n; k++) this.postPtr[csr.colIdx[k] + 1]++;
      for (let j = 0; j < csr.nPost; j++) this.postPtr[j + 1] += this.postPtr[j];
      const fill = this.postPtr.slice(0, csr.nPost);
      this.byPost = mem.i32(n);
      for (let k = 0; k < n; k++) this.byPost[fill[csr.colIdx[k]]++] = k;
      this.store = new Map(r.vars.map((v) => [v, alloc(v, n)]));
      for (const [v, x] of Object.entries(this.opts.init ?? {}))
        this.store.get(v)!.set(this.evaluate(x, `${this.name}: init.${v}`, rng));
      this.delaySteps = this.delays(rng, this.opts.delay_ms, "delay_ms");
      this.delayPostSteps = this.delays(rng, this.opts.delay_post_ms, "delay_post_ms");
    } else {
      this.preIdx = i32(this.preIdx);
      this.postPtr = i32(this.postPtr);
      this.byPost = i32(this.byPost);
      this.store = new Map([...this.store].map(([v, a]) => [v, copy((k) => alloc(v, k), a)]));
      // Event-driven and clock-driven variables (and those listed in `state`) are state, not learned parameters: they restart from their initial values.
      for (const name of new Set([
        ...r.eventDriven.map((e) => e.name),
        ...(r.clockDriven?.model.stateVars ?? []),
        ...(this.opts.state ?? []),
      ])) {
        const x = this.opts.init?.[name];
        this.store
          .get(name)!
          .set(
            x === undefined
              ? new Float64Array(this.size)
              : this.evaluate(x, `${this.name}: init.${name}`, rng),
          );
      }
    }
    this.lastupdate = this.needsLastupdate ? mem.f64(n) : new Float64Array(0);
    this.allPre = this.walksAllSynapses ? mem.i32(csr.nPre) : new Int32Array(0);
    for (let i = 0; i < this.allPre.length; i++) this.allPre[i] = i;
    const maxOf = (d: number | Int32Array) =>
      typeof d === "number" ? d : d.reduce((m, x) => Math.max(m, x), 0);
    this.queue = new DueLists(
      this.delaySteps,
      maxOf(this.delaySteps) + 1,
      spikesPerStep(this.pre),
      n,
      mem,
    );
    this.modulatorDue = mem.i32(
      (this.delays(rng, this.opts.delay_modulator_ms, "delay_modulator_ms") as number) + 1,
    );
    const dp = this.delayPostSteps;
    this.postQueue = r.onPost.length
      ? new DueLists(dp, maxOf(dp) + 1, spikesPerStep(this.post), n, mem)
      : null;
    this.compile(ctx?.wasm ? ctx.arena : null);
    this.clock = r.clockDriven
      ? this.buildClockDriven(r.clockDriven, rng, mem, ctx?.wasm ? ctx.arena : null)
      : null;
  }

  /** The clock-driven update over this build's arrays: gathered neuron variables, indices, the store. */
  private buildClockDriven(
    cd: NonNullable<Resolved["clockDriven"]>,
    rng: Rng,
    mem: Pick<Arena, "f64" | "f32" | "i32">,
    arena: Arena | null,
  ): ClockDrivenUpdate {
    const n = this.size;
    const f32 = this.precision === "float32";
    const own = (length: number): StateArray => (f32 ? mem.f32(length) : mem.f64(length));
    const gathers: Gather[] = [];
    const params = cd.reads.map((x): StateArray => {
      if (x.kind === "syn") return this.store.get(x.name)!;
      const a = own(n);
      if (x.kind === "i") a.set(this.preIdx);
      else if (x.kind === "j") a.set(this.csr!.colIdx);
      else {
        const g = (x.kind === "pre" ? this.pre : this.post) as EquationGroup<StateArray>;
        gathers.push({
          target: a,
          source: g.variable(x.name),
          index: x.kind === "pre" ? this.preIdx : this.csr!.colIdx,
        });
      }
      return a;
    });
    const arrays = [...cd.model.stateVars.map((v) => this.store.get(v)!), ...params];
    return new ClockDrivenUpdate(cd.model, arrays, gathers, n, this.dt_ms, f32, rng, mem, arena);
  }

  /** Whether the synapses have clock-driven equations to integrate every step. */
  get hasClockDriven(): boolean {
    return this.resolved.clockDriven !== null;
  }

  /** @internal where the clock-driven update runs and what the schedule says about it. */
  get clockDrivenOperation(): { when: Slot; order: number; what: string } {
    const m = this.resolved.clockDriven?.model.method ?? this.opts.method ?? "euler";
    return {
      when: this.opts.when ?? "groups",
      order: this.opts.order ?? 0,
      what: `clock-driven state update (${m}), ${this.clock?.target ?? "JavaScript"}`,
    };
  }

  /** @internal integrates the clock-driven variables over one step ("groups" slot, after the neuron groups). */
  updateClockDriven(step: number): void {
    this.clock?.update(step);
  }

  /** @internal the clock-driven update inside the network's multi-step driver, or null where it is JavaScript. */
  driverClockDriven(): DriverOperation | null {
    return this.clock?.driverOperation() ?? null;
  }

  /** @internal summed variables of step `step`, before the postsynaptic group's state update ("groups" slot). */
  updateSummed(step: number): void {
    if (this.summedKernel) {
      for (const a of this.summedTargets) a.fill(0);
      this.kernelCalls.wasm++;
      this.summedKernel(this.allPre.byteOffset, this.allPre.length, step * this.dt_ms);
    } else if (this.summedFn) {
      this.kernelCalls.js++;
      this.summedFn(this.arrays!, this.csr!.colIdx, this.preIdx, this.size, step * this.dt_ms);
    }
  }

  /** Whether the synapses have summed variables to update every step. */
  get hasSummed(): boolean {
    return this.resolved.summed.length > 0;
  }

  /** @internal presynaptic spikes of this step enter the queue; those due now run on_pre ("synapses" slot). */
  propagate(step: number): void {
    if (this.preDirect) {
      // No delay: this step's spikes are due now; the kernel reads the group's own spike list.
      const count = this.pre.spikeCount;
      if (count > 0)
        this.runOn(this.onPreKernel, this.onPreFn, this.pre.spiked, count, step * this.dt_ms);
      return;
    }
    const q = this.queue!;
    if (typeof this.delaySteps === "number") {
      // Uniform delay: queue presynaptic indices, walk their rows when due.
      q.pushNeurons(step, this.pre.spiked, this.pre.spikeCount);
    } else {
      // Per-synapse delays: queue synapse indices.
      const d = this.delaySteps;
      const rowPtr = this.csr!.rowPtr;
      for (let s = 0; s < this.pre.spikeCount; s++) {
        const i = this.pre.spiked[s];
        for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) q.pushOne((step + d[k]) % q.slots, k);
      }
    }
    const count = q.take(step);
    if (count > 0) this.run(this.onPreKernel, this.onPreFn, q, count, step * this.dt_ms);
  }

  /** Runs one event kind on the `count` entries of `list`, an arena array when a kernel runs. */
  private runOn(
    kernel: EventKernel | null,
    fn: EventFunction | null,
    list: Int32Array,
    count: number,
    t: number,
  ): void {
    if (kernel) {
      this.kernelCalls.wasm++;
      kernel(list.byteOffset, count, t);
    } else if (fn) {
      this.kernelCalls.js++;
      const csr = this.csr!;
      fn(
        list,
        count,
        t,
        this.arrays!,
        csr.rowPtr,
        csr.colIdx,
        this.preIdx,
        this.byPost,
        this.postPtr,
      );
    }
  }

  /** Runs one event kind on the `count` entries due in `q`: the WebAssembly kernel, or the JavaScript function. */
  private run(
    kernel: EventKernel | null,
    fn: EventFunction | null,
    q: DueLists,
    count: number,
    t: number,
  ): void {
    if (kernel) {
      this.kernelCalls.wasm++;
      kernel(q.takenInArena(count), count, t);
    } else if (fn) {
      this.kernelCalls.js++;
      const csr = this.csr!;
      fn(
        q.taken,
        count,
        t,
        this.arrays!,
        csr.rowPtr,
        csr.colIdx,
        this.preIdx,
        this.byPost,
        this.postPtr,
      );
    }
  }

  /**
   * Runs `on_modulator` on every synapse at time `t_ms` (event-driven variables brought up to
   * it first), `times` times: for a neuromodulatory signal set from a callback, e.g.
   * `net.addOperation((t) => { if (...) syn.modulate(t) })` (Brian2's `run_regularly`).
   */
  modulate(t_ms: number, times = 1): void {
    this.requireBuilt();
    if (!this.onModulatorFn)
      throw new Error(`${this.name}: modulate needs on_modulator statements`);
    checkNumber(t_ms, "t_ms", { min: 0 });
    checkInteger(times, "times", 0);
    if (times > 0) this.runModulator(times, t_ms);
  }

  /** Runs on_modulator `times` times over every synapse at `t_ms`: the WebAssembly kernel, or the JavaScript function. */
  private runModulator(times: number, t_ms: number): void {
    if (this.onModulatorKernel) {
      this.kernelCalls.wasm += times;
      for (let s = 0; s < times; s++)
        this.onModulatorKernel(this.allPre.byteOffset, this.allPre.length, t_ms);
    } else {
      this.kernelCalls.js++;
      this.onModulatorFn!(times, t_ms, this.arrays!, this.preIdx, this.csr!.colIdx, this.size);
    }
  }

  /** @internal postsynaptic spikes of this step run on_post, then modulator spikes run on_modulator ("synapses" slot). */
  propagatePost(step: number): void {
    this.propagatePostOnly(step);
    const m = this.opts.modulator;
    if (m && this.onModulatorFn) {
      const due = this.modulatorDue;
      due[(step + due.length - 1) % due.length] += m.spikeCount;
      const count = due[step % due.length];
      due[step % due.length] = 0;
      if (count > 0) this.runModulator(count, step * this.dt_ms);
    }
  }

  private propagatePostOnly(step: number): void {
    if (this.postDirect) {
      const count = this.post.spikeCount;
      if (count > 0)
        this.runOn(this.onPostKernel, this.onPostFn, this.post.spiked, count, step * this.dt_ms);
      return;
    }
    const q = this.postQueue;
    if (q === null) return;
    const d = this.delayPostSteps;
    if (typeof d === "number") {
      // Uniform delay: queue postsynaptic indices.
      q.pushNeurons(step, this.post.spiked, this.post.spikeCount);
    } else {
      // Per-synapse delays: queue synapse indices.
      for (let s = 0; s < this.post.spikeCount; s++) {
        const j = this.post.spiked[s];
        for (let p = this.postPtr[j]; p < this.postPtr[j + 1]; p++)
          q.pushOne((step + d[this.byPost[p]]) % q.slots, this.byPost[p]);
      }
    }
    const count = q.take(step);
    if (count > 0) this.run(this.onPostKernel, this.onPostFn, q, count, step * this.dt_ms);
  }

  /**
   * @internal on_pre (spike queue included) inside the network's multi-step driver, or null
   * where it needs JavaScript (a JavaScript event function, per-synapse delays, or a
   * presynaptic population whose spikes are not in the arena).
   */
  driverPropagate(cellOf: CountCellOf<Population> = spikeCountCellOf): DriverOperation | null {
    return this.driverEvents(
      cellOf,
      this.pre,
      this.preDirect,
      this.queue,
      this.delaySteps,
      this.onPreKernel,
      this.onPreFn,
    );
  }

  /** @internal on_post and on_modulator inside the network's multi-step driver, or null (see {@link driverPropagate}). */
  driverPropagatePost(cellOf: CountCellOf<Population> = spikeCountCellOf): DriverOperation | null {
    const post = this.driverEvents(
      cellOf,
      this.post,
      this.postDirect,
      this.postQueue,
      this.delayPostSteps,
      this.onPostKernel,
      this.onPostFn,
    );
    const m = this.opts.modulator;
    if (post === null || !m || !this.onModulatorFn) return post;
    const kernel = this.onModulatorKernel;
    const cell = cellOf(m);
    const due = this.modulatorDue;
    if (kernel === null || cell === null || due.buffer !== cell.buffer) return null;
    const calls = callCounter(this.kernelCalls);
    return {
      emit: (d) => {
        const fn = d.kernel(kernel, [I32, I32, F64], []);
        const add = calls.start(d);
        const slot = d.local(I32);
        const count = d.local(I32);
        const r = d.local(I32);
        const at = (index: Code) => [...index, ...op.i32Const(2), ...op.i32Shl];
        return [
          ...post.emit(d),
          // due[(n + len - 1) % len] += modulator spikes; count = due[n % len]; due[n % len] = 0
          ...op.localGet(d.step),
          ...op.i32Const(due.length - 1),
          ...op.i32Add,
          ...op.i32Const(due.length),
          ...op.i32RemU,
          ...op.localSet(slot),
          ...at(op.localGet(slot)),
          ...at(op.localGet(slot)),
          ...op.i32Load(due.byteOffset),
          ...op.i32Const(0),
          ...op.i32Load(cell.byteOffset),
          ...op.i32Add,
          ...op.i32Store(due.byteOffset),
          ...op.localGet(d.step),
          ...op.i32Const(due.length),
          ...op.i32RemU,
          ...op.localSet(slot),
          ...at(op.localGet(slot)),
          ...op.i32Load(due.byteOffset),
          ...op.localSet(count),
          ...at(op.localGet(slot)),
          ...op.i32Const(0),
          ...op.i32Store(due.byteOffset),
          ...forCount(r, count, [
            ...op.i32Const(this.allPre.byteOffset),
            ...op.i32Const(this.allPre.length),
            ...op.localGet(d.t),
            ...op.call(fn),
            ...add,
          ]),
        ];
      },
      before: post.before,
      after: (last, steps) => {
        post.after?.(last, steps);
        calls.hand();
      },
    };
  }

  /** @internal summed variables inside the network's multi-step driver (targets zeroed, then the kernel), or null. */
  driverSummed(): DriverOperation | null {
    const kernel = this.summedKernel;
    if (kernel === null) return null;
    const calls = callCounter(this.kernelCalls);
    return {
      emit: (d) => {
        const fn = d.kernel(kernel, [I32, I32, F64], []);
        const add = calls.start(d);
        return [
          ...this.summedTargets.flatMap((a) => [
            ...op.i32Const(a.byteOffset),
            ...op.i32Const(0),
            ...op.i32Const(a.byteLength),
            ...op.memoryFill,
          ]),
          ...op.i32Const(this.allPre.byteOffset),
          ...op.i32Const(this.allPre.length),
          ...op.localGet(d.t),
          ...op.call(fn),
          ...add,
        ];
      },
      after: calls.hand,
    };
  }

  /** One event kind, its queue included, as driver code (see {@link driverPropagate}). */
  private driverEvents(
    cellOf: CountCellOf<Population>,
    p: Population,
    direct: boolean,
    queue: DueLists | null,
    delay: number | Int32Array,
    kernel: EventKernel | null,
    fn: EventFunction | null,
  ): DriverOperation | null {
    if (kernel === null && fn !== null) return null;
    if (direct && kernel === null) return { emit: () => [] };
    if (!direct && queue === null) return { emit: () => [] };
    const cell = cellOf(p);
    if (cell === null) return null;
    const layout = direct ? null : queue!.layout(cell.buffer as ArrayBuffer);
    if (!direct && (typeof delay !== "number" || layout === null)) return null;
    const calls = callCounter(this.kernelCalls);
    const count: Code = [...op.i32Const(0), ...op.i32Load(cell.byteOffset)];
    let add: Code = [];
    const call = (d: DriverContext, list: Code, n: Code): Code => {
      const k = d.kernel(kernel, [I32, I32, F64], []);
      return [...list, ...n, ...op.localGet(d.t), ...op.call(k), ...add];
    };
    return {
      emit: (d) => {
        add = calls.start(d);
        if (direct) return ifNonZero(count, call(d, op.i32Const(p.spiked.byteOffset), count));
        const { lists, stride, counts, delay: steps } = layout!;
        const slots = queue!.slots;
        const slot = d.local(I32);
        const due = d.local(I32);
        const at = (x: number) => [...op.localGet(x), ...op.i32Const(2), ...op.i32Shl];
        const slotList = [
          ...op.localGet(slot),
          ...op.i32Const(stride),
          ...op.i32Mul,
          ...op.i32Const(lists),
          ...op.i32Add,
        ];
        return [
          // push: this step's spikes into the list of step n + delay
          ...ifNonZero(count, [
            ...op.localGet(d.step),
            ...op.i32Const(steps),
            ...op.i32Add,
            ...op.i32Const(slots),
            ...op.i32RemU,
            ...op.localSet(slot),
            ...slotList,
            ...at(slot),
            ...op.i32Load(counts),
            ...op.i32Const(2),
            ...op.i32Shl,
            ...op.i32Add,
            ...op.i32Const(p.spiked.byteOffset),
            ...count,
            ...op.i32Const(2),
            ...op.i32Shl,
            ...op.memoryCopy,
            ...at(slot),
            ...at(slot),
            ...op.i32Load(counts),
            ...count,
            ...op.i32Add,
            ...op.i32Store(counts),
          ]),
          // take: the list due now
          ...op.localGet(d.step),
          ...op.i32Const(slots),
          ...op.i32RemU,
          ...op.localSet(slot),
          ...at(slot),
          ...op.i32Load(counts),
          ...op.localSet(due),
          ...at(slot),
          ...op.i32Const(0),
          ...op.i32Store(counts),
          ...(kernel === null
            ? []
            : ifNonZero(op.localGet(due), call(d, slotList, op.localGet(due)))),
        ];
      },
      after: calls.hand,
    };
  }

  /** Whether the synapses run code on postsynaptic spikes. */
  get hasOnPost(): boolean {
    return (
      this.resolved.onPost.length > 0 ||
      (this.opts.modulator !== undefined && this.resolved.onModulator.length > 0)
    );
  }

  private requireBuilt(): void {
    if (!this.csr)
      throw new Error(
        `${this.name}: synapses exist once the network has been built (net.build() or a run)`,
      );
  }

  private delays(rng: Rng, given: SynapsesOptions["delay_ms"], what: string): number | Int32Array {
    const d = given ?? 0;
    const steps = (x: number, what: string) => {
      checkNumber(x, what, { min: 0 });
      const s = Math.round(x / this.dt_ms);
      if (Math.abs(s * this.dt_ms - x) > 1e-9 * Math.max(1, x))
        throw new RangeError(`${what} must be a multiple of dt_ms = ${this.dt_ms}, got ${x}`);
      if (s > 65535)
        throw new RangeError(
          `${what} must be at most 65535 steps (${65535 * this.dt_ms} ms), got ${x}`,
        );
      return s;
    };
    if (typeof d === "number") return steps(d, `${this.name}: ${what}`);
    const v = this.evaluate(d, `${this.name}: ${what}`, rng);
    return Int32Array.from(v, (x, k) => steps(x, `${this.name}: ${what}[${k}]`));
  }

  private where(condition: string): Uint8Array {
    const v = this.evaluate(condition, `${this.name}: condition`);
    return Uint8Array.from(v, (x) => (x !== 0 ? 1 : 0));
  }

  /** Values per synapse of a number, a function of (rng, i, j) or an expression. */
  private evaluate(value: SynapticValue, where: string, rng?: Rng): Float64Array {
    const n = this.size;
    const csr = this.csr!;
    const out = new Float64Array(n);
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new RangeError(`${where} must be finite, got ${value}`);
      out.fill(value);
    } else if (typeof value === "function") {
      if (!rng)
        throw new RangeError(`${where}: a function value needs a random stream here; pass one`);
      for (let k = 0; k < n; k++) out[k] = value(rng, this.preIdx[k], csr.colIdx[k]);
    } else if (typeof value === "string") {
      const e = parseExpression(value, where);
      const r = this.resolved;
      const read = (name: string): ((k: number) => number) | number => {
        if (name === "i") return (k) => this.preIdx[k];
        if (name === "j") return (k) => csr.colIdx[k];
        const loc = r.locate(name);
        if (loc?.place === "syn") return (k) => this.store.get(name)![k];
        if (loc?.place === "pre")
          return (k) => (this.pre as EquationGroup<StateArray>).variable(loc.name)[this.preIdx[k]];
        if (loc?.place === "post")
          return (k) => (this.post as EquationGroup<StateArray>).variable(loc.name)[csr.colIdx[k]];
        const c = r.constants.get(name) ?? lookupUnit(name)?.scale;
        if (c === undefined) throw new ModelSyntaxError(`${where}: "${name}" is not defined`);
        return c;
      };
      const fns = new Map([...namesIn(e)].map((nm) => [nm, read(nm)]));
      if (!rng && /\brandn?\s*\(/.test(value))
        throw new RangeError(`${where}: rand() needs a random stream here`);
      const src = jsExpr(e, (nm) =>
        typeof fns.get(nm) === "number" ? String(fns.get(nm)) : `V.get(${JSON.stringify(nm)})(k)`,
      );
      const f = new Function(
        "F",
        "V",
        "n",
        "out",
        `for (let k = 0; k < n; k++) out[k] = ${src};`,
      ) as (F: object, V: Map<string, unknown>, n: number, out: Float64Array) => void;
      f({ ...JS_FUNCTIONS, rand: () => rng!.uniform(), randn: () => rng!.normal() }, fns, n, out);
    } else
      throw new TypeError(
        `${where} must be a number, a function (rng, i, j) or an expression string, got ${typeof value}`,
      );
    for (let k = 0; k < n; k++)
      if (!Number.isFinite(out[k]))
        throw new RangeError(
          `${where}: value for synapse ${k} (i = ${this.preIdx[k]}, j = ${csr.colIdx[k]}) must be finite, got ${out[k]}`,
        );
    return out;
  }

  /** Generates the event code for the current build: WebAssembly kernels on `arena` where possible, and the JavaScript reference. */
  private compile(arena: Arena | null): void {
    const r = this.resolved;
    const preG = this.pre as EquationGroup<StateArray>;
    const postG = this.post as EquationGroup<StateArray>;
    const preNames = groupVariables(this.pre).names;
    const postNames = groupVariables(this.post).names;
    this.arrays = {
      syn: r.vars.map((v) => this.store.get(v)!),
      pre: preNames.map((v) => preG.variable(v)),
      post: postNames.map((v) => postG.variable(v)),
      lastupdate: this.lastupdate,
    };
    const locate = (name: string): EventLocation => {
      if (name === "i" || name === "j" || name === "t" || name === "dt" || name === "lastupdate")
        return { kind: name };
      const loc = r.locate(name);
      if (loc?.place === "syn") return { kind: "syn", index: r.vars.indexOf(loc.name) };
      if (loc?.place === "pre") return { kind: "pre", index: preNames.indexOf(loc.name) };
      if (loc?.place === "post") return { kind: "post", index: postNames.indexOf(loc.name) };
      throw new Error(`synapse codegen: unresolved name ${name}`);
    };
    const target = (s: Resolved["onPre"][number]) => ({
      target: s.place === "syn" ? s.name : s.place === "pre" ? `${s.name}_pre` : `${s.name}_post`,
      expr: s.expr,
    });
    const program = (statements: Resolved["onPre"]) =>
      eventProgram(r.eventDriven, statements.map(target), locate);
    const ref = (name: string): string => {
      const loc = locate(name);
      if (loc.kind === "syn") return `SV${loc.index}[k]`;
      if (loc.kind === "pre") return `PRE${loc.index}[i]`;
      if (loc.kind === "post") return `POST${loc.index}[j]`;
      if (loc.kind === "lastupdate") return "LU[k]";
      if (loc.kind === "dt") return String(this.dt_ms);
      return loc.kind;
    };
    const header = [
      ...r.vars.map((_, k) => `const SV${k} = a.syn[${k}];`),
      ...preNames.map((_, k) => `const PRE${k} = a.pre[${k}];`),
      ...postNames.map((_, k) => `const POST${k} = a.post[${k}];`),
      "const LU = a.lastupdate;",
    ].join("\n");
    const event = (statements: Resolved["onPre"]): string =>
      jsEventBody(program(statements), this.dt_ms);
    const make = (body: string) =>
      new Function(
        "F",
        `return function(list, count, t, a, rowPtr, colIdx, preIdx, byPost, postPtr) {\n${header}\n${body}\n};`,
      )(SYNAPSE_FUNCTIONS) as EventFunction;
    const preLoop: EventLoop = typeof this.delaySteps === "number" ? "rows" : "synapses";
    const postLoop: EventLoop = typeof this.delayPostSteps === "number" ? "columns" : "synapses";
    if (r.onPre.length || r.eventDriven.length) {
      const perSynapse = event(r.onPre);
      this.onPreFn = make(
        preLoop === "rows"
          ? `for (let s = 0; s < count; s++) { const i = list[s]; for (let k = rowPtr[i], end = rowPtr[i + 1]; k < end; k++) { const j = colIdx[k];\n${perSynapse}\n} }`
          : `for (let s = 0; s < count; s++) { const k = list[s]; const i = preIdx[k]; const j = colIdx[k];\n${perSynapse}\n}`,
      );
    } else this.onPreFn = null;
    this.onPostFn = !r.onPost.length
      ? null
      : postLoop === "columns"
        ? make(
            `for (let s = 0; s < count; s++) { const j = list[s]; for (let q = postPtr[j], end = postPtr[j + 1]; q < end; q++) { const k = byPost[q]; const i = preIdx[k];\n${event(r.onPost)}\n} }`,
          )
        : make(
            `for (let s = 0; s < count; s++) { const k = list[s]; const i = preIdx[k]; const j = colIdx[k];\n${event(r.onPost)}\n}`,
          );
    this.onModulatorFn = r.onModulator.length
      ? new Function(
          "F",
          `return function(times, t, a, preIdx, colIdx, n) {\n${header}\nfor (let s = 0; s < times; s++) for (let k = 0; k < n; k++) { const i = preIdx[k]; const j = colIdx[k];\n${event(r.onModulator)}\n}\n};`,
        )(SYNAPSE_FUNCTIONS)
      : null;
    this.summedTargets = r.summed.map((s) => this.arrays!.post[postNames.indexOf(s.target)]);
    if (r.summed.length) {
      const lines = r.summed.map((s) => `POST${postNames.indexOf(s.target)}.fill(0);`);
      lines.push("for (let k = 0; k < n; k++) { const i = preIdx[k]; const j = colIdx[k];");
      for (const s of r.summed)
        lines.push(`POST${postNames.indexOf(s.target)}[j] += ${jsExpr(s.expr, ref)};`);
      lines.push("}");
      this.summedFn = new Function(
        "F",
        `return function(a, colIdx, preIdx, n, t) {\n${header}\n${lines.join("\n")}\n};`,
      )(SYNAPSE_FUNCTIONS);
    } else this.summedFn = null;
    // The same programs as WebAssembly, where every array they touch lives in the arena. Summed
    // variables are the program "x_post = x_post + expr" over every synapse in order (after the
    // targets are zeroed), on_modulator its statements over every synapse: both walk the rows of
    // all presynaptic neurons, which visits the synapses in index order, as the references do.
    this.onPreKernel = null;
    this.onPostKernel = null;
    this.onModulatorKernel = null;
    this.summedKernel = null;
    this.eventTargets = {
      on_pre: this.onPreFn ? "JavaScript" : null,
      on_post: this.onPostFn ? "JavaScript" : null,
      on_modulator: this.onModulatorFn ? "JavaScript" : null,
      summed: this.summedFn ? "JavaScript" : null,
    };
    if (arena !== null && (this.onPreFn || this.onPostFn || this.onModulatorFn || this.summedFn)) {
      const all = [
        this.csr!.rowPtr,
        this.csr!.colIdx,
        this.preIdx,
        this.postPtr,
        this.byPost,
        this.allPre,
        ...this.arrays.syn,
        ...this.arrays.pre,
        ...this.arrays.post,
        this.lastupdate,
      ];
      const outside =
        arena.buffer === null
          ? "no WebAssembly memory"
          : all.some((a) => a.length > 0 && a.buffer !== arena.buffer)
            ? "a neuron group's state is not in the network's arena"
            : null;
      const layout: EventLayout = {
        rowPtr: this.csr!.rowPtr.byteOffset,
        colIdx: this.csr!.colIdx.byteOffset,
        preIdx: this.preIdx.byteOffset,
        postPtr: this.postPtr.byteOffset,
        byPost: this.byPost.byteOffset,
        syn: this.arrays.syn.map((a) => a.byteOffset),
        synFloat32: this.arrays.syn.map((a) => a instanceof Float32Array),
        pre: this.arrays.pre.map((a) => a.byteOffset),
        post: this.arrays.post.map((a) => a.byteOffset),
        preFloat32: this.arrays.pre.map((a) => a instanceof Float32Array),
        postFloat32: this.arrays.post.map((a) => a instanceof Float32Array),
        lastupdate: this.lastupdate.byteOffset,
      };
      const kernel = (p: EventProgram, loop: EventLoop): [EventKernel | null, string] => {
        const k = outside ?? wasmEventKernel(p, loop, layout, this.dt_ms, arena);
        return typeof k === "string" ? [null, `JavaScript (${k})`] : [k, "WebAssembly"];
      };
      if (this.onPreFn)
        [this.onPreKernel, this.eventTargets.on_pre] = kernel(program(r.onPre), preLoop);
      if (this.onPostFn)
        [this.onPostKernel, this.eventTargets.on_post] = kernel(program(r.onPost), postLoop);
      if (this.onModulatorFn)
        [this.onModulatorKernel, this.eventTargets.on_modulator] = kernel(
          program(r.onModulator),
          "rows",
        );
      if (this.summedFn) {
        const sums = r.summed.map((x) => {
          const target = `${x.target}_post`;
          return {
            target,
            expr: { k: "bin", op: "+", a: { k: "name", name: target }, b: x.expr } as Expr,
          };
        });
        [this.summedKernel, this.eventTargets.summed] = kernel(
          eventProgram([], sums, locate),
          "rows",
        );
      }
    }
    // Without a delay the spikes need no queue: the events read the group's spike list directly
    // (a kernel only where that list lives in the arena).
    const inArena = (p: Population) => arena !== null && p.spiked.buffer === arena.buffer;
    this.preDirect = this.delaySteps === 0 && (this.onPreKernel === null || inArena(this.pre));
    this.postDirect =
      this.delayPostSteps === 0 && (this.onPostKernel === null || inArena(this.post));
  }
}

/**
 * How many entries one step's spike list of a population can hold: its size, or more when a
 * neuron may spike several times in one step (a spike generator's repeated times, NEST's
 * multiplicity). A queue slot of a uniform delay holds one step's list.
 */
function spikesPerStep(p: { size: number; spiked: Int32Array }): number {
  return Math.max(p.size, p.spiked.length);
}

const SYNAPSE_OPTIONS = [
  "rule",
  "model",
  "on_pre",
  "on_post",
  "delay_ms",
  "delay_post_ms",
  "modulator",
  "on_modulator",
  "delay_modulator_ms",
  "namespace",
  "init",
  "state",
  "method",
  "precision",
  "when",
  "order",
];

/**
 * Brian2's spike queue: a ring of `slots` lists (one per future step) of entries due then. With
 * one delay for all synapses the entries are neurons (at most `size` per step), and every list
 * lives in the arena; with a delay per synapse they are synapse indices in growable heap arrays
 * (amortised growth; no allocation per spike), copied into an arena list of `synapses` entries
 * (each synapse is due at most once per step) when a WebAssembly kernel reads them.
 */
class DueLists {
  private readonly lists: Int32Array[];
  private readonly counts: Int32Array;
  private readonly scratch: Int32Array | null;
  /** The list of the last `take` (valid until the next push to its slot). */
  taken: Int32Array = new Int32Array(0);

  constructor(
    delay: number | Int32Array,
    readonly slots: number,
    size: number,
    synapses: number,
    mem: Pick<Arena, "i32">,
  ) {
    const uniform = typeof delay === "number";
    this.lists = Array.from({ length: slots }, () =>
      uniform ? mem.i32(size) : new Int32Array(64),
    );
    this.counts = uniform ? mem.i32(slots) : new Int32Array(slots);
    this.scratch = uniform ? null : mem.i32(synapses);
    this.delay = uniform ? delay : 0;
  }

  private readonly delay: number;

  /** Queues the `count` neurons of `items` that spiked at `step` (one delay for all). */
  pushNeurons(step: number, items: Int32Array, count: number): void {
    if (count === 0) return;
    const slot = (step + this.delay) % this.slots;
    this.lists[slot].set(items.subarray(0, count), this.counts[slot]);
    this.counts[slot] += count;
  }

  pushOne(slot: number, item: number): void {
    if (this.counts[slot] === this.lists[slot].length) {
      const grown = new Int32Array(this.lists[slot].length * 2);
      grown.set(this.lists[slot]);
      this.lists[slot] = grown;
    }
    this.lists[slot][this.counts[slot]++] = item;
  }

  /** Empties the slot of `step`: returns how many entries were due; they are in `taken`. */
  take(step: number): number {
    const slot = step % this.slots;
    const count = this.counts[slot];
    this.counts[slot] = 0;
    this.taken = this.lists[slot];
    return count;
  }

  /**
   * Where a uniform-delay queue lives in `buffer`, for the network's multi-step driver: the
   * lists (one per slot, `stride` bytes apart from `lists`), the counts and the delay; null for
   * per-synapse delays or lists outside it.
   */
  layout(
    buffer: ArrayBuffer,
  ): { lists: number; stride: number; counts: number; delay: number } | null {
    if (this.scratch !== null || this.counts.buffer !== buffer) return null;
    const lists = this.lists[0].byteOffset;
    const stride = this.lists.length > 1 ? this.lists[1].byteOffset - lists : 0;
    const regular = this.lists.every(
      (l, k) => l.buffer === buffer && l.byteOffset === lists + k * stride,
    );
    return regular ? { lists, stride, counts: this.counts.byteOffset, delay: this.delay } : null;
  }

  /** Byte offset in the arena of the first `count` entries of `taken`. */
  takenInArena(count: number): number {
    if (this.scratch === null) return this.taken.byteOffset;
    this.scratch.set(this.taken.subarray(0, count));
    return this.scratch.byteOffset;
  }
}
