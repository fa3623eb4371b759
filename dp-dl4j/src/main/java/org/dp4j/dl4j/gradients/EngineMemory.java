package org.dp4j.dl4j.gradients;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J workspace that holds one call's intermediate arrays ({@link MultiLayerClipping}):
 * forward outputs, unfolded inputs, deltas, per-example gradients. A fresh native allocation is
 * slow (an 11 MB array costs about 6 ms in page faults, a large share of a CNN step; in a workspace
 * about 0.1 ms), so every call reuses the memory of the previous one. DL4J's own training loop does
 * the same.
 *
 * <p>One workspace per thread, named {@value #NAME}, sized by the first call and grown by 20% over
 * the largest call that did not fit (a larger Poisson batch spills to ordinary allocations once,
 * then the workspace is reallocated). Arrays created inside the scope are valid only until it
 * closes: whatever a call returns is created outside ({@code scopeOutOfWorkspaces}). Between a
 * batch's gradients and its weighted sum the scope stays open but suspended ({@link #suspend}).
 */
final class EngineMemory {

  /** The workspace's name in ND4J's per-thread workspace manager. */
  static final String NAME = "DP4J_LAYER_RULES";

  private EngineMemory() {}

  /**
   * Opens the calling thread's workspace and makes it current; close it when the batch's arrays are
   * no longer needed. A scope still open from an earlier batch whose weighted sum was never asked
   * for is closed first (its arrays are released).
   */
  static MemoryWorkspace enter() {
    MemoryWorkspace workspace =
        Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(configuration(), NAME);
    if (workspace.isScopeActive()) {
      resume(workspace);
      workspace.close();
    }
    return workspace.notifyScopeEntered();
  }

  /**
   * Keeps {@code workspace}'s scope open (its arrays stay valid) but makes the workspace that was
   * current before it current again, so that other code allocates outside it.
   */
  static void suspend(MemoryWorkspace workspace) {
    Nd4j.getMemoryManager().setCurrentWorkspace(workspace.getParentWorkspace());
  }

  /** Makes a suspended workspace current again, before it is used or closed. */
  static void resume(MemoryWorkspace workspace) {
    Nd4j.getMemoryManager().setCurrentWorkspace(workspace);
  }

  private static WorkspaceConfiguration configuration() {
    return WorkspaceConfiguration.builder()
        .initialSize(0)
        .overallocationLimit(0.2)
        .policyAllocation(AllocationPolicy.OVERALLOCATE)
        .policyLearning(LearningPolicy.FIRST_LOOP)
        .policyReset(ResetPolicy.BLOCK_LEFT)
        .policySpill(SpillPolicy.REALLOCATE)
        .build();
  }
}
