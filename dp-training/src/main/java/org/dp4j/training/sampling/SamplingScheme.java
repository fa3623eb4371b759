package org.dp4j.training.sampling;

/** How the batches of a DP-SGD run are formed. The privacy analysis depends on it. */
public enum SamplingScheme {
  /**
   * Each record joins each batch independently with probability {@code q} ({@link
   * PoissonBatchSampler}); batches have random size. Each step is accounted as a Poisson-subsampled
   * Gaussian, with amplification by subsampling (Abadi et al. 2016; Mironov, Talwar &amp; Zhang
   * 2019).
   */
  POISSON,
  /**
   * The dataset is shuffled and cut into batches of a fixed size (the common data-loader practice).
   * The Poisson analysis does <em>not</em> apply to it (Chua et al. 2024, "How Private are DP-SGD
   * Implementations?", ICML: the gap can be large), so dp4j claims no amplification: each step is
   * accounted as the plain Gaussian mechanism, which is an upper bound under the replace-one
   * relation because every record lands in at most one batch of an epoch.
   */
  SHUFFLED_FIXED_SIZE
}
