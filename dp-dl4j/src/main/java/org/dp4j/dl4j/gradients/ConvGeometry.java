package org.dp4j.dl4j.gradients;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shape of one 2D convolution or pooling window sweep, and the host loops that unfold an
 * example's input into patch rows (im2col, Chellapilla et al. 2006) and fold patch-row gradients
 * back (col2im, its adjoint), in the channels-last layout the fast rules keep between layers: an
 * example's input is {@code [inH, inW, inC]} and a patch row is {@code (kh, kw, ic)}, so each
 * kernel row is one contiguous run of {@code kW * inC} floats. Positions outside the input
 * (padding) read zeros, as in DL4J's convolution.
 *
 * @param batch examples
 * @param inC input channels
 * @param inH input height
 * @param inW input width
 * @param kH kernel height
 * @param kW kernel width
 * @param sH stride along the height
 * @param sW stride along the width
 * @param padTop padding above the input
 * @param padLeft padding left of the input
 * @param outH output height
 * @param outW output width
 */
record ConvGeometry(
    int batch,
    int inC,
    int inH,
    int inW,
    int kH,
    int kW,
    int sH,
    int sW,
    int padTop,
    int padLeft,
    int outH,
    int outW) {

  /** Output positions per example, {@code T = outH * outW}. */
  int positions() {
    return outH * outW;
  }

  /** Entries of a patch row, {@code K = kH * kW * inC}. */
  int patch() {
    return kH * kW * inC;
  }

  /** Input entries per example. */
  int inputSize() {
    return inH * inW * inC;
  }

  /**
   * Unfolds the batch's channels-last input into patch rows: {@code columns} ({@code [B * T, K]},
   * dense) row {@code b * T + oh * outW + ow} holds the patch of example {@code b} at output
   * position {@code (oh, ow)}.
   *
   * @param input the dense {@code [B, inH, inW, inC]} input
   * @param columns the dense {@code [B * T, K]} output
   */
  void im2col(INDArray input, INDArray columns) {
    int inBase = HostFloats.offset(input);
    int outBase = HostFloats.offset(columns);
    ExampleRanges.forEach(
        batch,
        (from, to) -> {
          FloatBuffer in = HostFloats.buffer(input);
          FloatBuffer out = HostFloats.buffer(columns);
          float[] x = new float[inputSize()];
          float[] rows = new float[positions() * patch()];
          for (int b = from; b < to; b++) {
            in.get(inBase + b * x.length, x);
            im2col(x, rows);
            out.put(outBase + b * rows.length, rows);
          }
        });
  }

  /** One example: {@code x} ({@code [inH, inW, inC]}) into {@code rows} ({@code [T, K]}). */
  void im2col(float[] x, float[] rows) {
    int run = kW * inC;
    int row = 0;
    for (int oh = 0; oh < outH; oh++) {
      for (int ow = 0; ow < outW; ow++, row += patch()) {
        int left = ow * sW - padLeft;
        boolean inside = left >= 0 && left + kW <= inW;
        for (int kh = 0; kh < kH; kh++) {
          int ih = oh * sH - padTop + kh;
          int dst = row + kh * run;
          if (ih < 0 || ih >= inH) {
            Arrays.fill(rows, dst, dst + run, 0f);
          } else if (inside) {
            copy(x, (ih * inW + left) * inC, rows, dst, run);
          } else {
            for (int kw = 0; kw < kW; kw++) {
              int iw = left + kw;
              int d = dst + kw * inC;
              if (iw < 0 || iw >= inW) {
                Arrays.fill(rows, d, d + inC, 0f);
              } else {
                copy(x, (ih * inW + iw) * inC, rows, d, inC);
              }
            }
          }
        }
      }
    }
  }

  /** {@code System.arraycopy}, with a plain loop for the short runs of small kernels. */
  private static void copy(float[] from, int at, float[] to, int into, int length) {
    if (length >= 32) {
      System.arraycopy(from, at, to, into, length);
    } else {
      for (int i = 0; i < length; i++) {
        to[into + i] = from[at + i];
      }
    }
  }

  /**
   * Folds patch-row gradients back onto the input (the adjoint of {@link #im2col(INDArray,
   * INDArray)}): every row entry is added to the input entry it was read from; padding drops.
   *
   * @param columns the dense {@code [B * T, K]} patch-row gradients
   * @param input the dense {@code [B, inH, inW, inC]} output, overwritten
   */
  void col2im(INDArray columns, INDArray input) {
    int inBase = HostFloats.offset(columns);
    int outBase = HostFloats.offset(input);
    ExampleRanges.forEach(
        batch,
        (from, to) -> {
          FloatBuffer in = HostFloats.buffer(columns);
          FloatBuffer out = HostFloats.buffer(input);
          float[] x = new float[inputSize()];
          float[] rows = new float[positions() * patch()];
          for (int b = from; b < to; b++) {
            in.get(inBase + b * rows.length, rows);
            col2im(rows, x);
            out.put(outBase + b * x.length, x);
          }
        });
  }

  /** One example: {@code rows} ({@code [T, K]}) folded into {@code x} ({@code [inH, inW, inC]}). */
  void col2im(float[] rows, float[] x) {
    Arrays.fill(x, 0f);
    int run = kW * inC;
    int row = 0;
    for (int oh = 0; oh < outH; oh++) {
      for (int ow = 0; ow < outW; ow++, row += patch()) {
        int left = ow * sW - padLeft;
        boolean inside = left >= 0 && left + kW <= inW;
        for (int kh = 0; kh < kH; kh++) {
          int ih = oh * sH - padTop + kh;
          if (ih < 0 || ih >= inH) {
            continue;
          }
          int src = row + kh * run;
          if (inside) {
            int dst = (ih * inW + left) * inC;
            for (int i = 0; i < run; i++) {
              x[dst + i] += rows[src + i];
            }
            continue;
          }
          for (int kw = 0; kw < kW; kw++) {
            int iw = left + kw;
            if (iw < 0 || iw >= inW) {
              continue;
            }
            int dst = (ih * inW + iw) * inC;
            int s = src + kw * inC;
            for (int c = 0; c < inC; c++) {
              x[dst + c] += rows[s + c];
            }
          }
        }
      }
    }
  }
}
