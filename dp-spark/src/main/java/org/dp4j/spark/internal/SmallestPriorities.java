package org.dp4j.spark.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the {@code capacity} entries with the smallest priorities seen so far (priorities compared
 * as unsigned 64-bit numbers, ties broken by the smaller sequence number): a bounded max-heap. With
 * independent uniform priorities the kept entries are a uniformly random subset of size {@code
 * min(capacity, offered)}. Not thread-safe.
 *
 * @param <T> the payload
 */
final class SmallestPriorities<T> {

  private final int capacity;
  private long[] priorities = new long[4];
  private long[] sequence = new long[4];
  private final List<T> payloads = new ArrayList<>();

  SmallestPriorities(int capacity) {
    this.capacity = capacity;
  }

  int size() {
    return payloads.size();
  }

  /** Whether an entry with this priority would be kept now. */
  boolean accepts(long priority, long seq) {
    return payloads.size() < capacity || before(priority, seq, priorities[0], sequence[0]);
  }

  /** Offers an entry; the caller checked {@link #accepts}. */
  void add(long priority, long seq, T payload) {
    if (payloads.size() < capacity) {
      int i = payloads.size();
      if (i == priorities.length) {
        int n = (int) Math.min((long) capacity, 2L * priorities.length);
        priorities = java.util.Arrays.copyOf(priorities, n);
        sequence = java.util.Arrays.copyOf(sequence, n);
      }
      payloads.add(payload);
      priorities[i] = priority;
      sequence[i] = seq;
      siftUp(i);
    } else {
      priorities[0] = priority;
      sequence[0] = seq;
      payloads.set(0, payload);
      siftDown(0);
    }
  }

  /** The kept payloads, in no particular order. */
  List<T> payloads() {
    return payloads;
  }

  void clear() {
    payloads.clear();
  }

  /** Whether (p1, s1) comes before (p2, s2): smaller unsigned priority, then smaller sequence. */
  private static boolean before(long p1, long s1, long p2, long s2) {
    int c = Long.compareUnsigned(p1, p2);
    return c < 0 || (c == 0 && s1 < s2);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (before(priorities[parent], sequence[parent], priorities[i], sequence[i])) {
        swap(i, parent);
        i = parent;
      } else {
        return;
      }
    }
  }

  private void siftDown(int i) {
    int n = payloads.size();
    while (true) {
      int left = 2 * i + 1;
      int largest = i;
      if (left < n
          && before(priorities[largest], sequence[largest], priorities[left], sequence[left])) {
        largest = left;
      }
      int right = left + 1;
      if (right < n
          && before(priorities[largest], sequence[largest], priorities[right], sequence[right])) {
        largest = right;
      }
      if (largest == i) {
        return;
      }
      swap(i, largest);
      i = largest;
    }
  }

  private void swap(int a, int b) {
    long p = priorities[a];
    priorities[a] = priorities[b];
    priorities[b] = p;
    long s = sequence[a];
    sequence[a] = sequence[b];
    sequence[b] = s;
    T t = payloads.get(a);
    payloads.set(a, payloads.get(b));
    payloads.set(b, t);
  }
}
