/**
 * Pinned upstream data sources: where a file comes from, which exact bytes are expected
 * (SHA-256) and whom to cite. A source is a plain record so callers can define their own.
 */

/** One downloadable file with a pinned upstream address and checksum. */
export interface DataSource {
  /** Short identifier, e.g. "cook2019". */
  readonly id: string;
  /** Path of the file relative to a cache or mirror directory, e.g. "celegans/herm_full_edgelist.csv". */
  readonly path: string;
  /** Pinned upstream URL (a commit-addressed URL, never a moving branch). */
  readonly url: string;
  /** Expected SHA-256 of the content, lower-case hex (an MD5 when `digest` is "md5"). */
  readonly sha256: string;
  /** Algorithm of the pinned digest: "sha256" (default), or "md5" where upstream publishes only an MD5. */
  readonly digest?: "sha256" | "md5";
  /**
   * What the checksum covers: the raw bytes (default), or the text with CRLF line endings
   * converted to LF ("lf-text"), for files whose line endings differ between copies.
   * With "lf-text" the cached file is stored with LF line endings.
   */
  readonly hashOf?: "bytes" | "lf-text";
  /** One-line description of the content. */
  readonly description: string;
  /** Reference to cite when the data is used or shown. */
  readonly citation: string;
  /** Licence of the distributing repository. */
  readonly license: string;
}

const C302 = "https://raw.githubusercontent.com/openworm/c302/9cccbab97fbaa5e682e128b0e819a5fb6c129618/c302/data";
const WORM_GRAPH = "https://raw.githubusercontent.com/qsimeon/worm-graph/f1d6175e0ccc574ace49ce537a3641806ddc6c2d/data/raw";
const C302_LICENSE = "MIT (openworm/c302)";

/** Cook et al. 2019, hermaphrodite whole-animal connectome, edge list `Source,Target,Weight,Type`. */
export const COOK_2019: DataSource = {
  id: "cook2019",
  path: "celegans/herm_full_edgelist.csv",
  url: `${C302}/herm_full_edgelist.csv`,
  sha256: "142693f17556148d7f962835b18ac6dd5af18b7467eef61815ebc1dd5474c0ca",
  description: "Hermaphrodite whole-animal connectome (neurons, muscles, other end organs), chemical and electrical synapse counts",
  citation: "Cook SJ, Jarrell TA, Brittin CA, et al. (2019) Whole-animal connectomes of both Caenorhabditis elegans sexes. Nature 571:63-71. doi:10.1038/s41586-019-1352-7",
  license: C302_LICENSE,
};

const WHITE_CITATION =
  "White JG, Southgate E, Thomson JN, Brenner S (1986) The structure of the nervous system of the nematode Caenorhabditis elegans. Phil Trans R Soc Lond B 314:1-340. doi:10.1098/rstb.1986.0056";

/** White et al. 1986, whole-animal compilation, `pre post type synapses`; each gap junction listed once. */
export const WHITE_1986_WHOLE: DataSource = {
  id: "white1986_whole",
  path: "celegans/aconnectome_white_1986_whole.csv",
  url: `${C302}/aconnectome_white_1986_whole.csv`,
  sha256: "768d2b16557d768b51f81548f630adb45d76c1f99586e8fd4c90279293cc9dae",
  description: "White et al. 1986 whole-animal connectome compilation (c302)",
  citation: WHITE_CITATION,
  license: C302_LICENSE,
};

/** White et al. 1986, adult head (animal N2U). */
export const WHITE_1986_N2U: DataSource = {
  id: "white1986_n2u",
  path: "celegans/aconnectome_white_1986_A.csv",
  url: `${C302}/aconnectome_white_1986_A.csv`,
  sha256: "a9d17b69c028631a1cce447056b9d65a8e35687e3498dec10035e2186a65c105",
  description: "White et al. 1986 adult head connectome (N2U series, c302 compilation)",
  citation: WHITE_CITATION,
  license: C302_LICENSE,
};

/** White et al. 1986, L4 head (animal JSH). */
export const WHITE_1986_JSH: DataSource = {
  id: "white1986_jsh",
  path: "celegans/aconnectome_white_1986_L4.csv",
  url: `${C302}/aconnectome_white_1986_L4.csv`,
  sha256: "afe7a37a5bae62630a773b5e7815a408e3a72063caf0ed49ecc91e213077fb12",
  description: "White et al. 1986 L4 head connectome (JSH series, c302 compilation)",
  citation: WHITE_CITATION,
  license: C302_LICENSE,
};

/** OpenWorm owmeta export: 302 neurons and 95 body-wall muscles with types, receptors, neurotransmitters. */
export const OWMETA_CELLS: DataSource = {
  id: "owmeta",
  path: "celegans/owmeta_cache.json",
  url: `${C302}/owmeta_cache.json`,
  sha256: "064374a0fba18a6f0661a005032144ce91f46973722e1f07bccabaf2f56e6ed0",
  description: "OpenWorm cell metadata exported from owmeta 0.12.3 (cell types, receptors, neurotransmitters)",
  citation: "OpenWorm owmeta (https://github.com/openworm/owmeta), as exported in openworm/c302",
  license: C302_LICENSE,
};

/** Bentley et al. 2016: neurotransmitter, neuropeptide and receptor expression per neuron. */
export const BENTLEY_2016: DataSource = {
  id: "bentley2016",
  path: "celegans/Bentley_et_al_2016_expression.csv",
  url: `${C302}/Bentley_et_al_2016_expression.csv`,
  sha256: "3197c240a4df32107b01f670c62d12642242c4555cfca19cb4b6979127bb517d",
  description: "Monoamine and neuropeptide expression (Entity1,Relationship,Entity2,Evidence,Evidence URL)",
  citation:
    "Bentley B, Branicky R, Barnes CL, et al. (2016) The multilayer connectome of Caenorhabditis elegans. PLoS Comput Biol 12:e1005283. doi:10.1371/journal.pcbi.1005283",
  license: C302_LICENSE,
};

/**
 * Simeon et al. 2024 neuron master sheet: `label,class,neurotransmitter,type,x,y,z` for 300 neurons.
 * Checksum over LF-normalised text (the reference copy has LF line endings; upstream may use CRLF).
 */
export const NEURON_MASTER_SHEET: DataSource = {
  id: "simeon2024_master_sheet",
  path: "celegans/neuron_master_sheet.csv",
  url: `${WORM_GRAPH}/neuron_master_sheet.csv`,
  sha256: "1db442ea875e74695729d80bea1505aa8881352eba48fdb642eada64d1da7283",
  hashOf: "lf-text",
  description: "Neuron master sheet of the homogenized C. elegans dataset: class, neurotransmitter, type, position",
  citation:
    "Simeon Q, Kashyap A, Kording KP, Boyden ES (2024) Homogenized C. elegans neural activity and connectivity data. arXiv:2411.12091",
  license: "MIT (qsimeon/worm-graph)",
};

const WORM_NEURO_ATLAS =
  "https://raw.githubusercontent.com/francescorandi/wormneuroatlas/3eed4b823e3c122de04db3f1107e62db7114b86d/wormneuroatlas";

/**
 * Ganglion of each neuron (Worm Neuro Atlas, Randi et al. 2023): a JSON object mapping 12
 * ganglia to their neurons, plus the groupings "head" and "pharynx" (lists of ganglia).
 * The same bytes ship in the PyPI package `wormneuroatlas==0.0.7.3` as
 * `wormneuroatlas/data/aconnectome_ids_ganglia.json`. GPL-licensed: neurolab never
 * redistributes it; the loader downloads it into the user's cache.
 */
export const WORM_NEURO_ATLAS_GANGLIA: DataSource = {
  id: "randi2023_ganglia",
  path: "celegans/aconnectome_ids_ganglia.json",
  url: `${WORM_NEURO_ATLAS}/aconnectome_ids_ganglia.json`,
  sha256: "e754fcb703b39b5f0db977d0b654ba2ac5ce09111f4e19aef3a85fb09ee2e0a2",
  description: "Ganglion membership of the hermaphrodite neurons (12 ganglia; head and pharynx groupings), Worm Neuro Atlas",
  citation:
    "Randi F, Sharma AK, Dvali S, Leifer AM (2023) Neural signal propagation atlas of Caenorhabditis elegans. Nature 623:406-414. doi:10.1038/s41586-023-06683-4 (data file of the Worm Neuro Atlas, github.com/francescorandi/wormneuroatlas)",
  license: "GPL-3.0-or-later (francescorandi/wormneuroatlas); downloaded by the user, not redistributed with neurolab",
};

/** All pinned C. elegans sources, by id. */
export const C_ELEGANS_SOURCES: readonly DataSource[] = [
  COOK_2019,
  WHITE_1986_WHOLE,
  WHITE_1986_N2U,
  WHITE_1986_JSH,
  OWMETA_CELLS,
  BENTLEY_2016,
  NEURON_MASTER_SHEET,
  WORM_NEURO_ATLAS_GANGLIA,
];

/**
 * Tactile Braille letters (Müller-Cleve et al. 2022) as distributed with Zenke's SpyTorch
 * tutorial 5: a gzipped Python pickle of 1,350 trials (see `src/data/braille.ts`).
 */
export const BRAILLE_SPYTORCH: DataSource = {
  id: "braille_spytorch",
  path: "spiking/tutorial5_braille_spiking_data.pkl.gz",
  url: "https://raw.githubusercontent.com/fzenke/spytorch/d363dbf93a04bf97b4819f1a41579bbbec17b1d2/notebooks/data/tutorial5_braille_spiking_data.pkl.gz",
  sha256: "f48a449264a00ee665df62329f2364059e49d0d0faeee4993e595d08616e5a1c",
  description: "Tactile Braille letters: 27 letters x 50 repetitions, 76-77 steps x 12 taxels (SpyTorch tutorial 5)",
  citation:
    "Müller-Cleve SF, Fra V, Khacef L, et al. (2022) Braille letter reading: a benchmark for spatio-temporal pattern recognition on neuromorphic hardware. arXiv:2205.15864; dataset doi:10.5281/zenodo.6556273",
  license: "CC BY 4.0 (fzenke/spytorch)",
};
