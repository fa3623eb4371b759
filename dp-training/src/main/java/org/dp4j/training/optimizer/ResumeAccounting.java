package org.dp4j.training.optimizer;

/**
 * How {@link DpSgdOptimizer#restore} makes sure the steps before a checkpoint are accounted exactly
 * once.
 */
public enum ResumeAccounting {
  /**
   * The filter already holds the checkpointed steps (it is the same filter, or was reloaded from
   * the same ledger). Restoring verifies that its accountant holds at least that many step events
   * and charges nothing. Steps taken after the checkpoint and lost in a crash stay charged: they
   * were released to the ledger, so counting them is the safe side.
   */
  ALREADY_IN_FILTER,
  /**
   * The filter is new to this run: restoring charges the checkpointed steps once, as one
   * self-composed event, before anything else.
   */
  CHARGE_PAST_STEPS
}
