import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildConnectome,
  connectomeNetwork,
  loadConnectome,
  neuronsOnly,
  spikeCountsByName,
  type CellMetadata,
} from "../../src/connectome/index.js";

// The mirrored reference data: env NEUROLAB_DATA_MIRROR, else ../shared/data beside the repository.
const MIRROR =
  process.env.NEUROLAB_DATA_MIRROR ??
  fileURLToPath(new URL("../../../shared/data", import.meta.url));
/** Loader options that read the mirror only and never download. */
const MIRROR_ONLY = {
  mirrorDir: MIRROR,
  offline: true,
  cacheDir: path.join(MIRROR, ".no-cache"),
} as const;

const TOUCH = ["ALML", "ALMR", "AVM", "PLML", "PLMR", "PVM"];

describe("connectomeNetwork", () => {
  // ASHL (glutamatergic) and RIS (GABAergic) both project 10 synapses onto AVAL.
  const metadata = new Map<string, CellMetadata>([
    ["ASHL", { neurotransmitters: ["Glu"] }],
    ["RIS", { neurotransmitters: ["GABA"] }],
  ]);
  const c = buildConnectome(
    [
      { pre: "ASHL", post: "AVAL", type: "chemical", count: 10 },
      { pre: "RIS", post: "AVAL", type: "chemical", count: 10 },
      { pre: "ASHL", post: "RIS", type: "electrical", count: 2 },
    ],
    { metadata },
  );

  it("scales weights by synapse count, signs them by neurotransmitter, clips at the cap", () => {
    const net = connectomeNetwork(c, { mVPerSynapse: 0.5 });
    expect(net.names).toEqual(["ASHL", "AVAL", "RIS"]);
    expect(Array.from(net.weights_mV)).toEqual([5, -5]);
    expect(net.gapJunctionPairs).toBe(1);
    expect(
      Array.from(
        connectomeNetwork(c, { mVPerSynapse: 2, maxWeight_mV: 8, inhibitoryGain: 0.5 }).weights_mV,
      ),
    ).toEqual([8, -4]);
    expect(net.network.synapseCount).toBe(2);
  });

  it("excitation drives the target; GABAergic input reduces its response", () => {
    const run = (drive: string[]) => {
      const net = connectomeNetwork(c, {
        seed: 1,
        mVPerSynapse: 1.6,
        stimulus: { neurons: drive, rate_Hz: 100, weight_mV: 20 },
      });
      net.network.run(1000);
      return spikeCountsByName(net);
    };
    const excited = run(["ASHL"]);
    expect(excited.get("ASHL")).toBeGreaterThan(60);
    expect(excited.get("AVAL")).toBeGreaterThan(10);
    expect(excited.get("RIS")).toBe(0);
    const both = run(["ASHL", "RIS"]);
    expect(both.get("RIS")).toBeGreaterThan(60);
    expect(both.get("AVAL")!).toBeLessThan(excited.get("AVAL")! * 0.7);
  });

  it("touch stimulation of Cook 2019 reaches the touch interneurons AVD and PVC, reproducibly", async () => {
    const cook = neuronsOnly(await loadConnectome("cook2019", MIRROR_ONLY));
    const simulate = (rate_Hz: number) => {
      const net = connectomeNetwork(cook, {
        seed: 2,
        stimulus: { neurons: TOUCH, rate_Hz, weight_mV: 20 },
      });
      net.network.run(300);
      return spikeCountsByName(net);
    };
    const quiet = simulate(0);
    expect([...quiet.values()].every((n) => n === 0)).toBe(true);
    const touched = simulate(100);
    for (const name of TOUCH) expect(touched.get(name)).toBeGreaterThan(5);
    for (const name of ["AVDL", "AVDR", "PVCL", "PVCR"])
      expect(touched.get(name)).toBeGreaterThan(5);
    // the default scaling (0.5 mV per synapse) keeps the response selective
    const active = [...touched.values()].filter((n) => n > 0).length;
    expect(active).toBeLessThan(150);
    expect(simulate(100)).toEqual(touched);
  });
});

describe("connectome gap junctions", () => {
  it("electrical coupling pulls a passive partner towards a depolarised neuron", async () => {
    const { buildConnectome, connectomeNetwork } = await import("../../src/connectome/index.js");
    const c = buildConnectome([{ pre: "AVAL", post: "AVAR", type: "electrical", count: 4 }], {});
    const coupled = connectomeNetwork(c, {
      nSPerGapJunction: 2,
      neuronParams: { vThresh_mV: 100 },
    });
    const uncoupled = connectomeNetwork(c, {
      nSPerGapJunction: 0,
      neuronParams: { vThresh_mV: 100 },
    });
    for (const net of [coupled, uncoupled]) {
      net.neurons.current_pA[0] = 200;
      net.network.run(200);
    }
    expect(coupled.gapJunctionPairs).toBe(1);
    expect(uncoupled.gapJunctionPairs).toBe(0);
    // 8 nS of coupling against a 25 nS leak: the partner sits 8 / (25 + 2 * 8) of the way.
    const dv = coupled.neurons.v_mV[1] - -70;
    const drive = uncoupled.neurons.v_mV[0] - -70;
    expect(uncoupled.neurons.v_mV[1]).toBeCloseTo(-70, 9);
    expect(dv / (coupled.neurons.v_mV[0] - -70)).toBeCloseTo(8 / (25 + 8), 6);
    expect(drive).toBeCloseTo(8, 6);
  });
});
