/**
 * One-run privacy audits of Deeplearning4j training ({@link org.dp4j.dl4j.audit.PrivacyAudit}): the
 * run is a real {@code DpTrainer} run with gradient canaries (white-box) or input canaries
 * (black-box) added, and the result is dp-training's {@code AuditResult}.
 */
package org.dp4j.dl4j.audit;
