package org.dp4j.core.budget;

/**
 * What one label spent, as reported by {@link LedgerContents#byLabel()}.
 *
 * <p>Epsilon does not add up across releases under most accountants, so each operation is
 * attributed its <em>marginal</em> cost: the increase of the total spent epsilon it caused (a
 * release attributes a negative amount). The attributions of all labels sum to the total.
 *
 * @param label the label
 * @param spends the number of spends and reservations with this label
 * @param attributedEpsilon the sum of this label's marginal epsilons, in nats
 */
public record LabelSummary(String label, long spends, double attributedEpsilon) {}
