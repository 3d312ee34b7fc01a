/**
 * Synapses written as equations (Brian2's `Synapses(pre, post, model, on_pre, on_post, delay)`):
 * per-synapse variables (`w : siemens`), event-driven variables (`dapre/dt = -apre/taupre : 1
 * (event-driven)`, brought up to the current time only when a spike reaches the synapse, so the
 * cost grows with spikes, not with synapses x steps), summed variables (`I_post = g*(v_pre -
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
import { jsExpr, JS_FUNCTIONS } from "../equations/codegen.js";
import { derivative, dimensionOf, fold, substitute, type Dim } from "../equations/expr.js";
import { evalUnit, expandStatement, makeScope, requireDim, type NamespaceValue } from "../equations/model.js";
import { formatExpr, ModelSyntaxError, namesIn, parseEquations, parseExpression, parseStatements, type Equation, type Expr } from "../equations/parse.js";
import { dimMul, lookupUnit, type Unit } from "../equations/units.js";
import type { EquationGroup } from "../network/equationGroup.js";
import type { Population } from "../network/populations.js";
import type { Rng } from "../random/rng.js";
import { applyRule, synapseCount, type ConnectivityRule, type Csr } from "./connectivity.js";
import { describeValue } from "../core/describe.js";

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
}

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
  constants: Map<string, number>;
  /** Resolves a name in a statement or expression to where it lives. */
  locate: (name: string) => { place: Place; name: string } | { place: "builtin"; name: string } | undefined;
}

const SECOND_INV: readonly [number, number, number, number, number, number, number] = [0, 0, -1, 0, 0, 0, 0];

function groupVariables(p: Population): { names: string[]; units: Map<string, Unit> } {
  const g = p as Partial<EquationGroup>;
  if (g.kind === "equations" && g.model) return { names: g.variables!, units: g.model.units as Map<string, Unit> };
  return { names: [], units: new Map() };
}

/** Resolves and unit-checks a synapse model against its pre and post populations. */
function resolveSynapses(opts: SynapsesOptions, pre: Population, post: Population, owner: string): Resolved {
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
  for (const e of eqs) {
    const where = `equation "${e.text}"`;
    if (e.kind === "diff" && !e.flags.includes("event-driven")) throw new ModelSyntaxError(`${where}: only event-driven differential equations are supported in synapse models (add "(event-driven)")`);
    if (e.kind === "sub" && !e.flags.includes("summed")) throw new ModelSyntaxError(`${where}: only summed subexpressions ("x_post = ... : unit (summed)") are supported in synapse models`);
    const u = evalUnit(e.unit, where);
    if (e.kind !== "sub") {
      if (["t", "dt", "i", "j", "lastupdate"].includes(e.name) || e.name.endsWith("_pre") || e.name.endsWith("_post")) throw new ModelSyntaxError(`${where}: "${e.name}" is a reserved name`);
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
    if (name.endsWith("_pre") && preVars.names.includes(name.slice(0, -4))) return { place: "pre", name: name.slice(0, -4) };
    if (name.endsWith("_post") && postVars.names.includes(name.slice(0, -5))) return { place: "post", name: name.slice(0, -5) };
    if (postVars.names.includes(name)) return { place: "post", name };
    return undefined;
  };
  const constOf = (n: string) => (locate(n) ? undefined : scope.constant(n));
  const lookup = (where: string) => (n: string) => scope.dim(n, where);
  const eventDriven: Resolved["eventDriven"] = [];
  const vars: string[] = [];
  for (const e of eqs) {
    const where = `equation "${e.text}"`;
    if (e.kind === "param") vars.push(e.name);
    if (e.kind === "diff") {
      vars.push(e.name);
      const d = dimensionOf(e.expr!, lookup(where), where);
      requireDim(d, dimMul(units.get(e.name)!.dim, SECOND_INV), where, "the right-hand side");
      const f = fold(e.expr!, constOf);
      const B = derivative(f, e.name);
      const others = [...namesIn(f)].filter((n) => n !== e.name && locate(n));
      if (namesIn(B).has(e.name) || others.length) {
        throw new ModelSyntaxError(`${where}: event-driven equations must be linear in their own variable with constant coefficients${others.length ? ` (it reads ${others.join(", ")})` : ""}`);
      }
      const A = fold(substitute(f, (n) => (n === e.name ? { k: "num", v: 0 } : undefined)), constOf);
      eventDriven.push({ name: e.name, A, B });
    }
  }
  const summed: Resolved["summed"] = [];
  for (const e of eqs.filter((x) => x.kind === "sub")) {
    const where = `equation "${e.text}"`;
    const target = locate(e.name);
    if (!target || target.place !== "post") throw new ModelSyntaxError(`${where}: a summed variable must name a variable of the postsynaptic group ("x_post")`);
    const d = dimensionOf(e.expr!, lookup(where), where);
    requireDim(d, postVars.units.get(target.name)!.dim, where, "the summed expression");
    requireDim(units.get(e.name)?.dim ?? evalUnit(e.unit, where).dim, postVars.units.get(target.name)!.dim, where, "the declared unit");
    summed.push({ target: target.name, expr: fold(e.expr!, constOf) });
  }
  const statements = (src: string | undefined, what: string) =>
    src === undefined
      ? []
      : parseStatements(src, what).map((s) => {
          const where = `${what}: "${s.text}"`;
          const target = locate(s.target);
          if (!target || target.place === "builtin") throw new ModelSyntaxError(`${where}: "${s.target}" is not a synaptic, presynaptic (_pre) or postsynaptic (_post) variable`);
          const d = dimensionOf(s.expr, lookup(where), where);
          const targetDim = scope.dim(s.target, where);
          if (s.op === "*=" || s.op === "/=") requireDim(d, [0, 0, 0, 0, 0, 0, 0], where, `"${formatExpr(s.expr)}"`);
          else if (targetDim !== "any") requireDim(d, targetDim, where, `"${formatExpr(s.expr)}" (assigned to ${s.target})`);
          return { place: target.place, name: target.name, expr: fold(expandStatement(s), constOf) };
        });
  return { vars, units, eventDriven, summed, onPre: statements(opts.on_pre, "on_pre"), onPost: statements(opts.on_post, "on_post"), onModulator: statements(opts.on_modulator, "on_modulator"), constants, locate };
}

/** The arrays a generated synapse function reads. */
interface Arrays {
  syn: Float64Array[];
  pre: Float64Array[];
  post: Float64Array[];
  lastupdate: Float64Array;
}

type EventFunction = (list: Int32Array, count: number, t: number, a: Arrays, rowPtr: Int32Array, colIdx: Int32Array, preIdx: Int32Array, byPost: Int32Array, postPtr: Int32Array) => void;

/**
 * The projection of synapses written as equations: connectivity (CSR, with pre index `i` and
 * post index `j` per synapse), per-synapse variables as live arrays, and the generated code of
 * its events. What `net.connect(pre, post, { model, on_pre, ... })` returns.
 */
export class Synapses {
  readonly kind = "synapses";
  private readonly resolved: Resolved;
  private csr: Csr | null = null;
  private preIdx = new Int32Array(0);
  private postPtr = new Int32Array(0);
  private byPost = new Int32Array(0);
  private store = new Map<string, Float64Array>();
  private lastupdate: Float64Array = new Float64Array(0);
  private delaySteps: number | Int32Array = 0;
  private delayPostSteps: number | Int32Array = 0;
  private queue: SpikeQueue | null = null;
  private postQueue: SpikeQueue | null = null;
  /** Modulator spikes due per future step (a ring of counts). */
  private modulatorDue = new Int32Array(1);
  private onPreFn: EventFunction | null = null;
  private onPostFn: EventFunction | null = null;
  private onModulatorFn: ((times: number, t: number, a: Arrays, preIdx: Int32Array, colIdx: Int32Array, n: number) => void) | null = null;
  private summedFn: ((a: Arrays, colIdx: Int32Array, preIdx: Int32Array, n: number) => void) | null = null;
  private arrays: Arrays | null = null;
  private dt_ms = 0;

  constructor(
    readonly pre: Population,
    readonly post: Population,
    readonly opts: SynapsesOptions,
    readonly name: string,
  ) {
    if (typeof opts.rule !== "function") throw new TypeError(`${name}: rule must be a connectivity rule, e.g. fixedProbability(0.1)`);
    for (const k of Object.keys(opts)) {
      if (!SYNAPSE_OPTIONS.includes(k)) throw new RangeError(`${name}: unknown option "${k}" (allowed: ${SYNAPSE_OPTIONS.join(", ")})`);
    }
    this.resolved = resolveSynapses(opts, pre, post, name);
    const m = opts.modulator as Partial<Population> | undefined;
    if (m !== undefined && !(m && m.spiked instanceof Int32Array && typeof m.name === "string")) throw new TypeError(`${name}: modulator must be a population of the network (e.g. a spike generator or a neuron group)`);
    if (opts.delay_modulator_ms !== undefined && typeof opts.delay_modulator_ms !== "number") throw new TypeError(`${name}: delay_modulator_ms must be a number (ms, one for all synapses)`);
    if (m !== undefined && opts.on_modulator === undefined) throw new RangeError(`${name}: modulator needs on_modulator statements (what each of its spikes does to every synapse)`);
    // on_post may follow any spiking population (a spike generator, too); statements naming a postsynaptic variable need a group defined by equations (checked by resolveSynapses).
    if (opts.state !== undefined && !(Array.isArray(opts.state) && opts.state.every((v) => this.resolved.vars.includes(v)))) {
      throw new RangeError(`${name}: state must list synaptic variables (${this.resolved.vars.join(", ") || "none"}), got ${describeValue(opts.state)}`);
    }
    for (const v of Object.keys(opts.init ?? {})) {
      if (!this.resolved.vars.includes(v)) throw new RangeError(`${name}: init: variable must be one of ${this.resolved.vars.join(", ") || "(none)"}, got ${describeValue(v)}`);
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
    return typeof d === "number" ? new Float64Array(this.size).fill(d * this.dt_ms) : Float64Array.from(d, (x) => x * this.dt_ms);
  }

  /** Delay of `on_post` of every synapse, ms (a copy). */
  get delay_post_ms(): Float64Array {
    this.requireBuilt();
    const d = this.delayPostSteps;
    return typeof d === "number" ? new Float64Array(this.size).fill(d * this.dt_ms) : Float64Array.from(d, (x) => x * this.dt_ms);
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

  /** A per-synapse variable's live values (base units; once built). */
  variable(name: string): Float64Array {
    this.requireBuilt();
    const a = this.store.get(name);
    if (!a) throw new RangeError(`variable must be one of ${this.resolved.vars.join(", ") || "(none)"}, got ${describeValue(name)}`);
    return a;
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
          if (typeof key === "string" && !/^\d+$/.test(key) && !(key in target)) return this.get(name, key);
          const v = Reflect.get(target, key);
          return typeof v === "function" ? v.bind(target) : v;
        },
        set: (target, key, value) => {
          if (typeof key === "string" && !/^\d+$/.test(key)) {
            this.set(name, value as SynapticValue, key);
            return true;
          }
          if (typeof value !== "number" || !Number.isFinite(value)) throw new RangeError(`${this.name}.${name}[${String(key)}] must be a finite number, got ${describeValue(value)}`);
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
  describe(): { pre: string; post: string; i: Int32Array; j: Int32Array; delay_ms: Float64Array; delay_post_ms: Float64Array; variables: Record<string, Float64Array> } {
    this.requireBuilt();
    return {
      pre: this.pre.name,
      post: this.post.name,
      i: this.preIdx.slice(),
      j: this.csr!.colIdx.slice(),
      delay_ms: this.delay_ms,
      delay_post_ms: this.delay_post_ms,
      variables: Object.fromEntries([...this.store].map(([k, v]) => [k, v.slice()])),
    };
  }

  /**
   * @internal builds connectivity and variables (`keep`: reuse the connectivity and the
   * per-synapse parameters of an earlier build, as `Network.reset` does).
   */
  build(dt_ms: number, rng: Rng, keep: boolean): void {
    this.dt_ms = dt_ms;
    const r = this.resolved;
    if (!(keep && this.csr)) {
      const csr = applyRule(this.opts.rule, this.pre.size, this.post.size, rng, `rule of ${this.name}`);
      this.csr = csr;
      const n = synapseCount(csr);
      this.preIdx = new Int32Array(n);
      for (let i = 0; i < csr.nPre; i++) this.preIdx.fill(i, csr.rowPtr[i], csr.rowPtr[i + 1]);
      // Post -> synapse index (CSC order).
      this.postPtr = new Int32Array(csr.nPost + 1);
      for (let k = 0; k < n; k++) this.postPtr[csr.colIdx[k] + 1]++;
      for (let j = 0; j < csr.nPost; j++) this.postPtr[j + 1] += this.postPtr[j];
      const fill = this.postPtr.slice(0, csr.nPost);
      this.byPost = new Int32Array(n);
      for (let k = 0; k < n; k++) this.byPost[fill[csr.colIdx[k]]++] = k;
      this.store = new Map(r.vars.map((v) => [v, new Float64Array(n)]));
      for (const [v, x] of Object.entries(this.opts.init ?? {})) this.store.get(v)!.set(this.evaluate(x, `${this.name}: init.${v}`, rng));
      this.delaySteps = this.delays(rng, this.opts.delay_ms, "delay_ms");
      this.delayPostSteps = this.delays(rng, this.opts.delay_post_ms, "delay_post_ms");
    } else {
      // Event-driven variables (and those listed in `state`) are state, not learned parameters: they restart from their initial values.
      for (const name of new Set([...r.eventDriven.map((e) => e.name), ...(this.opts.state ?? [])])) {
        const x = this.opts.init?.[name];
        this.store.get(name)!.set(x === undefined ? new Float64Array(this.size) : this.evaluate(x, `${this.name}: init.${name}`, rng));
      }
    }
    this.lastupdate = new Float64Array(this.size);
    const maxDelay = typeof this.delaySteps === "number" ? this.delaySteps : this.delaySteps.reduce((m, x) => Math.max(m, x), 0);
    this.queue = new SpikeQueue(maxDelay + 1);
    const dp = this.delayPostSteps;
    this.modulatorDue = new Int32Array((this.delays(rng, this.opts.delay_modulator_ms, "delay_modulator_ms") as number) + 1);
    this.postQueue = dp === 0 ? null : new SpikeQueue((typeof dp === "number" ? dp : dp.reduce((m, x) => Math.max(m, x), 0)) + 1);
    this.compile();
  }

  /** @internal summed variables, before the postsynaptic group's state update ("groups" slot). */
  updateSummed(): void {
    if (this.summedFn) this.summedFn(this.arrays!, this.csr!.colIdx, this.preIdx, this.size);
  }

  /** Whether the synapses have summed variables to update every step. */
  get hasSummed(): boolean {
    return this.resolved.summed.length > 0;
  }

  /** @internal presynaptic spikes of this step enter the queue; those due now run on_pre ("synapses" slot). */
  propagate(step: number): void {
    const q = this.queue!;
    const t = step * this.dt_ms;
    const csr = this.csr!;
    if (typeof this.delaySteps === "number") {
      // Uniform delay: queue presynaptic indices, walk their rows when due.
      if (this.pre.spikeCount > 0) q.push((step + this.delaySteps) % q.slots, this.pre.spiked, this.pre.spikeCount);
      const count = q.take(step % q.slots);
      if (count > 0 && this.onPreFn) this.onPreFn(q.taken, count, t, this.arrays!, csr.rowPtr, csr.colIdx, this.preIdx, this.byPost, this.postPtr);
      return;
    }
    // Per-synapse delays: queue synapse indices.
    const d = this.delaySteps;
    for (let s = 0; s < this.pre.spikeCount; s++) {
      const i = this.pre.spiked[s];
      for (let k = csr.rowPtr[i]; k < csr.rowPtr[i + 1]; k++) q.pushOne((step + d[k]) % q.slots, k);
    }
    const count = q.take(step % q.slots);
    if (count > 0 && this.onPreFn) this.onPreFn(q.taken, count, t, this.arrays!, csr.rowPtr, csr.colIdx, this.preIdx, this.byPost, this.postPtr);
  }

  /**
   * Runs `on_modulator` on every synapse at time `t_ms` (event-driven variables brought up to
   * it first), `times` times: for a neuromodulatory signal set from a callback, e.g.
   * `net.addOperation((t) => { if (...) syn.modulate(t) })` (Brian2's `run_regularly`).
   */
  modulate(t_ms: number, times = 1): void {
    this.requireBuilt();
    if (!this.onModulatorFn) throw new Error(`${this.name}: modulate needs on_modulator statements`);
    checkNumber(t_ms, "t_ms", { min: 0 });
    checkInteger(times, "times", 0);
    if (times > 0) this.onModulatorFn(times, t_ms, this.arrays!, this.preIdx, this.csr!.colIdx, this.size);
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
      if (count > 0) this.onModulatorFn(count, step * this.dt_ms, this.arrays!, this.preIdx, this.csr!.colIdx, this.size);
    }
  }

  private propagatePostOnly(step: number): void {
    if (!this.onPostFn) return;
    const csr = this.csr!;
    const q = this.postQueue;
    if (q === null) {
      if (this.post.spikeCount > 0) this.onPostFn(this.post.spiked, this.post.spikeCount, step * this.dt_ms, this.arrays!, csr.rowPtr, csr.colIdx, this.preIdx, this.byPost, this.postPtr);
      return;
    }
    const d = this.delayPostSteps;
    if (typeof d === "number") {
      // Uniform delay: queue postsynaptic indices.
      if (this.post.spikeCount > 0) q.push((step + d) % q.slots, this.post.spiked, this.post.spikeCount);
    } else {
      // Per-synapse delays: queue synapse indices.
      for (let s = 0; s < this.post.spikeCount; s++) {
        const j = this.post.spiked[s];
        for (let p = this.postPtr[j]; p < this.postPtr[j + 1]; p++) q.pushOne((step + d[this.byPost[p]]) % q.slots, this.byPost[p]);
      }
    }
    const count = q.take(step % q.slots);
    if (count > 0) this.onPostFn(q.taken, count, step * this.dt_ms, this.arrays!, csr.rowPtr, csr.colIdx, this.preIdx, this.byPost, this.postPtr);
  }

  /** Whether the synapses run code on postsynaptic spikes. */
  get hasOnPost(): boolean {
    return this.resolved.onPost.length > 0 || (this.opts.modulator !== undefined && this.resolved.onModulator.length > 0);
  }

  private requireBuilt(): void {
    if (!this.csr) throw new Error(`${this.name}: synapses exist once the network has been built (net.build() or a run)`);
  }

  private delays(rng: Rng, given: SynapsesOptions["delay_ms"], what: string): number | Int32Array {
    const d = given ?? 0;
    const steps = (x: number, what: string) => {
      checkNumber(x, what, { min: 0 });
      const s = Math.round(x / this.dt_ms);
      if (Math.abs(s * this.dt_ms - x) > 1e-9 * Math.max(1, x)) throw new RangeError(`${what} must be a multiple of dt_ms = ${this.dt_ms}, got ${x}`);
      if (s > 65535) throw new RangeError(`${what} must be at most 65535 steps (${65535 * this.dt_ms} ms), got ${x}`);
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
      if (!rng) throw new RangeError(`${where}: a function value needs a random stream here; pass one`);
      for (let k = 0; k < n; k++) out[k] = value(rng, this.preIdx[k], csr.colIdx[k]);
    } else if (typeof value === "string") {
      const e = parseExpression(value, where);
      const r = this.resolved;
      const read = (name: string): ((k: number) => number) | number => {
        if (name === "i") return (k) => this.preIdx[k];
        if (name === "j") return (k) => csr.colIdx[k];
        const loc = r.locate(name);
        if (loc?.place === "syn") return (k) => this.store.get(name)![k];
        if (loc?.place === "pre") return (k) => (this.pre as EquationGroup).variable(loc.name)[this.preIdx[k]];
        if (loc?.place === "post") return (k) => (this.post as EquationGroup).variable(loc.name)[csr.colIdx[k]];
        const c = r.constants.get(name) ?? lookupUnit(name)?.scale;
        if (c === undefined) throw new ModelSyntaxError(`${where}: "${name}" is not defined`);
        return c;
      };
      const fns = new Map([...namesIn(e)].map((nm) => [nm, read(nm)]));
      if (!rng && /\brandn?\s*\(/.test(value)) throw new RangeError(`${where}: rand() needs a random stream here`);
      const src = jsExpr(e, (nm) => (typeof fns.get(nm) === "number" ? String(fns.get(nm)) : `V.get(${JSON.stringify(nm)})(k)`));
      const f = new Function("F", "V", "n", "out", `for (let k = 0; k < n; k++) out[k] = ${src};`) as (F: object, V: Map<string, unknown>, n: number, out: Float64Array) => void;
      f({ ...JS_FUNCTIONS, rand: () => rng!.uniform(), randn: () => rng!.normal() }, fns, n, out);
    } else throw new TypeError(`${where} must be a number, a function (rng, i, j) or an expression string, got ${typeof value}`);
    for (let k = 0; k < n; k++) if (!Number.isFinite(out[k])) throw new RangeError(`${where}: value for synapse ${k} (i = ${this.preIdx[k]}, j = ${csr.colIdx[k]}) must be finite, got ${out[k]}`);
    return out;
  }

  /** Generates the event functions for the current build. */
  private compile(): void {
    const r = this.resolved;
    const preG = this.pre as EquationGroup;
    const postG = this.post as EquationGroup;
    const preNames = groupVariables(this.pre).names;
    const postNames = groupVariables(this.post).names;
    this.arrays = {
      syn: r.vars.map((v) => this.store.get(v)!),
      pre: preNames.map((v) => preG.variable(v)),
      post: postNames.map((v) => postG.variable(v)),
      lastupdate: this.lastupdate,
    };
    const ref = (name: string): string => {
      if (name === "i") return "i";
      if (name === "j") return "j";
      if (name === "t") return "t";
      if (name === "dt") return String(this.dt_ms);
      if (name === "lastupdate") return "LU[k]";
      const loc = r.locate(name);
      if (loc?.place === "syn") return `SV${r.vars.indexOf(loc.name)}[k]`;
      if (loc?.place === "pre") return `PRE${preNames.indexOf(loc.name)}[i]`;
      if (loc?.place === "post") return `POST${postNames.indexOf(loc.name)}[j]`;
      throw new Error(`synapse codegen: unresolved name ${name}`);
    };
    const header = [
      ...r.vars.map((_, k) => `const SV${k} = a.syn[${k}];`),
      ...preNames.map((_, k) => `const PRE${k} = a.pre[${k}];`),
      ...postNames.map((_, k) => `const POST${k} = a.post[${k}];`),
      "const LU = a.lastupdate;",
    ].join("\n");
    const event = (statements: Resolved["onPre"]): string => {
      const lines: string[] = [];
      if (r.eventDriven.length) {
        lines.push("const _delta = t - LU[k];");
        for (const e of r.eventDriven) {
          const x = ref(e.name);
          const B = jsExpr(e.B, ref);
          const A = jsExpr(e.A, ref);
          const isZero = (q: Expr) => q.k === "num" && q.v === 0;
          if (isZero(e.B)) lines.push(`${x} = ${x} + ${A} * _delta;`);
          else if (isZero(e.A)) lines.push(`${x} = ${x} * F.exp(${B} * _delta);`);
          else lines.push(`{ const _ba = ${A} / ${B}; ${x} = -_ba + (${x} + _ba) * F.exp(${B} * _delta); }`);
        }
        lines.push("LU[k] = t;");
      }
      for (const s of statements) lines.push(`${ref(s.place === "syn" ? s.name : s.place === "pre" ? `${s.name}_pre` : `${s.name}_post`)} = ${jsExpr(s.expr, ref)};`);
      return lines.join("\n");
    };
    const make = (body: string) => new Function("F", `return function(list, count, t, a, rowPtr, colIdx, preIdx, byPost, postPtr) {\n${header}\n${body}\n};`)(JS_FUNCTIONS) as EventFunction;
    if (r.onPre.length || r.eventDriven.length) {
      const perSynapse = event(r.onPre);
      this.onPreFn = make(
        typeof this.delaySteps === "number"
          ? `for (let s = 0; s < count; s++) { const i = list[s]; for (let k = rowPtr[i], end = rowPtr[i + 1]; k < end; k++) { const j = colIdx[k];\n${perSynapse}\n} }`
          : `for (let s = 0; s < count; s++) { const k = list[s]; const i = preIdx[k]; const j = colIdx[k];\n${perSynapse}\n}`,
      );
    } else this.onPreFn = null;
    this.onPostFn = !r.onPost.length
      ? null
      : typeof this.delayPostSteps === "number"
        ? make(`for (let s = 0; s < count; s++) { const j = list[s]; for (let q = postPtr[j], end = postPtr[j + 1]; q < end; q++) { const k = byPost[q]; const i = preIdx[k];\n${event(r.onPost)}\n} }`)
        : make(`for (let s = 0; s < count; s++) { const k = list[s]; const i = preIdx[k]; const j = colIdx[k];\n${event(r.onPost)}\n}`);
    this.onModulatorFn = r.onModulator.length
      ? new Function("F", `return function(times, t, a, preIdx, colIdx, n) {\n${header}\nfor (let s = 0; s < times; s++) for (let k = 0; k < n; k++) { const i = preIdx[k]; const j = colIdx[k];\n${event(r.onModulator)}\n}\n};`)(JS_FUNCTIONS)
      : null;
    if (r.summed.length) {
      const lines = r.summed.map((s) => `POST${postNames.indexOf(s.target)}.fill(0);`);
      lines.push("for (let k = 0; k < n; k++) { const i = preIdx[k]; const j = colIdx[k];");
      for (const s of r.summed) lines.push(`POST${postNames.indexOf(s.target)}[j] += ${jsExpr(s.expr, ref)};`);
      lines.push("}");
      this.summedFn = new Function("F", `return function(a, colIdx, preIdx, n) {\n${header}\nconst t = 0;\n${lines.join("\n")}\n};`)(JS_FUNCTIONS);
    } else this.summedFn = null;
  }
}

const SYNAPSE_OPTIONS = ["rule", "model", "on_pre", "on_post", "delay_ms", "delay_post_ms", "modulator", "on_modulator", "delay_modulator_ms", "namespace", "init", "state"];

/**
 * Brian2's spike queue: a ring of `slots` lists (one per future step) of presynaptic or synapse
 * indices, each a growable typed array (amortised growth; no allocation per spike).
 */
class SpikeQueue {
  private readonly lists: Int32Array[];
  private readonly counts: Int32Array;
  /** The list of the last `take` (valid until the next push to its slot). */
  taken: Int32Array = new Int32Array(0);

  constructor(readonly slots: number) {
    this.lists = Array.from({ length: slots }, () => new Int32Array(64));
    this.counts = new Int32Array(slots);
  }

  push(slot: number, items: Int32Array, count: number): void {
    this.reserve(slot, count);
    this.lists[slot].set(items.subarray(0, count), this.counts[slot]);
    this.counts[slot] += count;
  }

  pushOne(slot: number, item: number): void {
    this.reserve(slot, 1);
    this.lists[slot][this.counts[slot]++] = item;
  }

  /** Empties `slot`: returns how many items were due; they are in `taken`. */
  take(slot: number): number {
    const count = this.counts[slot];
    this.counts[slot] = 0;
    this.taken = this.lists[slot];
    return count;
  }

  private reserve(slot: number, extra: number): void {
    const need = this.counts[slot] + extra;
    if (need > this.lists[slot].length) {
      const grown = new Int32Array(Math.max(need, this.lists[slot].length * 2));
      grown.set(this.lists[slot].subarray(0, this.counts[slot]));
      this.lists[slot] = grown;
    }
  }
}
