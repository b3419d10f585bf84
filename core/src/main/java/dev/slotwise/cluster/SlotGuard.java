/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.slotwise.cluster;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The failure protocol every caller of Redis in Slotwise follows (the cache, the write
 * buffer and its replay, the rate limiter): the one place that decides whether a call for
 * a slot is made, classifies its outcome, marks the slot or clears its mark, and logs
 * each change of state once.
 *
 * <ol>
 * <li>A slot marked failing ({@link SlotHealth}) fails fast: nothing is sent. After its
 * probe interval exactly one caller is let through as the probe.</li>
 * <li>A call that fails with an outage ({@link RedisOutage}: a timeout, a lost
 * connection, {@code CLUSTERDOWN}...) marks the slot and its master's other slots
 * failing; the first mark is logged with its {@link OutageReason}.</li>
 * <li>A call that fails because Redis refused the command (wrong type, a script error) is
 * not an outage: the slot keeps its state and the error reaches the caller.</li>
 * <li>A call that answers on a suspect slot clears its master's mark, logged once.</li>
 * </ol>
 *
 * Callers that complete asynchronously (a pipelined replay) or that decide under their
 * own lock whether to call (the write buffer) use the three steps directly:
 * {@link #failsFast(int)}, then {@link #answered(int)} or
 * {@link #failed(int, Throwable)}.
 *
 * <p>
 * Thread-safe; the healthy path costs one volatile read before the call and one after.
 */
public final class SlotGuard {

	private static final Log logger = LogFactory.getLog(SlotGuard.class);

	private final SlotHealth health;

	/**
	 * Create the protocol over slot health.
	 * @param health the failing marks it reads and sets
	 */
	public SlotGuard(SlotHealth health) {
		this.health = Objects.requireNonNull(health, "health must not be null");
	}

	/**
	 * Run a call for a slot through the protocol.
	 * @param <T> the type of the answer
	 * @param slot the slot the call's keys hash to
	 * @param call the call; runs on the caller's thread, at most once
	 * @return what became of the call
	 */
	public <T> SlotCall<T> call(int slot, Supplier<T> call) {
		if (failsFast(slot)) {
			return SlotCall.failedFast();
		}
		T value;
		try {
			value = call.get();
		}
		catch (RuntimeException ex) {
			return failed(slot, ex);
		}
		answered(slot);
		return SlotCall.answered(value);
	}

	/**
	 * Whether a caller about to use a slot should fail fast. When the slot's probe
	 * interval has passed, the one caller that claims the probe gets {@code false}; it
	 * must then report {@link #answered(int)} or {@link #failed(int, Throwable)}.
	 * @param slot the slot
	 * @return whether to fail fast
	 */
	public boolean failsFast(int slot) {
		return this.health.failsFast(slot);
	}

	/**
	 * Report that Redis answered a call for a slot: a suspect slot and its master's slots
	 * are healthy again.
	 * @param slot the slot
	 */
	public void answered(int slot) {
		if (this.health.isSuspect(slot) && this.health.markHealthy(slot)) {
			logger.info("Slot " + slot + " answers again; its master's slots are served by Redis again");
		}
	}

	/**
	 * Report that a call for a slot failed, and classify the failure.
	 * @param <T> the type of the call's answer
	 * @param slot the slot
	 * @param failure the failure (wrapped or not)
	 * @return {@link SlotCall.Kind#OUTAGE} (the slot is now marked failing) or
	 * {@link SlotCall.Kind#REFUSED}
	 */
	public <T> SlotCall<T> failed(int slot, Throwable failure) {
		RuntimeException error = (failure instanceof RuntimeException runtime) ? runtime
				: new IllegalStateException(failure);
		Optional<OutageReason> reason = RedisOutage.reason(failure);
		if (reason.isEmpty()) {
			return SlotCall.refused(error);
		}
		if (this.health.markFailing(slot)) {
			logger.warn("Slot " + slot + " is failing (" + reason.get() + "); it and its master's other slots "
					+ "fail fast (reads degrade, writes are buffered) until a probe answers");
		}
		return SlotCall.outage(reason.get(), error);
	}

	/**
	 * The failing marks this protocol keeps.
	 * @return the slot health
	 */
	public SlotHealth health() {
		return this.health;
	}

}
