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

/**
 * When a master counts as stalled: it has answered nothing, while a call waited for it,
 * for longer than {@code max(floor, multiplier × the time it usually takes)}. A stalled
 * master's calls in flight stop waiting and its slots fail fast, with
 * {@link OutageReason#STALLED}, until it answers again (any answer clears the mark at
 * once) or its probe does.
 *
 * <p>
 * A master that has not answered any call yet is never counted as stalled: nothing says
 * how long it usually takes, and its first connection may still be opening.
 *
 * <p>
 * The floor keeps a node that is merely slow for a moment (a large value, a client-side
 * garbage collection) from being flagged; the multiplier keeps a node that is always
 * slower (a remote zone) from being flagged for its usual pace. A node that stops
 * answering for longer than the threshold, for whatever reason, is treated as stalled
 * while it is silent: from the client, a {@code DEBUG SLEEP} or a long script looks the
 * same as a frozen process.
 *
 * @param enabled whether calls stop waiting for a silent master
 * @param floor the shortest silence that counts as a stall
 * @param multiplier how many times its usual answer time a master may stay silent
 */
public record StallDetection(boolean enabled, Duration floor, int multiplier) {

	/** Default shortest silence that counts as a stall: 25 ms. */
	public static final Duration DEFAULT_FLOOR = Duration.ofMillis(25);

	/** Default multiple of a master's usual answer time that counts as a stall: 10. */
	public static final int DEFAULT_MULTIPLIER = 10;

	/** No stall detection: calls wait their full timeout. */
	public static final StallDetection DISABLED = new StallDetection(false, DEFAULT_FLOOR, DEFAULT_MULTIPLIER);

	/**
	 * Check the values.
	 */
	public StallDetection {
		if (floor.isNegative() || floor.isZero()) {
			throw new IllegalArgumentException("floor must be positive, was " + floor);
		}
		if (multiplier < 1) {
			throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
		}
	}

	/**
	 * Detection with the default floor and multiplier.
	 * @return the defaults
	 */
	public static StallDetection defaults() {
		return new StallDetection(true, DEFAULT_FLOOR, DEFAULT_MULTIPLIER);
	}

	/**
	 * The silence after which a master counts as stalled.
	 * @param usualNanos how long the master usually takes to answer
	 * @return the threshold in nanoseconds
	 */
	public long thresholdNanos(long usualNanos) {
		long scaled = (usualNanos > Long.MAX_VALUE / this.multiplier) ? Long.MAX_VALUE : usualNanos * this.multiplier;
		return Math.max(this.floor.toNanos(), scaled);
	}

}
