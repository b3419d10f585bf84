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

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The failure protocol every caller of Redis in Slotwise follows (the cache, the write
 * buffer and its replay, the rate limiter): the one place that decides whether a call for
 * a slot is made, classifies its outcome, marks the slot or clears its mark, and logs
 * each change of state once.
 *
 * <ol>
 * <li>A slot marked failing ({@link SlotHealth}) fails fast: nothing is sent. After its
 * probe interval exactly one caller is let through as the probe, once the cluster has
 * confirmed that the node the client routes the slot to is still its master
 * ({@link SlotPeers#confirmMaster(int)}). The caller that claims the probe does not wait
 * for that answer: it fails fast, and a confirmation lets the next caller probe at
 * once.</li>
 * <li>A call waiting in {@link #await} for a master that has stalled
 * ({@link StallDetection}: it has answered nothing for far longer than it usually takes)
 * stops waiting and marks the master's slots failing, before any timeout has fired; the
 * callers after it fail fast.</li>
 * <li>A call that fails with an outage ({@link RedisOutage}: a timeout, a stall, a lost
 * connection, {@code CLUSTERDOWN}...) marks the slot and its master's other slots
 * failing; the first mark is logged with its {@link OutageReason}.</li>
 * <li>A call that fails because Redis refused the command (wrong type, a script error) is
 * not an outage: the slot keeps its state and the error reaches the caller.</li>
 * <li>A call that answers on a suspect slot clears its master's mark, logged once. An
 * answer that comes late, to a call that stopped waiting for a stalled master, clears it
 * only once the cluster confirms that master.</li>
 * </ol>
 *
 * Callers that wait for an asynchronous reply inside their call use
 * {@link #await(int, CompletableFuture, Duration)}, which stops waiting as soon as the
 * master stalls. Callers that complete asynchronously (a pipelined replay) or that decide
 * under their own lock whether to call (the write buffer) use {@link #failsFast(int)},
 * then {@link #attempt(int, Supplier)}, or {@link #answered(int)} or
 * {@link #failed(int, Throwable)}.
 *
 * <p>
 * Thread-safe; the healthy path costs a few volatile reads and two atomic updates of the
 * master's {@link NodeActivity}.
 */
public final class SlotGuard {

	private static final Log logger = LogFactory.getLog(SlotGuard.class);

	/**
	 * How long a confirmation of a slot's master lets a probe through: long enough for
	 * the next caller after the answer, short enough that a master that fails meanwhile
	 * is asked about again.
	 */
	private static final Duration CONFIRMATION_VALIDITY = Duration.ofMillis(200);

	private final SlotHealth health;

	private final StallDetection stalls;

	private final LongAdder refusedProbes = new LongAdder();

	/**
	 * Create the protocol over slot health, without stall detection.
	 * @param health the failing marks it reads and sets
	 */
	public SlotGuard(SlotHealth health) {
		this(health, StallDetection.DISABLED);
	}

	/**
	 * Create the protocol over slot health.
	 * @param health the failing marks it reads and sets; its {@link SlotPeers} tell which
	 * master serves a slot, which stall detection needs
	 * @param stalls when a silent master counts as stalled
	 */
	public SlotGuard(SlotHealth health, StallDetection stalls) {
		this.health = Objects.requireNonNull(health, "health must not be null");
		this.stalls = Objects.requireNonNull(stalls, "stalls must not be null");
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
		return attempt(slot, call);
	}

	/**
	 * Run a call for a slot that {@link #failsFast(int)} already let through: classify
	 * its outcome, mark or clear the slot, and record the master's activity.
	 * @param <T> the type of the answer
	 * @param slot the slot the call's keys hash to
	 * @param call the call; runs on the caller's thread, at most once
	 * @return what became of the call: never {@link SlotCall.Kind#FAILED_FAST}
	 */
	public <T> SlotCall<T> attempt(int slot, Supplier<T> call) {
		@Nullable NodeActivity node = this.stalls.enabled() ? this.health.activityOf(slot) : null;
		long started = (node != null) ? node.begin(System.nanoTime()) : 0;
		T value;
		try {
			value = call.get();
		}
		catch (RuntimeException ex) {
			SlotCall<T> failed = failed(slot, ex);
			if (node != null) {
				if (failed.unavailable()) {
					node.abandoned();
				}
				else {
					// Redis refused the command: the node answered.
					node.answered(started, System.nanoTime());
				}
			}
			return failed;
		}
		if (node != null) {
			node.answered(started, System.nanoTime());
		}
		answered(slot);
		return SlotCall.answered(value);
	}

	/**
	 * Wait for the reply of a command sent inside {@link #call} or {@link #attempt}: at
	 * most the timeout, and no longer than the slot's master may stay silent
	 * ({@link StallDetection}).
	 * @param <T> the type of the reply
	 * @param slot the slot the command's keys hash to
	 * @param reply the reply
	 * @param timeout the longest wait
	 * @return the reply
	 * @throws SlotStalledException if the master stalled while the caller waited
	 * @throws TimeoutException if the timeout passed
	 * @throws ExecutionException if the command failed
	 * @throws InterruptedException if the caller was interrupted
	 */
	public <T> T await(int slot, CompletableFuture<T> reply, Duration timeout)
			throws TimeoutException, ExecutionException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		@Nullable NodeActivity node = this.stalls.enabled() ? this.health.activityOf(slot) : null;
		if (node != null && node.usualNanos() == 0) {
			// The master has not answered yet (its first connection may still be
			// opening): nothing says how long it usually takes.
			node = null;
		}
		while (true) {
			long now = System.nanoTime();
			long left = deadline - now;
			if (left <= 0) {
				throw new TimeoutException("No answer within " + timeout);
			}
			long wait = left;
			if (node != null) {
				long threshold = this.stalls.thresholdNanos(node.usualNanos());
				long silent = node.silentNanos(now);
				if (silent >= threshold) {
					// After a pause of this process (a garbage collection), replies
					// that arrived meanwhile are still being read: give them a fifth of
					// the floor to land before calling the master stalled.
					try {
						return reply.get(Math.max(this.stalls.floor().toNanos() / 5, 1_000_000), TimeUnit.NANOSECONDS);
					}
					catch (TimeoutException ex) {
						long later = System.nanoTime();
						// When another busy master is as silent, this process is the
						// likelier cause (a pause, a starved CPU): keep waiting, a fifth
						// of the floor at a time, up to the timeout.
						if (node.silentNanos(later) >= threshold
								&& !this.health.othersSilent(node, later, this.stalls)) {
							clearWhenAnswered(slot, node, reply);
							throw stalled(slot, node, node.silentNanos(later));
						}
						continue;
					}
				}
				wait = Math.min(left, threshold - silent);
			}
			try {
				return reply.get(Math.max(wait, 1), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				// Look again: the master may have stalled, or the timeout passed.
			}
		}
	}

	/**
	 * Whether a caller about to use a slot should fail fast because the slot is marked
	 * failing. When its probe interval has passed, the one caller that claims the probe
	 * gets {@code false}; it must then report {@link #answered(int)} or
	 * {@link #failed(int, Throwable)}.
	 * @param slot the slot
	 * @return whether to fail fast
	 */
	public boolean failsFast(int slot) {
		if (this.health.failsFast(slot)) {
			return true;
		}
		if (!this.health.isSuspect(slot)) {
			return false;
		}
		// This caller claimed the probe of a failing slot. A master the cluster has
		// flagged failing or replaced may still answer (a stopped master that resumed
		// acknowledges writes until gossip demotes it, and they are lost): probe only a
		// master the cluster still holds as the slot's master.
		@Nullable NodeActivity master = this.health.activityOf(slot);
		if (master != null && master.confirmedWithin(System.nanoTime(), CONFIRMATION_VALIDITY.toNanos())) {
			return false;
		}
		// Ask without making this caller wait: it fails fast, and a confirmation lets the
		// next caller probe at once.
		CompletableFuture<Boolean> confirmation = this.health.confirmMaster(slot).toCompletableFuture();
		Boolean known = confirmation.getNow(null);
		if (known != null) {
			if (!known) {
				this.refusedProbes.increment();
			}
			return !known;
		}
		confirmation.whenComplete((answer, failure) -> {
			if (Boolean.TRUE.equals(answer)) {
				if (master != null) {
					master.confirmed(System.nanoTime());
				}
				this.health.probeNow(slot);
			}
			else {
				this.refusedProbes.increment();
			}
		});
		return true;
	}

	/**
	 * How many probes were not sent because the cluster no longer held the slot's master
	 * as its master (see {@link SlotPeers#confirmMaster(int)}).
	 * @return the count since start
	 */
	public long refusedProbes() {
		return this.refusedProbes.sum();
	}

	/**
	 * The command a stalled caller stopped waiting for is still in flight: its answer is
	 * the first sign that the master is back, so it clears the mark at once instead of
	 * waiting for the probe.
	 */
	private void clearWhenAnswered(int slot, NodeActivity node, CompletableFuture<?> reply) {
		reply.whenComplete((value, failure) -> {
			if (failure == null || RedisOutage.reason(failure).isEmpty()) {
				node.heard(System.nanoTime());
				this.health.confirmMaster(slot).thenAccept((confirmed) -> {
					if (confirmed) {
						answered(slot);
					}
				});
			}
		});
	}

	private SlotStalledException stalled(int slot, NodeActivity node, long silentNanos) {
		return new SlotStalledException("The master of slot " + slot + " has answered nothing for "
				+ millis(silentNanos) + " while " + node.inFlight() + " call(s) waited (it usually answers in "
				+ millis(node.usualNanos()) + ")");
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
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
					+ "fail fast (reads degrade, writes are buffered) until a probe answers"
					+ ((reason.get() == OutageReason.STALLED) ? ": " + failure.getMessage() : ""));
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

	/**
	 * When this protocol counts a master as stalled.
	 * @return the stall detection
	 */
	public StallDetection stalls() {
		return this.stalls;
	}

}
