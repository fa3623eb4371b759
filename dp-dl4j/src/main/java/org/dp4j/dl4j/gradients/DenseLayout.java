package org.dp4j.dl4j.gradients;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Entry-wise work on arrays in the layout the rules hand on: a {@code [B, C, H, W]} activation of
 * the convolution and pooling rules is a channels-last buffer seen channels-first (a permuted
 * view), on which ND4J's entry-wise ops take a slow strided path. Seen through {@link #of} every
 * such array is a dense {@code 'c'} array again, and ops between arrays of one layout run on their
 * dense views.
 */
final class DenseLayout {

  private DenseLayout() {}

  /**
   * The dense array behind {@code a}: its {@code [B, H, W, C]} view when {@code a} is a
   * channels-last buffer seen as {@code [B, C, H, W]}, else {@code a} itself.
   */
  static INDArray of(INDArray a) {
    if (a.rank() == 4) {
      INDArray channelsLast = a.permute(0, 2, 3, 1);
      if (HostFloats.isDense(channelsLast)) {
        return channelsLast;
      }
    }
    return a;
  }

  /** Whether {@code a} and {@code b} are laid out alike (so their {@link #of} views match). */
  static boolean same(INDArray a, INDArray b) {
    return (of(a) != a) == (of(b) != b);
  }

  /** {@code a} seen back in {@code like}'s shape: the inverse of {@link #of} for {@code like}. */
  static INDArray back(INDArray a, INDArray like) {
    return of(like) != like ? a.permute(0, 3, 1, 2) : a;
  }

  /** A fresh copy of {@code a} in {@code a}'s layout. */
  static INDArray copy(INDArray a) {
    return back(of(a).dup('c'), a);
  }

  /** {@code a += b} entry-wise, on the dense views when both are laid out alike; returns a. */
  static INDArray addInPlace(INDArray a, INDArray b) {
    if (same(a, b)) {
      of(a).addi(of(b));
    } else {
      a.addi(b);
    }
    return a;
  }
}
