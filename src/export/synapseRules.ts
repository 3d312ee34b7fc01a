/**
 * Recognises what synapses written as equations are, so the exporters can write them in a target
 * format's terms or refuse them by name: a static synapse (`w : unit`, `on_pre: "x_post += w"`),
 * the pair-STDP preset `plasticity.stdpPair` (NEST's `stdp_synapse`, PyNN's `STDPMechanism`), or
 * another plasticity rule (`stdpTriplet`, `stdpDopamine`, or a rule the exporters do not know).
 * A preset is recognised by regenerating it from the synapse's namespace and comparing the model
 * text, `on_pre` and `on_post` exactly, so a changed copy is never mistaken for the preset.
 * @internal
 */
import type { NetworkDescription } from "../network/network.js";
import { stdpPair, type StdpPairOptions } from "../plasticity/stdpPair.js";

/** One described equation synapse. */
export type SynapsesDescription = NetworkDescription["synapses"][number];

/** What an equation synapse is, for an exporter. */
export type SynapseRule =
  /** No plasticity: every presynaptic spike adds w to the postsynaptic variable `target`. */
  | { kind: "static"; target: string }
  /** `plasticity.stdpPair` with these options; each presynaptic spike adds w to `target`. */
  | {
      kind: "stdpPair";
      target: string;
      opts: Required<
        Pick<
          StdpPairOptions,
          | "mu_plus"
          | "mu_minus"
          | "lambda"
          | "alpha"
          | "tau_plus_ms"
          | "tau_minus_ms"
          | "Wmax"
          | "pairing"
          | "delayConvention"
        >
      >;
      delay_ms: number;
    }
  /** A plasticity rule without a mapping (named for the error). */
  | { kind: "other"; rule: string };

const TRANSMIT = /^([A-Za-z_][A-Za-z0-9_]*?)(?:_post)? \+= w$/;

/** Classifies an equation synapse (see the module comment). */
export function synapseRule(s: SynapsesDescription): SynapseRule {
  const o = s.options;
  const model = (o.model ?? "").trim();
  const lines = model
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const names = lines.map(
    (l) => /^(?:d)?([A-Za-z_][A-Za-z0-9_]*)(?:\/dt)?\s*[:=]/.exec(l)?.[1] ?? "",
  );
  const onPre = (o.on_pre ?? "")
    .split(/\n|;/)
    .map((l) => l.trim())
    .filter(Boolean);
  const onPost = (o.on_post ?? "").trim();
  if (o.on_modulator !== undefined || (names.includes("c") && names.includes("n")))
    return {
      kind: "other",
      rule: "stdpDopamine (reward-modulated STDP, NEST stdp_dopamine_synapse)",
    };
  if (["r1", "r2", "o1", "o2"].every((v) => names.includes(v)))
    return {
      kind: "other",
      rule: "stdpTriplet (Pfister & Gerstner 2006, NEST stdp_triplet_synapse)",
    };
  if (
    lines.length === 1 &&
    /^w\s*:/.test(lines[0]) &&
    onPost === "" &&
    onPre.length === 1 &&
    TRANSMIT.test(onPre[0])
  ) {
    return { kind: "static", target: TRANSMIT.exec(onPre[0])![1] };
  }
  const pair = recogniseStdpPair(s);
  if (pair) return pair;
  if (onPost !== "" || names.some((n) => n !== "w"))
    return {
      kind: "other",
      rule: "a plasticity rule written as equations that is not one of the exportable presets (plasticity.stdpPair)",
    };
  return {
    kind: "other",
    rule: `synapses with on_pre "${o.on_pre ?? ""}" (only "x_post += w" is exported)`,
  };
}

function uniform(a: Float64Array): number | null {
  if (a.length === 0) return null;
  return a.every((x) => x === a[0]) ? a[0] : null;
}

function recogniseStdpPair(s: SynapsesDescription): SynapseRule | null {
  const o = s.options;
  const ns = o.namespace ?? {};
  const keys = ["tau_plus", "tau_minus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax"];
  if (Object.keys(ns).length !== keys.length || !keys.every((k) => typeof ns[k] === "number"))
    return null;
  const unit = /^w : (.+)$/.exec((o.model ?? "").split("\n")[0])?.[1];
  const pre = (o.on_pre ?? "").split("\n");
  if (unit === undefined || pre.length !== 3 || !TRANSMIT.test(pre[2])) return null;
  const pairing = pre[1] === "apre = 1" ? "nearest" : "all-to-all";
  const d = uniform(s.delay_ms);
  const dPost = uniform(s.delay_post_ms);
  const n = (k: string) => ns[k] as number;
  const opts = {
    mu_plus: n("mu_plus"),
    mu_minus: n("mu_minus"),
    lambda: n("lambda"),
    alpha: n("alpha"),
    tau_plus_ms: n("tau_plus"),
    tau_minus_ms: n("tau_minus"),
    Wmax: n("Wmax"),
    pairing,
  } as const;
  let expected;
  try {
    expected = stdpPair({ ...opts, weightUnit: unit, transmit: pre[2] });
  } catch {
    return null;
  }
  if (expected.model !== o.model || expected.on_pre !== o.on_pre || expected.on_post !== o.on_post)
    return null;
  const delayConvention = d !== null && d > 0 && dPost === 2 * d ? "dendritic" : "axonal";
  return {
    kind: "stdpPair",
    target: TRANSMIT.exec(pre[2])![1],
    opts: { ...opts, delayConvention },
    delay_ms: d ?? NaN,
  };
}
