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

package dev.slotwise.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A limit: how many calls per window, by which algorithm.
 *
 * @param algorithm the algorithm
 * @param permits calls allowed per window (the refill per window for a token bucket, the
 * rate for GCRA)
 * @param window the window
 * @param burst calls allowed at once by a token bucket or GCRA (ignored by the window
 * algorithms)
 */
public record RateLimit(Algorithm algorithm, long permits, Duration window, long burst) {

	/**
	 * Check the values: a limit that would silently allow everything or nothing is an
	 * error.
	 */
	public RateLimit {
		Objects.requireNonNull(algorithm, "algorithm must not be null");
		Objects.requireNonNull(window, "window must not be null");
		if (permits < 1) {
			throw new IllegalArgumentException(
					"permits must be at least 1, was " + permits + ": a limit of zero would deny every call");
		}
		if (window.toMillis() < 1) {
			throw new IllegalArgumentException("window must be at least 1 ms, was " + window);
		}
		if (burst < 1) {
			throw new IllegalArgumentException("burst must be at least 1, was " + burst);
		}
	}

	/**
	 * At most {@code permits} calls per window; the window opens at the first call.
	 * @param permits calls per window
	 * @param window the window
	 * @return the limit
	 */
	public static RateLimit fixedWindow(long permits, Duration window) {
		return new RateLimit(Algorithm.FIXED_WINDOW, permits, window, permits);
	}

	/**
	 * About {@code permits} calls per sliding window (the previous window weighted).
	 * @param permits calls per window
	 * @param window the window
	 * @return the limit
	 */
	public static RateLimit slidingWindow(long permits, Duration window) {
		return new RateLimit(Algorithm.SLIDING_WINDOW, permits, window, permits);
	}

	/**
	 * A bucket of {@code burst} tokens refilled at {@code permits} per window.
	 * @param permits tokens added per window
	 * @param window the window
	 * @param burst the bucket's size
	 * @return the limit
	 */
	public static RateLimit tokenBucket(long permits, Duration window, long burst) {
		return new RateLimit(Algorithm.TOKEN_BUCKET, permits, window, burst);
	}

	/**
	 * One call every {@code window / permits}, up to {@code burst} at once.
	 * @param permits calls per window
	 * @param window the window
	 * @param burst calls allowed at once
	 * @return the limit
	 */
	public static RateLimit gcra(long permits, Duration window, long burst) {
		return new RateLimit(Algorithm.GCRA, permits, window, burst);
	}

	/**
	 * The longest a key of this limit lives without traffic.
	 * @return the duration
	 */
	public Duration keyLifetime() {
		return switch (this.algorithm) {
			case FIXED_WINDOW -> this.window;
			case SLIDING_WINDOW -> this.window.multipliedBy(2);
			case TOKEN_BUCKET, GCRA -> this.window.multipliedBy(this.burst).dividedBy(this.permits).plusMillis(1);
		};
	}

	/**
	 * The algorithms, each one Lua script run atomically on the node that owns the
	 * subject's slot.
	 */
	public enum Algorithm {

		/** A counter per window that expires with it. Exact: never more than permits. */
		FIXED_WINDOW,

		/** The previous window weighted by its overlap, plus the current one. */
		SLIDING_WINDOW,

		/** A bucket of tokens refilled at a steady rate. */
		TOKEN_BUCKET,

		/** The generic cell rate algorithm: one stored time per subject. */
		GCRA

	}

}
