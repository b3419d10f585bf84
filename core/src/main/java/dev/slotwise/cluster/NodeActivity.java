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

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one master has been doing, as Slotwise's own calls to it saw: how many are in
 * flight, when it last answered, and how long it usually takes. {@link SlotGuard} reads
 * it to tell a node that has gone silent (hung, paused, its host frozen) before the first
 * timeout fires: a call in flight to such a node waits no longer than the node's stall
 * threshold ({@link StallDetection}), and later callers fail fast.
 *
 * <p>
 * Silence is measured from the later of the node's last answer and the moment it last
 * became busy, and only while a call is in flight: an idle node is never silent, and a
 * busy node that keeps answering (slowly, or with large values) is not either.
 *
 * <p>
 * Thread-safe and allocation-free; times are {@link System#nanoTime()} values. Updates
 * race benignly: the usual latency is an estimate.
 */
public final class NodeActivity {

	private final AtomicInteger inFlight = new AtomicInteger();

	private volatile long busySince;

	private volatile long lastAnswer;

	private volatile long usualNanos;

	private volatile long confirmedAt;

	/**
	 * Record a call that starts now.
	 * @param now the current time
	 * @return the call's start, to pass to {@link #answered(long, long)}
	 */
	public long begin(long now) {
		if (this.inFlight.getAndIncrement() == 0) {
			this.busySince = now;
		}
		return now;
	}

	/**
	 * Record that the node answered a call (with a value or with an error of its own).
	 * @param started the call's start
	 * @param now the current time
	 */
	public void answered(long started, long now) {
		this.inFlight.decrementAndGet();
		this.lastAnswer = now;
		long latency = Math.max(0, now - started);
		long usual = this.usualNanos;
		// An exponentially weighted mean with weight 1/16: a few slow answers move it
		// little, a lasting change within a hundred calls.
		this.usualNanos = (usual == 0) ? latency : usual + (latency - usual) / 16;
	}

	/**
	 * Record an answer to a command whose caller stopped waiting for it.
	 * @param now the current time
	 */
	public void heard(long now) {
		this.lastAnswer = now;
	}

	/**
	 * Record that a call ended without an answer from the node (a timeout, a lost
	 * connection).
	 */
	public void abandoned() {
		this.inFlight.decrementAndGet();
	}

	/**
	 * How long the node has said nothing while a call was waiting for it.
	 * @param now the current time
	 * @return nanoseconds of silence; 0 when no call is in flight
	 */
	public long silentNanos(long now) {
		if (this.inFlight.get() <= 0) {
			return 0;
		}
		return Math.max(0, now - Math.max(this.lastAnswer, this.busySince));
	}

	/**
	 * How long the node usually takes to answer.
	 * @return the estimate in nanoseconds; 0 before the first answer
	 */
	public long usualNanos() {
		return this.usualNanos;
	}

	/**
	 * Calls in flight to the node.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Record that the cluster's other masters confirmed this master as the master of its
	 * slots (see {@link SlotPeers#confirmMaster(int)}).
	 * @param now the time, from {@link System#nanoTime()}
	 */
	public void confirmed(long now) {
		this.confirmedAt = now;
	}

	/**
	 * Whether this master was confirmed recently.
	 * @param now the time, from {@link System#nanoTime()}
	 * @param validityNanos how long a confirmation holds
	 * @return whether a confirmation is younger than that
	 */
	public boolean confirmedWithin(long now, long validityNanos) {
		long at = this.confirmedAt;
		return at != 0 && now - at < validityNanos;
	}

}
